import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initAeWeights, encodeRows, decodeRows } from '../../src/lib/ae/AeWeights';
import { saveAeModel, loadAeModel, toLayersModel, type AeModelMeta } from '../../src/lib/ae/modelArtifacts';
import { createRng } from '../../src/lib/math/rng';
import { useBackend } from './helpers';

function meta(p: number, k: number): AeModelMeta {
  return {
    format: 'latentscan-ae', version: 1, inputs: Array.from({ length: p }, (_, j) => `c${j}`), latent: k, hidden: [7, 5],
    activation: 'tanh', bottleneck: 2, rotate: 'varimax', binaryLoss: 'mse', logitColumns: new Array(p).fill(0),
    hsvNames: Array.from({ length: k }, (_, h) => `HSV${h + 1}`), backend: 'cpu', versions: { tfjs: tf.version.tfjs },
  };
}

describe('model save/load (tfjs format)', () => {
  it('round trip keeps every weight bit-exact, the recipe and meta, and tf.loadLayersModel agrees with the JS encoder', async () => {
    await useBackend('cpu');
    const p = 11, k = 3, n = 20;
    const w = initAeWeights(p, [7, 5], k, 'tanh', createRng(3));
    w.layers.forEach((l, i) => l.bias.fill(0.01 * (i + 1)));
    const recipe = { format: 'latentscan-pheno-recipe', columns: [{ source: 'a' }] };
    const before = tf.memory().numTensors;
    const files = await saveAeModel(w, meta(p, k), recipe);
    expect(Object.keys(files).sort()).toEqual(['hsv.json', 'model.json', 'recipe.json', 'weights.bin']);
    const modelJson = JSON.parse(new TextDecoder().decode(files['model.json']));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    const back = await loadAeModel(files);
    expect(back.recipe).toEqual(recipe);
    expect(back.meta.latent).toBe(k);
    expect(back.weights.bottleneck).toBe(2);
    back.weights.layers.forEach((l, i) => {
      expect(l.activation).toBe(w.layers[i].activation);
      expect(Array.from(l.kernel)).toEqual(Array.from(w.layers[i].kernel));
      expect(Array.from(l.bias)).toEqual(Array.from(w.layers[i].bias));
    });
    // the full network through tfjs equals the float64 JS forward (float32 tolerance)
    const rng = createRng(9);
    const x = Float32Array.from({ length: n * p }, () => rng.normal());
    const js = decodeRows(w, encodeRows(w, x, n), n);
    const model = toLayersModel(back.weights);
    const xt = tf.tensor2d(x, [n, p]);
    const y = model.predict(xt) as tf.Tensor;
    const tfOut = y.dataSync();
    for (let i = 0; i < n * p; i++) expect(Math.abs(tfOut[i] - js[i])).toBeLessThan(1e-5);
    tf.dispose([xt, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a folder without hsv.json or with a wrong format', async () => {
    await useBackend('cpu');
    const w = initAeWeights(4, [3], 2, 'elu', createRng(1));
    const m = { ...meta(4, 2), hidden: [3], bottleneck: 1 };
    const files = await saveAeModel(w, m, {});
    const { ['hsv.json']: _drop, ...rest } = files;
    await expect(loadAeModel(rest)).rejects.toThrow('model folder: hsv.json is missing');
    const bad = { ...files, 'hsv.json': new TextEncoder().encode(JSON.stringify({ ...m, format: 'other' })) };
    await expect(loadAeModel(bad)).rejects.toThrow("model folder: hsv.json format is 'other', expected 'latentscan-ae'");
  });
});
