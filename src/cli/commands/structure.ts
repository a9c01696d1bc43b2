/**
 * `npm run cli -- structure --bfile PREFIX | --pfile PREFIX | --vcf FILE | --bgen FILE --pheno FILE [--pheno-name a,b]
 *   [--covar FILE [--covar-name c1,c2]] [--env E1,E2] [--pca K | --pcs-from P] [--no-loco] [--loco-files]
 *   [--level0 I/N | --level1-from FILES] --out PREFIX`
 * The structure step of `pipeline` (genetic PCs, the LOCO ridge step) computed once, for `scan` and `sis`
 * `--structure-from PREFIX` to reuse: PREFIX.structure.bin (src/lib/pipeline/structureFile.ts), PREFIX.eigenvec /
 * PREFIX.eigenval, PREFIX.structure.log, and with --loco-files regenie's PREFIX.<response>.loco. The step splits
 * across processes (src/cli/structureShards.ts): PCs once (no --pheno, --no-loco), level 0 per group of blocks
 * (--level0 I/N: PREFIX.level0.I.bin), level 1 over the groups (--level1-from), the same file as one process.
 */
import { writeFileSync } from 'node:fs';
import { arg, UsageError, type CliCommand, type ParsedArgs } from '../args';
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
import { structureFromPcs } from '../../lib/pipeline/structureShards';
import type { StructureStepResult } from '../../lib/pipeline/structureStep';
import type { NamedColumn } from '../../lib/assoc/design';
import type { GenotypeSource } from '../../lib/io/GenotypeSource';
import { parseLevel0Group, readPcsFrom, structureFromShardFiles, writeLevel0Shard } from '../structureShards';

/**
 * The responses and covariates aligned to the genotype samples; without --pheno (genetic PCs only, --no-loco)
 * none: the PCs depend on the genotypes only, and such a file serves --pcs-from.
 */
async function stepInputs(a: ParsedArgs, source: GenotypeSource, loco: boolean): Promise<{ responses: NamedColumn[]; covariates: NamedColumn[]; lines: string[] }> {
  const pheno = arg.str(a, 'pheno');
  if (pheno === undefined) {
    if (loco) throw new UsageError('structure: --pheno is needed for the LOCO step (without --pheno: --no-loco, genetic PCs only, for --pcs-from)');
    const given = ['covar', 'covar-name', 'pheno-name', 'env'].filter((k) => a[k] !== undefined);
    if (given.length) throw new UsageError(`structure: genetic PCs only (no --pheno) depend on the genotypes alone: leave out ${given.map((k) => `--${k}`).join(', ')}`);
    return { responses: [], covariates: [], lines: [] };
  }
  const phenoTable = await loadTable(pheno, { idCol: arg.str(a, 'id-col'), precision: TABLE_PRECISION.responses });
  const env = arg.list(a, 'env') ?? [];
  const { covar, covariates } = await covariateInputs(a, env, 'structure');
  return alignSamples({ samples: source.samples, responses: phenoTable, responseNames: arg.list(a, 'pheno-name'), covar, covariates, env });
}

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
    'Split across processes (docs/workflow.md), with the same PREFIX.structure.bin as one run (but for its "seconds"):',
    '  1. genetic PCs once, from the genotypes alone: structure GENO --pca K --no-loco --out P (no --pheno, --covar)',
    '  2. level 0 per group of blocks, any number of jobs at once: structure GENO --pheno R --covar C --pcs-from P',
    '     --level0 I/N --out L, for I = 1..N: the LOCO step\'s blocks (planned over the whole variant set, as one run',
    '     plans them) in N contiguous groups; writes L.level0.I.bin (group I\'s level-0 predictions: 4 x 5 x samples',
    '     x responses bytes a block, the block plan and a fingerprint of the inputs) and L.level0.I.log',
    '  3. level 1: structure GENO --pheno R --covar C --pcs-from P --level1-from L --out S (L: every L.level0.I.bin; or',
    '     the files by name): refuses shards of other inputs, of another split, given twice or missing; reads no',
    '     genotypes; writes S.structure.bin, S.eigenvec/.eigenval, S.structure.log as `structure` in one run.',
    'With --pca 0 leave out --pcs-from in 2 and 3. `--pcs-from P --no-loco` writes the PCs-only step for these responses.',
    '',
    'Example: npm run cli -- structure --bfile data/cohort --pheno out/hsv.tsv --covar data/covar.csv --env smoking --out out/structure',
    '         npm run cli -- scan --bfile data/cohort --pheno out/hsv.tsv --covar data/covar.csv --covar-name age,sex --structure-from out/structure --out out/scan',
  ].join('\n'),
  options: [
    ...genotypeInputOptions('VCF or VCF.gz (hard calls; DS dosages with --dosage)'),
    { name: 'dosage', type: 'flag', help: 'VCF: use DS dosages where present (as scan --dosage)' },
    { name: 'pheno', type: 'string', meta: 'FILE', help: 'responses (e.g. hsv.tsv): the LOCO step predicts each (needed unless --no-loco)' },
    { name: 'pheno-name', type: 'list', meta: 'a,b', help: 'responses (default: every numeric column)' },
    { name: 'id-col', type: 'string', meta: 'NAME', help: 'ID column of --pheno/--covar (default IID, else the first column)' },
    { name: 'covar', type: 'string', meta: 'FILE', help: 'covariates (and environment) table' },
    { name: 'covar-name', type: 'list', meta: 'c1,c2', help: 'covariates (default: every column of --covar that is not an --env factor)' },
    { name: 'env', type: 'list', meta: 'E1,E2', help: 'environment factors: left out of the default covariates' },
    ...structureOptions(STRUCTURE_DEFAULTS),
    { name: 'pcs-from', type: 'string', meta: 'P', help: 'the genetic PCs of P.structure.bin (`structure --pca K --no-loco --out P`, same genotypes) instead of computing them' },
    { name: 'level0', type: 'string', meta: 'I/N', help: 'level 0 of the LOCO step for group I of N of its blocks only: writes PREFIX.level0.I.bin for --level1-from' },
    { name: 'level1-from', type: 'words', meta: 'L | FILES', help: 'level 1 over the level-0 shards L.level0.1.bin .. L.level0.N.bin (or the files named): the whole step' },
    { name: 'loco-files', type: 'flag', help: 'also write PREFIX.<response>.loco (regenie step 1 format: FID_IID, one line per chromosome)' },
    { name: 'threads', type: 'int', meta: 'N', help: 'worker threads of the PCA passes and the LOCO step (default: number of cores; 1 = none)' },
    { name: 'chunk', type: 'int', meta: 'V', help: 'variants per chunk (default: ~4 MB of genotypes)' },
    ...genotypeQcOptions,
    { name: 'out', type: 'string', required: true, meta: 'PREFIX', help: 'output prefix' },
  ],
  async run(a) {
    const out = arg.str(a, 'out') as string;
    const settings = structureSettingsFromArgs(a, STRUCTURE_DEFAULTS);
    const level0 = arg.str(a, 'level0');
    const level1 = arg.list(a, 'level1-from');
    const pcsFrom = arg.str(a, 'pcs-from');
    const group = level0 !== undefined ? parseLevel0Group(level0) : undefined;
    if (group && level1) throw new UsageError('structure: --level0 (one group of blocks) and --level1-from (the merge) are separate runs');
    if ((group || level1) && !settings.loco) throw new UsageError(`structure: --${group ? 'level0' : 'level1-from'} splits the LOCO step: not with --no-loco`);
    const source = await openGenotypes({ ...genotypeInputs(a, 'structure'), dosage: arg.flag(a, 'dosage'), qc: qcFromArgs(a) });
    const genotypes = genotypeFingerprint(a, source);
    const pcs = pcsFrom !== undefined ? readPcsFrom(pcsFrom, { samples: source.samples, genotypes }) : undefined;
    if (pcs) {
      if (arg.num(a, 'pca') !== undefined && arg.num(a, 'pca') !== pcs.pca.k) throw new UsageError(`structure: --pca ${arg.num(a, 'pca')}, but --pcs-from ${pcsFrom} holds ${pcs.pca.k} PCs (leave out --pca)`);
      settings.pcs = pcs.pca.k;
    }
    if (level1 && settings.pcs > 0 && !pcs) throw new UsageError('structure: --level1-from with genetic PCs needs --pcs-from PREFIX (the PCs the level-0 runs adjusted for), or --pca 0');
    if (settings.pcs <= 0 && !settings.loco) throw new UsageError('structure: --pca 0 with --no-loco leaves nothing to compute');
    const aligned = await stepInputs(a, source, settings.loco);
    const genotypeLine = `genotypes: ${source.name}: ${source.samples.iid.length} samples${source.nVariants !== null ? `, ${source.nVariants} variants` : ''}`;
    if (group) {
      const shard = await writeLevel0Shard(out, source, aligned, settings, pcs, group, genotypes);
      const log = [genotypeLine, ...aligned.lines, ...shard.lines];
      writeFileSync(`${out}.level0.${group.index}.log`, log.join('\n') + '\n');
      console.log(log.join('\n'));
      console.log(`wrote ${out}.level0.${group.index}.log, ${shard.path} (${shard.bytes} bytes)`);
      return;
    }
    let st: StructureStepResult;
    if (level1) st = await structureFromShardFiles(level1, source, aligned, settings, pcs, genotypes);
    else if (pcs && !settings.loco) st = structureFromPcs(pcs, settings);
    else st = (await runStructure(source, aligned, settings, pcs))!.step;
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
    const log = [genotypeLine, ...aligned.lines, ...st.lines, `time: ${st.seconds.toFixed(2)} s`];
    writeFileSync(`${out}.structure.log`, log.join('\n') + '\n');
    written.push(`${out}.structure.log`);
    // Last, so that a file that exists is a complete step (the workflow's rule waits on it).
    write(structureFilePath(out), formatStructureFile(st, settings, { samples: source.samples, responses: aligned.responses, covariates: aligned.covariates, genotypes }));
    console.log(log.join('\n'));
    console.log(`wrote ${written.join(', ')}`);
  },
};
