/**
 * `npm run cli -- scan --bfile PREFIX | --pfile PREFIX | --vcf FILE | --bgen FILE [--sample FILE] --pheno FILE [--pheno-name a,b] [--covar FILE --covar-name c1,c2]
 *   [--gxe E] [--backend cpu|wasm|webgpu] [--chr C] [--from-bp N --to-bp N] [--omnibus] --out PREFIX`
 * Writes PREFIX.<response>.glm.linear per response (plink2 format), PREFIX.omnibus.glm.tsv with --omnibus,
 * and PREFIX.scan.log (samples, exclusions, genomic-control lambda, NA counts by ERRCODE).
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { arg, type CliCommand, type ParsedArgs } from '../args';
import { bgenIndexNotes, openGenotypes } from '../openGenotypes';
import { loadTable } from '../loadTable';
import { progressPrinter } from '../progressPrinter';
import type { ScanChunkResult } from '../../lib/assoc/runScan';
import type { KernelPool, ScanBackend } from '../../lib/assoc/StatsKernel';
import { glmLinearHeader, glmLinearRows, OMNIBUS_HEADER, omnibusRows } from '../../lib/assoc/glmLinearRows';
import { genotypeQcOptions, qcFromArgs } from '../genotypeQcArgs';
import { genotypeInputOptions, genotypeInputs, withFamilyIds } from '../genotypeArgs';
import { covariateInputs } from '../covariateInputs';
import { SCAN_BACKEND_DEFAULT, TABLE_PRECISION } from '../../lib/pipeline/defaults';
import { alignSamples } from '../../lib/pipeline/alignSamples';
import { scanStep } from '../../lib/pipeline/scanStep';
import { genotypeReport } from '../../lib/pipeline/genotypeReport';
import type { VariantFilter } from '../../lib/io/GenotypeSource';
import { lambdaWarning } from '../../lib/pipeline/lambdaWarnings';
import { genotypeFingerprint, structureFromOption, structureOptions, structureRunFromArgs } from '../structureArgs';
import type { LocoAdjustment } from '../../lib/pipeline/locoScan';
import { COUNTED_ALLELE_DEFAULT, type CountedAllele } from '../../lib/io/countedAllele';

/** `--a1 minor|alt` (scan and pipeline): the counted allele. */
export const A1_OPTION = {
  name: 'a1',
  type: 'string',
  meta: 'minor|alt',
  choices: ['minor', 'alt'],
  help: `counted allele: minor = plink2 --glm default (ALT unless its founder frequency is above 0.5), alt = plink2 omit-ref (default ${COUNTED_ALLELE_DEFAULT})`,
} as const;

export function countedAlleleArg(a: ParsedArgs): CountedAllele {
  return (arg.str(a, 'a1') as CountedAllele | undefined) ?? COUNTED_ALLELE_DEFAULT;
}

export const command: CliCommand = {
  name: 'scan',
  summary: 'genome-wide scan of every response: plink2 --glm linear statistics (ADD, SNPxE), one genotype pass',
  details: [
    'Outputs: PREFIX.<response>.glm.linear (#CHROM POS ID REF ALT A1 TEST OBS_CT BETA SE T_STAT P; A1 = the',
    'counted allele as plink2 --glm picks it: ALT unless its founder frequency is above 0.5, then REF; --a1 alt',
    'counts ALT always, as plink2 omit-ref), PREFIX.omnibus.glm.tsv with --omnibus',
    '(#CHROM POS ID A1 OBS_CT CHISQ DF P; with --gxe also PREFIX.omnibus.ADDx<E>.glm.tsv), PREFIX.scan.log.',
    'Without --pheno-name every numeric column of --pheno is a response; without --covar-name every column of',
    '--covar but the --gxe one is a covariate. --gxe names a column of --covar (or --pheno): rows ADD, <E>, ADDx<E>.',
    'QC flags as plink2 (--maf, --geno, --hwe, --mind; off unless given); removals are counted in PREFIX.scan.log.',
    '--pca K adds K genetic PCs as covariates; --loco subtracts the LOCO ridge prediction (regenie step 1) of the',
    'tested variant\'s chromosome from each response. Without them the scan is plink2 --glm exact.',
    '--structure-from PREFIX reuses the PCs and LOCO predictions that `structure --out PREFIX` computed on the same',
    'responses and covariates (the same bytes as computing them here; shards of a workflow compute them once).',
    'Shard a large job with --chr / --from-bp / --to-bp (or --from-index/--to-index) and concatenate outputs.',
    '',
    'Example: npm run cli -- scan --bfile data/cohort --pheno out/hsv.tsv --covar data/covar.tsv --covar-name age,sex --out out/scan',
  ].join('\n'),
  options: [
    ...genotypeInputOptions('VCF or VCF.gz (hard calls; DS dosages with --dosage)'),
    { name: 'dosage', type: 'flag', help: 'VCF: use DS dosages where present' },
    { name: 'pheno', type: 'string', required: true, meta: 'FILE', help: 'responses: #FID IID ... TSV or IID-first CSV' },
    { name: 'pheno-name', type: 'list', meta: 'a,b,...', help: 'responses to scan (default: every numeric column)' },
    { name: 'id-col', type: 'string', meta: 'NAME', help: 'ID column of --pheno/--covar (default IID, else the first column)' },
    { name: 'covar', type: 'string', meta: 'FILE', help: 'covariates table' },
    { name: 'covar-name', type: 'list', meta: 'c1,c2', help: 'covariates to use (default: every column of --covar but the --gxe one)' },
    { name: 'gxe', type: 'string', meta: 'E', help: 'SNPxE with this environment column (plink2 --glm interaction parameterization)' },
    { name: 'backend', type: 'string', choices: ['cpu', 'wasm', 'webgpu'], default: 'wasm', help: 'kernel: wasm (WASM SIMD on CPU workers), cpu (JS on CPU workers), webgpu (WGSL)' },
    { name: 'threads', type: 'int', meta: 'N', help: 'CPU worker threads (default: one per core for jobs above 5e7 calls; 1 = no workers)' },
    { name: 'chr', type: 'list', meta: 'C', help: 'chromosomes to scan (e.g. 1 or 1,2,X)' },
    { name: 'from-bp', type: 'int', meta: 'N', help: 'first position (with --chr)' },
    { name: 'to-bp', type: 'int', meta: 'N', help: 'last position (with --chr)' },
    { name: 'from-index', type: 'int', meta: 'I', help: 'first variant index (0-based, file order) of a shard' },
    { name: 'to-index', type: 'int', meta: 'J', help: 'end variant index (exclusive) of a shard' },
    ...structureOptions({ pcs: 0, loco: false }),
    structureFromOption,
    A1_OPTION,
    { name: 'omnibus', type: 'flag', help: 'omnibus chi-square test across all responses (and per SNPxE term)' },
    { name: 'errcode', type: 'flag', help: "append plink2's ERRCODE column to .glm.linear files" },
    { name: 'chunk', type: 'int', meta: 'V', help: 'variants per chunk (default: ~4 MB of genotypes)' },
    ...genotypeQcOptions,
    { name: 'out', type: 'string', required: true, meta: 'PREFIX', help: 'output prefix' },
  ],
  async run(a) {
    const out = arg.str(a, 'out') as string;
    const backend = (arg.str(a, 'backend') ?? SCAN_BACKEND_DEFAULT) as ScanBackend;
    const source = await openGenotypes({ ...genotypeInputs(a, 'scan'), dosage: arg.flag(a, 'dosage'), qc: qcFromArgs(a) });
    const genotypes = genotypeFingerprint(a, source);
    const iids = source.samples.iid;
    const phenoPath = arg.str(a, 'pheno') as string;
    const phenoTable = await loadTable(phenoPath, { idCol: arg.str(a, 'id-col'), precision: TABLE_PRECISION.responses });
    const gxeName = arg.str(a, 'gxe');
    const env = gxeName ? [gxeName] : [];
    const { covar, covariates: covariateNames } = await covariateInputs(a, env, 'scan');
    const aligned = alignSamples({ samples: source.samples, responses: phenoTable, responseNames: arg.list(a, 'pheno-name'), covar, covariates: covariateNames, env });
    const { responses } = aligned;
    let covariates = aligned.covariates;
    const gxe = aligned.env[0];
    const log: string[] = [];
    log.push(`genotypes: ${source.name}: ${iids.length} samples${source.nVariants !== null ? `, ${source.nVariants} variants` : ''}`);
    log.push(...bgenIndexNotes(source));
    log.push(...aligned.lines.filter((l) => !l.startsWith('samples:') && !l.startsWith('  left out:')));

    const filter: VariantFilter = {};
    const chr = arg.list(a, 'chr');
    if (chr) filter.chr = chr;
    const fromBp = arg.num(a, 'from-bp');
    const toBp = arg.num(a, 'to-bp');
    if (fromBp !== undefined) filter.fromBp = fromBp;
    if (toBp !== undefined) filter.toBp = toBp;
    const fromIndex = arg.num(a, 'from-index');
    const toIndex = arg.num(a, 'to-index');
    if (fromIndex !== undefined) filter.fromIndex = fromIndex;
    if (toIndex !== undefined) filter.toIndex = toIndex;

    // Outputs, one file per response, written chunk by chunk.
    const errcode = arg.flag(a, 'errcode');
    const fds = new Map<string, number>();
    const openOut = (path: string, header: string): number => {
      const fd = openSync(path, 'w');
      writeSync(fd, header);
      fds.set(path, fd);
      return fd;
    };
    let respFds: number[] = [];
    let omniFds: number[] = [];
    let tests: string[] = [];
    let omniTests: string[] = [];
    const threads = arg.num(a, 'threads');
    let pool: (KernelPool & { close(): Promise<void> }) | undefined;
    // Workers pay off beyond ~5e7 calls (each starts in ~0.6 CPU s); smaller jobs run in this thread.
    const calls = source.nVariants === null ? Infinity : source.nVariants * iids.length;
    if ((backend === 'cpu' || backend === 'wasm') && threads !== 1 && (threads !== undefined || calls > 5e7)) {
      const { createNodeKernelPool } = await import('../../platform/node/nodeKernelPool');
      pool = await createNodeKernelPool(threads);
    }
    const createGpuKernel = backend === 'webgpu' ? (await import('../../platform/node/nodeWebGpu')).nodeGpuKernelFactory() : undefined;
    const t0 = performance.now();
    let loco: LocoAdjustment | undefined;
    try {
      const { run: sr, settings: structure } = await structureRunFromArgs(a, source, { responses, covariates }, { pcs: 0, loco: false }, genotypes);
      if (sr) {
        const st = sr.step;
        covariates = sr.covariates;
        loco = sr.loco;
        log.push(...st.lines);
        if (st.pca) {
          const { eigenvecText, eigenvalText } = await import('../../lib/relate/pca');
          writeFileSync(`${out}.eigenvec`, eigenvecText(st.pca, withFamilyIds(source)));
          writeFileSync(`${out}.eigenval`, eigenvalText(st.pca));
        }
      }
      const step = await scanStep(
        { source, responses, covariates, env: aligned.env, loco, envAdjust: sr?.step.pcColumns },
        { backend, marginal: !gxe, filter, chunkVariants: arg.num(a, 'chunk'), omnibus: arg.flag(a, 'omnibus'), keepResults: false, countedAllele: countedAlleleArg(a) },
        {
          pool,
          createGpuKernel,
          onChunk(_env, c: ScanChunkResult) {
            if (respFds.length === 0) {
              tests = c.blocks[0].length === 1 ? ['ADD'] : ['ADD', gxe!.name, `ADDx${gxe!.name}`];
              respFds = responses.map((r) => openOut(`${out}.${r.name}.glm.linear`, glmLinearHeader(errcode)));
              if (c.omnibus) {
                omniTests = c.omnibus.length === 1 ? ['ADD'] : ['ADD', `ADDx${gxe!.name}`];
                omniFds = omniTests.map((t) => openOut(t === 'ADD' ? `${out}.omnibus.glm.tsv` : `${out}.omnibus.${t}.glm.tsv`, OMNIBUS_HEADER));
              }
            }
            responses.forEach((_, k) => writeSync(respFds[k], glmLinearRows(c, k, tests, errcode)));
            omniTests.forEach((_, t) => writeSync(omniFds[t], omnibusRows(c, t, responses.length)));
          },
          onProgress: progressPrinter('scan: ', { stage: false, unit: 'variants' }),
        },
      );
      const res = step.runs[0].result;
      if (respFds.length === 0) {
        // No variant passed the filters: still write headers so downstream concatenation works.
        for (const r of responses) openOut(`${out}.${r.name}.glm.linear`, glmLinearHeader(errcode));
        if (arg.flag(a, 'omnibus')) openOut(`${out}.omnibus.glm.tsv`, OMNIBUS_HEADER);
      }
      const s = res.summary;
      log.push(...genotypeReport(source).lines);
      log.push(`backend: ${s.backend}`);
      log.push(`samples: ${s.nSamples} in genotypes; ${s.nAnalysedCommon} with covariates and at least one response; ${s.excludedMissingCovariate} excluded for a missing covariate`);
      if (s.droppedConstantCovariates.length) log.push(`constant covariates dropped (as plink2 does): ${s.droppedConstantCovariates.join(', ')}`);
      log.push(`variants scanned: ${s.nVariants}`);
      for (const r of res.responses) {
        const lam = r.tests.map((t) => `${t.test} lambda ${t.lambda.toFixed(4)}`).join(', ');
        log.push(`response ${r.name}: ${r.nAnalysed} samples analysed (${s.missingResponse[r.name]} missing values); ${lam}`);
        for (const t of r.tests) {
          const w = lambdaWarning({ response: r.name, test: t.test, lambda: t.lambda }, structure);
          if (w) log.push(`  ${w}`);
        }
        for (const t of r.tests) {
          const ec = s.errcodeCounts[`${r.name} ${t.test}`];
          const keys = Object.keys(ec);
          if (keys.length) log.push(`  ${t.test} NA rows: ${keys.map((k) => `${k} ${ec[k]}`).join(', ')}`);
        }
      }
      if (res.omnibus) {
        log.push(`omnibus: ${res.omnibus.df} responses, ${res.omnibus.nComplete} complete-case samples; ${res.omnibus.tests.map((t) => `${t.test} lambda ${t.lambda.toFixed(4)}`).join(', ')}`);
      }
      log.push(`time: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      writeFileSync(`${out}.scan.log`, log.join('\n') + '\n');
      console.log(log.join('\n'));
      const written = [...fds.keys()];
      console.log(`wrote ${written.length} files: ${written.slice(0, 4).join(', ')}${written.length > 4 ? ', ...' : ''}`);
    } finally {
      for (const fd of fds.values()) closeSync(fd);
      await pool?.close();
    }
  },
};
