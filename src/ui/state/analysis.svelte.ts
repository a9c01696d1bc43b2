/**
 * The analysis as the page sees it: summaries of what is loaded, the user's choices, and the results of each
 * step. Actions call the worker through runJob (progress + cancel); an error is stored next to its step and
 * leaves everything already loaded or computed in place. Large data stays in the worker.
 */
import type {
  AssocSettings,
  DemoInfo,
  ExportKind,
  GenesInfo,
  GenoInfo,
  HitsView,
  PrepareInfo,
  ResultsView,
  SampleOverlap,
  ScanInfo,
  SelectInfo,
  StructureInfo,
  TableInfo,
  TrainInfo,
} from '../../app/protocol';
import { call, onWorkerCrash } from './analysisWorker';
import type { Activation, HsvRotation } from '../../lib/ae/AeConfig';
import { runJob } from './jobs.svelte';
import type { UiError } from './workerError';
import { readWorkerError } from './workerError';
import { backendState } from './backend.svelte';
import type { Transform } from '../../lib/pheno/Recipe';
import type { HitFilter } from '../../lib/report/hitFilter';
import { DEFAULT_SELECTION, checkSelectionSettings, type SelectionSettings } from '../../lib/select/selectionSettings';
import type { VariantQcOptions } from '../../lib/io/variantQc';
import type { BgenAlleleOrder } from '../../lib/io/bgen';
import { AE_SEARCH_DEFAULTS, STRUCTURE_DEFAULTS, defaultCovariateNames, defaultLatent } from '../../lib/pipeline/defaults';
import { genotypeFileRole, groupGenotypeFiles, type GenotypeFileGroup } from '../../lib/io/genotypeFileSet';

export type StepId = 'data' | 'pheno' | 'hsv' | 'assoc' | 'results';
export const STEPS: { id: StepId; title: string }[] = [
  { id: 'data', title: 'Data' },
  { id: 'pheno', title: 'Phenotypes' },
  { id: 'hsv', title: 'Health variables' },
  { id: 'assoc', title: 'Association' },
  { id: 'results', title: 'Results' },
];

export type Slot = 'pheno' | 'covar' | 'geno' | 'genes' | 'demo' | 'prepare' | 'train' | 'structure' | 'scan' | 'select' | 'report';

export interface GenotypeQcFields {
  maf: number | null;
  geno: number | null;
  hwe: number | null;
  mind: number | null;
}

/** The QC filters that are set (an empty input leaves its filter off, as plink2 without the flag). */
export function qcOptions(q: GenotypeQcFields): VariantQcOptions {
  const out: VariantQcOptions = {};
  for (const k of ['maf', 'geno', 'hwe', 'mind'] as const) {
    const v = q[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

export const ui = $state<{
  step: StepId;
  pheno: TableInfo | null;
  covar: TableInfo | null;
  geno: GenoInfo | null;
  genes: GenesInfo | null;
  /** Genotype files still missing when a set (PLINK trio, .pgen trio) came in pieces. */
  genoPending: string | null;
  /** BGEN input: which allele is REF (the CLI's --bgen FILE [ref-first|ref-last]; default ref-first). */
  bgenOrder: BgenAlleleOrder;
  demo: DemoInfo['planted'] | null;
  errors: Partial<Record<Slot, UiError>>;
  /** Covariate-table columns used as covariates and as environment factors (SNPxE). */
  covariates: string[];
  env: string[];
  /** Phenotype columns left out by the user. */
  excluded: string[];
  /** Transforms the user chose instead of the automatic one, by column. */
  transforms: Record<string, Transform>;
  /** Columns with more missing values than this fraction are left out (unless the user overrides). */
  maxMissing: number;
  latent: number;
  candidates: number;
  activation: Activation;
  rotate: HsvRotation;
  maxEpochs: number;
  /** Factor discovery (SIS + penalized regression) settings; the CLI pipeline's defaults. */
  selection: SelectionSettings;
  /** Genotype QC before the scan and the selection (plink2 --maf/--geno/--hwe/--mind); null = off. */
  qc: GenotypeQcFields;
  /** Population structure adjusted for: genetic PCs (0 = none) and the LOCO ridge step (the CLI pipeline's defaults). */
  structure: { pcs: number; loco: boolean };
  pipelineRunning: boolean;
  notice: string | null;
}>({
  step: 'data',
  pheno: null,
  covar: null,
  geno: null,
  genes: null,
  genoPending: null,
  bgenOrder: 'ref-first',
  demo: null,
  errors: {},
  covariates: [],
  env: [],
  excluded: [],
  transforms: {},
  maxMissing: 0.2,
  latent: defaultLatent(40),
  candidates: AE_SEARCH_DEFAULTS.candidates,
  activation: AE_SEARCH_DEFAULTS.activation,
  rotate: AE_SEARCH_DEFAULTS.rotate,
  maxEpochs: AE_SEARCH_DEFAULTS.maxEpochs,
  selection: { ...DEFAULT_SELECTION },
  qc: { maf: null, geno: null, hwe: null, mind: null },
  structure: { ...STRUCTURE_DEFAULTS },
  pipelineRunning: false,
  notice: null,
});

/**
 * Step results. Each field is $state.raw: replaced whole by each step, never mutated, and not proxied (the
 * results view holds 500 table rows and SVG text; proxying them costs main-thread time for nothing).
 */
class StepResults {
  prep = $state.raw<PrepareInfo | null>(null);
  train = $state.raw<TrainInfo | null>(null);
  structure = $state.raw<StructureInfo | null>(null);
  scan = $state.raw<ScanInfo | null>(null);
  select = $state.raw<SelectInfo | null>(null);
  view = $state.raw<ResultsView | null>(null);

  /** Plain copy (for saving). */
  toJSON() {
    return { prep: this.prep, train: this.train, structure: this.structure, scan: this.scan, select: this.select, view: this.view };
  }
}
export const results = new StepResults();

/**
 * The settings the shown structure results were made with (null: none made since the last training or since new
 * genotypes or covariates were loaded). Saves the round trip; the session also keeps its step by inputs.
 */
const structureDone: { key: string | null } = { key: null };

function clearFrom(step: 'prep' | 'train' | 'scan') {
  if (step === 'prep') results.prep = null;
  if (step === 'prep' || step === 'train') {
    results.train = null;
    results.structure = null;
    structureDone.key = null;
  }
  results.scan = null;
  results.select = null;
  results.view = null;
}

/**
 * What was loaded, kept on the page (File objects are references, not copies) so that a crashed worker can be
 * given the same data again. Results already shown are kept as they are.
 */
const sources: { pheno?: File; covar?: File; geno?: File[]; demo?: boolean; idCol?: { pheno?: string; covar?: string } } = {};

/** Reads a loaded table again with another column as the participant ID. */
export async function changeIdColumn(kind: 'pheno' | 'covar', idCol: string): Promise<boolean> {
  const file = sources[kind];
  if (!file) return false;
  return await loadTable(kind, file, false, idCol);
}

onWorkerCrash((message) => {
  ui.notice = `${message} Results already shown are kept; the loaded data is being read again into a fresh worker. Steps after the crash need to be run again.`;
  void (async () => {
    if (sources.demo) await loadDemo();
    else {
      if (sources.pheno) await loadTable('pheno', sources.pheno, true);
      if (sources.covar) await loadTable('covar', sources.covar, true);
      if (sources.geno) await loadGenotypeFiles(sources.geno);
    }
  })();
});

function setError(slot: Slot, e: UiError | null) {
  const errs = { ...ui.errors };
  if (e) errs[slot] = e;
  else delete errs[slot];
  ui.errors = errs;
}

/**
 * Default covariates: every usable column of the covariate table (the pipeline's rule, defaultCovariateNames);
 * default E: none (no SNPxE step unless the user picks one, which then stops being a covariate).
 */
function defaultCovariates(t: TableInfo): string[] {
  return defaultCovariateNames(usableCovariates(t).map((c) => c.name), [], t.idColumn);
}

/**
 * Columns that can enter a regression as they are: numeric ones, and two-level categorical ones (coded 0/1 by
 * level order). Categorical columns with more levels would need dummy coding and are not offered.
 */
export function usableCovariates(t: TableInfo): TableInfo['columns'] {
  return t.columns.filter((c) => c.kind === 'numeric' || c.distinct <= 2);
}

/** `idCol`: the participant ID column chosen by the user (default: IID, else the first column). */
export async function loadTable(kind: 'pheno' | 'covar', file: File, reload = false, idCol?: string): Promise<boolean> {
  const id = idCol ?? (reload ? sources.idCol?.[kind] : undefined);
  const r = await runJob(kind, `Reading ${file.name}`, (jobId, onProgress) =>
    call((api) => api.loadTable(jobId, kind, file, file.name, onProgress, id)),
  );
  if (!r.ok) {
    setError(kind, r.error);
    return false;
  }
  setError(kind, null);
  sources[kind] = file;
  sources.idCol = { ...sources.idCol, [kind]: id };
  sources.demo = false;
  if (reload) return true;
  ui.demo = null; // the demo's planted terms no longer describe the data
  if (kind === 'pheno') {
    ui.pheno = r.value;
    ui.excluded = [];
    ui.transforms = {};
    ui.latent = defaultLatent(r.value.columns.length);
    clearFrom('prep');
  } else {
    ui.covar = r.value;
    ui.covariates = defaultCovariates(r.value);
    ui.env = [];
    structureDone.key = null;
  }
  await refreshOverlap();
  return true;
}

/** Genotyped samples covered by the loaded tables (shown in the Data step; 0 means wrong ID column). */
export const overlap = $state<{ value: SampleOverlap | null }>({ value: null });
async function refreshOverlap(): Promise<void> {
  overlap.value = await call((api) => api.overlap()).catch(() => null);
}

/** Genotype files picked so far that do not yet make a complete set (src/lib/io/genotypeFileSet.ts). */
let pendingGeno: File[] = [];

/** Format and role of a genotype file: a later file of the same key replaces a pending one. */
function roleKey(f: File): string | null {
  const r = genotypeFileRole(f.name);
  return r ? `${r.format}:${r.role}` : null;
}

/** "Got a.pgen, a.psam; add the .pvar (or .pvar.zst) file." (the set with the most files when there are several). */
function pendingNote(files: File[], groups: GenotypeFileGroup[]): string {
  const g = groups.reduce((a, b) => (Object.keys(b.files).length > Object.keys(a.files).length ? b : a));
  return `Got ${files.map((f) => f.name).join(', ')}; add the ${g.missing.join(' and ')} file${g.missing.length > 1 ? 's' : ''}.`;
}

/**
 * Genotype files from the picker or a drop: a PLINK 1 or PLINK 2 trio, a .bgen (with its .sample and .bgi) or a
 * VCF. A set may arrive in pieces: files are held until the set is complete (a new file of a role replaces the
 * earlier one). A .sample or .bgi picked after its .bgen was loaded opens the .bgen again with it (and with the
 * loaded set's other file).
 */
export async function loadGenotypes(picked: File[]): Promise<boolean> {
  const replaced = new Set(picked.map(roleKey));
  let files = [...pendingGeno.filter((f) => !replaced.has(roleKey(f))), ...picked];
  let g = groupGenotypeFiles(files.map((f) => f.name));
  const loadedBgen = sources.geno?.some((f) => genotypeFileRole(f.name)?.role === 'bgen');
  const bgenExtra = (f: File) => ['sample', 'bgi'].includes(genotypeFileRole(f.name)?.role ?? '');
  if (g.kind === 'incomplete' && loadedBgen && files.every(bgenExtra)) {
    const latest = new Map(files.map((f) => [roleKey(f), f]));
    files = [...sources.geno!.filter((f) => !latest.has(roleKey(f))), ...latest.values()];
    g = groupGenotypeFiles(files.map((f) => f.name));
  }
  if (g.kind === 'incomplete') {
    pendingGeno = files;
    setError('geno', null);
    ui.genoPending = pendingNote(files, g.groups);
    return false;
  }
  pendingGeno = [];
  ui.genoPending = null;
  // A complete set goes alone; anything else goes as it is, for the worker's message.
  const set = g.kind === 'complete' ? Object.values(g.set.files).map((i) => files[i]) : files;
  return await loadGenotypeFiles(set);
}

async function loadGenotypeFiles(files: File[]): Promise<boolean> {
  const r = await runJob('geno', `Opening ${files.map((f) => f.name).join(', ')}`, (jobId, onProgress) =>
    call((api) => api.loadGenotypes(jobId, files.map((f) => ({ name: f.name, blob: f })), onProgress, { bgenOrder: ui.bgenOrder })),
  );
  if (!r.ok) {
    setError('geno', r.error);
    return false;
  }
  setError('geno', null);
  sources.geno = files;
  sources.demo = false;
  ui.geno = r.value;
  structureDone.key = null;
  ui.demo = null;
  await refreshOverlap();
  return true;
}

/**
 * Which allele of a .bgen is REF (BGEN has no REF/ALT: 'ref-first' = UK Biobank and plink2 --export ... ref-first,
 * 'ref-last' = plink2's default BGEN export). A loaded .bgen is opened again with the new setting.
 */
export async function setBgenOrder(order: BgenAlleleOrder): Promise<boolean> {
  const before = ui.bgenOrder;
  if (order === before) return true;
  ui.bgenOrder = order;
  if (ui.geno?.format !== 'bgen' || !sources.geno || sources.demo) return true;
  const ok = await loadGenotypeFiles(sources.geno);
  if (!ok) ui.bgenOrder = before; // the .bgen stays open as it was
  return ok;
}

export async function loadGenes(file: File): Promise<boolean> {
  const r = await runJob('genes', `Reading ${file.name}`, (jobId) => call((api) => api.loadGenes(jobId, file, file.name)));
  if (!r.ok) {
    setError('genes', r.error);
    return false;
  }
  setError('genes', null);
  ui.genes = r.value;
  if (results.view) await refreshView();
  return true;
}

export async function loadDemo(): Promise<boolean> {
  const r = await runJob('demo', 'Simulating the demo cohort', (jobId, onProgress) =>
    call((api) => api.loadDemo(jobId, { n: 1000, snps: 2000, phenos: 40, seed: 1 }, onProgress)),
  );
  if (!r.ok) {
    setError('demo', r.error);
    return false;
  }
  setError('demo', null);
  sources.demo = true;
  if (results.view) return true; // reloaded after a crash: keep the results and choices on the page
  for (const s of ['pheno', 'covar', 'geno'] as const) setError(s, null);
  ui.pheno = r.value.pheno;
  ui.covar = r.value.covar;
  ui.geno = r.value.geno;
  ui.demo = r.value.planted;
  ui.covariates = defaultCovariates(r.value.covar);
  ui.env = [];
  ui.excluded = [];
  ui.transforms = {};
  ui.latent = defaultLatent(r.value.pheno.columns.length);
  clearFrom('prep');
  await refreshOverlap();
  return true;
}

/** The phenotype settings as a key: training re-prepares when they changed since the last preparation. */
export function prepareKey(): string {
  return JSON.stringify({ exclude: [...ui.excluded].sort(), transforms: ui.transforms, maxMissing: ui.maxMissing });
}
export const prepared = $state<{ key: string | null }>({ key: null });

export async function preparePhenotypes(): Promise<boolean> {
  if (!(ui.maxMissing >= 0 && ui.maxMissing <= 1)) {
    setError('prepare', { kind: 'input', message: 'The missing-value threshold must be a number from 0 to 100 (%).' });
    return false;
  }
  const key = prepareKey();
  const settings = { exclude: [...ui.excluded], transforms: { ...ui.transforms }, maxMissing: ui.maxMissing };
  const r = await runJob('prepare', 'Preparing phenotypes', (jobId, onProgress) =>
    call((api) => api.preparePhenotypes(jobId, settings, onProgress)),
  );
  if (!r.ok) {
    setError('prepare', r.error);
    return false;
  }
  setError('prepare', null);
  clearFrom('prep');
  results.prep = r.value;
  prepared.key = key;
  return true;
}

export async function trainHsv(): Promise<boolean> {
  if ((!results.prep || prepared.key !== prepareKey()) && !(await preparePhenotypes())) {
    setError('train', { kind: 'input', message: `Preparing the phenotypes failed (see the Phenotypes step): ${ui.errors.prepare?.message ?? ''}` });
    return false;
  }
  const r = await runJob('train', 'Training autoencoders', (jobId, onProgress) =>
    call((api) =>
      api.train(
        jobId,
        { latent: ui.latent, candidates: ui.candidates, maxEpochs: ui.maxEpochs, activation: ui.activation, rotate: ui.rotate },
        onProgress,
      ),
    ),
  );
  if (!r.ok) {
    setError('train', r.error);
    return false;
  }
  setError('train', null);
  clearFrom('train');
  results.train = r.value;
  if (r.value.cancelled) ui.notice = 'Training was cancelled: the health variables come from the best network so far.';
  return true;
}

/** What the scan, the selection and the structure step are run with (the Association step's settings). */
function assocSettings(): AssocSettings {
  return { covariates: [...ui.covariates], env: [...ui.env], qc: qcOptions(ui.qc), structure: { ...ui.structure } };
}

/**
 * The structure step (genetic PCs, LOCO ridge, kinship) as its own job, with progress and cancel. Skipped when
 * its results for the same settings are shown; with 0 PCs and no LOCO it clears them.
 */
export async function computeStructure(): Promise<boolean> {
  if (!results.train) return false;
  const settings = assocSettings();
  const key = JSON.stringify(settings);
  if (structureDone.key === key) return true;
  const r = await runJob('structure', 'Population structure (genetic PCs, LOCO ridge, kinship)', (jobId, onProgress) =>
    call((api) => api.structure(jobId, settings, onProgress)),
  );
  if (!r.ok) {
    setError('structure', r.error);
    return false;
  }
  setError('structure', null);
  results.structure = r.value;
  structureDone.key = key;
  return true;
}

export async function scanGenome(): Promise<boolean> {
  if (!results.train) return false;
  if (!(await computeStructure())) return false;
  const settings = assocSettings();
  const r = await runJob('scan', 'Genome-wide scan', (jobId, onProgress) => call((api) => api.scan(jobId, settings, onProgress)));
  if (!r.ok) {
    setError('scan', r.error);
    return false;
  }
  setError('scan', null);
  clearFrom('scan');
  results.scan = r.value;
  await refreshView();
  return true;
}

export async function selectFactors(): Promise<boolean> {
  if (!results.train) return false;
  const problems = checkSelectionSettings(ui.selection, ui.geno?.variants);
  if (problems.length) {
    setError('select', { kind: 'input', message: `Factor discovery settings: ${problems.map((p) => p.message).join('; ')}.` });
    return false;
  }
  if (!(await computeStructure())) return false;
  const selection = $state.snapshot(ui.selection);
  const settings = { ...assocSettings(), selection };
  const r = await runJob('select', 'Factor discovery (SIS)', (jobId, onProgress) => call((api) => api.select(jobId, settings, onProgress)));
  if (!r.ok) {
    setError('select', r.error);
    return false;
  }
  setError('select', null);
  results.select = r.value;
  await refreshView();
  return true;
}

export async function refreshView(): Promise<void> {
  try {
    results.view = await call((api) => api.results(500, new URL('./', document.baseURI).href));
    setError('report', null);
  } catch (e) {
    setError('report', readWorkerError(e));
  }
}

/** Search and filter over every tested variant (Results step), in the worker. */
export async function searchHits(filter: HitFilter): Promise<{ ok: true; value: HitsView } | { ok: false; error: UiError }> {
  try {
    return { ok: true, value: await call((api) => api.hits(filter, 500, new URL('./', document.baseURI).href)) };
  } catch (e) {
    return { ok: false, error: readWorkerError(e) };
  }
}

/** Builds an export in the worker and offers it as a download (a blob: URL; nothing leaves the page). */
export async function downloadExport(kind: ExportKind): Promise<void> {
  try {
    const f = await call((api) => api.exportText(kind));
    saveBlob(new Blob([f.text], { type: f.mime }), f.name);
    setError('report', null);
  } catch (e) {
    setError('report', readWorkerError(e));
  }
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function dataReady(): boolean {
  return !!ui.pheno && !!ui.geno;
}

/** "Run all with defaults": every step in order, stopping at the first failure or cancel. */
export async function runPipeline(): Promise<void> {
  if (ui.pipelineRunning) return;
  ui.pipelineRunning = true;
  ui.notice = null;
  try {
    // Preparation shows its progress on the HSV step too: going there at once spares the page a render of the
    // Phenotypes step's per-column table (one main-thread task of 66-116 ms on the demo, measured in e2e).
    ui.step = 'hsv';
    if (!(await preparePhenotypes())) {
      ui.step = 'pheno';
      return;
    }
    if (!(await trainHsv())) return;
    if (results.train?.cancelled) return;
    ui.step = 'assoc';
    if (!(await scanGenome())) return;
    ui.step = 'results';
    await selectFactors();
  } finally {
    ui.pipelineRunning = false;
  }
}

export function backendName(): string {
  return backendState.status?.label ?? 'unknown';
}
