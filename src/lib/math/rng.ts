/**
 * Seeded random numbers: xoshiro128** seeded by splitmix32. Same seed, same stream on every platform.
 * Used by the simulator, random search, data splits, subsampling and CV folds.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box-Muller, cached pair). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** A new independent stream derived from this one. */
  fork(): Rng;
}

function splitmix32(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
}

export function createRng(seed: number): Rng {
  const sm = splitmix32(seed >>> 0 || 0x1234567);
  let a = sm(), b = sm(), c = sm(), d = sm();
  let spare: number | null = null;
  const nextU32 = (): number => {
    const t = b << 9;
    let r = Math.imul(b, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return r >>> 0;
  };
  const next = () => nextU32() / 4294967296;
  const rng: Rng = {
    next,
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int(n) {
      return Math.floor(next() * n);
    },
    fork() {
      return createRng(nextU32());
    },
  };
  return rng;
}

/** Fisher-Yates shuffle of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 via Gamma(shape + 1) x U^(1/shape)). Draws normals and
 * uniforms from `rng`; shape must be > 0.
 */
export function gammaSample(rng: Rng, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`gammaSample: shape must be > 0, got ${shape}`);
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = rng.next();
    return gammaSample(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); a, b > 0. */
export function betaSample(rng: Rng, a: number, b: number): number {
  const x = gammaSample(rng, a);
  const y = gammaSample(rng, b);
  return x + y > 0 ? x / (x + y) : a / (a + b);
}
