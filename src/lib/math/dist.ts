/**
 * Distribution functions for P values: normal, Student t, chi-square, F. Tail probabilities are computed
 * directly (not as 1 - cdf) and in log space where P can underflow, so -log10 P stays accurate for the
 * tiny P values of genome-wide hits (plink2 reports down to ~1e-300 and prints 0 below).
 *
 * Methods: Lanczos log-gamma; regularized incomplete gamma by series / Lentz continued fraction;
 * regularized incomplete beta by Lentz continued fraction (Numerical Recipes 6.2, 6.4); normal quantile by
 * Acklam's rational approximation with one Halley step.
 */

const LN10 = Math.LN10;
const EPS = 1e-16;
const FPMIN = 1e-300;

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln of the regularized upper incomplete gamma Q(a, x). */
export function logGammaQ(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) {
    const p = gammaPSeries(a, x);
    return Math.log1p(-p);
  }
  return logGammaQContinuedFraction(a, x);
}

/** Regularized lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) return gammaPSeries(a, x);
  return -Math.expm1(logGammaQContinuedFraction(a, x));
}

function gammaPSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < 10000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function logGammaQContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return -x + a * Math.log(x) - logGamma(a) + Math.log(h);
}

/** Continued fraction for the incomplete beta (Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** ln I_x(a, b), the regularized incomplete beta, accurate when I is tiny. */
export function logBetaInc(x: number, a: number, b: number): number {
  if (x <= 0) return -Infinity;
  if (x >= 1) return 0;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return logFront + Math.log(betaContinuedFraction(a, b, x)) - Math.log(a);
  const other = Math.exp(logFront + Math.log(betaContinuedFraction(b, a, 1 - x)) - Math.log(b));
  return Math.log1p(-other);
}

export function betaInc(x: number, a: number, b: number): number {
  return Math.exp(logBetaInc(x, a, b));
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return 0.5 * Math.exp(logGammaQ(0.5, (z * z) / 2));
  return 1 - 0.5 * Math.exp(logGammaQ(0.5, (z * z) / 2));
}

/** Two-sided normal P value for a z statistic. */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return Math.exp(logGammaQ(0.5, (z * z) / 2));
}

/** -log10 of the two-sided normal P value. */
export function normalTwoSidedLog10P(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return -logGammaQ(0.5, (z * z) / 2) / LN10;
}

const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Inverse of the standard normal CDF, p in (0, 1); +-Infinity at 1 and 0. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const plow = 0.02425;
  let x: number;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((ACKLAM_C[0] * q + ACKLAM_C[1]) * q + ACKLAM_C[2]) * q + ACKLAM_C[3]) * q + ACKLAM_C[4]) * q + ACKLAM_C[5]) /
      ((((ACKLAM_D[0] * q + ACKLAM_D[1]) * q + ACKLAM_D[2]) * q + ACKLAM_D[3]) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((ACKLAM_A[0] * r + ACKLAM_A[1]) * r + ACKLAM_A[2]) * r + ACKLAM_A[3]) * r + ACKLAM_A[4]) * r + ACKLAM_A[5]) * q) /
      (((((ACKLAM_B[0] * r + ACKLAM_B[1]) * r + ACKLAM_B[2]) * r + ACKLAM_B[3]) * r + ACKLAM_B[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x = -(((((ACKLAM_C[0] * q + ACKLAM_C[1]) * q + ACKLAM_C[2]) * q + ACKLAM_C[3]) * q + ACKLAM_C[4]) * q + ACKLAM_C[5]) /
      ((((ACKLAM_D[0] * q + ACKLAM_D[1]) * q + ACKLAM_D[2]) * q + ACKLAM_D[3]) * q + 1);
  }
  // One Halley step on the exact CDF brings the relative error to ~1e-15.
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Two-sided P value of Student's t with df degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  return Math.exp(logTTwoSided(t, df));
}

/** -log10 of the two-sided Student t P value (accurate for tiny P). */
export function tTwoSidedLog10P(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  return -logTTwoSided(t, df) / LN10;
}

function logTTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return -Infinity;
  const x = df / (df + t * t);
  return logBetaInc(x, df / 2, 0.5);
}

/** Upper tail P(X > x) of chi-square with df degrees of freedom. */
export function chi2UpperP(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  if (x <= 0) return 1;
  return Math.exp(logGammaQ(df / 2, x / 2));
}

/** -log10 of the chi-square upper tail (accurate for tiny P). */
export function chi2UpperLog10P(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  if (x <= 0) return 0;
  return -logGammaQ(df / 2, x / 2) / LN10;
}

/** Chi-square quantile (inverse of the CDF), by bisection on the upper tail; for genomic control. */
export function chi2Quantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? 0 : Infinity;
  let lo = 0;
  let hi = Math.max(1, df);
  while (1 - chi2UpperP(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (1 - chi2UpperP(mid, df) < p) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-14 * hi) break;
  }
  return (lo + hi) / 2;
}

/** Upper tail P(F > f) of the F distribution with (d1, d2) degrees of freedom. */
export function fUpperP(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f) || !(d1 > 0) || !(d2 > 0)) return NaN;
  if (f <= 0) return 1;
  return betaInc(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}
