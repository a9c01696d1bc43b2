/**
 * The scan with the LOCO ridge step: for the variants of chromosome c, each response minus its LOCO
 * prediction for c (regenie step 2, quantitative traits). Runs runScan once per chromosome (file order) with a
 * chromosome filter, so every design sees its own adjusted responses, and joins the runs into one ScanResult:
 * variants and statistics concatenated, lambda recomputed over all variants, NA counts summed.
 * A .bed source reads only the chromosome's rows each time; a VCF is parsed once per chromosome.
 */
import type { NamedColumn } from '../assoc/design';
import { runScan, type ResponseResult, type ScanHooks, type ScanOptions, type ScanResult, type TestArrays } from '../assoc/runScan';
import { lambdaFromLog10p } from '../assoc/genomicControl';
import type { Progress } from '../base/progress';
import { normalizeChrom } from '../io/chrom';

export interface LocoAdjustment {
  /** Chromosomes of the scanned source, normalized, in file order. */
  chromosomes: string[];
  /** LOCO prediction of response r (index into the scan's responses) for chromosome c, per genotype sample. */
  prediction(r: number, chrom: string): ArrayLike<number>;
}

/** Each response minus its LOCO prediction for `chrom`, per genotype sample. */
export function locoAdjusted(responses: readonly NamedColumn[], loco: LocoAdjustment, chrom: string): NamedColumn[] {
  return responses.map((col, r) => {
    const p = loco.prediction(r, chrom);
    const v = new Float64Array(col.values.length);
    for (let i = 0; i < v.length; i++) v[i] = col.values[i] - p[i];
    return { name: col.name, values: v };
  });
}

export async function runLocoScan(opts: ScanOptions, loco: LocoAdjustment, hooks: ScanHooks = {}): Promise<ScanResult> {
  if (opts.omnibus) throw new Error('the omnibus test is not available with the LOCO adjustment yet: run the scan without --omnibus or without --loco');
  const want = opts.filter?.chr ? new Set(opts.filter.chr.map(normalizeChrom)) : null;
  const parts: ScanResult[] = [];
  let offset = 0;
  const total = opts.source.nVariants ?? 0;
  const onProgress = hooks.onProgress
    ? (p: Progress) => hooks.onProgress!({ ...p, done: offset + p.done, total: Math.max(total, offset + p.total) })
    : undefined;
  // The log10p values of every test, for lambda (also when results are not kept).
  const logs = new Map<string, Float32Array[]>();
  for (const chrom of loco.chromosomes) {
    if (want && !want.has(chrom)) continue;
    const r = await runScan(
      {
        ...opts,
        responses: locoAdjusted(opts.responses, loco, chrom),
        filter: { ...opts.filter, chr: [chrom] },
        onChunk: async (c) => {
          c.blocks.forEach((row, k) => row.forEach((b, t) => {
            const key = `${k} ${t}`;
            if (!logs.has(key)) logs.set(key, []);
            logs.get(key)!.push(Float32Array.from(b.log10p));
          }));
          if (opts.onChunk) await opts.onChunk(c);
        },
      },
      { signal: hooks.signal, onProgress },
    );
    offset += r.summary.nVariants;
    parts.push(r);
  }
  if (parts.length === 0) return runScan(opts, hooks); // no variant passes the filter: an empty scan
  return joinScans(parts, opts.keepResults ?? true, logs);
}

function concat<T extends Float64Array | Int32Array | Uint8Array>(arrs: T[]): T {
  const n = arrs.reduce((s, a) => s + a.length, 0);
  const out = new (arrs[0].constructor as new (n: number) => T)(n);
  let o = 0;
  for (const a of arrs) {
    out.set(a as never, o);
    o += a.length;
  }
  return out;
}

function joinScans(parts: ScanResult[], keep: boolean, logs: Map<string, Float32Array[]>): ScanResult {
  const first = parts[0];
  const variants = {
    chrom: parts.flatMap((p) => p.variants.chrom),
    pos: concat(parts.map((p) => p.variants.pos)),
    id: parts.flatMap((p) => p.variants.id),
    ref: parts.flatMap((p) => p.variants.ref),
    alt: parts.flatMap((p) => p.variants.alt),
    a1: parts.flatMap((p) => p.variants.a1),
  };
  const responses: ResponseResult[] = first.responses.map((r0, k) => {
    const tests: TestArrays[] = r0.tests.map((t0, t) => {
      const ps = parts.map((p) => p.responses[k].tests[t]);
      const lam = lambdaFromLog10p(concat((logs.get(`${k} ${t}`) ?? []).map((a) => Float64Array.from(a))));
      return {
        test: t0.test,
        obs: concat(ps.map((x) => x.obs)),
        beta: concat(ps.map((x) => x.beta)),
        se: concat(ps.map((x) => x.se)),
        t: concat(ps.map((x) => x.t)),
        p: keep ? concat(ps.map((x) => x.p)) : new Float64Array(0),
        log10p: keep ? concat(ps.map((x) => x.log10p)) : new Float64Array(0),
        err: concat(ps.map((x) => x.err)),
        lambda: lam,
      };
    });
    const nAnalysed = Math.max(...parts.map((p) => p.responses[k].nAnalysed));
    return { ...tests[0], name: r0.name, nAnalysed, chrom: variants.chrom, pos: variants.pos, id: variants.id, tests };
  });
  const errcodeCounts: Record<string, Record<string, number>> = {};
  for (const p of parts)
    for (const [key, counts] of Object.entries(p.summary.errcodeCounts)) {
      const into = (errcodeCounts[key] ??= {});
      for (const [code, n] of Object.entries(counts)) into[code] = (into[code] ?? 0) + n;
    }
  const summary = {
    ...first.summary,
    nVariants: parts.reduce((s, p) => s + p.summary.nVariants, 0),
    errcodeCounts,
    seconds: parts.reduce((s, p) => s + p.summary.seconds, 0),
  };
  return { variants, tests: first.tests, responses, summary };
}
