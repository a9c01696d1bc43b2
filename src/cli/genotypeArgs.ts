/**
 * The genotype input options shared by the commands that read genotypes (scan, sis, pipeline, king, pca):
 * `--bfile PREFIX`, `--pfile PREFIX`, `--vcf FILE`, `--bgen FILE [ref-first|ref-last]` (with `--sample FILE`),
 * exactly one of them. Add `...genotypeInputOptions(...)` to a command's options and pass
 * `genotypeInputs(args, name)` to openGenotypes. `withFamilyIds` says whether sample lists written for plink2
 * (eigenvec, kin0, king-cutoff ids) carry an FID column.
 */
import { arg, UsageError, type OptionSpec, type ParsedArgs } from './args';
import type { GenotypeSource } from '../lib/io/GenotypeSource';
import type { BgenAlleleOrder } from '../lib/io/bgen';

export function genotypeInputOptions(vcfHelp = 'VCF or VCF.gz'): OptionSpec[] {
  return [
    { name: 'bfile', type: 'string', meta: 'PREFIX', help: 'PLINK .bed/.bim/.fam prefix' },
    { name: 'pfile', type: 'string', meta: 'PREFIX', help: 'plink2 .pgen/.pvar[.zst]/.psam prefix (dosages when the .pgen stores them)' },
    { name: 'vcf', type: 'string', meta: 'FILE', help: vcfHelp },
    {
      name: 'bgen',
      type: 'words',
      meta: 'FILE [ref-first|ref-last]',
      help: 'BGEN v1.2/v1.3 (dosages); which allele is REF, as plink2 --bgen takes it (default ref-first; ref-unknown = ref-last)',
    },
    { name: 'sample', type: 'string', meta: 'FILE', help: 'Oxford .sample file of --bgen (sample IDs: ID_1 = FID, ID_2 = IID)' },
  ];
}

export interface GenotypeInputs {
  bfile?: string;
  pfile?: string;
  vcf?: string;
  bgen?: string;
  /** --bgen's REF/ALT mode (default ref-first). */
  bgenOrder?: BgenAlleleOrder;
  /** --sample: the .sample file of --bgen. */
  sample?: string;
}

const INPUTS = ['bfile', 'pfile', 'vcf', 'bgen'] as const;

/** plink2's REF/ALT modes of --bgen; 'ref-unknown' (last allele provisional REF) reads as 'ref-last'. */
function bgenOrder(word: string | undefined, command: string): BgenAlleleOrder {
  switch (word) {
    case undefined:
    case 'ref-first':
      return 'ref-first';
    case 'ref-last':
    case 'ref-unknown':
      return 'ref-last';
    default:
      throw new UsageError(`${command}: --bgen FILE [ref-first|ref-last]: unknown REF/ALT mode '${word}'`);
  }
}

/** The one genotype input given; a UsageError naming the command when there is none or more than one. */
export function genotypeInputs(a: ParsedArgs, command: string): GenotypeInputs {
  const words = arg.list(a, 'bgen');
  if (words && words.length > 2) throw new UsageError(`${command}: --bgen takes FILE and an optional REF/ALT mode (ref-first|ref-last), got ${words.length} values`);
  const g: GenotypeInputs = { bfile: arg.str(a, 'bfile'), pfile: arg.str(a, 'pfile'), vcf: arg.str(a, 'vcf'), bgen: words?.[0] };
  const given = INPUTS.filter((k) => g[k] !== undefined);
  if (given.length === 0) throw new UsageError(`${command}: give --bfile PREFIX, --pfile PREFIX, --vcf FILE or --bgen FILE`);
  if (given.length > 1) throw new UsageError(`${command}: give one of --bfile, --pfile, --vcf and --bgen, not ${given.map((k) => `--${k}`).join(' and ')}`);
  const sample = arg.str(a, 'sample');
  if (sample !== undefined && g.bgen === undefined) throw new UsageError(`${command}: --sample FILE goes with --bgen FILE`);
  if (g.bgen !== undefined) {
    g.bgenOrder = bgenOrder(words?.[1], command);
    if (sample !== undefined) g.sample = sample;
  }
  return g;
}

/**
 * FID column in plink2-style sample lists, as plink2 writes them ('maybefid'): PLINK 1 filesets always; .psam
 * files and BGEN .sample files (ID_1 = FID) when some FID is not '0'; never for IDs from a VCF or a .bgen.
 */
export function withFamilyIds(source: GenotypeSource): boolean {
  if (source.format === 'bed') return true;
  if (source.format === 'bgen' && baseOf(source).sampleIdsFrom !== 'sample-file') return false;
  if (source.format !== 'pgen' && source.format !== 'bgen') return false;
  return source.samples.fid.some((f) => f !== '0');
}

/** The reader under QC / counted-allele wrappers (they keep it as `base`). */
function baseOf(source: GenotypeSource): GenotypeSource & { sampleIdsFrom?: string } {
  let s: GenotypeSource & { base?: GenotypeSource } = source;
  while (s.base) s = s.base;
  return s;
}
