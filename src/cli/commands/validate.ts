/**
 * `validate`: do the HSVs track health? Association of each HSV with outcomes (adjusted for covariates) and a
 * cross-validated predictive comparison HSVs vs the same number of PCs vs all phenotypes; optionally the
 * HSV change between two waves and its association with the outcomes, and a drift check of a new wave's
 * phenotypes against the preparation recipe.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { arg, UsageError, type CliCommand, type ParsedArgs } from '../args';
import { loadTable } from '../loadTable';
import type { Table } from '../../lib/io/Table';
import { InputError } from '../../lib/base/errors';
import type { AssocRow, Matrix } from '../../lib/validate/associateOutcomes';
import { validateHsvs } from '../../lib/validate/validateHsvs';
import { associateChange } from '../../lib/validate/associateChange';
import { associationSvg, predictionSvg } from '../../lib/validate/validationSvg';
import type { Comparison } from '../../lib/validate/cvPredict';
import type { VerdictResult } from '../../lib/validate/predictionVerdict';
import { tableMatrix, type AlignedMatrix } from '../../lib/validate/tableMatrix';
import { hsvChange } from '../../lib/validate/hsvChange';
import { driftCheck, type DriftReport } from '../../lib/validate/driftCheck';
import type { Outcome } from '../../lib/validate/Outcome';
import { parseRecipe } from '../../lib/pheno/parseRecipe';

export const command: CliCommand = {
  name: 'validate',
  summary: 'Validate HSVs against health outcomes (association, cross-validated prediction vs PCs), follow-up waves, drift',
  options: [
    { name: 'hsv', type: 'string', meta: 'FILE', help: 'HSV table (#FID IID HSV1..HSVk)', required: true },
    { name: 'outcomes', type: 'string', meta: 'FILE', help: 'table with the outcome columns (by IID)', required: true },
    { name: 'outcome-name', type: 'list', meta: 'O1,O2', help: 'outcome columns: 0/1 (or PLINK 1/2) = binary, else quantitative' },
    { name: 'time', type: 'string', meta: 'T', help: 'follow-up time column (time-to-event outcome, with --event)' },
    { name: 'event', type: 'string', meta: 'E', help: 'event indicator column (0/1)' },
    { name: 'covar', type: 'string', meta: 'FILE', help: 'covariate table (by IID)' },
    { name: 'covar-name', type: 'list', meta: 'C1,C2', help: 'covariates to adjust for (default: all columns of --covar)' },
    { name: 'pcs', type: 'string', meta: 'FILE', help: 'principal components table; the first k columns are used (k = number of HSVs)' },
    { name: 'pheno', type: 'string', meta: 'FILE', help: 'phenotype table: the "all phenotypes" model, and the PCs when --pcs is absent' },
    { name: 'folds', type: 'int', help: 'cross-validation folds', default: 5 },
    { name: 'inner-folds', type: 'int', help: 'inner folds choosing the ridge lambda', default: 3 },
    { name: 'seed', type: 'int', help: 'seed of the fold assignment', default: 1 },
    { name: 'no-predict', type: 'flag', help: 'skip the cross-validated predictive comparison' },
    { name: 'hsv-followup', type: 'string', meta: 'FILE', help: 'HSVs of a later wave (same model, same IIDs): change per participant and its association' },
    { name: 'no-baseline-adjust', type: 'flag', help: 'do not adjust the change association for the baseline HSV value' },
    { name: 'recipe', type: 'string', meta: 'FILE', help: 'phenotype recipe (JSON) for the drift check of --wave' },
    { name: 'wave', type: 'string', meta: 'FILE', help: 'phenotype table of a new wave, checked against --recipe' },
    { name: 'out', type: 'string', meta: 'PREFIX', help: 'output prefix', required: true },
  ],
  details: [
    'Writes PREFIX.assoc.tsv (HSV x outcome: model, OR/beta/HR per SD, 95% CI, P, N; forest plot PREFIX.assoc.svg),',
    'PREFIX.predict.tsv (plot PREFIX.predict.svg)',
    '(per outcome: cross-validated AUC / C-index / R^2 from HSVs, PCs and all phenotypes) and PREFIX.summary.txt',
    '(one plain sentence per outcome: do the HSVs predict at least as well as the PCs? VERDICT at-least-as-well,',
    'within-noise (lower by < 2 paired fold SE) or worse). With --hsv-followup:',
    'PREFIX.change.tsv and PREFIX.change.assoc.tsv (change per SD, adjusted for the baseline HSV value). With --recipe and --wave: PREFIX.drift.tsv and a warning',
    'naming the shifted columns.',
    'Example: npm run cli -- validate --hsv run.hsv.tsv --outcomes demo/outcomes.csv --outcome-name disease',
    '  --time time --event event --covar demo/covar.csv --covar-name age,sex --pheno demo/pheno.csv --out val',
  ].join('\n'),
  run,
};

const fmt = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : 'NA');

async function run(a: ParsedArgs): Promise<void> {
  const out = arg.str(a, 'out') as string;
  const names = arg.list(a, 'outcome-name') ?? [];
  const time = arg.str(a, 'time');
  const event = arg.str(a, 'event');
  if ((time === undefined) !== (event === undefined)) throw new UsageError('validate: --time and --event go together');
  if (names.length === 0 && time === undefined) throw new UsageError('validate: give --outcome-name and/or --time with --event');
  const recipeFile = arg.str(a, 'recipe');
  const waveFile = arg.str(a, 'wave');
  if ((recipeFile === undefined) !== (waveFile === undefined)) throw new UsageError('validate: --recipe and --wave go together');
  if (arg.list(a, 'covar-name') && !arg.str(a, 'covar')) throw new UsageError('validate: --covar-name needs --covar');
  const log = (s: string) => console.log(s);

  const hsvTable = await loadTable(arg.str(a, 'hsv') as string, { idCol: 'IID' });
  const ids = hsvTable.ids;
  const hsv = tableMatrix(hsvTable, null, ids);
  checkNumeric(hsvTable, 'HSV');
  const k = hsv.names.length;
  if (k === 0) throw new InputError({ file: hsvTable.source, expected: 'HSV columns after IID', found: 'none' }, 'no HSV columns');
  log(`validate: ${ids.length} participants, ${k} HSVs (${hsv.names.join(', ')}) from ${hsvTable.source}`);

  const outTable = await loadTable(arg.str(a, 'outcomes') as string, { idCol: 'IID' });
  const outcomes = buildOutcomes(outTable, names, time, event, ids, log);

  let covar: Matrix | null = null;
  const covFile = arg.str(a, 'covar');
  if (covFile) {
    const ct = await loadTable(covFile, { idCol: 'IID', precision: 'f64' });
    const cm = tableMatrix(ct, arg.list(a, 'covar-name') ?? null, ids);
    covar = cm;
    log(`covariates: ${cm.names.join(', ')}${cm.absent ? ` (${cm.absent} participants absent from ${ct.source})` : ''}`);
  }

  let pheno: AlignedMatrix | null = null;
  const phenoFile = arg.str(a, 'pheno');
  if (phenoFile && !arg.flag(a, 'no-predict')) {
    const pt = await loadTable(phenoFile, { idCol: 'IID', precision: 'f64' });
    const outcomeCols = new Set([...names, ...(time ? [time, event as string] : [])]);
    const cols = pt.columns.map((c) => c.name).filter((c) => !outcomeCols.has(c));
    pheno = tableMatrix(pt, cols, ids);
    log(`phenotypes: ${pheno.names.length} columns from ${pt.source}${pheno.absent ? ` (${pheno.absent} participants absent)` : ''}`);
  }
  let pcs: Matrix | null = null;
  const pcFile = arg.str(a, 'pcs');
  if (pcFile && !arg.flag(a, 'no-predict')) {
    const pct = await loadTable(pcFile, { idCol: 'IID', precision: 'f64' });
    pcs = tableMatrix(pct, null, ids);
    if (pcs.names.length < k) {
      throw new InputError({ file: pct.source, expected: `at least ${k} PC columns`, found: `${pcs.names.length}` }, 'too few PCs');
    }
  }
  const res = validateHsvs({
    hsv,
    outcomes,
    covariates: covar,
    pcs,
    phenotypes: pheno,
    noPredict: arg.flag(a, 'no-predict'),
    folds: arg.num(a, 'folds'),
    seed: arg.num(a, 'seed'),
    innerFolds: arg.num(a, 'inner-folds'),
  });
  writeAssoc(`${out}.assoc.tsv`, res.assoc);
  writeFileSync(`${out}.assoc.svg`, associationSvg(res.assoc));
  log(`wrote ${out}.assoc.tsv (${res.assoc.length} rows) and ${out}.assoc.svg`);
  for (const r of res.assoc) {
    if (!r.converged) log(`warning: ${r.hsv} x ${r.outcome}: the ${r.model} fit did not converge (N = ${r.n})`);
  }
  if (!arg.flag(a, 'no-predict')) {
    if (res.pcSource === 'computed') log(`PCs: the first ${k} principal components of the phenotypes`);
    for (const v of res.verdicts) log(v.sentence);
    writePredict(`${out}.predict.tsv`, res.comparisons, res.verdicts);
    writeFileSync(`${out}.summary.txt`, res.verdicts.map((v) => v.sentence).join('\n') + '\n');
    writeFileSync(`${out}.predict.svg`, predictionSvg(res.comparisons, res.verdicts));
    log(`wrote ${out}.predict.tsv, ${out}.predict.svg and ${out}.summary.txt`);
  }

  const fu = arg.str(a, 'hsv-followup');
  if (fu) {
    const ft = await loadTable(fu, { idCol: 'IID', precision: 'f64' });
    const fm = tableMatrix(ft, null, ft.ids);
    const ch = hsvChange({ ids, names: hsv.names, values: hsv.values }, { ids: ft.ids, names: fm.names, values: fm.values });
    log(`follow-up: ${ch.ids.length} participants in both waves (${ch.onlyBaseline} only at baseline, ${ch.onlyFollowUp} only at follow-up)`);
    const dNames = ch.names.map((n) => `d${n}`);
    const lines = [['IID', ...dNames].join('\t')];
    for (let i = 0; i < ch.ids.length; i++) lines.push([ch.ids[i], ...Array.from(ch.change.subarray(i * k, i * k + k), fmt)].join('\t'));
    writeFileSync(`${out}.change.tsv`, lines.join('\n') + '\n');
    const chOutcomes = buildOutcomes(outTable, names, time, event, ch.ids, () => {});
    const chCov = covFile ? tableMatrix(await loadTable(covFile, { idCol: 'IID', precision: 'f64' }), arg.list(a, 'covar-name') ?? null, ch.ids) : null;
    const chAssoc = associateChange(ch, chOutcomes, chCov, { adjustBaseline: !arg.flag(a, 'no-baseline-adjust') });
    writeAssoc(`${out}.change.assoc.tsv`, chAssoc);
    log(`wrote ${out}.change.tsv and ${out}.change.assoc.tsv`);
  }

  if (recipeFile && waveFile) {
    const recipe = parseRecipe(readFileSync(recipeFile, 'utf8'), recipeFile);
    const wave = await loadTable(waveFile, { idCol: recipe.idColumn });
    const rep = driftCheck(recipe, wave);
    writeDrift(`${out}.drift.tsv`, rep);
    log(rep.warning ? `warning: ${rep.warning}` : `drift: no column of ${wave.source} outside the training distribution`);
    log(`wrote ${out}.drift.tsv`);
  }
}

function checkNumeric(t: Table, what: string): void {
  const bad = t.columns.filter((c) => c.kind !== 'numeric').map((c) => c.name);
  if (bad.length > 0) {
    throw new InputError({ file: t.source, column: bad[0], expected: `numeric ${what} values`, found: 'text' }, `non-numeric ${what} column`);
  }
}

function buildOutcomes(
  t: Table,
  names: string[],
  time: string | undefined,
  event: string | undefined,
  ids: readonly string[],
  log: (s: string) => void,
): Outcome[] {
  const outcomes: Outcome[] = [];
  const col = (name: string): Float64Array => {
    const m = tableMatrix(t, [name], ids);
    if (m.names.length !== 1 || m.names[0] !== name) {
      throw new InputError({ file: t.source, column: name, expected: 'numbers', found: 'text' }, 'outcome column is not numeric');
    }
    return m.values;
  };
  for (const name of names) {
    const y = col(name);
    const distinct = new Set<number>();
    for (const v of y) if (!Number.isNaN(v)) distinct.add(v);
    const vals = [...distinct];
    if (vals.length <= 2 && vals.every((v) => v === 0 || v === 1)) {
      outcomes.push({ kind: 'binary', name, y });
      log(`outcome ${name}: binary (0/1)`);
    } else if (vals.length <= 2 && vals.every((v) => v === 1 || v === 2)) {
      outcomes.push({ kind: 'binary', name, y: y.map((v) => (Number.isNaN(v) ? NaN : v - 1)) });
      log(`outcome ${name}: binary (PLINK coding 1 = control, 2 = case)`);
    } else {
      outcomes.push({ kind: 'quantitative', name, y });
      log(`outcome ${name}: quantitative`);
    }
  }
  if (time !== undefined && event !== undefined) {
    const tm = col(time);
    const ev = col(event);
    for (let i = 0; i < ev.length; i++) {
      const v = ev[i];
      if (!Number.isNaN(v) && v !== 0 && v !== 1) {
        throw new InputError({ file: t.source, column: event, expected: '0/1', found: String(v) }, 'event indicator not 0/1');
      }
      if (!Number.isNaN(tm[i]) && !(tm[i] >= 0)) {
        throw new InputError({ file: t.source, column: time, expected: 'a time >= 0', found: String(tm[i]) }, 'negative follow-up time');
      }
    }
    outcomes.push({ kind: 'survival', name: time, time: tm, event: ev });
    log(`outcome ${time}: time to event (event column ${event})`);
  }
  return outcomes;
}

function writeAssoc(path: string, rows: AssocRow[]): void {
  const lines = ['HSV\tOUTCOME\tMODEL\tEFFECT\tESTIMATE\tL95\tU95\tP\tN\tCASES\tBETA\tSE\tCONVERGED'];
  for (const r of rows) {
    lines.push(
      [r.hsv, r.outcome, r.model, `${r.effect}_per_SD`, fmt(r.estimate), fmt(r.lower), fmt(r.upper), fmt(r.p), r.n,
        Number.isNaN(r.cases) ? 'NA' : r.cases, fmt(r.beta), fmt(r.se), r.converged ? 'Y' : 'N'].join('\t'),
    );
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

function writePredict(path: string, comps: Comparison[], verdicts: VerdictResult[]): void {
  const sets = ['HSV', 'PC', 'PHENO'];
  const head = ['OUTCOME', 'KIND', 'METRIC', 'N', 'FOLDS', ...sets, ...sets.map((s) => `${s}_FOLD_SD`), ...sets.map((s) => `${s}_P`), 'HSV_MINUS_PC', 'PAIRED_SE', 'VERDICT'];
  const lines = [head.join('\t')];
  comps.forEach((c, ci) => {
    const get = (s: string) => c.results.find((r) => r.set === s);
    const sd = (v: Float64Array) => {
      const m = v.reduce((x, y) => x + y, 0) / v.length;
      return Math.sqrt(v.reduce((x, y) => x + (y - m) ** 2, 0) / Math.max(1, v.length - 1));
    };
    const v = verdicts[ci];
    lines.push(
      [
        c.outcome,
        c.kind,
        c.results[0].metric,
        c.n,
        c.results[0].foldValues.length,
        ...sets.map((s) => (get(s) ? fmt(get(s)!.value) : 'NA')),
        ...sets.map((s) => (get(s) ? fmt(sd(get(s)!.foldValues)) : 'NA')),
        ...sets.map((s) => (get(s) ? String(get(s)!.p) : 'NA')),
        fmt(v.difference),
        fmt(v.se),
        v.verdict,
      ].join('\t'),
    );
  });
  writeFileSync(path, lines.join('\n') + '\n');
}

function writeDrift(path: string, r: DriftReport): void {
  const lines = ['COLUMN\tKIND\tN_TRAIN\tN\tMISSING_TRAIN\tMISSING\tSMD\tSD_RATIO\tKS\tTVD\tSHIFTED\tREASONS'];
  for (const c of r.columns) {
    const f = (v: number | null) => (v === null ? 'NA' : fmt(v));
    lines.push(
      [c.column, c.kind, c.trainingObserved, c.observed, f(c.trainingMissingRate), f(c.missingRate), f(c.smd), f(c.sdRatio), f(c.ks), f(c.tvd),
        c.shifted ? 'Y' : 'N', c.reasons.join('; ') || '.'].join('\t'),
    );
  }
  writeFileSync(path, lines.join('\n') + '\n');
}
