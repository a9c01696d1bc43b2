/**
 * The user-facing settings of factor discovery (SIS + penalized regression), shared by the browser's
 * Association step and the CLI: defaults, checks with field-named messages, the SisOptions they map to, and a
 * one-line description for summaries and headings. The defaults are the `pipeline` command's.
 */
import { defaultNsis, pairsInUniverse, type GxgMode, type SisOptions } from './runSis';
import type { PenaltyKind } from './penalty';
import type { TuneKind } from './selectPenalized';

export interface SelectionSettings {
  /** SNPxSNP candidates: none, top-M x every SNP, pairs among the top M, all pairs. */
  gxg: GxgMode;
  /** Top marginal SNPs paired (gxg top/among). */
  gxgTop: number;
  /** Terms kept by screening per response; null = floor(n / log n). */
  nsis: number | null;
  penalty: PenaltyKind;
  tune: TuneKind;
  /** Folds for tune = cv. */
  folds: number;
  /** Vanilla ISIS rounds after the first selection. */
  iter: number;
  /** Half-samples for selection frequencies (0 = off). */
  stability: number;
  /** Variant QC before screening: minimum minor-allele frequency and maximum missing-call rate. */
  maf: number;
  geno: number;
  seed: number;
}

export const GXG_MODES: readonly GxgMode[] = ['none', 'top', 'among', 'all'];
export const PENALTIES: readonly PenaltyKind[] = ['lasso', 'enet', 'scad', 'mcp'];
export const TUNES: readonly TuneKind[] = ['ebic', 'bic', 'cv'];

export const DEFAULT_SELECTION: Readonly<SelectionSettings> = Object.freeze({
  gxg: 'top',
  gxgTop: 50,
  nsis: null,
  penalty: 'mcp',
  tune: 'ebic',
  folds: 5,
  iter: 0,
  stability: 0,
  maf: 0.01,
  geno: 0.1,
  seed: 1,
});

export const GXG_LABELS: Record<GxgMode, string> = {
  none: 'none',
  top: 'top M × every SNP',
  among: 'pairs among the top M',
  all: 'all pairs',
};
export const PENALTY_LABELS: Record<PenaltyKind, string> = { lasso: 'lasso', enet: 'elastic net (α 0.5)', scad: 'SCAD (a 3.7)', mcp: 'MCP (γ 3)' };
export const TUNE_LABELS: Record<TuneKind, string> = { ebic: 'EBIC', bic: 'BIC', cv: 'cross-validation' };

export interface SettingProblem {
  field: keyof SelectionSettings;
  message: string;
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/**
 * What is wrong with the settings, one message per field (empty when usable). `nSnps`, when known, lets the
 * check compare M with the number of variants.
 */
export function checkSelectionSettings(s: SelectionSettings, nSnps?: number | null): SettingProblem[] {
  const out: SettingProblem[] = [];
  const bad = (field: keyof SelectionSettings, message: string) => out.push({ field, message });
  if (!GXG_MODES.includes(s.gxg)) bad('gxg', `SNP×SNP must be one of ${GXG_MODES.join(', ')}, got '${String(s.gxg)}'`);
  if (s.gxg === 'top' || s.gxg === 'among') {
    if (!isInt(s.gxgTop) || s.gxgTop < 2) bad('gxgTop', `top SNPs paired (M) must be a whole number ≥ 2, got ${String(s.gxgTop)}`);
    else if (nSnps != null && s.gxgTop > nSnps) bad('gxgTop', `top SNPs paired (M) is ${s.gxgTop} but there are only ${nSnps} variants`);
  }
  if (s.nsis !== null && (!isInt(s.nsis) || s.nsis < 1)) bad('nsis', `screening size d must be a whole number ≥ 1 or empty (automatic), got ${String(s.nsis)}`);
  if (!PENALTIES.includes(s.penalty)) bad('penalty', `penalty must be one of ${PENALTIES.join(', ')}, got '${String(s.penalty)}'`);
  if (!TUNES.includes(s.tune)) bad('tune', `tuning must be one of ${TUNES.join(', ')}, got '${String(s.tune)}'`);
  if (s.tune === 'cv' && (!isInt(s.folds) || s.folds < 2 || s.folds > 20)) bad('folds', `folds must be a whole number from 2 to 20, got ${String(s.folds)}`);
  if (!isInt(s.iter) || s.iter < 0 || s.iter > 10) bad('iter', `ISIS rounds must be a whole number from 0 to 10, got ${String(s.iter)}`);
  else if (s.iter > 0 && s.tune === 'cv') bad('iter', 'ISIS rounds cannot be combined with cross-validation (it redoes the screening in each fold): use EBIC or BIC, or 0 rounds');
  if (!isInt(s.stability) || s.stability < 0 || s.stability > 1000 || s.stability === 1)
    bad('stability', `stability subsamples must be 0 (off) or a whole number from 2 to 1000, got ${String(s.stability)}`);
  if (typeof s.maf !== 'number' || !(s.maf >= 0 && s.maf < 0.5)) bad('maf', `minimum MAF must be in [0, 0.5), got ${String(s.maf)}`);
  if (typeof s.geno !== 'number' || !(s.geno >= 0 && s.geno <= 1)) bad('geno', `maximum missing-call rate must be in [0, 1], got ${String(s.geno)}`);
  if (!isInt(s.seed) || s.seed < 0) bad('seed', `seed must be a whole number ≥ 0, got ${String(s.seed)}`);
  return out;
}

/** SisOptions for runSis (add signal, onProgress, pool, log at the call site). Throws on invalid settings. */
export function sisOptionsFrom(s: SelectionSettings): Omit<SisOptions, 'signal' | 'onProgress' | 'pool' | 'log'> {
  const problems = checkSelectionSettings(s);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  return {
    nsis: s.nsis ?? undefined,
    gxg: s.gxg,
    gxgTop: s.gxgTop,
    penalty: s.penalty,
    tune: s.tune,
    folds: s.folds,
    iter: s.iter,
    stability: s.stability,
    seed: s.seed,
    qc: { maf: s.maf, geno: s.geno },
    heredity: 'weak',
  };
}

/** SNPxSNP candidate pairs per response for `nSnps` variants (before QC). */
export function pairsPerResponse(s: Pick<SelectionSettings, 'gxg' | 'gxgTop'>, nSnps: number): number {
  if (s.gxg === 'none') return 0;
  return pairsInUniverse(s.gxg, nSnps, Math.min(s.gxgTop, nSnps));
}

/** e.g. "SIS (d = 144) + MCP (γ 3), EBIC; SNP×SNP: top 50 × every SNP; ISIS 1 round; stability 50". */
export function describeSelection(s: SelectionSettings, n?: number): string {
  const d = s.nsis ?? (n ? defaultNsis(n) : null);
  const parts = [
    `SIS (d = ${d ?? 'n / log n'}) + ${PENALTY_LABELS[s.penalty]}, ${TUNE_LABELS[s.tune]}${s.tune === 'cv' ? ` (${s.folds} folds)` : ''}`,
    `SNP×SNP: ${s.gxg === 'none' ? 'none' : GXG_LABELS[s.gxg].replace('M', String(s.gxgTop))}`,
  ];
  if (s.iter > 0) parts.push(`ISIS ${s.iter} round${s.iter > 1 ? 's' : ''}`);
  if (s.stability > 0) parts.push(`stability over ${s.stability} half-samples`);
  return parts.join('; ');
}
