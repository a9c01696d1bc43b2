/// <reference types="@webgpu/types" />
/**
 * The browser analysis held inside the analysis worker: loaded tables and genotypes, prepared phenotypes,
 * trained HSVs, scans and selections, each produced by the src/lib engines. The page only ever receives
 * summaries and result arrays (transferred); the data itself stays in the worker. Every long step takes an
 * AbortSignal (from the JobRegistry) and a ProgressCallback; a failed or cancelled step leaves the results of
 * earlier steps untouched.
 */
import type { ByteSource } from '../lib/io/ByteSource';
import { blobSource, bytesSource } from '../lib/io/ByteSource';
import type { Table } from '../lib/io/Table';
import type { GenotypeSource } from '../lib/io/GenotypeSource';
import { readTable } from '../lib/io/readTable';
import { openBed } from '../lib/io/bed';
import { openVcf } from '../lib/io/vcf';
import { DeviceLostError, InputError } from '../lib/base/errors';
import { createProgress, type ProgressCallback } from '../lib/base/progress';
import { throwIfAborted } from '../lib/base/cancel';
import { simulateCohort } from '../lib/sim/simulateCohort';
import { cohortFiles } from '../lib/sim/cohortFiles';
import { prepareAsync, type Prepared } from '../lib/pheno/prepare';
import { summarizeColumn } from '../lib/pheno/summarizeColumn';
import { trainAutoencoder, type AeTrainResult } from '../lib/ae/trainAutoencoder';
import type { AeConfig } from '../lib/ae/AeConfig';
import type {
  Analysis,
  PreparedColumnSummary,
  ReasonCount,
  ScanResult as ReportScan,
  SourceSummary,
  SelectedTermSummary,
  TrainingSummary,
  HsvInterpretation as HsvSummary,
} from '../lib/report/Analysis';
import { runScan, type ScanOptions, type ScanResult as RunScanResult, type TestArrays } from '../lib/assoc/runScan';
import type { ScanBackend } from '../lib/assoc/StatsKernel';
import { createGpuKernel, requestScanDevice } from '../lib/assoc/gpu/gpuKernel';
import type { NamedColumn } from '../lib/assoc/design';
import type { Transform } from '../lib/pheno/Recipe';
import { runSis, defaultNsis, type SisRun } from '../lib/select/runSis';
import { describeSelection, sisOptionsFrom, type SelectionSettings } from '../lib/select/selectionSettings';
import { TopK } from '../lib/select/TopK';
import { describeHitText, parseHitText, variantMask, type HitFilter } from '../lib/report/hitFilter';
import { manhattanSvg } from '../lib/report/manhattanSvg';
import { qqSvg } from '../lib/report/qqSvg';
import { heatmapOrder, heatmapSvg } from '../lib/report/heatmapSvg';
import { suggestHsvName } from '../lib/ae/suggestHsvName';
import { lossCurvesSvg } from '../lib/report/lossCurvesSvg';
import { formatHsvPhenotype, formatSumstats, formatSelected } from '../lib/report/exportFormats';
import { buildReport } from '../lib/report/buildReport';
import { collectHits } from '../lib/report/collectHits';
import { GeneIndex } from '../lib/annotate/GeneIndex';
import { fetchBuiltinGenes, BUILTIN_GENES_LABEL } from '../lib/annotate/loadBuiltinGenes';
import { readGeneFile } from '../lib/annotate/readGeneFile';
import { annotatePosition, DEFAULT_GENE_WINDOW } from '../lib/annotate/annotatePosition';

export type TableKind = 'pheno' | 'covar';

export interface ColumnInfo {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Judged type from the phenotype summary (continuous, binary, categorical, ...). */
  type: string;
  missing: number;
  distinct: number;
}

export interface TableInfo {
  name: string;
  rows: number;
  idColumn: string;
  columns: ColumnInfo[];
  warnings: string[];
}

export interface SampleOverlap {
  genotyped: number;
  /** Genotyped samples whose IID is in the phenotype / covariate table (null: no such table). */
  withPhenotypes: number | null;
  withCovariates: number | null;
  genoExamples: string[];
}

export interface GenoInfo {
  name: string;
  format: 'bed' | 'vcf';
  files: string[];
  samples: number;
  /** null for VCF until a pass has read it. */
  variants: number | null;
}

export interface DemoOptions {
  n?: number;
  snps?: number;
  phenos?: number;
  seed?: number;
}

export interface DemoInfo {
  pheno: TableInfo;
  covar: TableInfo;
  geno: GenoInfo;
  /** Planted terms (what a good analysis should find). */
  planted: { term: string; type: string; factor: string }[];
}

export interface PrepareSettings {
  include?: string[];
  exclude?: string[];
  maxMissing?: number;
  /** Per-column transform overrides (default: chosen from the column's type and skewness). */
  transforms?: Record<string, Transform>;
}

export interface PrepareInfo {
  rowsIn: number;
  rowsOut: number;
  outputColumns: string[];
  columns: PreparedColumnSummary[];
  dropped: { column: string; reason: string }[];
  duplicates: { a: string; b: string; r: number }[];
  warnings: string[];
}

export interface TrainSettings {
  latent: number;
  candidates?: number;
  maxEpochs?: number;
  patience?: number;
  batchSize?: number;
  activation?: AeConfig['activation'];
  rotate?: AeConfig['rotate'];
  seed?: number;
}

export interface TrainInfo {
  training: TrainingSummary;
  interpretation: HsvSummary[];
  hsvNames: string[];
  rows: number;
  excludedRows: number;
  cancelled: boolean;
  seconds: number;
  /**
   * Loadings heatmaps (SVG strings, built here: the page only inserts them), same phenotype order in both;
   * null when rotation is 'none' or the loadings are missing.
   */
  loadingsSvg: { before: string; after: string } | null;
}

export interface AssocSettings {
  /** Covariate-table columns adjusted for. */
  covariates: string[];
  /** Environment factors: each adds a SNPxE scan (ADDx<E>). */
  env: string[];
}

export interface ScanInfo {
  responses: string[];
  tests: string[];
  nVariants: number;
  nAnalysed: number;
  dropped: ReasonCount[];
  lambda: { response: string; test: string; lambda: number }[];
  seconds: number;
  backend: string;
  /** Fallbacks that happened (e.g. GPU device lost, scanned again on wasm). */
  notes: string[];
}

export interface SelectSettings extends AssocSettings {
  selection: SelectionSettings;
}

export interface SelectInfo {
  selected: SelectedTermSummary[];
  seconds: number;
  n: number;
  /** The method in words (describeSelection), for headings and summaries. */
  method: string;
  /** Candidate terms per response (EBIC's universe) and variants dropped by the selection QC. */
  universe: number;
  qcDropped: ReasonCount[];
}

/** One row of the results table (top associations across responses and tests). */
export interface HitRow {
  response: string;
  test: string;
  chrom: string;
  pos: number;
  id: string;
  a1: string;
  obs: number;
  beta: number;
  se: number;
  /** -log10 P. */
  mlog10p: number;
  /** Overlapping or nearest gene within the window ('' when none or no gene table). */
  gene: string;
}

export interface GenesInfo {
  source: string;
  genes: number;
  warnings: string[];
}

export interface ResultsView {
  rows: HitRow[];
  /** Rows in all (before the top-N cut). */
  totalTests: number;
  plots: { response: string; test: string; manhattan: string; qq: string; lambda: number }[];
  heatmap: string | null;
  lossCurves: string | null;
  selected: SelectedTermSummary[];
}

export interface HitsView {
  rows: HitRow[];
  /** Tests (response x test x variant with a P) that the filter kept, before the top-N cut. */
  matchedTests: number;
  /** False when no scan results exist (nothing was searched). */
  searched: boolean;
  /** What the search text was taken to mean. */
  description: string;
}

export type ExportKind = 'hsv-plink2' | 'hsv-regenie' | 'sumstats' | 'selected' | 'analysis-json';

/** Names of files that make up a genotype input, by role. */
export function classifyGenotypeFiles(names: string[]): { bed?: number; bim?: number; fam?: number; vcf?: number } {
  const out: { bed?: number; bim?: number; fam?: number; vcf?: number } = {};
  names.forEach((n, i) => {
    const l = n.toLowerCase();
    if (l.endsWith('.bed')) out.bed = i;
    else if (l.endsWith('.bim')) out.bim = i;
    else if (l.endsWith('.fam')) out.fam = i;
    else if (/\.vcf(\.b?gz)?$/.test(l)) out.vcf = i;
  });
  return out;
}

function tableInfo(t: Table): TableInfo {
  return {
    name: t.source,
    rows: t.ids.length,
    idColumn: t.idColumn,
    columns: t.columns.map((c) => {
      const s = summarizeColumn(c);
      return { name: c.name, kind: c.kind, type: s.type, missing: s.rows - s.observed, distinct: s.distinct };
    }),
    warnings: t.warnings,
  };
}

export class AnalysisSession {
  pheno: Table | null = null;
  covar: Table | null = null;
  geno: GenotypeSource | null = null;
  genoInfo: GenoInfo | null = null;
  prepared: Prepared | null = null;
  trained: AeTrainResult | null = null;
  planted: DemoInfo['planted'] | null = null;
  sis: SisRun | null = null;
  genes: GeneIndex | null = null;
  genesLabel = '';
  readonly analysis: Analysis = {};

  /** Records an input in the analysis (replacing an earlier one of the same kind). */
  private setSource(s: SourceSummary): void {
    const sources = (this.analysis.cohort?.sources ?? []).filter((x) => x.kind !== s.kind);
    this.analysis.cohort = { ...this.analysis.cohort, sources: [...sources, s] };
  }

  /** A user's gene file (GTF, GFF3, BED or the built-in layout) replaces the built-in table. */
  async loadGeneFile(src: ByteSource, signal?: AbortSignal): Promise<GenesInfo> {
    const set = await readGeneFile(src, { signal });
    this.genes = new GeneIndex(set.genes, set.source);
    this.genesLabel = set.source;
    return { source: set.source, genes: set.genes.length, warnings: set.warnings };
  }

  /** The gene table: the user's, else the built-in GRCh38 table fetched from the app's own origin. */
  async ensureGenes(appBase: string, signal?: AbortSignal): Promise<GeneIndex | null> {
    if (this.genes) return this.genes;
    try {
      const set = await fetchBuiltinGenes(appBase, fetch, signal);
      this.genes = new GeneIndex(set.genes, BUILTIN_GENES_LABEL);
      this.genesLabel = BUILTIN_GENES_LABEL;
    } catch {
      // Annotation is optional: without the table the results simply have no gene column.
      this.genes = null;
    }
    return this.genes;
  }

  /** `idCol`: the participant ID column (default IID, else the first column). */
  async loadTable(kind: TableKind, src: ByteSource, onProgress?: ProgressCallback, signal?: AbortSignal, idCol?: string): Promise<TableInfo> {
    const t = await readTable(src, { onProgress, signal, idCol });
    if (t.ids.length === 0) throw new InputError({ file: src.name, expected: 'a header line and at least one row', found: 'no rows' }, 'empty table');
    this.setSource({
      name: src.name,
      kind: kind === 'pheno' ? 'phenotypes' : 'covariates',
      samples: t.ids.length,
      columns: t.columns.length,
      format: /\.gz$/i.test(src.name) ? 'text (gzip)' : 'text table',
    });
    if (t.warnings.length) this.analysis.cohort = { ...this.analysis.cohort, warnings: [...(this.analysis.cohort?.warnings ?? []), ...t.warnings] };
    if (kind === 'pheno') {
      this.pheno = t;
      this.prepared = null;
      this.trained = null;
    } else this.covar = t;
    return tableInfo(t);
  }

  async loadTableFile(kind: TableKind, file: Blob, name: string, onProgress?: ProgressCallback, signal?: AbortSignal, idCol?: string): Promise<TableInfo> {
    return await this.loadTable(kind, blobSource(file, name), onProgress, signal, idCol);
  }

  /** PLINK trio (any order) or one VCF/VCF.gz. */
  async loadGenotypes(files: { name: string; src: ByteSource }[], signal?: AbortSignal, onProgress?: ProgressCallback): Promise<GenoInfo> {
    const names = files.map((f) => f.name);
    const role = classifyGenotypeFiles(names);
    let g: GenotypeSource;
    if (role.vcf !== undefined && files.length === 1) {
      g = await openVcf(files[role.vcf].src, { signal });
    } else if (role.bed !== undefined || role.bim !== undefined || role.fam !== undefined) {
      const missing = (['bed', 'bim', 'fam'] as const).filter((k) => role[k] === undefined);
      if (missing.length) {
        throw new InputError(
          { file: names.join(', '), expected: 'the three PLINK files together (.bed, .bim, .fam)', found: `no .${missing.join(', no .')}` },
          'incomplete PLINK file set',
        );
      }
      g = await openBed({ bed: files[role.bed!].src, bim: files[role.bim!].src, fam: files[role.fam!].src }, { signal, onProgress });
    } else {
      throw new InputError(
        { file: names.join(', ') || '(no file)', expected: '.bed + .bim + .fam, or one .vcf / .vcf.gz', found: names.length ? names.join(', ') : 'nothing' },
        'unrecognised genotype files',
      );
    }
    this.setSource({
      name: names.join(' + '),
      kind: 'genotypes',
      samples: g.samples.iid.length,
      variants: g.nVariants ?? undefined,
      format: g.format === 'bed' ? 'PLINK .bed' : /\.gz$/i.test(g.name) ? 'VCF.gz' : 'VCF',
    });
    this.geno = g;
    this.genoInfo = { name: g.name, format: g.format, files: names, samples: g.samples.iid.length, variants: g.nVariants };
    return this.genoInfo;
  }

  async loadDemo(opts: DemoOptions, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<DemoInfo> {
    const progress = createProgress('simulate', 4, onProgress, { unit: 'steps' });
    progress.tick(0, 'simulating the cohort');
    const c = simulateCohort({ n: opts.n ?? 1000, snps: opts.snps ?? 2000, phenos: opts.phenos ?? 40, seed: opts.seed ?? 1 });
    throwIfAborted(signal);
    const files = new Map(cohortFiles(c).map((f) => [f.name, typeof f.data === 'string' ? new TextEncoder().encode(f.data) : f.data]));
    const src = (name: string) => bytesSource(files.get(name)!, name);
    progress.tick(1, 'reading phenotypes');
    const pheno = await this.loadTable('pheno', src('pheno.csv'), undefined, signal);
    progress.tick(2, 'reading covariates');
    const covar = await this.loadTable('covar', src('covar.csv'), undefined, signal);
    progress.tick(3, 'opening genotypes');
    const geno = await this.loadGenotypes(['geno.bed', 'geno.bim', 'geno.fam'].map((n) => ({ name: n, src: src(n) })), signal);
    this.planted = c.truth.terms.map((t) => ({ term: t.term, type: t.type, factor: t.factor }));
    progress.finish('demo cohort ready');
    return { pheno, covar, geno, planted: this.planted };
  }

  async preparePhenotypes(s: PrepareSettings, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<PrepareInfo> {
    if (!this.pheno) throw new Error('load a phenotype table first');
    const p = await prepareAsync(this.pheno, { include: s.include, exclude: s.exclude, maxMissing: s.maxMissing, transforms: s.transforms, signal, onProgress });
    this.prepared = p;
    this.trained = null;
    const r = p.report;
    const droppedBy = new Map(r.dropped.map((d) => [d.column, d.reason]));
    const transformOf = new Map<string, string>();
    for (const c of p.recipe.columns) if (!transformOf.has(c.source)) transformOf.set(c.source, c.transform);
    const columns: PreparedColumnSummary[] = r.summaries.map((c) => ({
      name: c.name,
      kind: c.type,
      included: transformOf.has(c.name),
      transform: transformOf.get(c.name) ?? '',
      reason: droppedBy.get(c.name),
      missingRate: c.missingRate,
      observed: c.observed,
      mean: c.mean,
      sd: c.sd,
      skewness: c.skewness,
      distinct: c.distinct,
    }));
    this.analysis.preparation = {
      columns,
      outputColumns: p.matrix.p,
      nearDuplicates: r.duplicates.map((d) => ({ a: d.a, b: d.b, r: d.r })),
      recipe: p.recipe,
    };
    return {
      rowsIn: r.rowsIn,
      rowsOut: r.rowsOut,
      outputColumns: p.matrix.columns,
      columns,
      dropped: r.dropped,
      duplicates: r.duplicates.map((d) => ({ a: d.a, b: d.b, r: d.r })),
      warnings: r.warnings,
    };
  }

  async train(s: TrainSettings, backend: string, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<TrainInfo> {
    if (!this.prepared) await this.preparePhenotypes({}, signal);
    const m = this.prepared!.matrix;
    const latent = Math.max(1, Math.min(s.latent, m.p));
    const r = await trainAutoencoder(
      m,
      {
        latent,
        candidates: s.candidates,
        maxEpochs: s.maxEpochs,
        patience: s.patience,
        batchSize: s.batchSize,
        activation: s.activation,
        rotate: s.rotate,
        seed: s.seed,
      },
      { onProgress, signal },
    );
    this.trained = r;
    this.analysis.parameters = { ...this.analysis.parameters, training: { ...r.config, backend } };
    const k = r.hsvNames.length;
    const p = r.inputs.length;
    const best = r.candidates[r.best];
    const training: TrainingSummary = {
      backend,
      latent: k,
      activation: r.config.activation,
      candidates: r.candidates.map((c) => ({
        hidden: c.hidden,
        seed: c.seed,
        epochs: c.epochs,
        trainLoss: c.trainLoss,
        valLoss: c.valLoss,
        seconds: c.seconds,
        trainCurve: c.history.trainLoss,
        valCurve: c.history.valLoss,
      })),
      best: r.best,
      pca: { trainLoss: r.pca.trainLoss, valLoss: r.pca.valLoss },
      rotation: r.rotation.method,
      loadingsBefore: r.rotation.loadingsBefore ? { rows: r.inputs, cols: r.hsvNames, values: r.rotation.loadingsBefore } : undefined,
      loadingsAfter: r.rotation.loadingsAfter ? { rows: r.inputs, cols: r.hsvNames, values: r.rotation.loadingsAfter } : undefined,
      varianceShare: r.interpretation.share,
      seconds: r.seconds,
    };
    const interpretation: HsvSummary[] = r.hsvNames.map((h, i) => {
      const top = r.interpretation.top[i].map((t) => ({ phenotype: t.column, r: t.corr }));
      return { hsv: h, name: suggestHsvName(top), top, share: r.interpretation.share[i] };
    });
    let loadingsSvg: TrainInfo['loadingsSvg'] = null;
    if (training.rotation !== 'none' && training.loadingsBefore && training.loadingsAfter) {
      // one phenotype order for both panels (clustered on the rotated loadings), as in the HTML report
      const rowOrder = heatmapOrder(training.loadingsAfter, { cluster: 'rows' }).rows;
      loadingsSvg = {
        before: heatmapSvg(training.loadingsBefore, { title: 'Loadings before rotation', id: 'ui-load-before', rowOrder, width: 360 }),
        after: heatmapSvg(training.loadingsAfter, { title: `Loadings after rotation (${training.rotation})`, id: 'ui-load-after', rowOrder, width: 360 }),
      };
    }
    this.analysis.training = training;
    this.analysis.interpretation = interpretation;
    this.analysis.hsvCorrelation = { rows: r.hsvNames, cols: r.inputs, values: r.interpretation.correlations };
    void best;
    void p;
    return {
      training,
      interpretation,
      hsvNames: r.hsvNames,
      rows: r.rows.length,
      excludedRows: r.excludedRows,
      cancelled: r.cancelled,
      seconds: r.seconds,
      loadingsSvg,
    };
  }

  /** Samples analysed: prepared phenotype rows that also have genotypes (and covariates when used). */
  alignment(covariates: string[]): { rowOf: Int32Array; n: number; dropped: ReasonCount[] } {
    if (!this.geno) throw new Error('load genotypes first');
    if (!this.trained || !this.prepared) throw new Error('train health variables first');
    const ids = this.prepared.matrix.ids;
    const hsvRowOfId = new Map<string, number>();
    this.trained.rows.forEach((row, j) => hsvRowOfId.set(ids[row], j));
    const cov = covariates.length && this.covar ? this.covar : null;
    const covRow = cov ? new Map(cov.ids.map((id, i) => [id, i])) : null;
    const covCols = cov ? covariates.map((n) => cov.columns.find((c) => c.name === n)!) : [];
    const g = this.geno.samples.iid;
    const rowOf = new Int32Array(g.length).fill(-1);
    let n = 0;
    let noPheno = 0;
    let noCovar = 0;
    for (let i = 0; i < g.length; i++) {
      if (!hsvRowOfId.has(g[i])) {
        noPheno++;
        continue;
      }
      if (covRow) {
        const r = covRow.get(g[i]);
        if (r === undefined || covCols.some((c) => Number.isNaN(c.values[r]))) {
          noCovar++;
          continue;
        }
      }
      rowOf[i] = n++;
    }
    const dropped: ReasonCount[] = [];
    if (noPheno) dropped.push({ reason: 'genotyped but no health variables (no phenotype row)', count: noPheno });
    if (noCovar) dropped.push({ reason: 'missing covariate value', count: noCovar });
    return { rowOf, n, dropped };
  }

  /** HSV values per genotype sample (NaN where the sample has none), one column per HSV. */
  private hsvColumns(): NamedColumn[] {
    const t = this.trained!;
    const m = this.prepared!.matrix;
    const k = t.hsvNames.length;
    const rowOfId = new Map<string, number>();
    t.rows.forEach((row, j) => rowOfId.set(m.ids[row], j));
    const g = this.geno!.samples.iid;
    let matched = 0;
    const cols = t.hsvNames.map((name, h) => {
      const v = new Float64Array(g.length).fill(NaN);
      for (let i = 0; i < g.length; i++) {
        const j = rowOfId.get(g[i]);
        if (j !== undefined) {
          v[i] = t.hsv[j * k + h];
          if (h === 0) matched++;
        }
      }
      return { name, values: v };
    });
    if (matched === 0) {
      const ex = (ids: readonly string[]) => ids.slice(0, 3).map((x) => `'${x}'`).join(', ');
      throw new InputError(
        {
          file: this.pheno?.source ?? 'phenotype table',
          column: this.pheno?.idColumn,
          expected: `participant IDs that match the genotype sample IDs (IID), e.g. ${ex(g)}`,
          found: `none of ${m.ids.length} matches (e.g. ${ex(m.ids)}); choose the ID column in the Data step`,
        },
        'no participant matches the genotypes',
      );
    }
    return cols;
  }

  /** How many genotyped samples the loaded tables cover (matched on IID), for the Data step. */
  overlap(): SampleOverlap | null {
    if (!this.geno || (!this.pheno && !this.covar)) return null;
    const g = this.geno.samples.iid;
    const count = (ids: readonly string[] | undefined) => {
      if (!ids) return null;
      const set = new Set(ids);
      let n = 0;
      for (const id of g) if (set.has(id)) n++;
      return n;
    };
    return { genotyped: g.length, withPhenotypes: count(this.pheno?.ids), withCovariates: count(this.covar?.ids), genoExamples: g.slice(0, 3) };
  }

  /** Covariate-table columns per genotype sample (NaN where missing or absent). */
  private covarColumns(names: string[]): NamedColumn[] {
    if (!names.length) return [];
    const c = this.covar;
    if (!c) throw new Error('covariates were chosen but no covariate table is loaded');
    const rowOf = new Map(c.ids.map((id, i) => [id, i]));
    const g = this.geno!.samples.iid;
    return names.map((name) => {
      const col = c.columns.find((x) => x.name === name);
      if (!col) throw new Error(`no column '${name}' in ${c.source}`);
      const v = new Float64Array(g.length).fill(NaN);
      for (let i = 0; i < g.length; i++) {
        const r = rowOf.get(g[i]);
        if (r !== undefined) v[i] = col.values[r];
      }
      return { name, values: v };
    });
  }

  /**
   * Genome-wide scans of every HSV (and one SNPxE scan per E). `backend`: 'webgpu' uses the WGSL kernel
   * (src/lib/assoc/gpu) on its own device and falls back to wasm if the device cannot be had or is lost;
   * 'wasm' is the WASM SIMD kernel; 'cpu' plain JavaScript.
   */
  async scan(s: AssocSettings, onProgress?: ProgressCallback, signal?: AbortSignal, backend: ScanBackend = 'wasm'): Promise<ScanInfo> {
    if (!this.geno) throw new Error('load genotypes first');
    if (!this.trained) throw new Error('train health variables first');
    const t0 = performance.now();
    const responses = this.hsvColumns();
    const covariates = this.covarColumns(s.covariates);
    const notes: string[] = [];
    let device: GPUDevice | null = null;
    let used: ScanBackend = backend;
    if (backend === 'webgpu') {
      try {
        device = await requestScanDevice();
      } catch (e) {
        used = 'wasm';
        notes.push(`WebGPU scan unavailable (${e instanceof Error ? e.message : String(e)}); scanned on wasm`);
      }
    }
    const once = async (gxe: NamedColumn | undefined): Promise<RunScanResult> => {
      const opts: ScanOptions = { source: this.geno!, responses, covariates, gxe, backend: used };
      if (used === 'webgpu' && device) {
        const d = device;
        opts.createGpuKernel = (X) => createGpuKernel(d, X);
      }
      try {
        return await runScan(opts, { onProgress, signal });
      } catch (e) {
        if (used !== 'webgpu' || !(e instanceof DeviceLostError)) throw e;
        used = 'wasm';
        notes.push(`The GPU device was lost during the scan (${e.message}); scanned again on wasm`);
        return await runScan({ ...opts, backend: 'wasm', createGpuKernel: undefined }, { onProgress, signal });
      }
    };
    const runs: { env: string | null; result: RunScanResult }[] = [];
    try {
      runs.push({ env: null, result: await once(undefined) });
      for (const e of s.env) {
        const [gxe] = this.covarColumns([e]);
        runs.push({ env: e, result: await once(gxe) });
      }
    } finally {
      device?.destroy();
    }
    this.analysis.parameters = { ...this.analysis.parameters, scan: { covariates: s.covariates, env: s.env, test: 'plink2 --glm (ADD; ADDx<E> per E)' } };
    const scans: ReportScan[] = [];
    const lambda: ScanInfo['lambda'] = [];
    for (const run of runs) {
      const v = run.result.variants;
      for (const r of run.result.responses) {
        for (const t of r.tests) {
          if (run.env && t.test === 'ADD') continue; // the ADD row of a GxE model is not the marginal scan
          if (run.env && !t.test.startsWith('ADDx')) continue;
          scans.push(reportScan(r.name, t, v));
          lambda.push({ response: r.name, test: t.test, lambda: t.lambda });
        }
      }
    }
    const first = runs[0].result;
    const dropped: ReasonCount[] = [];
    if (first.summary.excludedMissingCovariate) dropped.push({ reason: 'missing covariate value', count: first.summary.excludedMissingCovariate });
    const analysed = Math.max(0, ...first.responses.map((r) => r.nAnalysed));
    const noHsv = first.summary.nSamples - analysed - first.summary.excludedMissingCovariate;
    if (noHsv > 0) dropped.push({ reason: 'genotyped but no health variables', count: noHsv });
    this.analysis.scans = scans;
    this.analysis.cohort = {
      ...(this.analysis.cohort ?? {}),
      matchedSamples: analysed,
      droppedSamples: dropped,
      variantsBefore: first.summary.nVariants,
    };
    return {
      responses: first.responses.map((r) => r.name),
      tests: scans.map((x) => x.test ?? 'ADD').filter((x, i, a) => a.indexOf(x) === i),
      nVariants: first.summary.nVariants,
      nAnalysed: analysed,
      dropped,
      lambda,
      seconds: (performance.now() - t0) / 1000,
      backend: first.summary.backend,
      notes,
    };
  }

  async select(s: SelectSettings, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<SelectInfo> {
    if (!this.geno) throw new Error('load genotypes first');
    if (!this.trained) throw new Error('train health variables first');
    const t0 = performance.now();
    const hsv = this.hsvColumns();
    const cov = this.covarColumns(s.covariates);
    const env = this.covarColumns(s.env);
    const g = this.geno.samples.iid.length;
    const rowOf = new Int32Array(g).fill(-1);
    let n = 0;
    for (let i = 0; i < g; i++) {
      const ok = hsv.every((c) => !Number.isNaN(c.values[i])) && cov.every((c) => !Number.isNaN(c.values[i])) && env.every((c) => !Number.isNaN(c.values[i]));
      if (ok) rowOf[i] = n++;
    }
    const pick = (cols: NamedColumn[]) =>
      cols.map((c) => {
        const v = new Float64Array(n);
        for (let i = 0; i < g; i++) if (rowOf[i] >= 0) v[rowOf[i]] = c.values[i];
        return { name: c.name, values: v };
      });
    const run = await runSis(
      { source: this.geno, rowOf, n, responses: pick(hsv), covariates: pick(cov), env: pick(env) },
      { ...sisOptionsFrom(s.selection), signal, onProgress },
    );
    this.sis = run;
    const method = describeSelection(s.selection, n);
    this.analysis.parameters = {
      ...this.analysis.parameters,
      selection: { covariates: s.covariates, env: s.env, ...s.selection, nsis: s.selection.nsis ?? defaultNsis(n), method },
    };
    const selected: SelectedTermSummary[] = run.responses.flatMap((r) =>
      r.selected.map((t) => ({ hsv: r.response, term: t.term, type: t.type, beta: t.beta, p: t.p, stability: t.stability ?? undefined })),
    );
    this.analysis.selected = selected;
    return { selected, seconds: (performance.now() - t0) / 1000, n, method, universe: run.responses[0]?.universe ?? 0, qcDropped: selectionQcReasons(run.qc, s.selection) };
  }

  /** Table rows, plots and heatmap for the Results step (built here: the page only inserts strings). */
  results(topN = 500): ResultsView {
    const scans = this.analysis.scans ?? [];
    const { rows, matchedTests: totalTests } = this.hits({}, topN);
    const highlight = new Set((this.analysis.selected ?? []).flatMap((x) => x.term.split(':')));
    const plots = scans.map((sc) => ({
      response: sc.response,
      test: sc.test ?? 'ADD',
      manhattan: manhattanSvg(sc, { highlight, title: `Manhattan plot: ${sc.response}${sc.test && sc.test !== 'ADD' ? ` ${sc.test}` : ''}` }),
      qq: qqSvg(sc, { title: `QQ plot: ${sc.response}${sc.test && sc.test !== 'ADD' ? ` ${sc.test}` : ''}` }),
      lambda: sc.lambdaGc ?? NaN,
    }));
    const hc = this.analysis.hsvCorrelation;
    const heatmap = hc ? heatmapSvg(hc, { title: 'HSV × phenotype correlation', cluster: 'cols' }) : null;
    const tr = this.trained;
    const lossCurves = tr
      ? lossCurvesSvg(
          tr.candidates.map((c) => ({ name: `candidate ${c.index + 1} (${c.hidden.join('-')})`, train: c.history.trainLoss, val: c.history.valLoss })),
          { title: 'Autoencoder loss per epoch' },
        )
      : null;
    return { rows, totalTests, plots, heatmap, lossCurves, selected: this.analysis.selected ?? [] };
  }

  /**
   * The strongest tests among those the filter keeps (response, test, and a variant ID, gene or region
   * search over every tested variant), with genes. A bounded heap over every tested (response, test,
   * variant): no per-test object unless it enters the top N (a 100,000-variant x 10-HSV scan would
   * otherwise build a million row objects here).
   */
  hits(filter: HitFilter, topN = 500): HitsView {
    const text = parseHitText(filter.text, this.genes, DEFAULT_GENE_WINDOW);
    const heap = new TopK<HitRow>(topN);
    let matchedTests = 0;
    // Over the Analysis record's scans (the tests the results show: ADD, and ADDx<E> of each SNPxE model), so
    // a reopened analysis can be searched too. Scans of one run share their variant arrays: one mask each.
    const scans = this.analysis.scans ?? [];
    const masks = new Map<unknown, Uint8Array | null>();
    for (const sc of scans) {
      if (filter.response && sc.response !== filter.response) continue;
      const test = sc.test ?? 'ADD';
      if (filter.test && test !== filter.test) continue;
      let mask = masks.get(sc.id);
      if (mask === undefined) masks.set(sc.id, (mask = variantMask(text, sc)));
      const lp = sc.mlog10p ?? Float64Array.from(sc.p ?? [], (p) => -Math.log10(p));
      for (let i = 0; i < lp.length; i++) {
        const m = lp[i];
        if (!Number.isFinite(m) || (mask && !mask[i])) continue;
        matchedTests++;
        if (m <= heap.floor) continue;
        heap.offer(m, () => ({
          response: sc.response,
          test,
          chrom: sc.chrom[i],
          pos: sc.pos[i],
          id: sc.id[i],
          a1: sc.a1?.[i] ?? '',
          obs: sc.obsCt?.[i] ?? NaN,
          beta: sc.beta?.[i] ?? NaN,
          se: sc.se?.[i] ?? NaN,
          mlog10p: m,
          gene: '',
        }));
      }
    }
    const rows = heap.sorted().map((x) => x.item);
    if (this.genes) {
      for (const r of rows) {
        const a = annotatePosition(this.genes, r.chrom, r.pos, { window: DEFAULT_GENE_WINDOW });
        r.gene = a.nearest.map((h) => h.symbol).join(', ');
      }
    }
    return { rows, matchedTests, searched: scans.length > 0, description: describeHitText(text, DEFAULT_GENE_WINDOW) };
  }

  /** Text of an export file, built here from the full results. */
  exportText(kind: ExportKind): { name: string; text: string; mime: string } {
    switch (kind) {
      case 'hsv-plink2':
      case 'hsv-regenie': {
        const t = this.trained;
        if (!t) throw new Error('no health variables yet');
        const m = this.prepared!.matrix;
        const iid = Array.from(t.rows, (r) => m.ids[r]);
        const fid = m.fid ? Array.from(t.rows, (r) => m.fid![r]) : iid;
        const header = kind === 'hsv-plink2' ? 'plink2' : 'regenie';
        return { name: `hsv.${header === 'plink2' ? 'pheno' : 'regenie.txt'}`, text: formatHsvPhenotype({ fid, iid, names: t.hsvNames, values: t.hsv }, header), mime: 'text/plain' };
      }
      case 'sumstats': {
        const scans = this.analysis.scans ?? [];
        if (!scans.length) throw new Error('no scan results yet');
        return { name: 'latentscan.glm.tsv', text: scans.map((sc) => formatSumstats(sc)).join(''), mime: 'text/tab-separated-values' };
      }
      case 'selected':
        return { name: 'selected_terms.tsv', text: formatSelected(this.analysis.selected ?? []), mime: 'text/tab-separated-values' };
      case 'analysis-json':
        return { name: 'analysis.json', text: JSON.stringify(this.snapshot(), (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)), mime: 'application/json' };
      default:
        throw new Error(`unknown export: ${String(kind)}`);
    }
  }

  /** The self-contained HTML report (src/lib/report/buildReport) of everything computed so far. */
  async reportHtml(appBase: string, signal?: AbortSignal): Promise<string> {
    const genes = await this.ensureGenes(appBase, signal);
    const a = this.snapshot();
    if (genes) {
      a.annotations = collectHits(a.scans ?? [], a.selected ?? [], genes, { window: DEFAULT_GENE_WINDOW });
      a.annotationSource = { genes: this.genesLabel, window: DEFAULT_GENE_WINDOW };
    }
    return buildReport(a, genes ? { genes, genesLabel: this.genesLabel } : {});
  }

  /** Puts back a saved analysis (reopened from browser storage): report and summary-statistics exports work. */
  restore(a: Analysis): void {
    for (const k of Object.keys(this.analysis) as (keyof Analysis)[]) delete this.analysis[k];
    Object.assign(this.analysis, a);
  }

  snapshot(): Analysis {
    const ua = (globalThis.navigator as Navigator | undefined)?.userAgent;
    return {
      ...this.analysis,
      createdAt: new Date().toISOString(),
      versions: { ...this.analysis.versions, ...(ua ? { browser: ua } : {}) },
    };
  }
}

function reportScan(response: string, t: TestArrays, v: RunScanResult['variants']): ReportScan {
  return {
    response,
    test: t.test,
    chrom: v.chrom,
    pos: v.pos,
    id: v.id,
    mlog10p: t.log10p,
    p: t.p,
    beta: t.beta,
    se: t.se,
    a1: v.alt,
    obsCt: t.obs,
    lambdaGc: t.lambda,
  };
}

/** Variants the selection's QC left out, by reason (only reasons that removed something). */
function selectionQcReasons(qc: SisRun['qc'], s: SelectionSettings): ReasonCount[] {
  return [
    { reason: `missing-call rate over ${s.geno}`, count: qc.lowCallRate },
    { reason: `MAF under ${s.maf}`, count: qc.lowMaf },
    { reason: 'no variation left after the covariates', count: qc.constant },
  ].filter((r) => r.count > 0);
}
