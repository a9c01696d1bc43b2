/**
 * The genotype input options shared by the commands that read genotypes (scan, sis, pipeline, king, pca):
 * `--bfile PREFIX`, `--pfile PREFIX`, `--vcf FILE`, exactly one of them. Add `...genotypeInputOptions(...)`
 * to a command's options and pass `genotypeInputs(args, name)` to openGenotypes. `withFamilyIds` says whether
 * sample lists written for plink2 (eigenvec, kin0, king-cutoff ids) carry an FID column.
 */
import { arg, UsageError, type OptionSpec, type ParsedArgs } from './args';
import type { GenotypeSource } from '../lib/io/GenotypeSource';

export function genotypeInputOptions(vcfHelp = 'VCF or VCF.gz'): OptionSpec[] {
  return [
    { name: 'bfile', type: 'string', meta: 'PREFIX', help: 'PLINK .bed/.bim/.fam prefix' },
    { name: 'pfile', type: 'string', meta: 'PREFIX', help: 'plink2 .pgen/.pvar[.zst]/.psam prefix (dosages when the .pgen stores them)' },
    { name: 'vcf', type: 'string', meta: 'FILE', help: vcfHelp },
  ];
}

export interface GenotypeInputs {
  bfile?: string;
  pfile?: string;
  vcf?: string;
}

/** The one genotype input given; a UsageError naming the command when there is none or more than one. */
export function genotypeInputs(a: ParsedArgs, command: string): GenotypeInputs {
  const g: GenotypeInputs = { bfile: arg.str(a, 'bfile'), pfile: arg.str(a, 'pfile'), vcf: arg.str(a, 'vcf') };
  const given = (['bfile', 'pfile', 'vcf'] as const).filter((k) => g[k] !== undefined);
  if (given.length === 0) throw new UsageError(`${command}: give --bfile PREFIX, --pfile PREFIX or --vcf FILE`);
  if (given.length > 1) throw new UsageError(`${command}: give one of --bfile, --pfile and --vcf, not ${given.map((k) => `--${k}`).join(' and ')}`);
  return g;
}

/** FID column in plink2-style sample lists: PLINK 1 filesets, and .psam files with an FID column (some FID not '0'). */
export function withFamilyIds(source: GenotypeSource): boolean {
  if (source.format === 'bed') return true;
  if (source.format === 'pgen') return source.samples.fid.some((f) => f !== '0');
  return false;
}
