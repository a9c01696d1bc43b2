/**
 * Readers for the result files the CLI writes, back into Analysis pieces (pure over text):
 * plink2-style PREFIX.<response>.glm.linear, PREFIX.omnibus.glm.tsv, selected.tsv, and train.json.
 */
import { InputError } from '../base/errors';
import type { Analysis, CandidateSummary, HsvInterpretation, LabelledMatrix, OmnibusResult, PreparedColumnSummary, ScanResult, SelectedTermSummary } from './Analysis';

interface Columns {
  names: string[];
  rows: string[][];
}

function readTsv(text: string, file: string): Columns {
  const lines = text.split('\n');
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new InputError({ file, line: 1, expected: 'a header line', found: 'an empty file' }, 'empty table');
  const names = lines[0].replace(/\r$/, '').split('\t');
  names[0] = names[0].replace(/^#/, '');
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    if (l === '') continue;
    const f = l.split('\t');
    if (f.length !== names.length) throw new InputError({ file, line: i + 1, expected: `${names.length} tab-separated fields`, found: String(f.length) }, 'ragged row');
    rows.push(f);
  }
  return { names, rows };
}

function need(c: Columns, name: string, file: string): number {
  const i = c.names.indexOf(name);
  if (i < 0) throw new InputError({ file, line: 1, column: name, expected: `a column named ${name}`, found: c.names.join(' ') }, 'missing column');
  return i;
}

const num = (s: string) => (s === 'NA' || s === '' || s === '.' ? NaN : Number(s));

/** -log10 of a P printed as text, exact beyond double range ('1e-400' -> 400). */
export function mlog10FromText(s: string): number {
  if (s === 'NA' || s === '' || s === '.') return NaN;
  const v = Number(s);
  if (v > 0) return -Math.log10(v);
  const m = /^([0-9.]+)[eE]([-+]?\d+)$/.exec(s);
  if (m) return -(Math.log10(Number(m[1])) + Number(m[2]));
  return v === 0 ? Infinity : NaN;
}

/**
 * A plink2 .glm.linear file (ours or plink2's) as one ScanResult per TEST value, keeping ADD and ADDx<E>
 * rows (covariate rows, if any, are dropped). The response name is the part of the file name before
 * `.glm.linear` after the last '.' (PREFIX.HSV1.glm.linear -> HSV1).
 */
export function parseGlmLinear(text: string, file: string): ScanResult[] {
  const base = file.replace(/^.*[\\/]/, '').replace(/\.glm\.(linear|logistic(\.hybrid)?)$/, '');
  const response = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : base;
  // streamed over the text line by line into per-TEST column arrays: no array of row arrays (a 1 M-variant
  // file would otherwise cost about 12 M small strings at once)
  let nl = text.indexOf('\n');
  const headLine = (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
  if (headLine.trim() === '') throw new InputError({ file, line: 1, expected: 'a header line', found: 'an empty file' }, 'empty table');
  const names = headLine.split('\t');
  names[0] = names[0].replace(/^#/, '');
  const c: Columns = { names, rows: [] };
  const iC = need(c, 'CHROM', file), iP = need(c, 'POS', file), iI = need(c, 'ID', file), iPv = need(c, 'P', file);
  const iT = names.indexOf('TEST'), iB = names.indexOf('BETA'), iS = names.indexOf('SE'), iTs = names.indexOf('T_STAT');
  const iA1 = names.indexOf('A1'), iRef = names.indexOf('REF'), iAlt = names.indexOf('ALT'), iN = names.indexOf('OBS_CT');
  interface Group { chrom: string[]; pos: number[]; id: string[]; m: number[]; beta: number[]; se: number[]; t: number[]; a1: string[]; ref: string[]; alt: string[]; n: number[] }
  const groups = new Map<string, Group>();
  let lineNo = 1;
  let from = nl < 0 ? text.length : nl + 1;
  while (from < text.length) {
    nl = text.indexOf('\n', from);
    const end = nl < 0 ? text.length : nl;
    let line = text.slice(from, end);
    from = end + 1;
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    const f = line.split('\t');
    if (f.length !== names.length) throw new InputError({ file, line: lineNo, expected: `${names.length} tab-separated fields`, found: String(f.length) }, 'ragged row');
    const test = iT >= 0 ? f[iT] : 'ADD';
    if (test !== 'ADD' && !test.startsWith('ADDx')) continue;
    let g = groups.get(test);
    if (!g) groups.set(test, (g = { chrom: [], pos: [], id: [], m: [], beta: [], se: [], t: [], a1: [], ref: [], alt: [], n: [] }));
    g.chrom.push(f[iC]);
    g.pos.push(Number(f[iP]));
    g.id.push(f[iI]);
    g.m.push(mlog10FromText(f[iPv]));
    if (iB >= 0) g.beta.push(num(f[iB]));
    if (iS >= 0) g.se.push(num(f[iS]));
    if (iTs >= 0) g.t.push(num(f[iTs]));
    if (iA1 >= 0) g.a1.push(f[iA1]);
    if (iRef >= 0) g.ref.push(f[iRef]);
    if (iAlt >= 0) g.alt.push(f[iAlt]);
    if (iN >= 0) g.n.push(num(f[iN]));
  }
  return [...groups].map(([test, g]) => ({
    response,
    test,
    chrom: g.chrom,
    pos: Float64Array.from(g.pos),
    id: g.id,
    mlog10p: Float64Array.from(g.m),
    beta: iB >= 0 ? Float64Array.from(g.beta) : undefined,
    se: iS >= 0 ? Float64Array.from(g.se) : undefined,
    tStat: iTs >= 0 ? Float64Array.from(g.t) : undefined,
    a1: iA1 >= 0 ? g.a1 : undefined,
    ref: iRef >= 0 ? g.ref : undefined,
    alt: iAlt >= 0 ? g.alt : undefined,
    obsCt: iN >= 0 ? Float64Array.from(g.n) : undefined,
  }));
}

/** PREFIX.omnibus.glm.tsv: #CHROM POS ID A1 OBS_CT CHISQ DF P. */
export function parseOmnibus(text: string, file: string): OmnibusResult {
  const c = readTsv(text, file);
  const iC = need(c, 'CHROM', file), iP = need(c, 'POS', file), iI = need(c, 'ID', file), iPv = need(c, 'P', file);
  const iX = c.names.indexOf('CHISQ'), iD = c.names.indexOf('DF'), iA1 = c.names.indexOf('A1'), iN = c.names.indexOf('OBS_CT');
  const m = /omnibus\.(ADDx[^.]+)\.glm/.exec(file);
  return {
    response: 'Omnibus',
    test: m ? m[1] : 'ADD',
    chrom: c.rows.map((r) => r[iC]),
    pos: Float64Array.from(c.rows, (r) => Number(r[iP])),
    id: c.rows.map((r) => r[iI]),
    mlog10p: Float64Array.from(c.rows, (r) => mlog10FromText(r[iPv])),
    chisq: iX >= 0 ? Float64Array.from(c.rows, (r) => num(r[iX])) : undefined,
    df: iD >= 0 && c.rows.length ? num(c.rows[0][iD]) : undefined,
    a1: iA1 >= 0 ? c.rows.map((r) => r[iA1]) : undefined,
    obsCt: iN >= 0 ? Float64Array.from(c.rows, (r) => num(r[iN])) : undefined,
  };
}

/** selected.tsv: HSV TERM TYPE BETA [A1] [P] [STABILITY] [NEAREST_GENE ...] (any extra columns ignored). */
export function parseSelected(text: string, file: string): SelectedTermSummary[] {
  const c = readTsv(text, file);
  const iH = need(c, 'HSV', file), iT = need(c, 'TERM', file), iY = need(c, 'TYPE', file), iB = need(c, 'BETA', file);
  const iP = c.names.findIndex((n) => n === 'P' || n === 'MARGINAL_P' || n === 'P_MARGINAL');
  const iS = c.names.findIndex((n) => n === 'STABILITY' || n === 'SEL_FREQ');
  const iG = c.names.findIndex((n) => n === 'NEAREST_GENE' || n === 'GENES');
  const iC = c.names.findIndex((n) => n === 'CHROM' || n === 'CHR');
  const iPos = c.names.findIndex((n) => n === 'POS' || n === 'BP');
  const iA = c.names.indexOf('A1');
  return c.rows.map((r) => {
    const t: SelectedTermSummary = { hsv: r[iH], term: r[iT], type: r[iY], beta: num(r[iB]) };
    if (iP >= 0 && Number.isFinite(num(r[iP]))) t.p = num(r[iP]);
    if (iS >= 0 && Number.isFinite(num(r[iS]))) t.stability = num(r[iS]);
    if (iG >= 0 && r[iG] !== 'NA' && r[iG] !== '') t.genes = r[iG];
    if (iA >= 0 && r[iA] !== 'NA' && r[iA] !== '') t.a1 = r[iA];
    if (iC >= 0 && iPos >= 0 && r[iC] !== 'NA' && r[iC] !== '' && /^\d+$/.test(r[iPos])) {
      t.chrom = r[iC];
      t.pos = Number(r[iPos]);
    }
    return t;
  });
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const nums = (v: unknown): number[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null) ? v.map((x) => (x === null ? NaN : (x as number))) : undefined);
const numOr = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function matrix(v: unknown, rows: string[], cols: string[]): LabelledMatrix | undefined {
  if (!Array.isArray(v) || v.length !== rows.length) return undefined;
  const values: number[] = [];
  for (const r of v) {
    const a = nums(r);
    if (!a || a.length !== cols.length) return undefined;
    values.push(...a);
  }
  return { rows, cols, values };
}

/**
 * The Analysis pieces in a train.json written by `cli train` / `cli pipeline` (fields read defensively:
 * whatever is absent or of another shape is left out).
 */
export function analysisFromTrainJson(json: unknown): Analysis {
  if (!isObj(json)) return {};
  const a: Analysis = {};
  const settings = isObj(json.settings) ? json.settings : {};
  const cands: CandidateSummary[] = [];
  if (Array.isArray(json.candidates)) {
    for (const c of json.candidates) {
      if (!isObj(c)) continue;
      const hist = isObj(c.history) ? c.history : {};
      cands.push({
        hidden: nums(c.hidden) ?? [],
        seed: numOr(c.seed) ?? NaN,
        epochs: numOr(c.epochs) ?? NaN,
        trainLoss: numOr(c.trainLoss) ?? NaN,
        valLoss: numOr(c.valLoss) ?? NaN,
        seconds: numOr(c.seconds),
        trainCurve: nums(hist.trainLoss) ?? nums(c.trainCurve),
        valCurve: nums(hist.valLoss) ?? nums(c.valCurve),
      });
    }
  }
  const pca = isObj(json.pca) && typeof json.pca.valLoss === 'number' ? { valLoss: json.pca.valLoss, trainLoss: numOr(json.pca.trainLoss) } : undefined;
  const hsv = isObj(json.hsv) ? json.hsv : {};
  const names = Array.isArray(hsv.names) ? (hsv.names as unknown[]).map(String) : undefined;
  const inputs = Array.isArray(json.inputs) ? (json.inputs as unknown[]).map(String) : undefined;
  a.training = {
    backend: typeof json.backend === 'string' ? json.backend : undefined,
    latent: numOr(settings.latent) ?? names?.length,
    activation: typeof settings.activation === 'string' ? settings.activation : undefined,
    candidates: cands,
    best: numOr(json.best),
    pca,
    rotation: typeof json.rotate === 'string' ? json.rotate : typeof settings.rotate === 'string' ? settings.rotate : undefined,
    varianceShare: nums(hsv.share),
    seconds: numOr(json.seconds),
  };
  if (names && inputs) {
    a.training.loadingsBefore = matrix(hsv.loadingsBefore, inputs, names);
    a.training.loadingsAfter = matrix(hsv.loadingsAfter, inputs, names);
    a.hsvCorrelation = matrix(hsv.correlations, names, inputs);
    if (Array.isArray(hsv.top)) {
      const share = nums(hsv.share);
      a.interpretation = (hsv.top as unknown[]).map((t, k): HsvInterpretation => ({
        hsv: names[k] ?? `HSV${k + 1}`,
        share: share?.[k],
        top: Array.isArray(t) ? t.filter(isObj).map((x) => ({ phenotype: String(x.column ?? x.phenotype ?? ''), r: numOr(x.corr ?? x.r) ?? NaN })) : [],
      }));
    }
  }
  const prep = isObj(json.prepare) && isObj(json.prepare.report) ? json.prepare.report : undefined;
  if (prep) {
    const dropped = new Map<string, string>();
    if (Array.isArray(prep.dropped)) for (const d of prep.dropped) if (isObj(d)) dropped.set(String(d.column), String(d.reason));
    const recipeCols = isObj(json.recipe) && Array.isArray(json.recipe.columns) ? (json.recipe.columns as unknown[]).filter(isObj) : [];
    const transformOf = new Map<string, string>();
    for (const rc of recipeCols) if (!transformOf.has(String(rc.source))) transformOf.set(String(rc.source), String(rc.transform));
    const columns: PreparedColumnSummary[] = Array.isArray(prep.summaries)
      ? (prep.summaries as unknown[]).filter(isObj).map((s) => ({
          name: String(s.name),
          kind: String(s.type ?? ''),
          included: !dropped.has(String(s.name)) && transformOf.has(String(s.name)),
          transform: transformOf.get(String(s.name)) ?? '',
          reason: dropped.get(String(s.name)),
          missingRate: numOr(s.missingRate),
          observed: numOr(s.observed),
          mean: numOr(s.mean),
          sd: numOr(s.sd),
          skewness: numOr(s.skewness),
          distinct: numOr(s.distinct),
        }))
      : [];
    a.preparation = {
      columns,
      outputColumns: inputs?.length,
      nearDuplicates: Array.isArray(prep.duplicates) ? (prep.duplicates as unknown[]).filter(isObj).map((d) => ({ a: String(d.a), b: String(d.b), r: numOr(d.r) ?? NaN })) : undefined,
      recipe: json.recipe,
    };
    const rowsIn = numOr(prep.rowsIn);
    const rowsOut = numOr(prep.rowsOut);
    const dr = isObj(prep.rowsDropped) ? prep.rowsDropped : undefined;
    a.cohort = {
      sources: [{ name: String(prep.source ?? json.pheno ?? 'phenotypes'), kind: 'phenotypes', samples: rowsIn, columns: columns.length || undefined }],
      matchedSamples: rowsOut,
      droppedSamples: dr && numOr(dr.count) ? [{ reason: String(dr.reason ?? 'no phenotype observed'), count: numOr(dr.count) ?? 0 }] : [],
      warnings: Array.isArray(prep.warnings) ? (prep.warnings as unknown[]).map(String) : undefined,
    };
  }
  if (isObj(json.versions)) a.versions = Object.fromEntries(Object.entries(json.versions).map(([k, v]) => [k, String(v)]));
  a.parameters = {
    train: settings,
    seeds: json.seeds,
    ...(json.pheno !== undefined ? { phenotypes: json.pheno } : {}),
  };
  return a;
}
