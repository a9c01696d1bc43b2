/**
 * Which model-space prior EBIC uses for SIS candidates: 'by-class' (default) counts main effects (SNP, E)
 * against the main-effect universe and interactions (SNPxE, SNPxSNP) against theirs (He & Chen 2016);
 * 'pooled' counts every term against the whole universe (Chen & Chen 2008 with p = all candidates).
 * Measured difference: docs/selection.md (EBIC prior).
 */
import type { EbicClasses } from './ebic';
import { isMainEffect, type Feature } from './Feature';

export type EbicPrior = 'by-class' | 'pooled';
export const EBIC_PRIORS: readonly EbicPrior[] = ['by-class', 'pooled'];

/** Class 0 = main effects (universe `mainEffects`), class 1 = interactions (the rest of `universe`). */
export function ebicClassesFor(features: readonly Feature[], mainEffects: number, universe: number): EbicClasses {
  const classOf = new Uint8Array(features.length);
  features.forEach((f, j) => (classOf[j] = isMainEffect(f) ? 0 : 1));
  return { classOf, universe: [mainEffects, Math.max(0, universe - mainEffects)] };
}

/** The classes for `prior` (default 'by-class'); undefined for 'pooled' (one universe). */
export function ebicClassesOf(prior: EbicPrior | undefined, features: readonly Feature[], mainEffects: number, universe: number): EbicClasses | undefined {
  return (prior ?? 'by-class') === 'by-class' ? ebicClassesFor(features, mainEffects, universe) : undefined;
}
