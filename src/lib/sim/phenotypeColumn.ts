/**
 * One simulated phenotype column's values from the factors, by family: monotone links of (signal + noise)
 * (identity, exp, logistic, square, threshold for binary columns), non-monotone links with the noise added
 * after the link (U-shaped (F - c)^2, V-shaped |F - c|, products Fa x Fb), and pure noise. Each function draws
 * from the phenotype stream in a fixed order and writes into `vals` (missing cells come later).
 */
import type { Rng } from '../math/rng';
import type { PhenotypeTruth } from './simulateCohort';
import { round, standardize } from './simStats';

/** The standardized factors a phenotype column is built from. */
export interface PhenotypeFactors {
  n: number;
  /** n x K, row-major. */
  F: Float64Array;
  factorNames: string[];
}

/** What a column function reports (the rest of its PhenotypeTruth is the column's name and kind). */
export type ColumnTruth = Pick<PhenotypeTruth, 'link' | 'loadings' | 'r2' | 'center'>;

const CONTINUOUS_LINKS: PhenotypeTruth['link'][] = ['identity', 'identity', 'exp', 'logistic', 'square'];

/**
 * A non-monotone column on factor `a`: draws r2, then the second factor (product) or the centre (u-, v-shape),
 * then the location, scale and n noise values. `sig` is scratch of length n.
 */
export function nonlinearColumn(rng: Rng, fx: PhenotypeFactors, link: PhenotypeTruth['link'], a: number, sig: Float64Array, vals: Float64Array): ColumnTruth {
  const { n, F, factorNames } = fx;
  const K = factorNames.length;
  const loadings: PhenotypeTruth['loadings'] = [];
  const r2 = 0.55 + 0.3 * rng.next();
  let center: number | undefined;
  if (link === 'product') {
    const b = K > 1 ? (a + 1 + rng.int(K - 1)) % K : a;
    loadings.push({ factor: factorNames[a], loading: 1 }, { factor: factorNames[b], loading: 1 });
    for (let i = 0; i < n; i++) sig[i] = F[i * K + a] * F[i * K + b];
  } else {
    center = round(-0.4 + 0.8 * rng.next(), 3);
    loadings.push({ factor: factorNames[a], loading: 1 });
    const c0 = center;
    if (link === 'u-shape') for (let i = 0; i < n; i++) sig[i] = (F[i * K + a] - c0) ** 2;
    else for (let i = 0; i < n; i++) sig[i] = Math.abs(F[i * K + a] - c0);
  }
  const z = standardize(sig);
  const sSig = Math.sqrt(r2);
  const sNoise = Math.sqrt(1 - r2);
  const mu = 5 + 95 * rng.next();
  const sc = mu * (0.05 + 0.15 * rng.next());
  for (let i = 0; i < n; i++) vals[i] = round(mu + sc * (sSig * z[i] + sNoise * rng.normal()), 4);
  return { link, loadings, r2, center };
}

/** A noise-only column: normal, or log-normal (skewed) for half of them. */
export function noiseColumn(rng: Rng, n: number, vals: Float64Array): ColumnTruth {
  const skew = rng.next() < 0.5;
  const mu = 10 + 90 * rng.next();
  for (let i = 0; i < n; i++) {
    const e = rng.normal();
    vals[i] = round(skew ? mu * Math.exp(0.3 * e) : mu + 0.1 * mu * e, 4);
  }
  return { link: 'none', loadings: [], r2: 0 };
}

/**
 * A monotone column (binary: threshold) on factor `a` and, for about a third, a second factor: draws the
 * loadings, r2 and the n latent noise values, then the threshold (binary) or the link, location and scale.
 * `lat` is scratch of length n.
 */
export function monotoneColumn(rng: Rng, fx: PhenotypeFactors, binary: boolean, a: number, lat: Float64Array, vals: Float64Array): ColumnTruth {
  const { n, F, factorNames } = fx;
  const K = factorNames.length;
  const loadings: PhenotypeTruth['loadings'] = [];
  const two = K > 1 && rng.next() < 0.35;
  const la = (0.6 + 0.4 * rng.next()) * (rng.next() < 0.8 ? 1 : -1);
  loadings.push({ factor: factorNames[a], loading: la });
  let b = -1;
  let lb = 0;
  if (two) {
    b = (a + 1 + rng.int(K - 1)) % K;
    lb = (0.3 + 0.3 * rng.next()) * (rng.next() < 0.5 ? 1 : -1);
    loadings.push({ factor: factorNames[b], loading: lb });
  }
  const norm = Math.sqrt(la * la + lb * lb);
  const r2 = 0.4 + 0.4 * rng.next();
  const sSig = Math.sqrt(r2) / norm;
  const sNoise = Math.sqrt(1 - r2);
  for (let i = 0; i < n; i++) {
    let s = la * F[i * K + a];
    if (b >= 0) s += lb * F[i * K + b];
    lat[i] = sSig * s + sNoise * rng.normal();
  }
  if (binary) {
    const thrB = -0.5 + 1.8 * rng.next();
    for (let i = 0; i < n; i++) vals[i] = lat[i] > thrB ? 1 : 0;
    return { link: 'threshold', loadings, r2 };
  }
  const link = CONTINUOUS_LINKS[rng.int(CONTINUOUS_LINKS.length)];
  const mu = 5 + 95 * rng.next();
  const sc = mu * (0.05 + 0.2 * rng.next());
  applyMonotoneLink(link, mu, sc, lat, vals);
  return { link, loadings, r2 };
}

/** vals = link(lat) with location mu and scale sc, rounded to 4 decimals; throws for a non-monotone link. */
export function applyMonotoneLink(link: PhenotypeTruth['link'], mu: number, sc: number, lat: Float64Array, vals: Float64Array): void {
  for (let i = 0; i < lat.length; i++) {
    const x = lat[i];
    let y: number;
    switch (link) {
      case 'identity':
        y = mu + sc * x;
        break;
      case 'exp':
        y = mu * Math.exp(0.5 * x);
        break;
      case 'logistic':
        y = (2 * mu) / (1 + Math.exp(-1.5 * x));
        break;
      case 'square':
        y = (sc / 4) * (x + 3) * (x + 3);
        break;
      default:
        throw new Error(`unknown link ${link}`);
    }
    vals[i] = round(y, 4);
  }
}
