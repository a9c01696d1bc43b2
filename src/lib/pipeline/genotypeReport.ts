/**
 * What the genotype input left out, for logs, the Analysis record and the app: VCF records skipped
 * (multi-allelic, malformed, with examples) and every QC removal (samples by --mind; variants by --geno,
 * --hwe, --maf). Complete after a full pass over the source's chunks (a scan or a screening pass).
 */
import type { GenotypeSource } from '../io/GenotypeSource';
import type { VcfSource } from '../io/vcf';
import { createQcSource, formatQcReport, type QcSource, type VariantQcOptions } from '../io/variantQc';
import type { ProgressCallback } from '../base/progress';
import type { ReasonCount } from '../report/Analysis';

export interface GenotypeReport {
  /** Variants read before QC (null when no pass has completed). */
  variantsIn: number | null;
  /** Variants that passed QC (null when no pass has completed). */
  variantsKept: number | null;
  /** Variant records left out, by reason (VCF skips, then QC filters). */
  variants: ReasonCount[];
  /** Genotyped samples removed (--mind). */
  samples: ReasonCount[];
  /** The same in words, for logs; the first few skipped VCF records included. */
  lines: string[];
}

function isQc(s: GenotypeSource): s is QcSource {
  return 'report' in s && 'base' in s;
}

function isVcf(s: GenotypeSource): s is VcfSource {
  return s.format === 'vcf' && 'skipped' in s;
}

/** The source with plink2-style QC applied, or the source itself when no filter is set. */
export async function withGenotypeQc(
  source: GenotypeSource,
  qc: VariantQcOptions | undefined,
  hooks: { signal?: AbortSignal; onProgress?: ProgressCallback } = {},
): Promise<GenotypeSource> {
  if (!qc || Object.values(qc).every((v) => v === undefined || v === false)) return source;
  return createQcSource(source, qc, hooks);
}

export function genotypeReport(source: GenotypeSource): GenotypeReport {
  const raw = isQc(source) ? source.base : source;
  const variants: ReasonCount[] = [];
  const samples: ReasonCount[] = [];
  const lines: string[] = [];
  let variantsIn: number | null = raw.nVariants;
  if (isVcf(raw)) {
    const k = raw.skipped;
    variantsIn = raw.recordsRead;
    if (k.multiAllelic) variants.push({ reason: 'VCF record skipped: multi-allelic', count: k.multiAllelic });
    if (k.malformed) variants.push({ reason: 'VCF record skipped: malformed', count: k.malformed });
    if (k.multiAllelic || k.malformed) {
      lines.push(`VCF records skipped: ${k.multiAllelic} multi-allelic, ${k.malformed} malformed${k.examples.length ? `; e.g. ${k.examples.slice(0, 3).join('; ')}` : ''}`);
    }
  }
  let variantsKept = variantsIn;
  if (isQc(source)) {
    const r = source.report;
    if (r.samplesRemovedMind) samples.push({ reason: `missing call rate over --mind ${r.options.mind}`, count: r.samplesRemovedMind });
    if (r.complete) {
      if (r.removed.geno) variants.push({ reason: `missing call rate over --geno ${r.options.geno}`, count: r.removed.geno });
      if (r.removed.hwe) variants.push({ reason: `HWE exact test P under --hwe ${r.options.hwe}`, count: r.removed.hwe });
      if (r.removed.maf) variants.push({ reason: `minor allele frequency under --maf ${r.options.maf}`, count: r.removed.maf });
      if (r.removed.machR2) variants.push({ reason: `MaCH r2 outside --mach-r2-filter ${r.options.machR2?.min} ${r.options.machR2?.max}`, count: r.removed.machR2 });
      if (r.removed.info) variants.push({ reason: `IMPUTE2 info under --info-filter ${r.options.info}`, count: r.removed.info });
      variantsIn = r.variantsIn;
      variantsKept = r.variantsKept;
      lines.push(...formatQcReport(r).map((l) => `genotype QC: ${l}`));
    } else {
      variantsKept = null;
      if (r.samplesRemovedMind) lines.push(`genotype QC: --mind ${r.options.mind}: ${r.samplesRemovedMind} of ${r.samplesIn} samples removed`);
    }
  }
  return { variantsIn, variantsKept, variants, samples, lines };
}
