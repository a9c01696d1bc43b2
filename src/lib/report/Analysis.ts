/**
 * Everything the report (buildReport) and the results exports need to know about one analysis, as plain
 * data: JSON-serializable except that numeric arrays may also be typed arrays (ArrayLike<number>). Every
 * section is optional, so a partial analysis (data only, training only, a scan without training...) still
 * renders; a missing section is said to be missing, never invented. Producers: the pipeline command and the
 * browser flow fill an Analysis from the pieces the other modules return.
 */

/** A labelled numeric matrix, row-major. */
export interface LabelledMatrix {
  /** Row labels (length nRows). */
  rows: string[];
  /** Column labels (length nCols). */
  cols: string[];
  /** nRows * nCols values, row-major; NaN (or null in JSON) = not available. */
  values: ArrayLike<number | null>;
}

/** One input source as loaded. */
export interface SourceSummary {
  /** File name as the user knows it. */
  name: string;
  kind: 'phenotypes' | 'covariates' | 'genotypes' | 'genes' | 'other';
  /** Samples (rows / participants) in the file. */
  samples?: number;
  /** Data columns (tables). */
  columns?: number;
  /** Variants (genotypes). */
  variants?: number;
  /** Format, e.g. 'PLINK .bed', 'VCF.gz', 'CSV'. */
  format?: string;
}

/** A count with the reason it was counted (an exclusion, a filter), e.g. { reason: '--geno 0.05', count: 12 }. */
export interface ReasonCount {
  reason: string;
  count: number;
}

/** Data summary and QC counts. */
export interface CohortSummary {
  sources?: SourceSummary[];
  /** Samples present in every required source and analysed. */
  matchedSamples?: number;
  /** Samples dropped, by reason (not in genotypes, no phenotype observed, sample call rate ...). */
  droppedSamples?: ReasonCount[];
  /** Variants before QC. */
  variantsBefore?: number;
  /** Variants after QC. */
  variantsAfter?: number;
  /** Variants removed by each QC filter (--maf, --geno, --hwe), in the order applied. */
  variantQc?: ReasonCount[];
  /** Free-text warnings from loading (non-numeric cells counted as missing, ...). */
  warnings?: string[];
}

/** One phenotype column and what preparation did with it. */
export interface PreparedColumnSummary {
  name: string;
  /** Column type as judged: 'continuous', 'binary', 'categorical', 'integer', 'constant', 'id-like'. */
  kind: string;
  included: boolean;
  /** Transform applied: 'z-score', 'inverse-normal', 'log', 'binary', 'one-hot', or '' when excluded. */
  transform?: string;
  /** Why it was excluded or flagged (constant, ID-like, >20% missing, near-duplicate of X). */
  reason?: string;
  /** Fraction of missing cells, 0..1. */
  missingRate?: number;
  /** Observed (non-missing) cells. */
  observed?: number;
  mean?: number;
  sd?: number;
  skewness?: number;
  /** Number of distinct values. */
  distinct?: number;
}

/** Phenotype preparation. */
export interface PreparationSummary {
  columns?: PreparedColumnSummary[];
  /** Output columns after expansion (one-hot levels count separately). */
  outputColumns?: number;
  /** Near-duplicate pairs flagged (|r| > 0.999). */
  nearDuplicates?: { a: string; b: string; r: number }[];
  /** Correlation among the prepared phenotypes (for a clustered heatmap); large matrices are rasterized. */
  correlation?: LabelledMatrix;
  /** The recipe as saved (JSON), for the record. */
  recipe?: unknown;
}

/** One candidate network of the random search. */
export interface CandidateSummary {
  /** Hidden layer sizes, encoder side (e.g. [256] or [256, 64]). */
  hidden: number[];
  /** Seed of the initial weights. */
  seed: number;
  /** Epochs trained (early stopping included). */
  epochs: number;
  /** Final (or best-epoch) masked MSE on the training split. */
  trainLoss: number;
  /** Best masked MSE on the validation split (the selection criterion). */
  valLoss: number;
  /** Wall time in seconds. */
  seconds?: number;
  /** Training loss per epoch (loss curve). */
  trainCurve?: ArrayLike<number>;
  /** Validation loss per epoch (loss curve). */
  valCurve?: ArrayLike<number>;
  /** Other settings of this candidate (activation, dropout, learning rate...). */
  settings?: Record<string, unknown>;
}

/** Autoencoder search, PCA comparison and rotation. */
export interface TrainingSummary {
  /** Backend used: 'webgpu', 'wasm', 'cpu' (with adapter details if known). */
  backend?: string;
  /** Bottleneck size k (number of HSVs). */
  latent?: number;
  activation?: string;
  candidates?: CandidateSummary[];
  /** Index into candidates of the chosen network. */
  best?: number;
  /** PCA with the same k on the same training data, scored like the candidates. */
  pca?: { trainLoss?: number; valLoss: number };
  /** Rotation of the HSVs: 'none', 'varimax', 'promax', 'oblimin'. */
  rotation?: string;
  /** HSV-phenotype loadings before rotation (rows: phenotypes, cols: HSVs). */
  loadingsBefore?: LabelledMatrix;
  /** After rotation. */
  loadingsAfter?: LabelledMatrix;
  /** Share of reconstruction (or variance) carried by each HSV, same order as the HSVs. */
  varianceShare?: ArrayLike<number>;
  /** Total training time in seconds. */
  seconds?: number;
  /** Workers that trained the candidates in parallel (the app's train pool); 1 or absent: one after another. */
  workers?: number;
}

/** What one HSV seems to measure. */
export interface HsvInterpretation {
  /** 'HSV1' ... */
  hsv: string;
  /** Suggested name from the top-loading phenotypes (e.g. 'liver function'). */
  name?: string;
  /** Phenotypes with the largest |correlation|, strongest first. */
  top: { phenotype: string; r: number }[];
  /** Share of reconstruction carried. */
  share?: number;
}

/**
 * Genome-wide results for one response (an HSV, or any phenotype), parallel arrays in file order.
 * P may be given as p, or (better for tiny values) as mlog10p = -log10 P; plots use mlog10p when present.
 */
export interface ScanResult {
  /** Response name: 'HSV1' ... */
  response: string;
  /** Test row: 'ADD', or 'ADDx<E>' for SNPxE. */
  test?: string;
  chrom: ArrayLike<string>;
  pos: ArrayLike<number>;
  id: ArrayLike<string>;
  /** P values; NaN = not tested (monomorphic, all missing). */
  p?: ArrayLike<number>;
  /** -log10 P, preferred over p when present. */
  mlog10p?: ArrayLike<number>;
  beta?: ArrayLike<number>;
  se?: ArrayLike<number>;
  /** t statistics as computed by the scan (exports print BETA/SE when absent). */
  tStat?: ArrayLike<number>;
  /** Allele counted (A1 = ALT, .bim column 5). */
  a1?: ArrayLike<string>;
  /** Reference allele (.bim column 6) and ALT, for plink2-style exports. */
  ref?: ArrayLike<string>;
  alt?: ArrayLike<string>;
  obsCt?: ArrayLike<number>;
  /** Genomic-control lambda (median chi-square / 0.4549); computed from P when absent. */
  lambdaGc?: number;
}

/** Rotation-invariant omnibus test across all HSVs (chi-square, k df). */
export interface OmnibusResult extends ScanResult {
  chisq?: ArrayLike<number>;
  df?: number;
}

/** One selected term of the SIS + penalized regression step. */
export interface SelectedTermSummary {
  /** Response: 'HSV1' ... */
  hsv: string;
  /** SNP ID, E name, 'SNP:E' or 'SNP1:SNP2'. */
  term: string;
  /** 'SNP', 'ENV', 'GxE', 'GxG'. */
  type: string;
  beta: number;
  /** Marginal P from the scan. */
  p?: number;
  /** Selection frequency over subsamples, 0..1. */
  stability?: number;
  /** Genes of the term's SNP part(s), as annotated (NEAREST_GENE). */
  genes?: string;
  /** Position of the term's SNP (SNP and GxE terms; selected.tsv CHROM/POS), when known. */
  chrom?: string;
  pos?: number;
  /** The counted allele of the term's SNP(s) (`A:G` for SNPxSNP; absent for E): BETA is per copy of it. */
  a1?: string;
}

/** A hit (selected or significant SNP) with its genes. */
export interface AnnotatedHit {
  id: string;
  chrom: string;
  pos: number;
  /** Response(s) it was found for. */
  hsv?: string;
  p?: number;
  beta?: number;
  /** Overlapping gene(s), or the nearest within the window; '' or undefined when none. */
  nearestGene?: string;
  /** bp to the nearest gene, 0 inside; undefined when none within the window. */
  distance?: number;
  strand?: string;
  genesInWindow?: string[];
}

/**
 * Population structure (the pipeline's structure step): what the scan and the selection were adjusted for,
 * the genetic PCs, the LOCO ridge step's fit and the pairwise kinship.
 */
export interface StructureSummary {
  /** What was adjusted for and how, in words (as in the log). */
  adjustedFor: string[];
  /** Genetic PCs adjusted for as covariates (0 = none). */
  pcs: number;
  loco: boolean;
  variantsUsed?: number;
  /** PCA: `vectors` row-major n x k (sample i, PC j at i * k + j), samples in `iids` order (the genotype file's). */
  pca?: { k: number; eigenvalues: ArrayLike<number>; iids: string[]; vectors: ArrayLike<number> };
  /** LOCO ridge: per response, the out-of-fold R^2 of the whole-genome prediction. */
  locoR2?: { response: string; r2: number }[];
  /** KING-robust kinship of every pair, binned (histogram) and counted by degree (exact counts). */
  kinship?: { pairs: number; bins: { from: number; width: number; counts: ArrayLike<number> }; degrees: { label: string; count: number }[] };
  /** Why kinship was not computed, when it was not. */
  kinshipSkipped?: string;
  seconds?: number;
  /** The app: workers the PCA and the LOCO step ran on (1 = in the analysis worker). */
  workers?: number;
}

/** All input to buildReport. Every field is optional. */
export interface Analysis {
  /** Report title (default 'LatentScan analysis'). */
  title?: string;
  /** ISO time the analysis finished. */
  createdAt?: string;
  cohort?: CohortSummary;
  preparation?: PreparationSummary;
  training?: TrainingSummary;
  /** HSV x phenotype correlations (rows: HSVs, cols: phenotypes). */
  hsvCorrelation?: LabelledMatrix;
  interpretation?: HsvInterpretation[];
  /** Population structure adjustment (genetic PCs, LOCO ridge, kinship); absent when the scans were not adjusted. */
  structure?: StructureSummary;
  /** One entry per response (and per test row when SNPxE is reported). */
  scans?: ScanResult[];
  omnibus?: OmnibusResult;
  selected?: SelectedTermSummary[];
  annotations?: AnnotatedHit[];
  /** Gene source and window used for the annotations. */
  annotationSource?: { genes: string; window: number };
  /** Software versions: { latentscan: '0.1.0', tfjs: '4.22.0', node: '20.x', browser: '...' }. */
  versions?: Record<string, string>;
  /** Every parameter and seed, as given and as defaulted (nested objects allowed). */
  parameters?: Record<string, unknown>;
  /** Run-level warnings to show at the top. */
  warnings?: string[];
  /** Logs of the runs (pipeline.log, scan.log ...), kept verbatim in the report for the record. */
  logs?: { name: string; text: string }[];
}
