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
import { openPgen } from '../lib/io/pgen';
import { openBgen, type BgenSource } from '../lib/io/bgen';
import { completeGenotypeSet, groupFileNames, type GenotypeFileRole } from '../lib/io/genotypeFileSet';
import { genotypeFormatLabel } from '../lib/io/genotypeFormatLabel';
import { InputError } from '../lib/base/errors';
import { createProgress, type ProgressCallback } from '../lib/base/progress';
import { throwIfAborted } from '../lib/base/cancel';
import { simulateCohort } from '../lib/sim/simulateCohort';
import { cohortFiles } from '../lib/sim/cohortFiles';
import type { Prepared } from '../lib/pheno/prepare';
import { summarizeColumn } from '../lib/pheno/summarizeColumn';
import type { AeTrainResult } from '../lib/ae/trainAutoencoder';
import type { Analysis, SourceSummary } from '../lib/report/Analysis';
import type { ScanBackend } from '../lib/assoc/StatsKernel';
import { createGpuKernel, requestScanDevice } from '../lib/assoc/gpu/gpuKernel';
import { defaultNsis, type SisRun } from '../lib/select/runSis';
import { describeSelection, sisOptionsFrom } from '../lib/select/selectionSettings';
import { TopK } from '../lib/select/TopK';
import { describeHitText, parseHitText, variantMask, type HitFilter } from '../lib/report/hitFilter';
import { manhattanSvg } from '../lib/report/manhattanSvg';
import { qqSvg } from '../lib/report/qqSvg';
import { heatmapOrder, heatmapSvg } from '../lib/report/heatmapSvg';
import { lossCurvesSvg } from '../lib/report/lossCurvesSvg';
import { formatHsvPhenotype, formatSumstats, formatSelected } from '../lib/report/exportFormats';
import { serializeAnalysis } from '../lib/report/analysisJson';
import { GeneIndex } from '../lib/annotate/GeneIndex';
import { fetchBuiltinGenes, BUILTIN_GENES_LABEL } from '../lib/annotate/loadBuiltinGenes';
import { readGeneFile } from '../lib/annotate/readGeneFile';
import { annotatePosition, DEFAULT_GENE_WINDOW } from '../lib/annotate/annotatePosition';
import { TABLE_PRECISION, defaultCovariateNames } from '../lib/pipeline/defaults';
import { alignSamples, type AlignedSamples } from '../lib/pipeline/alignSamples';
import { prepareStep } from '../lib/pipeline/prepareStep';
import { trainStep, trainConfig, hsvTable } from '../lib/pipeline/trainStep';
import type { CandidatePool } from '../lib/ae/candidatePool';
import { scanStep, scanTestDescription } from '../lib/pipeline/scanStep';
import { selectStep } from '../lib/pipeline/selectStep';
import { reportStep } from '../lib/pipeline/reportStep';
import { genotypeReport, withGenotypeQc } from '../lib/pipeline/genotypeReport';
import { structureStep, structureSummary, type StructureStepResult } from '../lib/pipeline/structureStep';
import type { BrowserStructurePool } from '../platform/browser/browserStructurePool';
import type { LocoAdjustment } from '../lib/pipeline/locoScan';
import type { NamedColumn } from '../lib/assoc/design';
import type {
  AssocSettings,
  BgenReadInfo,
  DemoInfo,
  DemoOptions,
  ExportKind,
  GenesInfo,
  GenoInfo,
  GenoOpenOptions,
  HitRow,
  HitsView,
  PrepareInfo,
  PrepareSettings,
  ResultsView,
  SampleOverlap,
  ScanInfo,
  SelectInfo,
  SelectSettings,
  StructureInfo,
  TableInfo,
  TableKind,
  TrainInfo,
  TrainSettings,
} from './protocol';


/** The first variant of a .bgen with REF and ALT as read (one block decoded). */
async function firstVariant(b: BgenSource, signal?: AbortSignal): Promise<BgenReadInfo['first']> {
  for await (const c of b.chunks({ chunkVariants: 1, filter: { toIndex: 1 }, signal })) {
    return { id: c.variants.id[0], ref: c.variants.ref[0], alt: c.variants.alt[0] };
  }
  return null;
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
  /** Why the built-in gene table could not be loaded (shown with the results), or null. */
  genesProblem: string | null = null;
  /** The last structure step and the inputs it was made from (reused while they are the same). */
  private structureRun: { key: string; inputs: unknown[]; step: StructureStepResult; info: StructureInfo } | null = null;
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
      this.genesProblem = null;
    } catch (e) {
      if (signal?.aborted) throw e;
      // Annotation is optional: without the table the results have no gene column, and say why.
      this.genes = null;
      this.genesProblem = `The built-in gene table could not be loaded (${e instanceof Error ? e.message : String(e)}): results have no gene names. Load a gene file (GTF, GFF3 or BED) in the Results step to annotate.`;
    }
    return this.genes;
  }

  /** `idCol`: the participant ID column (default IID, else the first column). */
  async loadTable(kind: TableKind, src: ByteSource, onProgress?: ProgressCallback, signal?: AbortSignal, idCol?: string): Promise<TableInfo> {
    const precision = kind === 'pheno' ? TABLE_PRECISION.phenotypes : TABLE_PRECISION.covariates;
    const t = await readTable(src, { onProgress, signal, idCol, precision });
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

  /**
   * One genotype input from the files given (any order; other files are left out): a PLINK 1 or PLINK 2 trio, a
   * .bgen with its optional .sample and .bgi index, or one VCF/VCF.gz (src/lib/io/genotypeFileSet.ts). Files are
   * read in pieces through their ByteSources, never whole. `opts.bgenOrder`: which allele of a .bgen is REF
   * (default ref-first); GenoInfo.bgen then gives it, the index and the first variant's REF / ALT as read.
   */
  async loadGenotypes(
    files: { name: string; src: ByteSource }[],
    signal?: AbortSignal,
    onProgress?: ProgressCallback,
    opts: GenoOpenOptions = {},
  ): Promise<GenoInfo> {
    const set = completeGenotypeSet(files.map((f) => f.name));
    const src = (role: GenotypeFileRole) => files[set.files[role]!].src;
    let g: GenotypeSource;
    let bgen: BgenReadInfo | undefined;
    switch (set.format) {
      case 'bed':
        g = await openBed({ bed: src('bed'), bim: src('bim'), fam: src('fam') }, { signal, onProgress });
        break;
      case 'pgen':
        g = await openPgen({ pgen: src('pgen'), pvar: src('pvar'), psam: src('psam') }, { signal, onProgress });
        break;
      case 'bgen': {
        const b = await openBgen(
          {
            bgen: src('bgen'),
            ...(set.files.sample !== undefined ? { sample: src('sample') } : {}),
            ...(set.files.bgi !== undefined ? { index: src('bgi') } : {}),
          },
          { signal, alleleOrder: opts.bgenOrder ?? 'ref-first' },
        );
        bgen = { alleleOrder: b.alleleOrder, index: b.index?.name ?? null, indexNote: b.index?.note ?? null, first: await firstVariant(b, signal) };
        g = b;
        break;
      }
      case 'vcf':
        g = await openVcf(src('vcf'), { signal });
        break;
      default:
        throw new Error(`unknown genotype format '${String(set.format)}'`);
    }
    const names = groupFileNames(set, files.map((f) => f.name));
    this.setSource({ name: names.join(' + '), kind: 'genotypes', samples: g.samples.iid.length, variants: g.nVariants ?? undefined, format: genotypeFormatLabel(g.format, g.name) });
    this.geno = g;
    this.genoInfo = { name: g.name, format: g.format, files: names, samples: g.samples.iid.length, variants: g.nVariants, ...(bgen ? { bgen } : {}) };
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
    const { prepared: p, columns, preparation } = await prepareStep(this.pheno, s, { signal, onProgress });
    this.prepared = p;
    this.trained = null;
    this.analysis.preparation = preparation;
    const r = p.report;
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

  /**
   * The random search. `pool(candidates)` may give a pool of train workers for the search's candidates (the app's
   * analysis worker passes one for wasm/cpu, closed after the search, cancelled or not); without one, or with
   * one of size 1, the candidates train here one after another. `training.workers` says which.
   */
  async train(
    s: TrainSettings, backend: string, onProgress?: ProgressCallback, signal?: AbortSignal,
    pool?: (candidates: number) => (CandidatePool & { close(): void }) | undefined,
  ): Promise<TrainInfo> {
    if (!this.prepared) await this.preparePhenotypes({}, signal);
    const workers = pool?.(trainConfig(s, this.prepared!.matrix.p).candidates ?? 1);
    let step: Awaited<ReturnType<typeof trainStep>>;
    try {
      step = await trainStep(this.prepared!, s, backend, { onProgress, signal, pool: workers });
    } finally {
      workers?.close();
    }
    const { trained: r, training, interpretation, hsvCorrelation } = step;
    training.workers = workers && workers.size > 1 ? workers.size : 1;
    this.trained = r;
    this.analysis.parameters = { ...this.analysis.parameters, training: { ...r.config, backend } };
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
    this.analysis.hsvCorrelation = hsvCorrelation;
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

  /** Covariates of a scan or selection: the ones named, else every covariate-table column that is not an E. */
  private covariateNames(s: AssocSettings): string[] {
    if (s.covariates) return s.covariates;
    return this.covar ? defaultCovariateNames(this.covar.columns.map((c) => c.name), s.env, this.covar.idColumn) : [];
  }

  /** HSVs, covariates and E aligned to the genotype samples (the pipeline's one alignment). */
  private align(source: GenotypeSource, s: AssocSettings): AlignedSamples {
    if (!this.trained || !this.prepared) throw new Error('train health variables first');
    const hsv = hsvTable(this.prepared, this.trained, this.pheno?.source ?? 'health status variables');
    try {
      return alignSamples({ samples: source.samples, responses: hsv, covar: this.covar ?? undefined, covariates: this.covariateNames(s), env: s.env });
    } catch (e) {
      if (!(e instanceof InputError) || e.where.file !== hsv.source || !/no sample of the table is in the genotypes/.test(e.message)) throw e;
      const ex = (ids: readonly string[]) => ids.slice(0, 3).map((x) => `'${x}'`).join(', ');
      throw new InputError(
        {
          file: hsv.source,
          column: this.pheno?.idColumn,
          expected: `participant IDs that match the genotype sample IDs (IID), e.g. ${ex(source.samples.iid)}`,
          found: `none of ${hsv.ids.length} matches (e.g. ${ex(hsv.ids)}); choose the ID column in the Data step`,
        },
        'no participant matches the genotypes',
      );
    }
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

  /**
   * Genome-wide scans of every HSV (and one SNPxE scan per E). `backend`: 'webgpu' uses the WGSL kernel
   * (src/lib/assoc/gpu) on its own device and falls back to wasm if the device cannot be had or is lost;
   * 'wasm' is the WASM SIMD kernel; 'cpu' plain JavaScript.
   */
  async scan(s: AssocSettings, onProgress?: ProgressCallback, signal?: AbortSignal, backend: ScanBackend = 'wasm'): Promise<ScanInfo> {
    if (!this.geno) throw new Error('load genotypes first');
    if (!this.trained) throw new Error('train health variables first');
    const t0 = performance.now();
    const source = await withGenotypeQc(this.geno, s.qc, { signal, onProgress });
    const { aligned, loco, pcs } = await this.adjusted(source, s, onProgress, signal);
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
    let r;
    try {
      const d = device;
      r = await scanStep(
        { source, responses: aligned.responses, covariates: aligned.covariates, env: aligned.env, loco, envAdjust: pcs },
        { backend: used },
        { onProgress, signal, createGpuKernel: d ? (X) => createGpuKernel(d, X) : undefined },
      );
    } finally {
      device?.destroy();
    }
    notes.push(...r.notes);
    const covariates = aligned.covariates.map((c) => c.name);
    const g = genotypeReport(source);
    notes.push(...g.lines);
    const test = scanTestDescription(!!pcs?.length, !!loco);
    this.analysis.parameters = { ...this.analysis.parameters, structure: s.structure ?? { pcs: 0, loco: false }, scan: { covariates, env: s.env, qc: s.qc ?? {}, test } };
    this.analysis.scans = r.scans;
    const dropped = [...g.samples, ...r.dropped];
    this.analysis.cohort = {
      ...(this.analysis.cohort ?? {}),
      matchedSamples: r.analysed,
      droppedSamples: dropped,
      variantsBefore: g.variantsIn ?? r.runs[0].result.summary.nVariants,
      variantsAfter: r.runs[0].result.summary.nVariants,
      variantQc: g.variants,
    };
    return {
      responses: r.runs[0].result.responses.map((x) => x.name),
      tests: r.scans.map((x) => x.test ?? 'ADD').filter((x, i, a) => a.indexOf(x) === i),
      nVariants: r.runs[0].result.summary.nVariants,
      nAnalysed: r.analysed,
      dropped,
      lambda: r.lambda,
      seconds: (performance.now() - t0) / 1000,
      backend: r.backend,
      notes,
      covariates,
      variantsDropped: g.variants,
    };
  }

  async select(s: SelectSettings, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<SelectInfo> {
    if (!this.geno) throw new Error('load genotypes first');
    if (!this.trained) throw new Error('train health variables first');
    const t0 = performance.now();
    const source = await withGenotypeQc(this.geno, s.qc, { signal, onProgress });
    const { aligned, loco } = await this.adjusted(source, s, onProgress, signal);
    const r = await selectStep(source, aligned, sisOptionsFrom(s.selection), { signal, onProgress }, loco);
    this.sis = r.run;
    const n = aligned.n;
    const method = describeSelection(s.selection, n);
    this.analysis.parameters = {
      ...this.analysis.parameters,
      selection: { covariates: aligned.covariates.map((c) => c.name), env: s.env, ...s.selection, nsis: s.selection.nsis ?? defaultNsis(n), method },
    };
    this.analysis.selected = r.selected;
    return { selected: r.selected, seconds: (performance.now() - t0) / 1000, n, method, universe: r.run.responses[0]?.universe ?? 0, qcDropped: r.qcDropped };
  }

  /**
   * Population structure on the genotypes the scan reads (after its QC): genetic PCs, the LOCO ridge step of
   * every HSV (with the covariates and the PCs) and, up to KINSHIP_MAX_SAMPLES samples, KING-robust kinship.
   * Kept for the scan and the selection with the same inputs; null when `s.structure` asks for nothing.
   */
  async structure(s: AssocSettings, onProgress?: ProgressCallback, signal?: AbortSignal, pools?: () => BrowserStructurePool | undefined): Promise<StructureInfo | null> {
    if (!this.geno) throw new Error('load genotypes first');
    if (!this.trained) throw new Error('train health variables first');
    const want = s.structure ?? { pcs: 0, loco: false };
    if (want.pcs <= 0 && !want.loco) {
      this.structureRun = null;
      delete this.analysis.structure;
      return null;
    }
    if (this.structureKept(s)) return this.structureRun!.info;
    const source = await withGenotypeQc(this.geno, s.qc, { signal, onProgress });
    const aligned = this.align(source, s);
    const settings = { ...want, kinship: 'auto' as const };
    const pool = pools?.();
    let step: StructureStepResult;
    try {
      step = await structureStep(source, { responses: aligned.responses, covariates: aligned.covariates }, settings, { signal, onProgress, pcaPool: pool?.pca, locoPool: pool?.loco });
    } finally {
      pool?.close();
    }
    this.analysis.structure = { ...structureSummary(step, settings), workers: pool?.pca.size ?? 1 };
    const sum = this.analysis.structure;
    const info: StructureInfo = {
      lines: step.lines,
      seconds: step.seconds,
      variantsUsed: step.variantsUsed,
      pca: step.pca ? { k: step.pca.k, eigenvalues: Array.from(step.pca.eigenvalues), vectors: step.pca.vectors, iids: step.pca.samples.iid } : null,
      locoR2: sum.locoR2 ?? null,
      kinship: sum.kinship ? { bins: { ...sum.kinship.bins, counts: Array.from(sum.kinship.bins.counts) }, degrees: sum.kinship.degrees } : null,
      kinshipSkipped: step.kinshipSkipped,
      colorColumns: this.colorColumns(source),
    };
    this.structureRun = { key: this.structureKey(s), inputs: this.structureInputs(), step, info };
    return info;
  }

  /** Whether the kept structure step was made from these settings and the same genotypes, covariates and HSVs. */
  private structureKept(s: AssocSettings): boolean {
    const run = this.structureRun;
    const inputs = this.structureInputs();
    return !!run && run.key === this.structureKey(s) && run.inputs.every((x, i) => x === inputs[i]);
  }

  private structureKey(s: AssocSettings): string {
    return JSON.stringify({ qc: s.qc ?? {}, covariates: this.covariateNames(s), env: s.env, structure: s.structure ?? null });
  }

  private structureInputs(): unknown[] {
    return [this.geno, this.covar, this.trained];
  }

  /**
   * The alignment with the structure adjustment: PCs appended to the covariates, and the LOCO predictions.
   * Runs the structure step when the settings ask for it and no step of the same inputs is kept.
   */
  private async adjusted(source: GenotypeSource, s: AssocSettings, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<{ aligned: AlignedSamples; loco?: LocoAdjustment; pcs?: NamedColumn[] }> {
    const aligned = this.align(source, s);
    const want = s.structure ?? { pcs: 0, loco: false };
    if (want.pcs <= 0 && !want.loco) return { aligned };
    await this.structure(s, onProgress, signal); // the kept step when its inputs are the same
    const step = this.structureRun!.step;
    return { aligned: { ...aligned, covariates: [...aligned.covariates, ...step.pcColumns] }, loco: step.locoAdjustment, pcs: step.pcColumns };
  }

  /** Covariate-table columns per genotype sample of `source` (categorical as labels), for colouring PC plots. */
  private colorColumns(source: GenotypeSource): StructureInfo['colorColumns'] {
    const t = this.covar;
    if (!t) return [];
    const row = new Map(t.ids.map((id, i) => [id, i]));
    const at = source.samples.iid.map((id) => row.get(id));
    return t.columns.map((c) => ({
      name: c.name,
      values: at.map((i) => {
        if (i === undefined || Number.isNaN(c.values[i])) return null;
        return c.kind === 'categorical' && c.levels ? (c.levels[c.values[i]] ?? null) : c.values[i];
      }),
    }));
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
    return { rows, totalTests, plots, heatmap, lossCurves, selected: this.analysis.selected ?? [], notices: this.genesProblem ? [this.genesProblem] : [] };
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
        return { name: 'analysis.json', text: serializeAnalysis(this.snapshot()), mime: 'application/json' };
      default:
        throw new Error(`unknown export: ${String(kind)}`);
    }
  }

  /** The self-contained HTML report (pipeline reportStep) of everything computed so far. */
  async reportHtml(appBase: string, signal?: AbortSignal): Promise<string> {
    const genes = await this.ensureGenes(appBase, signal);
    return reportStep(this.snapshot(), genes ? { index: genes, label: this.genesLabel, window: DEFAULT_GENE_WINDOW } : undefined);
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
