/**
 * One trained candidate of the autoencoder search as a file (`train --candidate I` writes it, `train --pick`
 * reads every candidate's and finishes the search): its summary (losses, curves, epochs), its best weights
 * (float32 values written as JSON numbers, which read back to the same float32) and the fingerprint of the
 * search it belongs to (resolved settings, input columns, rows, the split), so candidates of different
 * searches or phenotype files are never mixed.
 */
import { InputError } from '../base/errors';
import type { AeConfig } from './AeConfig';
import type { AeWeights } from './AeWeights';
import type { CandidateResult } from './trainCandidate';
import type { SearchPlan } from './trainAutoencoder';

export const CANDIDATE_FILE_FORMAT = 'latentscan-ae-candidate';

export interface SearchFingerprint {
  settings: AeConfig;
  inputs: string[];
  /** Participants that get HSVs, training and validation rows. */
  rows: number;
  train: number;
  val: number;
  /** FNV-1a hash (hex) of the rows, training and validation indices. */
  split: string;
}

export function searchFingerprint(plan: SearchPlan, inputs: readonly string[]): SearchFingerprint {
  return {
    settings: plan.config,
    inputs: [...inputs],
    rows: plan.rows.length,
    train: plan.split.train.length,
    val: plan.split.val.length,
    split: fnv1a([plan.rows, plan.split.train, plan.split.val]),
  };
}

function fnv1a(arrays: Int32Array[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      let v = a[i];
      for (let b = 0; b < 4; b++) {
        h ^= v & 0xff;
        h = Math.imul(h, 0x01000193) >>> 0;
        v >>>= 8;
      }
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The candidate file's text (JSON). */
export function formatCandidateFile(fingerprint: SearchFingerprint, r: CandidateResult): string {
  const { weights, ...summary } = r;
  const doc = {
    format: CANDIDATE_FILE_FORMAT,
    version: 1,
    fingerprint,
    candidate: summary,
    weights: {
      bottleneck: weights.bottleneck,
      layers: weights.layers.map((l) => ({ inDim: l.inDim, outDim: l.outDim, activation: l.activation, kernel: Array.from(l.kernel), bias: Array.from(l.bias) })),
    },
  };
  return JSON.stringify(doc) + '\n';
}

export interface CandidateFile {
  fingerprint: SearchFingerprint;
  result: CandidateResult;
}

/** Reads a candidate file; `source` names it in errors. */
export function parseCandidateFile(text: string, source: string): CandidateFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError({ file: source, expected: 'a candidate file (JSON) written by train --candidate', found: e instanceof Error ? e.message : String(e) }, 'not a candidate file');
  }
  const d = doc as { format?: unknown; version?: unknown; fingerprint?: SearchFingerprint; candidate?: Omit<CandidateResult, 'weights'>; weights?: { bottleneck: number; layers: SerializedLayer[] } };
  if (d?.format !== CANDIDATE_FILE_FORMAT || d.version !== 1 || !d.fingerprint || !d.candidate || !d.weights) {
    throw new InputError({ file: source, expected: `format ${CANDIDATE_FILE_FORMAT} version 1 (train --candidate)`, found: `format ${String(d?.format)} version ${String(d?.version)}` }, 'not a candidate file');
  }
  const weights: AeWeights = {
    bottleneck: d.weights.bottleneck,
    layers: d.weights.layers.map((l) => ({ inDim: l.inDim, outDim: l.outDim, activation: l.activation, kernel: Float32Array.from(l.kernel), bias: Float32Array.from(l.bias) })),
  };
  // JSON has no NaN or Infinity: a diverged candidate's loss was written as null.
  const c = d.candidate;
  const num = (v: number | null) => (v === null ? NaN : v);
  const result: CandidateResult = {
    ...c,
    trainLoss: num(c.trainLoss),
    valLoss: num(c.valLoss),
    history: { trainLoss: c.history.trainLoss.map(num), valLoss: c.history.valLoss.map(num) },
    weights,
  };
  return { fingerprint: d.fingerprint, result };
}

interface SerializedLayer {
  inDim: number;
  outDim: number;
  activation: AeWeights['layers'][number]['activation'];
  kernel: number[];
  bias: number[];
}

/**
 * Checks that candidate files belong to the search `expected` describes and together hold each of its
 * candidates once; returns them in candidate order. Messages name the file and what differs.
 */
export function checkCandidateFiles(files: readonly (CandidateFile & { source: string })[], expected: SearchFingerprint): CandidateResult[] {
  const want = JSON.stringify(expected);
  const bySlot = new Map<number, CandidateResult>();
  for (const f of files) {
    const got = JSON.stringify(f.fingerprint);
    if (got !== want) {
      const diff = fingerprintDifference(f.fingerprint, expected);
      throw new InputError({ file: f.source, expected: `a candidate of this search (${diff.expected})`, found: diff.found }, 'candidate from another search');
    }
    const i = f.result.index;
    if (bySlot.has(i)) throw new InputError({ file: f.source, expected: `candidate ${i + 1} once`, found: 'a second file with the same candidate' }, 'duplicate candidate');
    bySlot.set(i, f.result);
  }
  const n = expected.settings.candidates;
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!bySlot.has(i)) missing.push(i + 1);
  if (missing.length) {
    throw new InputError({ file: files[0]?.source ?? '--pick', expected: `all ${n} candidates of the search`, found: `none for candidate(s) ${missing.join(', ')}` }, 'candidates missing');
  }
  return Array.from({ length: n }, (_, i) => bySlot.get(i) as CandidateResult);
}

function fingerprintDifference(got: SearchFingerprint, want: SearchFingerprint): { expected: string; found: string } {
  const g = got as unknown as Record<string, unknown>;
  const w = want as unknown as Record<string, unknown>;
  for (const key of Object.keys(w)) {
    if (key === 'settings') {
      const gs = got.settings as unknown as Record<string, unknown>;
      const ws = want.settings as unknown as Record<string, unknown>;
      for (const s of Object.keys(ws)) if (JSON.stringify(gs?.[s]) !== JSON.stringify(ws[s])) return { expected: `${s} ${JSON.stringify(ws[s])}`, found: `${s} ${JSON.stringify(gs?.[s])}` };
    } else if (JSON.stringify(g[key]) !== JSON.stringify(w[key])) return { expected: `${key} ${JSON.stringify(w[key])}`, found: `${key} ${JSON.stringify(g[key])}` };
  }
  return { expected: 'the same fingerprint', found: 'a different one' };
}
