/**
 * One screening round over every feature kind on a view: SNP and SNPxE in one genotype pass, SNPxSNP in
 * another (per batch of partners), E main effects by direct correlation; the top `keep[k]` per response.
 */
import type { Feature } from './Feature';
import { imputedDosage, collectVariants } from './collectVariants';
import { dot } from './orthonormal';
import type { SisOptions } from './runSis';
import type { ScreenView } from './ScreenView';
import { marginalPass, offerFeature, pairPass, type PartnerDosage, type QcCounts, type TargetsFor, type VariantInfo } from './screenGenotypes';
import { variantRangeSource } from '../io/variantRangeSource';

/** The options of runSis a screening round reads. */
export type ScreenSettings = Pick<SisOptions, 'qc' | 'gxg' | 'gxgTop' | 'maxPairCells' | 'pool' | 'gpu' | 'chunkVariants' | 'signal' | 'onProgress'>;

/** Seconds and counts of the genotype passes, summed over every round of a run (its timings and pairs). */
export interface ScreenStats {
  marginalSeconds: number;
  pairSeconds: number;
  pairCount: number;
  pairPasses: number;
}

/** SNPxSNP partners per response and their mean-imputed dosages on the view's rows. */
export interface SnpPartners {
  partners: number[][];
  dosage: PartnerDosage;
}

export interface ScreenRequest {
  view: ScreenView;
  /** One target per response (residualized response, or an ISIS round's residual). */
  targets: Float64Array[];
  /**
   * The targets of a chromosome's variants (SNP, SNPxE; SNPxSNP by the streamed variant's chromosome): the
   * responses minus their LOCO predictions, residualized. E main effects keep `targets`.
   */
  targetsFor?: TargetsFor;
  /** Terms kept per response. */
  keep: number[];
  /** Feature keys not to offer, per response (ISIS: the terms already selected). */
  exclude?: Set<string>[];
  /** The variants' record from the first pass; absent on the first pass, which makes it (QC and means). */
  info?: VariantInfo;
  /** SNPxSNP partners to reuse (ISIS rounds keep the first round's); else this pass's top marginal SNPs. */
  partners?: SnpPartners;
}

export interface ScreenResult extends SnpPartners {
  /** Kept features per response, best first. */
  features: Feature[][];
  /** The variants' record: made by this pass on the first pass, else the one it was given. */
  info: VariantInfo;
  qc: QcCounts;
}

/** Screens every feature kind on `req.view`; adds the passes' seconds and pair counts to `stats`. */
export async function screenRound(req: ScreenRequest, o: ScreenSettings, log: (msg: string) => void, stats: ScreenStats): Promise<ScreenResult> {
  const { view, targets, keep, exclude } = req;
  const K = targets.length;
  const nEnv = view.envRes.length;
  log(`screening: ${!req.info ? 'SNP' : view.rows === 'all' ? 'residual SNP' : 'fold SNP'}${nEnv ? ', SNPxE' : ''} pass`);
  const mp = await marginalPass(view.data, targets, {
    qc: o.qc,
    keep,
    exclude,
    gxe: nEnv > 0,
    topM: o.gxg === 'none' || o.gxg === 'all' ? 0 : o.gxgTop,
    info: req.info,
    targetsFor: req.targetsFor,
    pool: o.pool,
    gpu: o.gpu,
    chunkVariants: o.chunkVariants,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  stats.marginalSeconds += mp.seconds;
  const vi = req.info ?? mp.info;
  let parts: number[][] = [];
  let dosage: PartnerDosage = new Map<number, Float64Array>();
  if (o.gxg !== 'none') {
    if (req.partners) ({ partners: parts, dosage } = req.partners);
    else if (o.gxg === 'all') {
      // Every SNP is a partner: dosages are read per batch of partners, never held all at once.
      const allQc: number[] = [];
      for (let v = 0; v < vi.qc.length; v++) if (vi.qc[v] === 1) allQc.push(v);
      parts = Array.from({ length: K }, () => allQc);
      dosage = (batch) => partnerDosages([batch], view, vi, o, true);
    } else {
      parts = mp.topSnps;
      dosage = await partnerDosages(parts, view, vi, o);
    }
    log(`screening: SNPxSNP (${o.gxg}) pass`);
    const pp = await pairPass(view.data, targets, mp.heaps, {
      mode: o.gxg,
      partners: parts,
      partnerDosage: dosage,
      info: vi,
      exclude,
      targetsFor: req.targetsFor,
      maxCells: o.maxPairCells,
      pool: o.pool,
      gpu: o.gpu,
      chunkVariants: o.chunkVariants,
      signal: o.signal,
      onProgress: o.onProgress,
    });
    stats.pairSeconds += pp.seconds;
    stats.pairCount += pp.pairs;
    stats.pairPasses += pp.passes;
  }
  // Environment main effects: direct correlations.
  for (let k = 0; k < K; k++) {
    const yy = dot(targets[k], targets[k]);
    for (let e = 0; e < view.envRes.length; e++) {
      const ee = dot(view.envRes[e], view.envRes[e]);
      if (!(ee > 0) || !(yy > 0)) continue;
      offerFeature(mp.heaps[k], exclude?.[k], 'ENV', -1, e, dot(view.envRes[e], targets[k]) / Math.sqrt(ee * yy));
    }
  }
  return { features: mp.heaps.map((h) => h.sorted().map((x) => x.item)), partners: parts, dosage, info: vi, qc: mp.qc };
}

/**
 * Mean-imputed dosages of the partner SNPs on a view's rows (one genotype pass; with `fromFirst`, over the
 * file from the first partner on: a batch of --gxg all partners lies in one stretch of the file).
 */
async function partnerDosages(parts: number[][], view: ScreenView, info: VariantInfo, o: ScreenSettings, fromFirst = false): Promise<Map<number, Float64Array>> {
  const want = new Set<number>();
  let first = Infinity;
  for (const p of parts) {
    for (const v of p) {
      want.add(v);
      first = Math.min(first, v);
    }
  }
  if (want.size === 0) return new Map();
  const from = fromFirst ? first : 0;
  const source = from > 0 ? variantRangeSource(view.data.source, { from, to: null }) : view.data.source;
  const rows = await collectVariants(source, want, { signal: o.signal, chunkVariants: o.chunkVariants });
  const out = new Map<number, Float64Array>();
  const scratch = new Float32Array(view.data.rowOf.length);
  for (const [v, row] of rows) out.set(v, imputedDosage(row, view.data.rowOf, view.n, info.mean[v], scratch));
  return out;
}
