/**
 * A candidate term of the selection problem. Genotype-based features are raw (uncentered) products of the
 * mean-imputed dosage g~(v) (missing calls set to the variant's mean over the analysed samples) with a
 * multiplier: 1 (SNP), an environment factor E (GxE: `SNPID:E`), or another SNP's g~ (GxG: `SNPID1:SNPID2`,
 * SNPID1 the partner from the top marginal SNPs (the marginal parent), as the simulator names planted pairs;
 * the lower file index first when both are top SNPs or with --gxg all): the plink2 --glm interaction parameterization, and the simulator's. ENV
 * features are E alone.
 * Every feature is residualized on the covariates (with intercept) before it is scored or fitted.
 */
export type FeatureType = 'SNP' | 'ENV' | 'GxE' | 'GxG';

export interface Feature {
  type: FeatureType;
  /** Variant index (file order among the variants the source yields); -1 for ENV. */
  variant: number;
  /** ENV/GxE: environment index; GxG: partner variant index (a top marginal SNP); SNP: -1. */
  aux: number;
  /**
   * Screening score: correlation with the response after both are residualized on the covariates (and, for
   * GxE/GxG, on the interaction's two parents); |score| ranks.
   */
  score: number;
}

/** A main effect (SNP or E), as opposed to an interaction (SNPxE, SNPxSNP). */
export function isMainEffect(f: { type: FeatureType }): boolean {
  return f.type === 'SNP' || f.type === 'ENV';
}

export function featureKey(f: { type: FeatureType; variant: number; aux: number }): string {
  return `${f.type}:${f.variant}:${f.aux}`;
}

const TYPE_ORDER: Record<FeatureType, number> = { ENV: 0, SNP: 1, GxE: 2, GxG: 3 };

/**
 * The order of features with equal screening scores (a total order): by variant index (ENV first), then SNP,
 * GxE, GxG, then aux. Screening keeps the same top-d whichever order the features are scored in, so the top-d
 * of a genome is the top-d of its shards' top-d lists.
 */
export function featureBefore(a: Feature, b: Feature): boolean {
  if (a.variant !== b.variant) return a.variant < b.variant;
  if (a.type !== b.type) return TYPE_ORDER[a.type] < TYPE_ORDER[b.type];
  return a.aux < b.aux;
}

/** TERM name as in the outputs: SNP ID, E name, `SNPID:E`, `PARTNER:SNPID`. */
export function featureName(f: { type: FeatureType; variant: number; aux: number }, variantIds: ArrayLike<string>, envNames: readonly string[]): string {
  switch (f.type) {
    case 'SNP':
      return variantIds[f.variant];
    case 'ENV':
      return envNames[f.aux];
    case 'GxE':
      return `${variantIds[f.variant]}:${envNames[f.aux]}`;
    case 'GxG':
      return `${variantIds[f.aux]}:${variantIds[f.variant]}`;
    default:
      throw new Error(`unknown feature type '${String((f as Feature).type)}'`);
  }
}

/** Parent terms of an interaction (empty for main effects). */
export function parentNames(f: Feature, variantIds: ArrayLike<string>, envNames: readonly string[]): string[] {
  switch (f.type) {
    case 'SNP':
    case 'ENV':
      return [];
    case 'GxE':
      return [variantIds[f.variant], envNames[f.aux]];
    case 'GxG':
      return [variantIds[f.aux], variantIds[f.variant]];
    default:
      throw new Error(`unknown feature type '${String((f as Feature).type)}'`);
  }
}
