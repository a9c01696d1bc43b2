/**
 * A health outcome to validate HSVs against, aligned to the rows of the HSV matrix (NaN = missing).
 * binary: 0/1 disease status; quantitative: a later measurement; survival: follow-up time and event (0/1).
 */
export type Outcome =
  | { kind: 'binary'; name: string; y: Float64Array }
  | { kind: 'quantitative'; name: string; y: Float64Array }
  | { kind: 'survival'; name: string; time: Float64Array; event: Float64Array };

export type OutcomeKind = Outcome['kind'];

/** True when row i has the outcome observed. */
export function outcomeObserved(o: Outcome, i: number): boolean {
  switch (o.kind) {
    case 'binary':
    case 'quantitative':
      return !Number.isNaN(o.y[i]);
    case 'survival':
      return !Number.isNaN(o.time[i]) && !Number.isNaN(o.event[i]);
    default:
      throw new Error(`unknown outcome kind: ${String((o as Outcome).kind)}`);
  }
}

/** Number of rows the outcome covers. */
export function outcomeLength(o: Outcome): number {
  return o.kind === 'survival' ? o.time.length : o.y.length;
}

/** The outcome restricted to the given rows, in that order. */
export function subsetOutcome(o: Outcome, rows: ArrayLike<number>): Outcome {
  const pick = (a: Float64Array) => Float64Array.from({ length: rows.length }, (_, j) => a[rows[j]]);
  switch (o.kind) {
    case 'binary':
      return { kind: 'binary', name: o.name, y: pick(o.y) };
    case 'quantitative':
      return { kind: 'quantitative', name: o.name, y: pick(o.y) };
    case 'survival':
      return { kind: 'survival', name: o.name, time: pick(o.time), event: pick(o.event) };
    default:
      throw new Error(`unknown outcome kind: ${String((o as Outcome).kind)}`);
  }
}

/** Metric used by the predictive comparison for each kind. */
export function metricName(kind: OutcomeKind): 'AUC' | 'C-index' | 'R2' {
  switch (kind) {
    case 'binary':
      return 'AUC';
    case 'survival':
      return 'C-index';
    case 'quantitative':
      return 'R2';
    default:
      throw new Error(`unknown outcome kind: ${String(kind)}`);
  }
}
