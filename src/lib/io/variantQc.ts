/**
 * Variant and sample QC as plink2 applies it (all filters off unless set):
 *   --mind T: remove samples whose missing call rate (over all variants the source yields) exceeds T;
 *   then, per variant, on the remaining samples and in plink2's order:
 *   --geno T: remove variants whose missing call rate exceeds T;
 *   --hwe P: remove variants whose Hardy-Weinberg exact test P is below P (autosomes only; see docs);
 *   --maf T: remove variants whose minor allele frequency is below T;
 *   --mach-r2-filter MIN MAX: remove variants whose MaCH r2 (dosage variance over the binomial 2p(1-p), see
 *   machR2) is outside [MIN, MAX]; variants where it is undefined (monomorphic) stay, as in plink2;
 *   --info-filter MIN (BGEN input only; not a plink2 flag): remove variants whose IMPUTE2 info (computed by the
 *   BGEN reader from the genotype probabilities, bgenVariant.ts impute2Info) is below MIN.
 * Every removal is counted per filter (a variant is counted under the first filter it fails, as plink2 logs).
 * As in plink2, --hwe, --maf, --mach-r2-filter (and --info-filter) use founders only (samples whose .fam line names no father and no mother),
 * unless `nonfounders` is set (plink2 --nonfounders); --geno and --mind use every sample. With no founder
 * left, every sample is used (and the report says so).
 *
 * `createQcSource` makes the sample pass (only when --mind is set) and returns a GenotypeSource whose chunks
 * hold only the samples and variants that pass; the variant counts of `report` are complete after a full
 * pass over its chunks (`runVariantQc` does one and returns the report).
 */
import { throwIfAborted } from '../base/cancel';
import { InputError } from '../base/errors';
import { createProgress, type ProgressCallback } from '../base/progress';
import type { ChunkOptions, GenotypeChunk, GenotypeSource, SampleIds, VariantFilter } from './GenotypeSource';
import { genotypeCounts } from './bedDecode';
import { hardCall } from './hardCallSource';
import { hweExactP } from './hweExact';
import { normalizeChrom } from './chrom';
import { addSampleMissing } from './sampleCallRate';
import { DOSAGE_MISSING, DOSAGE_SCALE } from './dosageCode';
import { subsetDosageSamples, subsetPackedSamples } from './subsetSamples';

export interface VariantQcOptions {
  /** --maf: minimum minor allele frequency. */
  maf?: number;
  /** --geno: maximum missing call rate per variant. */
  geno?: number;
  /** --hwe: minimum HWE exact test P. */
  hwe?: number;
  /** Use the mid-p HWE test (plink2 --hwe midp). */
  hweMidp?: boolean;
  /** --mind: maximum missing call rate per sample. */
  mind?: number;
  /** plink2 --nonfounders: --maf and --hwe over every sample instead of founders only. */
  nonfounders?: boolean;
  /** --mach-r2-filter: keep variants with MaCH r2 in [min, max] (plink2's defaults 0.1 and 2). */
  machR2?: { min: number; max: number };
  /** --info-filter: keep variants whose IMPUTE2 info is at least this (BGEN input only). */
  info?: number;
}

export interface QcReport {
  options: VariantQcOptions;
  samplesIn: number;
  samplesRemovedMind: number;
  /** IIDs of the samples removed by --mind (first 1000). */
  removedSampleIds: string[];
  variantsIn: number;
  removed: { geno: number; hwe: number; maf: number; machR2: number; info: number };
  variantsKept: number;
  /** Samples (after --mind) over which --maf and --hwe were computed, and which ones. */
  frequencySamples: { count: number; who: 'all' | 'founders' | 'all (no founders)' };
  /** False until a full pass over the variants completed. */
  complete: boolean;
}

export interface QcSource extends GenotypeSource {
  readonly report: QcReport;
  /** Indices (into the original source's samples) of the samples kept. */
  readonly keptSampleIndex: Int32Array;
  /** The source before QC. */
  readonly base: GenotypeSource;
}

export interface QcRunOptions {
  filter?: VariantFilter;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

function isAutosome(chrom: string): boolean {
  const c = normalizeChrom(chrom);
  return /^\d+$/.test(c);
}

const FORMAT_NAME: Record<GenotypeSource['format'], string> = { bed: 'a PLINK .bed', vcf: 'a VCF', pgen: 'a plink2 .pgen', bgen: 'a BGEN' };

/** plink2 compares with a small tolerance so that thresholds typed in decimal behave as written. */
const EPS = 1e-7;

/**
 * MaCH r2 as plink2 computes it (--freq cols=+machr2, --mach-r2-filter): the variance of the A1 dosages
 * (divided by the observed count) over 2p(1-p), p = their mean / 2. NaN where p is 0 or 1.
 */
export function machR2(obs: number, sum: number, sumSquares: number): number {
  if (!(obs > 0)) return NaN;
  const mean = sum / obs;
  const p = mean / 2;
  const binomial = 2 * p * (1 - p);
  return binomial > 0 ? (sumSquares / obs - mean * mean) / binomial : NaN;
}

/** Per-variant statistics of a chunk: observed calls, A1 dosage sum and sum of squares, hard-call genotype counts. */
export function chunkVariantStats(c: GenotypeChunk) {
  if (c.packed) {
    const k = genotypeCounts(c.packed, c.nSamples, c.count);
    const a1sq = Float64Array.from(k.hom1, (h, v) => 4 * h + k.het[v]);
    return { obs: k.obs, a1: Float64Array.from(k.a1), a1sq, hom1: k.hom1, het: k.het, hom2: k.hom2 };
  }
  const n = c.nSamples;
  const d = c.dosage!;
  const obs = new Int32Array(c.count), hom1 = new Int32Array(c.count), het = new Int32Array(c.count), hom2 = new Int32Array(c.count);
  const a1 = new Float64Array(c.count);
  const a1sq = new Float64Array(c.count);
  for (let v = 0; v < c.count; v++) {
    for (let j = 0; j < n; j++) {
      const u = d[v * n + j];
      if (u === DOSAGE_MISSING) continue;
      const x = u * DOSAGE_SCALE;
      obs[v]++;
      a1[v] += x;
      a1sq[v] += x * x;
      const h = hardCall(x);
      if (h === 2) hom1[v]++;
      else if (h === 1) het[v]++;
      else if (h === 0) hom2[v]++;
    }
  }
  return { obs, a1, a1sq, hom1, het, hom2 };
}

/** chunkVariantStats over the samples `idx` of the chunk only (e.g. the founders). */
export function chunkVariantStatsOf(c: GenotypeChunk, idx: Int32Array) {
  return chunkVariantStats({
    ...c,
    nSamples: idx.length,
    bytesPerVariant: Math.ceil(idx.length / 4),
    packed: c.packed ? subsetPackedSamples(c.packed, c.nSamples, c.count, idx) : undefined,
    dosage: c.dosage ? subsetDosageSamples(c.dosage, c.nSamples, c.count, idx) : undefined,
  });
}

export async function createQcSource(source: GenotypeSource, opts: VariantQcOptions, run: QcRunOptions = {}): Promise<QcSource> {
  if (opts.info !== undefined && source.format !== 'bgen') {
    throw new InputError(
      { file: source.name, expected: 'a BGEN input (--bgen), whose genotype probabilities give the IMPUTE2 info', found: `${FORMAT_NAME[source.format]} input` },
      `--info-filter needs genotype probabilities (use --mach-r2-filter for imputation quality from dosages)`,
    );
  }
  const n = source.samples.iid.length;
  let keep = Int32Array.from({ length: n }, (_, j) => j);
  const report: QcReport = {
    options: { ...opts },
    samplesIn: n,
    samplesRemovedMind: 0,
    removedSampleIds: [],
    variantsIn: 0,
    removed: { geno: 0, hwe: 0, maf: 0, machR2: 0, info: 0 },
    variantsKept: 0,
    frequencySamples: { count: n, who: 'all' },
    complete: false,
  };
  if (opts.mind !== undefined) {
    const missing = new Int32Array(n);
    let m = 0;
    const prog = createProgress('qc-samples', source.nVariants ?? 0, run.onProgress, { unit: 'variants' });
    for await (const c of source.chunks({ filter: run.filter, signal: run.signal })) {
      addSampleMissing(c, missing);
      m += c.count;
      prog.tick(m);
      throwIfAborted(run.signal);
    }
    prog.finish();
    const kept: number[] = [];
    for (let j = 0; j < n; j++) {
      if (m > 0 && missing[j] / m > opts.mind * (1 + EPS)) {
        report.samplesRemovedMind++;
        if (report.removedSampleIds.length < 1000) report.removedSampleIds.push(source.samples.iid[j]);
      } else kept.push(j);
    }
    keep = Int32Array.from(kept);
  }
  const allKept = keep.length === n;
  const founderIn = source.samples.founder;
  const samples: SampleIds = allKept
    ? source.samples
    : {
        fid: Array.from(keep, (j) => source.samples.fid[j]),
        iid: Array.from(keep, (j) => source.samples.iid[j]),
        ...(founderIn ? { founder: Uint8Array.from(keep, (j) => founderIn[j]) } : {}),
      };
  const nOut = keep.length;
  const bpvOut = Math.ceil(nOut / 4);
  // --maf / --hwe sample set: the founders among the kept samples (positions in the kept order).
  let freqIdx: Int32Array | null = null;
  if (samples.founder && !opts.nonfounders && (opts.maf !== undefined || opts.hwe !== undefined || opts.machR2 !== undefined || opts.info !== undefined)) {
    const f: number[] = [];
    for (let j = 0; j < nOut; j++) if (samples.founder[j]) f.push(j);
    if (f.length === 0) report.frequencySamples = { count: nOut, who: 'all (no founders)' };
    else if (f.length < nOut) {
      freqIdx = Int32Array.from(f);
      report.frequencySamples = { count: f.length, who: 'founders' };
    } else report.frequencySamples = { count: nOut, who: 'founders' };
  } else report.frequencySamples = { count: nOut, who: 'all' };
  // --info-filter: the BGEN reader computes the info over the same samples as --maf, as indices of the source
  const infoSamples = opts.info === undefined ? undefined : freqIdx ? Int32Array.from(freqIdx, (k) => keep[k]) : allKept ? ('all' as const) : keep;

  async function* chunks(o: ChunkOptions = {}): AsyncGenerator<GenotypeChunk> {
    report.variantsIn = 0;
    report.removed = { geno: 0, hwe: 0, maf: 0, machR2: 0, info: 0 };
    report.variantsKept = 0;
    report.complete = false;
    let start = 0;
    for await (const c0 of source.chunks({ ...o, filter: o.filter ?? run.filter, ...(infoSamples ? { infoSamples } : {}) })) {
      throwIfAborted(o.signal);
      const c: GenotypeChunk = allKept
        ? c0
        : {
            ...c0,
            nSamples: nOut,
            bytesPerVariant: bpvOut,
            packed: c0.packed ? subsetPackedSamples(c0.packed, c0.nSamples, c0.count, keep) : undefined,
            dosage: c0.dosage ? subsetDosageSamples(c0.dosage, c0.nSamples, c0.count, keep) : undefined,
          };
      const s = chunkVariantStats(c);
      // Founder-only counts for --hwe and --maf (plink2's default), when some kept samples are not founders.
      const f = freqIdx ? chunkVariantStatsOf(c, freqIdx) : s;
      const pass = new Uint8Array(c.count);
      let nPass = 0;
      for (let v = 0; v < c.count; v++) {
        report.variantsIn++;
        const obs = s.obs[v];
        if (opts.geno !== undefined && (nOut - obs) / nOut > opts.geno * (1 + EPS)) {
          report.removed.geno++;
          continue;
        }
        if (opts.hwe !== undefined && isAutosome(c.variants.chrom[v])) {
          const p = hweExactP(f.het[v], f.hom1[v], f.hom2[v], !!opts.hweMidp);
          if (p < opts.hwe * (1 - EPS)) {
            report.removed.hwe++;
            continue;
          }
        }
        if (opts.maf !== undefined) {
          const fo = f.obs[v];
          const af = fo > 0 ? f.a1[v] / (2 * fo) : 0;
          const maf = Math.min(af, 1 - af);
          if (maf < opts.maf * (1 - EPS)) {
            report.removed.maf++;
            continue;
          }
        }
        if (opts.machR2 !== undefined) {
          const r2 = machR2(f.obs[v], f.a1[v], f.a1sq[v]);
          if (r2 < opts.machR2.min * (1 - EPS) || r2 > opts.machR2.max * (1 + EPS)) {
            report.removed.machR2++;
            continue;
          }
        }
        if (opts.info !== undefined && c.info![v] < opts.info * (1 - EPS)) {
          report.removed.info++;
          continue;
        }
        pass[v] = 1;
        nPass++;
      }
      report.variantsKept += nPass;
      if (nPass === 0) continue;
      const out = nPass === c.count ? { ...c, start } : compact(c, pass, nPass, start);
      start += nPass;
      yield out;
    }
    report.complete = true;
  }

  return {
    format: source.format,
    name: source.name,
    samples,
    nVariants: null,
    report,
    keptSampleIndex: keep,
    base: source,
    chunks,
  };
}

function compact(c: GenotypeChunk, pass: Uint8Array, nPass: number, start: number): GenotypeChunk {
  const idx: number[] = [];
  for (let v = 0; v < c.count; v++) if (pass[v]) idx.push(v);
  const V = c.variants;
  const out: GenotypeChunk = {
    start,
    count: nPass,
    nSamples: c.nSamples,
    bytesPerVariant: c.bytesPerVariant,
    variants: {
      chrom: idx.map((v) => V.chrom[v]),
      pos: Int32Array.from(idx, (v) => V.pos[v]),
      id: idx.map((v) => V.id[v]),
      ref: idx.map((v) => V.ref[v]),
      alt: idx.map((v) => V.alt[v]),
    },
  };
  if (c.packed) {
    const b = c.bytesPerVariant;
    const p = new Uint8Array(nPass * b);
    idx.forEach((v, k) => p.set(c.packed!.subarray(v * b, (v + 1) * b), k * b));
    out.packed = p;
  }
  if (c.dosage) {
    const n = c.nSamples;
    const d = new Uint16Array(nPass * n);
    idx.forEach((v, k) => d.set(c.dosage!.subarray(v * n, (v + 1) * n), k * n));
    out.dosage = d;
  }
  if (c.info) out.info = Float64Array.from(idx, (v) => c.info![v]);
  return out;
}

/** Runs QC over the whole source once and returns the report (counts removed by each filter). */
export async function runVariantQc(source: GenotypeSource, opts: VariantQcOptions, run: QcRunOptions = {}): Promise<{ report: QcReport; source: QcSource; keptIds: string[] }> {
  const q = await createQcSource(source, opts, run);
  const keptIds: string[] = [];
  const prog = createProgress('qc-variants', source.nVariants ?? 0, run.onProgress, { unit: 'variants' });
  for await (const c of q.chunks({ signal: run.signal })) {
    for (const id of c.variants.id) keptIds.push(id);
    prog.tick(q.report.variantsIn);
  }
  prog.finish();
  return { report: q.report, source: q, keptIds };
}

/** One line per filter, for logs and the UI. */
export function formatQcReport(r: QcReport): string[] {
  const o = r.options;
  const lines: string[] = [];
  if (o.mind !== undefined) lines.push(`--mind ${o.mind}: ${r.samplesRemovedMind} of ${r.samplesIn} samples removed`);
  if (o.geno !== undefined) lines.push(`--geno ${o.geno}: ${r.removed.geno} variants removed`);
  if (o.hwe !== undefined) lines.push(`--hwe ${o.hwe}${o.hweMidp ? ' midp' : ''}: ${r.removed.hwe} variants removed`);
  if (o.maf !== undefined) lines.push(`--maf ${o.maf}: ${r.removed.maf} variants removed`);
  if (o.machR2 !== undefined) lines.push(`--mach-r2-filter ${o.machR2.min} ${o.machR2.max}: ${r.removed.machR2} variants removed`);
  if (o.info !== undefined) lines.push(`--info-filter ${o.info}: ${r.removed.info} variants removed`);
  const overFounders = [o.maf !== undefined && '--maf', o.hwe !== undefined && '--hwe', o.machR2 !== undefined && '--mach-r2-filter', o.info !== undefined && '--info-filter'].filter(Boolean);
  if (overFounders.length && r.frequencySamples.who !== 'all')
    lines.push(`${overFounders.join('/')} computed over ${r.frequencySamples.count} ${r.frequencySamples.who} (plink2 default; --nonfounders: every sample)`);
  lines.push(`${r.variantsKept} of ${r.variantsIn} variants and ${r.samplesIn - r.samplesRemovedMind} of ${r.samplesIn} samples pass QC`);
  return lines;
}
