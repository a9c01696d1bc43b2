/**
 * The rows a screening pass runs on: every analysed row (the first pass, ISIS rounds) or a CV fold's
 * training rows (honest cross-validation redoes the screening there), with E and the covariate basis of
 * those rows.
 */
import { covariateBasis, residualize, type CovariateBasis } from './CovariateBasis';
import type { SisInput } from './runSis';
import type { ScreenData } from './screenGenotypes';

export interface ScreenView {
  /** 'all': every analysed row; 'fold': the training rows of a CV fold. */
  rows: 'all' | 'fold';
  data: ScreenData;
  /** E centered and residualized on the view's covariate basis. */
  envRes: Float64Array[];
  n: number;
}

/** Every analysed row as a view: E as given in data.env, centered and residualized on `basis` in envRes. */
export function fullView(input: SisInput, basis: CovariateBasis): ScreenView {
  const n = input.n;
  const envC = input.env.map((e) => center(e.values, n));
  const envRes = envC.map((e) => residualize(basis, e));
  const envRaw = input.env.map((e) => Float64Array.from({ length: n }, (_, i) => e.values[i]));
  return { rows: 'all', data: { source: input.source, rowOf: input.rowOf, basis, env: envRaw }, envRes, n };
}

/**
 * The view of a fold's training rows `tr` (analysis rows, ascending), with its own covariate basis, and the
 * responses residualized on it (the fold's screening targets). `envRaw`: E on every analysed row.
 */
export function foldView(input: SisInput, envRaw: Float64Array[], tr: number[]): { view: ScreenView; targets: Float64Array[] } {
  const n = input.n;
  const nt = tr.length;
  const pos = new Int32Array(n).fill(-1);
  tr.forEach((i, a) => (pos[i] = a));
  const sub = (v: ArrayLike<number>) => Float64Array.from(tr, (i) => v[i]);
  const basisF = covariateBasis(nt, input.covariates.map((c) => ({ name: c.name, values: sub(c.values) })));
  const envF = envRaw.map(sub);
  const view: ScreenView = {
    rows: 'fold',
    data: { source: input.source, rowOf: Int32Array.from(input.rowOf, (r) => (r >= 0 ? pos[r] : -1)), basis: basisF, env: envF },
    envRes: envF.map((e) => residualize(basisF, center(e, nt))),
    n: nt,
  };
  const targets = input.responses.map((r) => residualize(basisF, sub(r.values)));
  return { view, targets };
}

/** The first n values of v minus their mean. */
function center(v: ArrayLike<number>, n: number): Float64Array {
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i];
  m /= n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = v[i] - m;
  return out;
}
