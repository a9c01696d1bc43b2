/**
 * The protocol between the page and the analysis worker: what the page sends (settings) and what it gets
 * back (summaries and result views; the data itself stays in the worker). Types only.
 */
import type { AeConfig } from '../lib/ae/AeConfig';
import type { VariantQcOptions } from '../lib/io/variantQc';
import type { GenotypeFormat } from '../lib/io/GenotypeSource';
import type { BgenAlleleOrder } from '../lib/io/bgen';
import type { SelectionSettings } from '../lib/select/selectionSettings';
import type {
  PreparedColumnSummary,
  ReasonCount,
  SelectedTermSummary,
  TrainingSummary,
  HsvInterpretation as HsvSummary,
} from '../lib/report/Analysis';

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
  format: GenotypeFormat;
  files: string[];
  samples: number;
  /** null for VCF until a pass has read it. */
  variants: number | null;
  /** BGEN input: how it was read. */
  bgen?: BgenReadInfo;
}

/** How a .bgen was opened: which allele is REF, its .bgi index, and the first variant's alleles as read. */
export interface BgenReadInfo {
  alleleOrder: BgenAlleleOrder;
  /** The .bgi index given with it (null: none). */
  index: string | null;
  /** Why the index could not be checked against the .bgen (no Metadata table); null when it was, or none. */
  indexNote: string | null;
  /** The first variant, REF and ALT as the reader gives them (null when the file has no variants). */
  first: { id: string; ref: string; alt: string } | null;
}

/** Options of loadGenotypes. */
export interface GenoOpenOptions {
  /** BGEN: which allele is REF (default 'ref-first', as `--bgen FILE` on the CLI). */
  bgenOrder?: BgenAlleleOrder;
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

export type { PrepareSettings } from '../lib/pipeline/prepareStep';

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
  /** Number of HSVs (default: defaultLatent of the prepared phenotypes). */
  latent?: number;
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
  /** Covariate-table columns adjusted for (default: every column that is not an E, defaultCovariateNames). */
  covariates?: string[];
  /** Environment factors: each adds a SNPxE scan (ADDx<E>). */
  env: string[];
  /** Genotype QC before the scan and the selection (plink2 --maf/--geno/--hwe/--mind; default none). */
  qc?: VariantQcOptions;
  /**
   * Population structure adjusted for in the scan and the selection: genetic PCs as covariates and the LOCO
   * ridge step (default: none here; the app sends STRUCTURE_DEFAULTS, 10 PCs and LOCO).
   */
  structure?: { pcs: number; loco: boolean };
}

/** The structure step's results for the page: what was adjusted for, PCs (for the plots), kinship. */
export interface StructureInfo {
  /** What was adjusted for, in words. */
  lines: string[];
  seconds: number;
  variantsUsed: number;
  /** `vectors` row-major n x k (transferred), samples in `iids` order. */
  pca: { k: number; eigenvalues: number[]; vectors: Float64Array; iids: string[] } | null;
  locoR2: { response: string; r2: number }[] | null;
  kinship: { bins: { from: number; width: number; counts: number[] }; degrees: { label: string; count: number }[] } | null;
  /** Why kinship was not computed, or null. */
  kinshipSkipped: string | null;
  /** Covariate-table columns per genotype sample (the PC plots' colour-by choices). */
  colorColumns: { name: string; values: (string | number | null)[] }[];
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
  /** Fallbacks that happened (e.g. GPU device lost, scanned again on wasm), and what the genotype input left out. */
  notes: string[];
  /** Covariates adjusted for. */
  covariates: string[];
  /** Variants left out before the scan (VCF records skipped, QC removals), by reason. */
  variantsDropped: ReasonCount[];
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
  /** Notices about the results (e.g. the gene table could not be loaded, so no gene column). */
  notices: string[];
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

