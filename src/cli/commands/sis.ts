/**
 * `npm run cli -- sis --bfile PREFIX --pheno FILE --pheno-name a,b [--id-col NAME] [--covar FILE --covar-name c1,c2]
 *   [--env E1,E2] [--gxg [top|among|all]] [--gxg-top M] [--nsis D] [--penalty lasso|enet|scad|mcp]
 *   [--tune ebic|bic|cv] [--iter N] [--stability [B]] [--seed N] --out PREFIX`
 * Writes PREFIX.<response>.sis.tsv, PREFIX.<response>.selected.tsv, PREFIX.selected.tsv (all responses) and
 * PREFIX.sis.log. Library: src/lib/select (docs/selection.md).
 */
import { A1_OPTION, countedAlleleArg } from './scan';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { arg, UsageError, type CliCommand, type OptionSpec, type ParsedArgs } from '../args';
import { openGenotypes } from '../openGenotypes';
import { loadTable } from '../loadTable';
import { genotypeFingerprint, structureFromOption, structureOptions, structureRunFromArgs, type StructureRun } from '../structureArgs';
import { genotypeQcOptions, qcFromArgs } from '../genotypeQcArgs';
import { genotypeInputOptions, genotypeInputs } from '../genotypeArgs';
import { covariateInputs } from '../covariateInputs';
import { progressPrinter } from '../progressPrinter';
import type { GenotypeSource } from '../../lib/io/GenotypeSource';
import type { KernelPool } from '../../lib/assoc/StatsKernel';
import type { GxgMode, SisRun } from '../../lib/select/runSis';
import type { PenaltyKind } from '../../lib/select/penalty';
import type { TuneKind } from '../../lib/select/selectPenalized';
import { DEFAULT_SELECTION, PENALTIES, TUNES } from '../../lib/select/selectionSettings';
import type { SelectPool } from '../../lib/select/selectPool';
import { combinedSelectedTsv, screenedTsv, selectedTsv } from '../../lib/select/selectionTables';
import { TABLE_PRECISION } from '../../lib/pipeline/defaults';
import { alignSamples, type AlignedSamples } from '../../lib/pipeline/alignSamples';
import { selectStep, type SelectOptions, type SelectStepResult } from '../../lib/pipeline/selectStep';
import { genotypeReport } from '../../lib/pipeline/genotypeReport';
import { selectFromScreenedStep } from '../../lib/pipeline/shardedSelectStep';
import type { ScreenedShard } from '../../lib/select/screenShards';
import { EBIC_PRIORS, type EbicPrior } from '../../lib/select/ebicPrior';
import { InputError } from '../../lib/base/errors';
import { readScreenedShards, runSisShard, shardMode, sisShardOptions } from '../sisShards';

/** Options shared by `sis` and `pipeline` (the selection part). */
export const selectionOptions: OptionSpec[] = [
  A1_OPTION,
  { name: 'env', type: 'list', meta: 'E1,E2', help: 'environment factors (columns of --covar): E main effects and SNPxE terms' },
  { name: 'gxg', type: 'optional', meta: 'top|among|all', choices: ['top', 'among', 'all', 'none'], implicit: 'top', help: 'SNPxSNP terms: top-M x every SNP (top), pairs among the top M (among), all pairs (all)' },
  { name: 'gxg-top', type: 'int', meta: 'M', default: DEFAULT_SELECTION.gxgTop, help: 'top marginal SNPs paired' },
  { name: 'nsis', type: 'int', meta: 'D', help: 'terms kept by screening per response (default floor(n / log n))' },
  { name: 'penalty', type: 'string', choices: [...PENALTIES], default: DEFAULT_SELECTION.penalty, help: 'penalty (MCP gamma 3, SCAD a 3.7)' },
  { name: 'extra-paths', type: 'list', meta: 'P1,P2|none', default: ['lasso'], help: 'EBIC/BIC also score the active sets of these penalties\' paths' },
  { name: 'alpha', type: 'number', meta: 'A', help: 'elastic-net mixing (default 0.5)' },
  { name: 'tune', type: 'string', choices: [...TUNES], default: DEFAULT_SELECTION.tune, help: 'tuning rule' },
  { name: 'ebic-gamma', type: 'string', meta: 'G|auto', default: '1', help: 'EBIC gamma in [0, 1] (auto: 1 - 1/(2 log p / log n))' },
  { name: 'no-heredity', type: 'flag', help: 'select interactions without a selected parent too (default: weak heredity, an interaction only next to its SNP or E parent)' },
  { name: 'ebic-heredity', type: 'flag', help: 'EBIC counts an interaction next to a selected parent against that parent\'s partners only' },
  { name: 'ebic-prior', type: 'string', choices: [...EBIC_PRIORS], default: 'by-class', help: 'EBIC model-space prior: main effects and interactions each against their own universe (by-class, He & Chen 2016), or every term against all candidates (pooled)' },
  { name: 'folds', type: 'int', meta: 'K', default: DEFAULT_SELECTION.folds, help: 'folds for --tune cv' },
  { name: 'iter', type: 'int', meta: 'N', default: 0, help: 'vanilla ISIS rounds after the first selection' },
  { name: 'stability', type: 'optional', meta: 'B', implicit: '50', help: 'selection frequency over B half-samples (default 50 when given)' },
  { name: 'seed', type: 'int', meta: 'N', default: DEFAULT_SELECTION.seed, help: 'random seed (CV folds, subsamples)' },
  { name: 'df-max', type: 'int', meta: 'K', help: 'stop the path past K terms (default min(d, 100))' },
  { name: 'threads', type: 'int', meta: 'N', help: 'CPU worker threads for the genotype passes and the per-HSV selection, and in pipeline for the autoencoder candidates (default: number of cores; 1 = none)' },
  { name: 'screen-backend', type: 'string', choices: ['wasm', 'webgpu'], default: 'wasm', help: 'kernel of the screening passes (SNP, SNPxE, SNPxSNP): wasm (WASM SIMD on the CPU worker threads) or webgpu (WGSL through Dawn; on SwiftShader where there is no GPU)' },
];

/** The scan engine's worker pool for the genotype passes, unless --threads 1. */
export async function kernelPoolFromArgs(a: ParsedArgs): Promise<(KernelPool & { close(): Promise<void> }) | undefined> {
  const threads = arg.num(a, 'threads');
  if (threads === 1) return undefined;
  const { createNodeKernelPool } = await import('../../platform/node/nodeKernelPool');
  return createNodeKernelPool(threads);
}

/** Worker threads for the penalized selection (one response each), unless --threads 1 or one response. */
export async function selectPoolFromArgs(a: ParsedArgs, responses: number): Promise<SelectPool | undefined> {
  const threads = arg.num(a, 'threads');
  if (threads === 1 || responses < 2) return undefined;
  const { createNodeSelectPool } = await import('../../platform/node/nodeSelectPool');
  const { availableParallelism } = await import('node:os');
  return createNodeSelectPool(Math.min(threads ?? availableParallelism(), responses));
}

export interface SelectionConfig {
  env: string[];
  options: SelectOptions;
}

/** `defaultGxg`: the SNPxSNP mode when --gxg is not given ('none' for sis, 'top' for pipeline). */
export function selectionConfig(a: ParsedArgs, log: (m: string) => void, defaultGxg: GxgMode = 'none'): SelectionConfig {
  const gxgArg = a['gxg'];
  const gxg: GxgMode = gxgArg === undefined ? defaultGxg : gxgArg === true ? 'top' : (String(gxgArg) as GxgMode);
  const stabArg = a['stability'];
  const stability = stabArg === undefined ? 0 : Number(stabArg === true ? 50 : stabArg);
  if (!Number.isInteger(stability) || stability < 0) throw new UsageError(`--stability expects a whole number of subsamples, got '${String(stabArg)}'`);
  const g = arg.str(a, 'ebic-gamma') ?? '1';
  const extra = arg.list(a, 'extra-paths') ?? ['lasso'];
  const kinds = ['lasso', 'enet', 'scad', 'mcp'];
  for (const e of extra) if (e !== 'none' && !kinds.includes(e)) throw new UsageError(`--extra-paths must list lasso|enet|scad|mcp or none, got '${e}'`);
  const ebicGamma = g === 'auto' ? 'auto' : Number(g);
  if (ebicGamma !== 'auto' && !(ebicGamma >= 0 && ebicGamma <= 1)) throw new UsageError(`--ebic-gamma expects auto or a number in [0, 1], got '${g}'`);
  const maf = arg.num(a, 'maf');
  const geno = arg.num(a, 'geno');
  return {
    env: arg.list(a, 'env') ?? [],
    options: {
      nsis: arg.num(a, 'nsis'),
      gxg,
      gxgTop: arg.num(a, 'gxg-top') ?? DEFAULT_SELECTION.gxgTop,
      penalty: (arg.str(a, 'penalty') ?? DEFAULT_SELECTION.penalty) as PenaltyKind,
      extraPaths: extra.filter((e) => e !== 'none') as PenaltyKind[],
      alpha: arg.num(a, 'alpha'),
      tune: (arg.str(a, 'tune') ?? DEFAULT_SELECTION.tune) as TuneKind,
      ebicGamma,
      ebicHeredity: arg.flag(a, 'ebic-heredity'),
      ebicPrior: (arg.str(a, 'ebic-prior') ?? 'by-class') as EbicPrior,
      heredity: arg.flag(a, 'no-heredity') ? 'none' : 'weak',
      countedAllele: countedAlleleArg(a),
      folds: arg.num(a, 'folds'),
      iter: arg.num(a, 'iter') ?? 0,
      stability,
      seed: arg.num(a, 'seed') ?? DEFAULT_SELECTION.seed,
      qc: { maf: maf ?? DEFAULT_SELECTION.maf, geno: geno ?? DEFAULT_SELECTION.geno },
      dfMax: arg.num(a, 'df-max'),
      log,
    },
  };
}

export function writeSisOutputs(prefix: string, run: SisRun, extraLog: string[]): string[] {
  const dir = dirname(prefix);
  if (dir && dir !== '.') mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const r of run.responses) {
    writeFileSync(`${prefix}.${r.response}.sis.tsv`, screenedTsv(r));
    writeFileSync(`${prefix}.${r.response}.selected.tsv`, selectedTsv(r));
    written.push(`${prefix}.${r.response}.sis.tsv`, `${prefix}.${r.response}.selected.tsv`);
  }
  writeFileSync(`${prefix}.selected.tsv`, combinedSelectedTsv(run.responses));
  written.push(`${prefix}.selected.tsv`);
  const log = [...extraLog, ...sisLogLines(run)];
  writeFileSync(`${prefix}.sis.log`, log.join('\n') + '\n');
  written.push(`${prefix}.sis.log`);
  return written;
}

export function sisLogLines(run: SisRun): string[] {
  const q = run.qc;
  const u = run.universe;
  const lines = [
    `variants: ${q.variants}; passed QC ${q.passed}; excluded: call rate ${q.lowCallRate}, MAF ${q.lowMaf}, no variation after covariates ${q.constant}`,
    `candidate universe per response: ${u.snp} SNP + ${u.env} E + ${u.gxe} SNPxE + SNPxSNP ${[...new Set(u.gxg)].join('/') || 0}`,
    `penalty ${run.penalty}, tuning ${run.tune}${run.tune === 'cv' ? '' : `, EBIC prior ${run.ebicPrior === 'by-class' ? `by class (main effects against ${u.snp + u.env} SNP + E, interactions against the SNPxE + SNPxSNP terms)` : 'pooled (every term against the whole universe)'}`}`,
  ];
  for (const r of run.responses) {
    lines.push(
      `${r.response}: n ${r.n}, universe ${r.universe}, screened ${r.d}, selected ${r.selected.length} (${r.selected.map((t) => t.term).join(', ')}); lambda ${r.lambda.toPrecision(4)}${Number.isNaN(r.gamma) ? '' : `, EBIC gamma ${r.gamma.toFixed(3)}`}${r.isisRounds ? `, ISIS rounds ${r.isisRounds}` : ''}${r.stoppedAtDfMax ? ' (path stopped at --df-max)' : ''}`,
    );
  }
  const t = run.timings;
  lines.push(`time: screening ${t.marginalSeconds.toFixed(2)} s, SNPxSNP ${t.pairSeconds.toFixed(2)} s, selection ${t.selectSeconds.toFixed(2)} s, stability ${t.stabilitySeconds.toFixed(2)} s, total ${t.totalSeconds.toFixed(2)} s`);
  if (run.pairs.count > 0) lines.push(`SNPxSNP: ${run.pairs.count} pair scores in ${run.pairs.passes} pass(es), ${Math.round(run.pairs.perSecond)} pairs/s`);
  return lines;
}

/**
 * SIS and penalized selection on the aligned samples (pipeline selectStep), shared by `sis` and `pipeline`:
 * the summary lines of the run (handed to `announce` before it starts), the worker pools (closed afterwards).
 */
export async function screenAndSelect(
  a: ParsedArgs,
  source: GenotypeSource,
  aligned: AlignedSamples,
  cfg: SelectionConfig,
  label: string,
  announce?: (lines: string[]) => void,
  structure?: StructureRun | null,
  fromScreened?: (ScreenedShard & { source: string })[],
): Promise<{ step: SelectStepResult; lines: string[] }> {
  const iids = source.samples.iid;
  const gxg = cfg.options.gxg;
  const lines = [
    `genotypes: ${source.name}: ${iids.length} samples${source.nVariants !== null ? `, ${source.nVariants} variants` : ''}`,
    `responses: ${aligned.responses.map((r) => r.name).join(', ')}; covariates: ${aligned.covariates.map((c) => c.name).join(', ') || 'none'}; E: ${aligned.env.map((e) => e.name).join(', ') || 'none'}; SNPxSNP: ${gxg}${gxg === 'top' || gxg === 'among' ? ` (M = ${cfg.options.gxgTop})` : ''}`,
    ...aligned.lines,
    ...(structure?.step.lines ?? []),
  ];
  const gpu = arg.str(a, 'screen-backend') === 'webgpu' ? (await import('../../platform/node/nodeWebGpu')).nodeGpuKernelFactory() : undefined;
  if (gpu) lines.push('screening kernel: WebGPU (WGSL class sums, Dawn)');
  announce?.(lines);
  const pool = gpu ? undefined : await kernelPoolFromArgs(a);
  const selectPool = await selectPoolFromArgs(a, aligned.responses.length);
  try {
    const hooks = { pool, gpu, selectPool, onProgress: progressPrinter(`${label}: `) };
    const step = fromScreened
      ? await selectFromScreenedStep(source, aligned, cfg.options, fromScreened, hooks, structure?.loco)
      : await selectStep(source, aligned, cfg.options, hooks, structure?.loco);
    lines.push(...genotypeReport(source).lines);
    return { step, lines };
  } finally {
    await pool?.close();
    await selectPool?.close();
  }
}

export const command: CliCommand = {
  name: 'sis',
  summary: 'factor discovery: SIS over SNP, E, SNPxE, SNPxSNP terms, then penalized regression (lasso/enet/SCAD/MCP)',
  details: [
    'Outputs: PREFIX.<response>.sis.tsv (RANK TERM TYPE SCORE ROUND), PREFIX.<response>.selected.tsv',
    '(TERM TYPE CHROM POS A1 BETA BETA_PENALIZED R P STABILITY PARENTS PARENTS_SELECTED), PREFIX.selected.tsv',
    '(HSV + the same columns, all responses) and PREFIX.sis.log. TERM: SNP ID, E name, SNPID:E, SNPID1:SNPID2.',
    'Covariates are adjusted for (residualized), never screened; without --covar-name, every column of --covar that is',
    'not an --env factor. Missing genotype calls are mean-imputed.',
    'Samples: those with every response, covariate and E observed.',
    '',
    'Example: npm run cli -- sis --bfile sim/geno --pheno out/hsv.tsv --covar sim/covar.csv --covar-name age,sex --env smoking,alcohol --gxg --out out/sis',
    '',
    'Sharded screening (a cluster, workflow/Snakefile; docs/workflow.md), every job with the same inputs and options:',
    '  1. --gxg top|among only: per shard `--partners-only --from-index I --to-index J --out S` writes S.partners.json',
    '     (the shard\'s top-M SNPs per response; the last shard without --to-index);',
    '  2. per shard `--screen-only --from-index I --to-index J [--partners-from S1.partners.json,...] --out S` writes',
    '     S.screened.json (the shard\'s top-d SNP, SNPxE and SNPxSNP terms per response, with their scores);',
    '  3. `--from-screened S1.screened.json,... --out PREFIX` keeps each response\'s global top-d (plus E terms), exactly',
    '     as one process, selects, and writes the outputs above. Not with --iter or --tune cv (they screen again), nor --gxg all.',
    'With genetic PCs or LOCO, compute them once (`structure --out S`) and give every step --structure-from S.',
  ].join('\n'),
  options: [
    ...genotypeInputOptions(),
    { name: 'pheno', type: 'string', required: true, meta: 'FILE', help: 'responses table' },
    { name: 'pheno-name', type: 'list', meta: 'a,b', help: 'responses (default: every numeric column)' },
    { name: 'id-col', type: 'string', meta: 'NAME', help: 'ID column of --pheno/--covar (default IID, else the first column)' },
    { name: 'covar', type: 'string', meta: 'FILE', help: 'covariates (and environment) table' },
    { name: 'covar-name', type: 'list', meta: 'c1,c2', help: 'covariates adjusted for (default: every column of --covar that is not an --env factor)' },
    ...selectionOptions,
    ...genotypeQcOptions,
    ...structureOptions({ pcs: 0, loco: false }),
    structureFromOption,
    ...sisShardOptions,
    { name: 'out', type: 'string', required: true, meta: 'PREFIX', help: 'output prefix' },
  ],
  async run(a) {
    const mode = shardMode(a);
    const out = arg.str(a, 'out') as string;
    const source = await openGenotypes({ ...genotypeInputs(a, 'sis'), qc: qcFromArgs(a) });
    const genotypes = genotypeFingerprint(a, source);
    const phenoPath = arg.str(a, 'pheno') as string;
    const phenoTable = await loadTable(phenoPath, { idCol: arg.str(a, 'id-col'), precision: TABLE_PRECISION.responses });
    const cfg = selectionConfig(a, (m) => process.stderr.write(`sis: ${m}\n`));
    const { covar, covariates } = await covariateInputs(a, cfg.env, 'sis');
    const aligned = alignSamples({ samples: source.samples, responses: phenoTable, responseNames: arg.list(a, 'pheno-name'), covar, covariates, env: cfg.env });
    const { run: structure } = await structureRunFromArgs(a, source, aligned, { pcs: 0, loco: false }, genotypes);
    const alignedS = structure ? { ...aligned, covariates: structure.covariates } : aligned;
    if (mode === 'partners' || mode === 'screen') {
      if (arg.str(a, 'screen-backend') === 'webgpu') throw new InputError({ file: '--screen-backend', expected: 'wasm for a shard step (--partners-only, --screen-only)', found: 'webgpu' }, 'sharded screening runs on the CPU workers');
      const pool = await kernelPoolFromArgs(a);
      try {
        console.log(`wrote ${await runSisShard(a, mode, source, alignedS, cfg.options, out, pool, structure?.loco)}`);
      } finally {
        await pool?.close();
      }
      return;
    }
    const fromScreened = mode === 'from-screened' ? readScreenedShards(a) : undefined;
    const { step, lines } = await screenAndSelect(a, source, alignedS, cfg, 'sis', undefined, structure, fromScreened);
    const written = writeSisOutputs(out, step.run, lines);
    console.log([...lines, ...sisLogLines(step.run)].join('\n'));
    console.log(`wrote ${written.length} files: ${written.slice(0, 4).join(', ')}${written.length > 4 ? ', ...' : ''}`);
  },
};
