/**
 * A short human name for an HSV from its top-loading phenotypes (correlations of the HSV with the prepared
 * phenotypes).
 *
 * Rule: ignore non-finite r; sort by |r|, strongest first (ties keep input order). A phenotype qualifies when
 * |r| >= `minAbsR` (default 0.4) AND |r| >= `relative` (default 0.8) x the strongest |r|. The name is the first
 * `maxNames` (default 3) qualifying phenotype names, each prefixed with '-' when its r is negative (the HSV
 * rises as that phenotype falls), joined by ' / '. When no phenotype qualifies the name is
 * 'mixed (no dominant phenotype)'.
 *
 * Examples: [{bmi, 0.82}, {waist, 0.78}, {hdl, -0.70}, {ldl, 0.3}] -> 'bmi / waist / -hdl';
 * [{sbp, 0.35}] -> 'mixed (no dominant phenotype)'.
 */
export interface SuggestHsvNameOptions {
  /** Smallest |r| a phenotype needs to appear in the name (default 0.4). */
  minAbsR?: number;
  /** Smallest |r| relative to the strongest |r| (default 0.8). */
  relative?: number;
  /** Most phenotype names in the name (default 3). */
  maxNames?: number;
}

export const MIXED_HSV_NAME = 'mixed (no dominant phenotype)';

export function suggestHsvName(top: { phenotype: string; r: number }[], opts: SuggestHsvNameOptions = {}): string {
  const minAbsR = opts.minAbsR ?? 0.4;
  const relative = opts.relative ?? 0.8;
  const maxNames = Math.max(1, Math.floor(opts.maxNames ?? 3));
  const sorted = top
    .map((t, i) => ({ ...t, i }))
    .filter((t) => Number.isFinite(t.r))
    .sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || a.i - b.i);
  if (sorted.length === 0) return MIXED_HSV_NAME;
  const strongest = Math.abs(sorted[0].r);
  const names = sorted
    .filter((t) => Math.abs(t.r) >= minAbsR && Math.abs(t.r) >= relative * strongest)
    .slice(0, maxNames)
    .map((t) => (t.r < 0 ? `-${t.phenotype}` : t.phenotype));
  return names.length ? names.join(' / ') : MIXED_HSV_NAME;
}
