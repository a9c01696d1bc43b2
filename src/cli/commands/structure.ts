/**
 * `npm run cli -- structure --bfile PREFIX | --pfile PREFIX | --vcf FILE | --bgen FILE --pheno FILE [--pheno-name a,b]
 *   [--covar FILE [--covar-name c1,c2]] [--env E1,E2] [--pca K] [--no-loco] [--loco-files] --out PREFIX`
 * The structure step of `pipeline` (genetic PCs, the LOCO ridge step) computed once, for `scan` and `sis`
 * `--structure-from PREFIX` to reuse: PREFIX.structure.bin (src/lib/pipeline/structureFile.ts), PREFIX.eigenvec /
 * PREFIX.eigenval, PREFIX.structure.log, and with --loco-files regenie's PREFIX.<response>.loco.
 */
import { writeFileSync } from 'node:fs';
import { arg, UsageError, type CliCommand } from '../args';
import { openGenotypes } from '../openGenotypes';
import { loadTable } from '../loadTable';
import { writeFileAtomic } from '../writeFileAtomic';
import { genotypeQcOptions, qcFromArgs } from '../genotypeQcArgs';
import { genotypeInputOptions, genotypeInputs, withFamilyIds } from '../genotypeArgs';
import { covariateInputs } from '../covariateInputs';
import { genotypeFingerprint, runStructure, structureFilePath, structureOptions, structureSettingsFromArgs } from '../structureArgs';
import { STRUCTURE_DEFAULTS, TABLE_PRECISION } from '../../lib/pipeline/defaults';
import { alignSamples } from '../../lib/pipeline/alignSamples';
import { formatStructureFile } from '../../lib/pipeline/structureFile';
import { eigenvalText, eigenvecText } from '../../lib/relate/pca';
import { locoFileText } from '../../lib/relate/locoRidge';

export const command: CliCommand = {
  name: 'structure',
  summary: 'the structure step once (genetic PCs, LOCO ridge predictions) for scan/sis --structure-from PREFIX',
  details: [
    'Outputs: PREFIX.structure.bin (the PCs and every response\'s LOCO prediction per chromosome at full precision,',
    'with what they were computed on), PREFIX.eigenvec / PREFIX.eigenval (as `pca` and `scan --pca K`), PREFIX.structure.log,',
    'and with --loco-files PREFIX.<response>.loco (regenie step 1 format). Defaults are pipeline\'s: 10 PCs (LD-pruned',
    'as plink2 --indep-pairwise 1000 100 0.1) and the LOCO step over the variants with MAF >= 0.01.',
    '`scan` and `sis` with --structure-from PREFIX and the same genotypes, --pheno, --pheno-name, --covar and covariates',
    'adjust exactly as they do computing the step themselves (`scan --pca K --loco`); other inputs are refused.',
    'Covariates: --covar-name, else every --covar column that is not an --env factor (as pipeline and sis choose).',
    '',
    'Example: npm run cli -- structure --bfile data/cohort --pheno out/hsv.tsv --covar data/covar.csv --env smoking --out out/structure',
    '         npm run cli -- scan --bfile data/cohort --pheno out/hsv.tsv --covar data/covar.csv --covar-name age,sex --structure-from out/structure --out out/scan',
  ].join('\n'),
  options: [
    ...genotypeInputOptions('VCF or VCF.gz (hard calls; DS dosages with --dosage)'),
    { name: 'dosage', type: 'flag', help: 'VCF: use DS dosages where present (as scan --dosage)' },
    { name: 'pheno', type: 'string', required: true, meta: 'FILE', help: 'responses (e.g. hsv.tsv): the LOCO step predicts each' },
    { name: 'pheno-name', type: 'list', meta: 'a,b', help: 'responses (default: every numeric column)' },
    { name: 'id-col', type: 'string', meta: 'NAME', help: 'ID column of --pheno/--covar (default IID, else the first column)' },
    { name: 'covar', type: 'string', meta: 'FILE', help: 'covariates (and environment) table' },
    { name: 'covar-name', type: 'list', meta: 'c1,c2', help: 'covariates (default: every column of --covar that is not an --env factor)' },
    { name: 'env', type: 'list', meta: 'E1,E2', help: 'environment factors: left out of the default covariates' },
    ...structureOptions(STRUCTURE_DEFAULTS),
    { name: 'loco-files', type: 'flag', help: 'also write PREFIX.<response>.loco (regenie step 1 format: FID_IID, one line per chromosome)' },
    { name: 'threads', type: 'int', meta: 'N', help: 'worker threads of the LOCO step (default: number of cores; 1 = none)' },
    { name: 'chunk', type: 'int', meta: 'V', help: 'variants per chunk (default: ~4 MB of genotypes)' },
    ...genotypeQcOptions,
    { name: 'out', type: 'string', required: true, meta: 'PREFIX', help: 'output prefix' },
  ],
  async run(a) {
    const out = arg.str(a, 'out') as string;
    const settings = structureSettingsFromArgs(a, STRUCTURE_DEFAULTS);
    if (settings.pcs <= 0 && !settings.loco) throw new UsageError('structure: --pca 0 with --no-loco leaves nothing to compute');
    const source = await openGenotypes({ ...genotypeInputs(a, 'structure'), dosage: arg.flag(a, 'dosage'), qc: qcFromArgs(a) });
    const genotypes = genotypeFingerprint(a, source);
    const phenoTable = await loadTable(arg.str(a, 'pheno') as string, { idCol: arg.str(a, 'id-col'), precision: TABLE_PRECISION.responses });
    const env = arg.list(a, 'env') ?? [];
    const { covar, covariates } = await covariateInputs(a, env, 'structure');
    const aligned = alignSamples({ samples: source.samples, responses: phenoTable, responseNames: arg.list(a, 'pheno-name'), covar, covariates, env });
    const run = await runStructure(source, aligned, settings);
    if (!run) throw new UsageError('structure: nothing to compute');
    const st = run.step;
    const written: string[] = [];
    const write = (path: string, data: string | Uint8Array) => {
      writeFileAtomic(path, data);
      written.push(path);
    };
    if (st.pca) {
      write(`${out}.eigenvec`, eigenvecText(st.pca, withFamilyIds(source)));
      write(`${out}.eigenval`, eigenvalText(st.pca));
    }
    if (st.loco && arg.flag(a, 'loco-files')) {
      st.loco.responses.forEach((name, r) => write(`${out}.${name}.loco`, locoFileText(st.loco!, r, source.samples)));
    }
    const log = [
      `genotypes: ${source.name}: ${source.samples.iid.length} samples${source.nVariants !== null ? `, ${source.nVariants} variants` : ''}`,
      ...aligned.lines,
      ...st.lines,
      `time: ${st.seconds.toFixed(2)} s`,
    ];
    writeFileSync(`${out}.structure.log`, log.join('\n') + '\n');
    written.push(`${out}.structure.log`);
    // Last, so that a file that exists is a complete step (the workflow's rule waits on it).
    write(structureFilePath(out), formatStructureFile(st, settings, { samples: source.samples, responses: aligned.responses, covariates: aligned.covariates, genotypes }));
    console.log(log.join('\n'));
    console.log(`wrote ${written.join(', ')}`);
  },
};
