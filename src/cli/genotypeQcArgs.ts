/**
 * Genotype QC options shared by the commands that read genotypes (scan, sis, pipeline...): add
 * `...genotypeQcOptions` to a command's options and pass `qcFromArgs(args)` to openGenotypes({ qc }).
 * All filters are off unless given, as in plink2.
 */
import { arg, UsageError, type OptionSpec, type ParsedArgs } from './args';
import type { VariantQcOptions } from '../lib/io/variantQc';

export const genotypeQcOptions: OptionSpec[] = [
  { name: 'maf', type: 'number', help: 'remove variants with minor allele frequency below this (plink2 --maf)' },
  { name: 'geno', type: 'number', help: 'remove variants with missing call rate above this (plink2 --geno)' },
  { name: 'hwe', type: 'number', help: 'remove variants with HWE exact test P below this (plink2 --hwe; autosomes)' },
  { name: 'hwe-midp', type: 'flag', help: 'use the mid-p HWE exact test (plink2 --hwe midp)' },
  { name: 'mind', type: 'number', help: 'remove samples with missing call rate above this (plink2 --mind)' },
  { name: 'nonfounders', type: 'flag', help: '--maf and --hwe over every sample, not only founders (plink2 --nonfounders)' },
  {
    name: 'mach-r2-filter', type: 'words', meta: '[MIN [MAX]]', implicit: [],
    help: 'remove variants whose MaCH r2 (dosage variance / 2p(1-p)) is outside [MIN, MAX] (plink2 --mach-r2-filter; defaults 0.1 2)',
  },
  {
    name: 'info-filter', type: 'number', meta: 'MIN',
    help: 'BGEN input: remove variants whose IMPUTE2 info (from the genotype probabilities, over founders as --maf) is below MIN',
  },
];

/** The QC options given on the command line, or undefined when none is. */
export function qcFromArgs(a: ParsedArgs): VariantQcOptions | undefined {
  const q: VariantQcOptions = {};
  const maf = arg.num(a, 'maf'), geno = arg.num(a, 'geno'), hwe = arg.num(a, 'hwe'), mind = arg.num(a, 'mind');
  if (maf !== undefined) q.maf = maf;
  if (geno !== undefined) q.geno = geno;
  if (hwe !== undefined) q.hwe = hwe;
  if (mind !== undefined) q.mind = mind;
  if (arg.flag(a, 'hwe-midp')) q.hweMidp = true;
  if (arg.flag(a, 'nonfounders')) q.nonfounders = true;
  const mach = arg.list(a, 'mach-r2-filter');
  if (mach !== undefined) q.machR2 = machR2Bounds(mach);
  const info = arg.num(a, 'info-filter');
  if (info !== undefined) {
    if (!(info >= 0 && info <= 1)) throw new UsageError(`--info-filter: expected 0 <= MIN <= 1 (the IMPUTE2 info is at most 1), got ${info}`);
    q.info = info;
  }
  return Object.keys(q).length ? q : undefined;
}

/** `--mach-r2-filter [MIN [MAX]]` as plink2 reads it: defaults 0.1 and 2, MIN <= MAX. */
function machR2Bounds(words: string[]): { min: number; max: number } {
  if (words.length > 2) throw new UsageError(`--mach-r2-filter takes at most two numbers (MIN MAX), got ${words.length}`);
  const [min, max] = [Number(words[0] ?? 0.1), Number(words[1] ?? 2)];
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) {
    throw new UsageError(`--mach-r2-filter: expected 0 <= MIN <= MAX, got ${words.join(' ')}`);
  }
  return { min, max };
}
