/**
 * EBIC's log model-space count with weak heredity: an interaction term (GxE, GxG) whose parent is also in
 * the model is counted against that parent's interactions only (log of S + E partners), not against the
 * whole universe; main effects and parentless interactions are counted against their class's universe
 * (prior 'by-class': main effects against the SNPs + E, interactions against the SNPxE + SNPxSNP terms) or
 * against the whole universe p ('pooled'):
 *   log count = sum_j log(p_j) - log(k!)   (= log C(p, k) to first order when every p_j = p).
 * This is the prior of a hierarchical model search (interactions are looked for next to selected terms),
 * and lowers the bar for an interaction of a selected SNP from |t| about 5.7 to about 5.0 (n = 4,000,
 * p = 538,728, gamma 1); docs/selection.md gives the measured effect.
 */
import type { EbicPrior } from './ebicPrior';
import { featureKey, isMainEffect, type Feature } from './Feature';

/**
 * Per column: null for a main effect (SNP, E), else the columns of the interaction's parents among `features`
 * (possibly none, when no parent was screened in). Weak heredity admits an interaction only next to a parent.
 */
export function interactionParents(features: readonly Feature[]): (number[] | null)[] {
  const index = new Map<string, number>();
  features.forEach((f, j) => index.set(featureKey(f), j));
  const col = (f: Parameters<typeof featureKey>[0]) => index.get(featureKey(f));
  return features.map((f) => {
    if (isMainEffect(f)) return null;
    const parents =
      f.type === 'GxE'
        ? [col({ type: 'SNP', variant: f.variant, aux: -1 }), col({ type: 'ENV', variant: -1, aux: f.aux })]
        : [col({ type: 'SNP', variant: f.variant, aux: -1 }), col({ type: 'SNP', variant: f.aux, aux: -1 })];
    return parents.filter((x): x is number => x !== undefined);
  });
}

export function heredityModelCount(
  features: readonly Feature[],
  universe: number,
  /** SNPs + E: the main-effect universe, and the partners (SNPs and E) of each parent. */
  mainEffects: number,
  prior: EbicPrior = 'pooled',
): (cols: readonly number[]) => number {
  const index = new Map<string, number>();
  features.forEach((f, j) => index.set(featureKey(f), j));
  const parentCols = features.map((f) => {
    switch (f.type) {
      case 'SNP':
      case 'ENV':
        return [] as number[];
      case 'GxE':
        return [index.get(featureKey({ type: 'SNP', variant: f.variant, aux: -1 })), index.get(featureKey({ type: 'ENV', variant: -1, aux: f.aux }))].filter((x): x is number => x !== undefined);
      case 'GxG':
        return [index.get(featureKey({ type: 'SNP', variant: f.variant, aux: -1 })), index.get(featureKey({ type: 'SNP', variant: f.aux, aux: -1 }))].filter((x): x is number => x !== undefined);
      default:
        throw new Error(`unknown feature type '${String((f as Feature).type)}'`);
    }
  });
  const byClass = prior === 'by-class';
  const logMain = Math.log(byClass ? mainEffects : universe);
  const logInteraction = Math.log(byClass ? Math.max(2, universe - mainEffects) : universe);
  const logPartners = Math.log(Math.max(2, Math.min(mainEffects, universe)));
  return (cols) => {
    const inModel = new Set(cols);
    let s = 0;
    for (const j of cols) {
      if (parentCols[j].some((c) => inModel.has(c))) s += logPartners;
      else s += isMainEffect(features[j]) ? logMain : logInteraction;
    }
    for (let i = 2; i <= cols.length; i++) s -= Math.log(i);
    return s;
  };
}
