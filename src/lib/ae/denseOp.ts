/**
 * A dense layer y = act(x W + b) as one tfjs custom-gradient op, written for speed on the wasm backend.
 *
 * Measured (Node 20, tfjs-backend-wasm 4.22 SIMD, 256 x 500 by 500 x 256): a plain matMul takes 3.2 ms, but
 * the matMul with a transpose flag that tfjs' own gradient uses (matMul(a, dy, true, false)) takes 35 ms;
 * an explicit tf.transpose followed by a plain matMul takes 3.9 ms. The backward pass here therefore
 * transposes explicitly, skips the input gradient of the first layer (the data needs none), and applies the
 * activation derivative from the saved output (elu: y + 1 below 0) instead of recomputing the forward.
 * On the cpu backend the explicit transpose is about as fast as the flag (within 20%), so one path serves all.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from './AeConfig';

export function denseOp(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  activation: Activation,
  needInputGrad: boolean,
): tf.Tensor2D {
  const f = tf.customGrad<tf.Tensor2D>((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, wi, bi, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const z = tf.fused.matMul({ a: xi, b: wi, bias: bi }) as tf.Tensor2D;
    const y = activate(z, activation);
    if (y !== z) z.dispose();
    save([xi, wi, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dz = activationGrad(dy, ys, activation);
        const dw = tf.matMul(tf.transpose(xs), dz);
        const db = tf.sum(dz, 0);
        const dx = needInputGrad ? tf.matMul(dz, tf.transpose(ws)) : tf.zerosLike(xs);
        return [dx, dw, db];
      },
    };
  });
  return f(x, w, b) as tf.Tensor2D;
}

function activate(z: tf.Tensor2D, a: Activation): tf.Tensor2D {
  switch (a) {
    case 'linear':
      return z;
    case 'elu':
      return tf.elu(z);
    case 'relu':
      return tf.relu(z);
    case 'tanh':
      return tf.tanh(z);
    default:
      throw new Error(`unknown activation: ${String(a)}`);
  }
}

/** dL/dz from dL/dy and the saved output y. */
function activationGrad(dy: tf.Tensor2D, y: tf.Tensor2D, a: Activation): tf.Tensor2D {
  switch (a) {
    case 'linear':
      return dy;
    case 'elu':
      // y = z for z > 0 (slope 1), y = e^z - 1 otherwise (slope e^z = y + 1): slope = min(y, 0) + 1
      return tf.mul(dy, tf.add(tf.minimum(y, 0), 1));
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    default:
      throw new Error(`unknown activation: ${String(a)}`);
  }
}
