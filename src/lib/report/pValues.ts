/** -log10 P of a scan (from mlog10p, else p) and genomic-control lambda from P values. */
import { normalQuantile } from '../math/dist';
import type { ScanResult } from './Analysis';

/** Median of the 1-df chi-square distribution, qchisq(0.5, 1). */
export const CHI2_1DF_MEDIAN = 0.454936423119572;

const cache = new WeakMap<object, Float64Array>();
const lambdaCache = new WeakMap<object, number>();

/**
 * -log10 P for each variant; NaN where P is missing or invalid. Cached per scan object (the plots, tables and
 * lambda of one report share one array): scans are treated as immutable once built.
 */
export function mlog10pOf(scan: Pick<ScanResult, 'p' | 'mlog10p' | 'id'>): Float64Array {
  const hit = cache.get(scan);
  if (hit) return hit;
  const out = computeMlog10p(scan);
  cache.set(scan, out);
  return out;
}

/** Genomic-control lambda of a scan: its own lambdaGc when given, else from its P values (cached). */
export function lambdaOf(scan: ScanResult): number {
  if (scan.lambdaGc !== undefined) return scan.lambdaGc;
  let l = lambdaCache.get(scan);
  if (l === undefined) lambdaCache.set(scan, (l = lambdaGcFromMlog10p(mlog10pOf(scan))));
  return l;
}

function computeMlog10p(scan: Pick<ScanResult, 'p' | 'mlog10p' | 'id'>): Float64Array {
  if (scan.mlog10p) {
    const m = scan.mlog10p;
    const out = new Float64Array(m.length);
    for (let i = 0; i < m.length; i++) {
      const v = m[i];
      out[i] = typeof v === 'number' && v >= 0 ? v : NaN; // null (from JSON), NaN and negatives are not -log10 P
    }
    return out;
  }
  const p = scan.p;
  if (!p) throw new Error('scan result has neither p nor mlog10p');
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    out[i] = typeof v === 'number' && v >= 0 && v <= 1 ? -Math.log10(v) : NaN;
  }
  return out;
}

/**
 * Genomic-control lambda: median of the 1-df chi-square statistics implied by P, over its null median.
 * Computed from -log10 P so tiny P values cost nothing; NaN when no valid P.
 */
export function lambdaGcFromMlog10p(m: ArrayLike<number>): number {
  let k = 0;
  const v = new Float64Array(m.length);
  for (let i = 0; i < m.length; i++) if (!Number.isNaN(m[i])) v[k++] = m[i];
  if (k === 0) return NaN;
  const sorted = v.subarray(0, k).sort();
  const n = sorted.length;
  const med = n % 2 ? sorted[(n - 1) >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const p = Math.pow(10, -med);
  if (p >= 1) return 0;
  const z = normalQuantile(p / 2);
  return (z * z) / CHI2_1DF_MEDIAN;
}
