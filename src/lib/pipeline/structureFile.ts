/**
 * The structure step (structureStep.ts) written once and read back by the jobs that adjust for it (`cli
 * structure --out PREFIX` writes PREFIX.structure.bin; `scan` and `sis --structure-from PREFIX` read it; the
 * workflow's structure rule, docs/workflow.md). The file holds every number the scan and the screening use,
 * bit for bit: the genetic PCs (eigenvalues and the n x k vectors, from which pcColumns makes the covariates)
 * and each response's LOCO prediction per chromosome of the ridge step, plus the genome-wide one (what a
 * chromosome without step-1 variants gets), so a scan that reads the file writes the bytes of a scan that
 * computed the step.
 *
 * Layout: one line of JSON (the header: what the step was computed on, its log lines, the PCA's and the LOCO
 * fit's figures), padded with spaces so that the line with its newline fills a multiple of 8 bytes, then
 * `header.values` doubles, little-endian: the k eigenvalues, the n x k PC vectors (row-major), then per response
 * (header order) the LOCO predictions of header.loco.chromosomes in that order and the genome-wide one, n each
 * (NaN for samples the step left out).
 *
 * A reader must have computed the same inputs: the fingerprint (the genotype samples, the responses' and
 * covariates' names and values, and what the caller says about the genotype source) is checked, and a file of
 * other inputs is refused with the first thing that differs.
 */
import { InputError } from '../base/errors';
import type { NamedColumn } from '../assoc/design';
import { normalizeChrom } from '../io/chrom';
import type { SampleIds } from '../io/GenotypeSource';
import type { LocoResult } from '../relate/locoRidge';
import { pcColumns, type PcaResult } from '../relate/pca';
import { isPcaLine, type GivenPcs, type StructureStepResult } from './structureStep';

export const STRUCTURE_FILE_FORMAT = 'latentscan-structure';
export const STRUCTURE_FILE_VERSION = 1;
/** The file `structure --out PREFIX` writes and `--structure-from PREFIX` reads. */
export const STRUCTURE_FILE_SUFFIX = '.structure.bin';

/** What the step was computed on; a job that reuses it must have the same. */
export interface StructureInputs {
  samples: SampleIds;
  responses: readonly NamedColumn[];
  covariates: readonly NamedColumn[];
  /** JSON-able description of the genotype source the caller opened (format, variant count, QC...). */
  genotypes: unknown;
}

export interface StructureFingerprint {
  samples: number;
  /** FNV-1a (hex) of the FID and IID of every genotype sample, in order. */
  sampleIds: string;
  responses: string[];
  covariates: string[];
  /** FNV-1a (hex) of the responses' and covariates' values (doubles, one per genotype sample). */
  data: string;
  genotypes: unknown;
}

export interface StructureFileHeader {
  format: typeof STRUCTURE_FILE_FORMAT;
  version: number;
  settings: { pcs: number; loco: boolean };
  fingerprint: StructureFingerprint;
  chromosomes: string[];
  variantsUsed: number;
  variantsRead: number;
  lines: string[];
  seconds: number;
  kinshipSkipped: string | null;
  pca: { k: number; nVariants: number; iterations: number; seconds: number } | null;
  /** LocoResult without its predictions; lambda and R^2 null where JSON has no NaN. */
  loco: (Omit<LocoResult, 'prediction' | 'level1'> & { level1: { lambda: number | null; r2: number | null }[] }) | null;
  /** Doubles after the header. */
  values: number;
}

export interface StructureFile {
  header: StructureFileHeader;
  values: Float64Array;
}

/** A chromosome code no source has: LocoResult.prediction gives it the genome-wide prediction. */
const GENOME = '#GENOME';

class Fnv {
  private h = 0x811c9dc5;
  bytes(b: Uint8Array): this {
    let h = this.h;
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
    this.h = Math.imul(h ^ 0xff, 0x01000193) >>> 0;
    return this;
  }
  text(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }
  hex(): string {
    return this.h.toString(16).padStart(8, '0');
  }
}

export function structureFingerprint(input: StructureInputs): StructureFingerprint {
  const ids = new Fnv();
  input.samples.iid.forEach((iid, i) => ids.text(`${input.samples.fid[i] ?? ''}\t${iid}`));
  const data = new Fnv();
  for (const col of [...input.responses, ...input.covariates]) {
    // NaN in one form, whatever bits the reader made it with.
    const v = Float64Array.from(col.values, (x) => (Number.isNaN(x) ? NaN : x));
    data.text(col.name).bytes(new Uint8Array(v.buffer));
  }
  return {
    samples: input.samples.iid.length,
    sampleIds: ids.hex(),
    responses: input.responses.map((c) => c.name),
    covariates: input.covariates.map((c) => c.name),
    data: data.hex(),
    genotypes: input.genotypes ?? null,
  };
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
const orNaN = (x: number | null): number => (x === null ? NaN : x);

/** The file's bytes for a step computed on `input` with `settings`. */
export function formatStructureFile(step: StructureStepResult, settings: { pcs: number; loco: boolean }, input: StructureInputs): Uint8Array {
  const n = input.samples.iid.length;
  const pca = step.pca;
  const loco = step.loco;
  const parts: ArrayLike<number>[] = [];
  if (pca) parts.push(pca.eigenvalues, pca.vectors);
  if (loco) {
    for (let r = 0; r < loco.responses.length; r++) {
      for (const c of loco.chromosomes) parts.push(loco.prediction(r, c));
      parts.push(loco.prediction(r, GENOME));
    }
  }
  for (const p of parts.slice(pca ? 1 : 0)) {
    if (p.length % n !== 0) throw new RangeError(`structure file: a column of ${p.length} values for ${n} samples`);
  }
  const count = parts.reduce((s, p) => s + p.length, 0);
  const header: StructureFileHeader = {
    format: STRUCTURE_FILE_FORMAT,
    version: STRUCTURE_FILE_VERSION,
    settings: { pcs: settings.pcs, loco: settings.loco },
    fingerprint: structureFingerprint(input),
    chromosomes: step.chromosomes,
    variantsUsed: step.variantsUsed,
    variantsRead: step.variantsRead,
    lines: step.lines,
    seconds: step.seconds,
    kinshipSkipped: step.kinshipSkipped,
    pca: pca ? { k: pca.k, nVariants: pca.nVariants, iterations: pca.iterations, seconds: pca.seconds } : null,
    loco: loco
      ? {
          responses: loco.responses,
          chromosomes: loco.chromosomes,
          nAnalysed: loco.nAnalysed,
          nVariants: loco.nVariants,
          nBlocks: loco.nBlocks,
          blockSize: loco.blockSize,
          level1: loco.level1.map((l) => ({ lambda: finiteOrNull(l.lambda), r2: finiteOrNull(l.r2) })),
          seconds: loco.seconds,
        }
      : null,
    values: count,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const offset = Math.ceil((json.length + 1) / 8) * 8;
  const out = new Uint8Array(offset + 8 * count);
  out.fill(0x20, 0, offset - 1);
  out.set(json, 0);
  out[offset - 1] = 0x0a;
  const view = new DataView(out.buffer);
  let o = offset;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++, o += 8) view.setFloat64(o, p[i], true);
  }
  return out;
}

function notAStructureFile(source: string, found: string): InputError {
  return new InputError({ file: source, expected: `a structure file (${STRUCTURE_FILE_FORMAT} version ${STRUCTURE_FILE_VERSION}) written by cli structure`, found }, 'not a structure file');
}

/** Reads the file's bytes; `source` names it in errors. */
export function parseStructureFile(bytes: Uint8Array, source: string): StructureFile {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw notAStructureFile(source, 'no header line');
  let header: StructureFileHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, nl)));
  } catch (e) {
    throw notAStructureFile(source, e instanceof Error ? e.message : String(e));
  }
  if (header?.format !== STRUCTURE_FILE_FORMAT || header.version !== STRUCTURE_FILE_VERSION) {
    throw notAStructureFile(source, `format ${String(header?.format)} version ${String(header?.version)}`);
  }
  const offset = nl + 1;
  if (offset % 8 !== 0 || bytes.length !== offset + 8 * header.values) {
    throw notAStructureFile(source, `${bytes.length} bytes, expected ${offset + 8 * header.values} (a file cut short?)`);
  }
  const values = new Float64Array(header.values);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 8 * header.values);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat64(8 * i, true);
  return { header, values };
}

const FINGERPRINT_WORDS: Record<keyof StructureFingerprint, string> = {
  samples: 'genotype samples',
  sampleIds: 'genotype sample IDs',
  responses: 'responses',
  covariates: 'covariates',
  data: 'response and covariate values',
  genotypes: 'genotype input',
};

/**
 * The first of `fields` (default: all, in the order above) where `got` differs from `want`: what it is in words,
 * this run's value and the file's; null when they agree.
 */
export function fingerprintDifference(
  got: StructureFingerprint, want: StructureFingerprint, fields = Object.keys(FINGERPRINT_WORDS) as (keyof StructureFingerprint)[],
): { what: string; expected: string; found: string } | null {
  for (const k of fields) {
    if (JSON.stringify(got[k]) !== JSON.stringify(want[k])) return { what: FINGERPRINT_WORDS[k], expected: JSON.stringify(want[k]), found: JSON.stringify(got[k]) };
  }
  return null;
}

/** Throws when the file was computed on other inputs than `input`, naming the first thing that differs. */
export function checkStructureInputs(file: StructureFile, input: StructureInputs, source: string): void {
  const d = fingerprintDifference(file.header.fingerprint, structureFingerprint(input));
  if (d) {
    throw new InputError(
      { file: source, expected: `${d.what} ${d.expected} (this run's)`, found: d.found },
      'structure step of other inputs (run cli structure again on these)',
    );
  }
}

/** FNV-1a (hex) of the PCs' bits (eigenvalues, then vectors), or null without PCs. */
export function pcaFingerprint(pca: PcaResult | null): string | null {
  if (!pca) return null;
  const h = new Fnv();
  for (const a of [pca.eigenvalues, pca.vectors]) h.bytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.hex();
}

/**
 * The genetic PCs of a structure file (`cli structure --pca K --no-loco`, with or without --pheno), for a step
 * that adjusts for them without computing them (`--pcs-from`): the PCs depend on the genotypes only, so the file
 * must be of the same genotype samples and input; its responses and covariates do not matter.
 */
export function pcsFromFile(file: StructureFile, input: Pick<StructureInputs, 'samples' | 'genotypes'>, source: string): GivenPcs {
  const want = structureFingerprint({ ...input, responses: [], covariates: [] });
  const d = fingerprintDifference(file.header.fingerprint, want, ['samples', 'sampleIds', 'genotypes']);
  if (d) throw new InputError({ file: source, expected: `${d.what} ${d.expected} (this run's)`, found: d.found }, 'genetic PCs of other genotypes (run cli structure --pca K --no-loco again on these)');
  const h = file.header;
  if (!h.pca) throw new InputError({ file: source, expected: 'genetic PCs (a file of cli structure --pca K, K > 0)', found: 'none (--pca 0)' }, 'no genetic PCs');
  const n = input.samples.iid.length;
  const k = h.pca.k;
  const pca: PcaResult = {
    samples: input.samples, k, eigenvalues: file.values.slice(0, k), vectors: file.values.slice(k, k + n * k),
    nVariants: h.pca.nVariants, iterations: h.pca.iterations, seconds: h.pca.seconds,
  };
  return { pca, lines: h.lines.filter(isPcaLine), variants: { chromosomes: h.chromosomes, variantsUsed: h.variantsUsed, variantsRead: h.variantsRead } };
}

/**
 * The step as structureStep returned it, from the file: PCs, PC columns, the LOCO fit and its predictions,
 * log lines; no kinship. Checks the inputs first (checkStructureInputs).
 */
export function structureFromFile(file: StructureFile, input: StructureInputs, source: string): StructureStepResult {
  checkStructureInputs(file, input, source);
  const h = file.header;
  const n = input.samples.iid.length;
  let at = 0;
  const take = (len: number): Float64Array => file.values.slice(at, (at += len));
  let pca: PcaResult | null = null;
  if (h.pca) {
    const eigenvalues = take(h.pca.k);
    const vectors = take(n * h.pca.k);
    pca = { samples: input.samples, k: h.pca.k, eigenvalues, vectors, nVariants: h.pca.nVariants, iterations: h.pca.iterations, seconds: h.pca.seconds };
  }
  let loco: LocoResult | null = null;
  if (h.loco) {
    const L = h.loco;
    const byChrom = L.responses.map(() => {
      const m = new Map<string, Float64Array>();
      for (const c of L.chromosomes) m.set(c, take(n));
      return { m, genome: take(n) };
    });
    loco = {
      responses: L.responses,
      chromosomes: L.chromosomes,
      nAnalysed: L.nAnalysed,
      nVariants: L.nVariants,
      nBlocks: L.nBlocks,
      blockSize: L.blockSize,
      level1: L.level1.map((l) => ({ lambda: orNaN(l.lambda), r2: orNaN(l.r2) })),
      prediction(r: number, chrom: string): Float64Array {
        if (!(r >= 0 && r < byChrom.length)) throw new RangeError(`response ${r} out of range`);
        const p = byChrom[r].m.get(normalizeChrom(chrom)) ?? byChrom[r].genome;
        return p.slice();
      },
      seconds: L.seconds,
    };
  }
  if (at !== file.values.length) throw notAStructureFile(source, `${file.values.length} values, the header describes ${at}`);
  const lo = loco;
  return {
    pca,
    pcColumns: pca ? pcColumns(pca) : [],
    loco,
    locoAdjustment: lo ? { chromosomes: h.chromosomes, prediction: (r: number, c: string) => lo.prediction(r, c) } : undefined,
    king: null,
    kinshipSkipped: h.kinshipSkipped,
    chromosomes: h.chromosomes,
    variantsUsed: h.variantsUsed,
    variantsRead: h.variantsRead,
    lines: h.lines,
    seconds: h.seconds,
  };
}
