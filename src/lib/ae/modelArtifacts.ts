/**
 * Saved model = a folder of files, built and read here without any file system (the CLI writes them with
 * node:fs, the browser zips them or keeps them in IndexedDB):
 *   model.json   tfjs Layers format (a Sequential of Dense layers; loadable with tf.loadLayersModel)
 *   weights.bin  float32 weights as listed in model.json's weightsManifest
 *   hsv.json     what LatentScan needs besides the network: input columns, k, bottleneck index, rotation,
 *                settings, versions (AeModelMeta)
 *   recipe.json  the phenotype preparation recipe, verbatim (re-applied to a new cohort before encoding)
 * The encoder is layers[0..bottleneck]; its output is the HSVs (rotation and standardization folded in).
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, BinaryLoss, HsvRotation } from './AeConfig';
import type { AeWeights, DenseWeights } from './AeWeights';

export interface AeModelMeta {
  format: 'latentscan-ae';
  version: 1;
  /** Prepared input column names, in model order. */
  inputs: string[];
  latent: number;
  hidden: number[];
  activation: Activation;
  bottleneck: number;
  rotate: HsvRotation;
  binaryLoss: BinaryLoss;
  /** Columns whose output is a logit (cross-entropy), 1/0 per input. */
  logitColumns: number[];
  hsvNames: string[];
  backend: string;
  versions: Record<string, string>;
  [extra: string]: unknown;
}

export type ModelFiles = Record<string, Uint8Array>;

const enc = new TextEncoder();
const dec = new TextDecoder();

function layerName(i: number, w: AeWeights): string {
  if (i === w.bottleneck) return 'bottleneck';
  if (i === w.layers.length - 1) return 'output';
  return i < w.bottleneck ? `encoder_${i + 1}` : `decoder_${i - w.bottleneck}`;
}

/** tfjs LayersModel with these weights (caller disposes it). */
export function toLayersModel(w: AeWeights): tf.Sequential {
  const model = tf.sequential();
  w.layers.forEach((l, i) => {
    model.add(
      tf.layers.dense({
        units: l.outDim,
        activation: l.activation,
        inputShape: i === 0 ? [l.inDim] : undefined,
        name: layerName(i, w),
        kernelInitializer: 'zeros',
      }),
    );
  });
  const tensors = w.layers.flatMap((l) => [tf.tensor2d(l.kernel, [l.inDim, l.outDim]), tf.tensor1d(l.bias)]);
  model.setWeights(tensors);
  tensors.forEach((t) => t.dispose());
  return model;
}

export async function saveAeModel(w: AeWeights, meta: AeModelMeta, recipe: unknown): Promise<ModelFiles> {
  const model = toLayersModel(w);
  let artifacts: tf.io.ModelArtifacts | null = null;
  try {
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  } finally {
    model.dispose();
  }
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (!a || !a.weightSpecs || !a.weightData) throw new Error('saveAeModel: tfjs produced no weights');
  const weightData = a.weightData instanceof ArrayBuffer ? a.weightData : concatBuffers(a.weightData as ArrayBuffer[]);
  const modelJson = {
    modelTopology: a.modelTopology,
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  };
  return {
    'model.json': enc.encode(JSON.stringify(modelJson)),
    'weights.bin': new Uint8Array(weightData),
    'hsv.json': enc.encode(JSON.stringify(meta, null, 2)),
    'recipe.json': enc.encode(JSON.stringify(recipe, null, 2)),
  };
}

export interface LoadedAeModel {
  weights: AeWeights;
  meta: AeModelMeta;
  recipe: unknown;
}

/** Reads the files written by saveAeModel (through tf.loadLayersModel, so the tfjs format is checked). */
export async function loadAeModel(files: ModelFiles): Promise<LoadedAeModel> {
  for (const name of ['model.json', 'weights.bin', 'hsv.json', 'recipe.json']) {
    if (!files[name]) throw new Error(`model folder: ${name} is missing`);
  }
  const modelJson = JSON.parse(dec.decode(files['model.json'])) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const meta = JSON.parse(dec.decode(files['hsv.json'])) as AeModelMeta;
  if (meta.format !== 'latentscan-ae') throw new Error(`model folder: hsv.json format is '${String(meta.format)}', expected 'latentscan-ae'`);
  const recipe = JSON.parse(dec.decode(files['recipe.json'])) as unknown;
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const bin = files['weights.bin'];
  const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData: buf }));
  try {
    const layers: DenseWeights[] = [];
    for (const layer of model.layers) {
      const [kt, bt] = layer.getWeights();
      const cfg = layer.getConfig() as { activation?: string };
      const [inDim, outDim] = kt.shape;
      layers.push({
        inDim,
        outDim,
        kernel: Float32Array.from(kt.dataSync() as Float32Array),
        bias: Float32Array.from(bt.dataSync() as Float32Array),
        activation: (cfg.activation ?? 'linear') as Activation,
      });
    }
    if (layers[meta.bottleneck]?.outDim !== meta.latent) {
      throw new Error(`model folder: layer ${meta.bottleneck} has ${layers[meta.bottleneck]?.outDim} units, hsv.json says latent = ${meta.latent}`);
    }
    if (layers[0].inDim !== meta.inputs.length) {
      throw new Error(`model folder: model takes ${layers[0].inDim} inputs, hsv.json lists ${meta.inputs.length}`);
    }
    return { weights: { layers, bottleneck: meta.bottleneck }, meta, recipe };
  } finally {
    model.dispose();
  }
}

function concatBuffers(parts: ArrayBuffer[]): ArrayBuffer {
  const total = parts.reduce((s, b) => s + b.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const b of parts) {
    out.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  return out.buffer;
}
