/**
 * What each HSV means: its correlation with every prepared phenotype, the top phenotypes by |correlation|,
 * the share of the reconstruction it carries, and a phenotype order for a clustered heatmap.
 *
 * Share of reconstruction (ablation): on a seeded subsample of rows, HSV j is set to 0 (its mean, the HSVs
 * being standardized) and the decoder's masked squared error on observed cells rises by D_j; the share is
 * D_j / sum(D). `r2` is the mean over phenotypes of the squared correlation (the linear variance share).
 * The decoder runs on the current tfjs backend in chunks; every tensor is disposed.
 */
import * as tf from '@tensorflow/tfjs';
import type { AeWeights } from './AeWeights';
import { hsvCorrelations, type PhenoData } from './hsvCorrelations';
import { createRng, permutation } from '../math/rng';

export interface HsvTopPhenotype {
  column: string;
  corr: number;
}

export interface HsvInterpretation {
  /** k x p, row-major: correlation of HSV h with phenotype j at h * p + j. */
  correlations: Float64Array;
  /** Per HSV: increase of reconstruction error when it is zeroed, as a share of the sum over HSVs. */
  share: number[];
  /** Per HSV: mean squared correlation with the phenotypes. */
  r2: number[];
  top: HsvTopPhenotype[][];
  /** Phenotype indices grouped by the HSV they correlate with most, strongest first (heatmap order). */
  phenotypeOrder: number[];
  /** Masked MSE of the full reconstruction on the subsample, and after zeroing each HSV. */
  lossFull: number;
  lossWithout: number[];
  rowsUsed: number;
}

export interface InterpretOptions {
  columns: string[];
  topPhenotypes: number;
  shareRows: number;
  seed: number;
  /** 1 for columns whose output is a logit (cross-entropy training): sigmoid before the error. */
  logitColumns?: Uint8Array | null;
}

export async function interpretHsv(
  w: AeWeights,
  hsv: Float64Array,
  k: number,
  data: PhenoData,
  rows: Int32Array,
  opts: InterpretOptions,
): Promise<HsvInterpretation> {
  const { p } = data;
  const pk = hsvCorrelations(hsv, k, data, rows);
  const correlations = new Float64Array(k * p);
  for (let j = 0; j < p; j++) for (let h = 0; h < k; h++) correlations[h * p + j] = pk[j * k + h];
  const r2: number[] = [];
  const top: HsvTopPhenotype[][] = [];
  for (let h = 0; h < k; h++) {
    let s = 0;
    const idx: number[] = [];
    for (let j = 0; j < p; j++) {
      s += correlations[h * p + j] ** 2;
      idx.push(j);
    }
    r2.push(s / p);
    idx.sort((a, b) => Math.abs(correlations[h * p + b]) - Math.abs(correlations[h * p + a]) || a - b);
    top.push(idx.slice(0, opts.topPhenotypes).map((j) => ({ column: opts.columns[j], corr: correlations[h * p + j] })));
  }
  const phenotypeOrder = heatmapOrder(correlations, k, p);

  // ablation on a subsample
  const m = Math.min(rows.length, opts.shareRows);
  const pick = permutation(rows.length, createRng(opts.seed)).slice(0, m).sort();
  const sub = new Int32Array(m);
  const codes = new Float32Array(m * k);
  const xs = new Float32Array(m * p);
  const ms = new Float32Array(m * p);
  for (let r = 0; r < m; r++) {
    const i = pick[r];
    sub[r] = rows[i];
    for (let h = 0; h < k; h++) codes[r * k + h] = hsv[i * k + h];
    xs.set(data.values.subarray(rows[i] * p, rows[i] * p + p), r * p);
    for (let j = 0; j < p; j++) ms[r * p + j] = data.mask[rows[i] * p + j];
  }
  const lossWithout: number[] = [];
  const lossFull = await decoderLoss(w, codes, xs, ms, m, k, p, -1, opts.logitColumns ?? null);
  for (let h = 0; h < k; h++) lossWithout.push(await decoderLoss(w, codes, xs, ms, m, k, p, h, opts.logitColumns ?? null));
  const d = lossWithout.map((v) => Math.max(0, v - lossFull));
  const tot = d.reduce((a, b) => a + b, 0);
  const share = d.map((v) => (tot > 0 ? v / tot : 1 / k));
  return { correlations, share, r2, top, phenotypeOrder, lossFull, lossWithout, rowsUsed: m };
}

/** Masked MSE of decoding `codes` (HSV `drop` zeroed, or none when -1). */
async function decoderLoss(
  w: AeWeights,
  codes: Float32Array,
  xs: Float32Array,
  ms: Float32Array,
  m: number,
  k: number,
  p: number,
  drop: number,
  logit: Uint8Array | null,
): Promise<number> {
  const chunk = 2048;
  let sse = 0;
  let cells = 0;
  const c = Float32Array.from(codes);
  if (drop >= 0) for (let r = 0; r < m; r++) c[r * k + drop] = 0;
  for (let r0 = 0; r0 < m; r0 += chunk) {
    const rr = Math.min(chunk, m - r0);
    const t = tf.tidy(() => {
      let h: tf.Tensor2D = tf.tensor2d(c.subarray(r0 * k, (r0 + rr) * k), [rr, k]);
      for (let l = w.bottleneck + 1; l < w.layers.length; l++) {
        const L = w.layers[l];
        h = tf.add(tf.matMul(h, tf.tensor2d(L.kernel, [L.inDim, L.outDim])), tf.tensor1d(L.bias));
        switch (L.activation) {
          case 'linear':
            break;
          case 'elu':
            h = tf.elu(h);
            break;
          case 'relu':
            h = tf.relu(h);
            break;
          case 'tanh':
            h = tf.tanh(h);
            break;
          default:
            throw new Error(`unknown activation: ${String(L.activation)}`);
        }
      }
      if (logit) {
        const lg = tf.tensor1d(Float32Array.from(logit));
        h = tf.add(tf.mul(h, tf.sub(1, lg)), tf.mul(tf.sigmoid(h), lg));
      }
      const x = tf.tensor2d(xs.subarray(r0 * p, (r0 + rr) * p), [rr, p]);
      const mk = tf.tensor2d(ms.subarray(r0 * p, (r0 + rr) * p), [rr, p]);
      return tf.stack([tf.sum(tf.mul(tf.squaredDifference(h, x), mk)), tf.sum(mk)]);
    });
    const v = await t.data();
    t.dispose();
    sse += v[0];
    cells += v[1];
  }
  return cells > 0 ? sse / cells : NaN;
}

function heatmapOrder(corr: Float64Array, k: number, p: number): number[] {
  const best = new Int32Array(p);
  const strength = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let bh = 0;
    for (let h = 1; h < k; h++) if (Math.abs(corr[h * p + j]) > Math.abs(corr[bh * p + j])) bh = h;
    best[j] = bh;
    strength[j] = Math.abs(corr[bh * p + j]);
  }
  return Array.from({ length: p }, (_, j) => j).sort((a, b) => best[a] - best[b] || strength[b] - strength[a] || a - b);
}
