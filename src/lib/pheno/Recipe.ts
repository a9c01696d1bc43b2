/**
 * A phenotype preparation recipe: plain JSON, saved beside the results and re-applied to another cohort by
 * applyRecipe(). One entry per OUTPUT column (a one-hot categorical column gives one entry per level), and
 * per SOURCE column the training statistics a later drift check compares against.
 *
 * Transforms (parameters in brackets):
 *   zscore      (x - mean) / sd                                   [mean, sd]
 *   log-zscore  (log(x + logOffset) - mean) / sd                  [logOffset, mean, sd of the logged values]
 *               cells with x + logOffset <= 0 become missing (counted)
 *   rank-int    Blom rank-based inverse normal: z = Phi^-1((r - 3/8) / (n + 1/4)), r = mid-rank of x among
 *               the n training values. Re-applied to a new cohort by interpolating the TRAINING empirical CDF:
 *               r is read off the knots (value, mid-rank) by linear interpolation between neighbouring knots,
 *               clamped to the first/last knot outside the training range. Knots are all distinct training
 *               values when there are at most `maxKnots` of them (exact Blom on the training cohort), else
 *               maxKnots values at evenly spaced positions among the distinct sorted values.
 *               prepare() computes its output through the same knots, so re-applying a recipe to its own
 *               training cohort gives identical values.                                     [int]
 *   binary      0/1: the cell equals levels[0] -> 0, levels[1] -> 1 (labels; numbers compared as numbers);
 *               anything else -> missing (counted). Not scaled.                             [levels]
 *   one-hot     1 when the cell equals `level`, else 0; missing cell -> missing in every level column.
 *                                                                                          [level, levels]
 *   none        the value as it is                                                          []
 */
export type Transform = 'zscore' | 'log-zscore' | 'rank-int' | 'binary' | 'one-hot' | 'none';

export const TRANSFORMS: readonly Transform[] = ['zscore', 'log-zscore', 'rank-int', 'binary', 'one-hot', 'none'];

export interface IntKnots {
  /** Training observed count (n in Blom's formula). */
  n: number;
  /** Increasing training values. */
  values: number[];
  /** Mid-rank (1-based, ties averaged) of each knot value among the training values. */
  ranks: number[];
}

export interface RecipeColumn {
  /** Output column name ('bmi', or 'smoking=never' for a one-hot level). */
  output: string;
  source: string;
  transform: Transform;
  mean?: number;
  sd?: number;
  logOffset?: number;
  /** binary: [level coded 0, level coded 1]; one-hot: all levels of the source column. */
  levels?: string[];
  /** one-hot: the level this column indicates. */
  level?: string;
  int?: IntKnots;
  /** Why this transform was chosen ('default: |skewness| 2.3 > 1 and min > 0', 'override'). */
  reason: string;
}

/** Training statistics of a source column (for drift checks on a new cohort). */
export interface TrainingStats {
  source: string;
  type: string;
  rows: number;
  observed: number;
  missingRate: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
  skewness: number | null;
  /** Quantiles at `probs` of the observed raw values (numeric columns). */
  probs: number[];
  quantiles: number[] | null;
  /** Level frequencies (categorical and binary columns). */
  levelCounts: { label: string; count: number }[] | null;
}

export interface Recipe {
  format: 'latentscan-pheno-recipe';
  version: 1;
  /** ID column of the training table. */
  idColumn: string;
  /** Options the recipe was made with (for the record). */
  settings: { maxMissing: number; duplicateR: number; skewThreshold: number; maxKnots: number };
  columns: RecipeColumn[];
  stats: TrainingStats[];
}

export const QUANTILE_PROBS: readonly number[] = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];
