import * as tf from '@tensorflow/tfjs';

/**
 * Sum over observed cells (mask 1) of the per-cell loss: squared error (out - x)^2, or, for the columns
 * flagged in `xent` (0/1 columns under cross-entropy, with `cont` = 1 - xent), the logistic loss of the
 * output logit softplus(z) - x z. Cells with mask 0 contribute nothing, whatever out and x hold there.
 * The caller divides by the number of observed cells.
 */
export function maskedLoss(out: tf.Tensor2D, x: tf.Tensor2D, mask: tf.Tensor2D, xent: tf.Tensor1D | null = null, cont: tf.Tensor1D | null = null): tf.Scalar {
  return tf.tidy(() => {
    const se = tf.squaredDifference(out, x);
    if (!xent || !cont) return tf.sum(tf.mul(se, mask));
    const ce = tf.sub(tf.softplus(out), tf.mul(x, out));
    const cell = tf.add(tf.mul(se, cont), tf.mul(ce, xent));
    return tf.sum(tf.mul(cell, mask));
  });
}
