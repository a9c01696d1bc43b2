/** The name of a genotype source's file format, as the record, the report and the app show it. */
import type { GenotypeFormat } from './GenotypeSource';

export function genotypeFormatLabel(format: GenotypeFormat, name: string): string {
  switch (format) {
    case 'bed':
      return 'PLINK .bed';
    case 'pgen':
      return 'PLINK 2 .pgen';
    case 'bgen':
      return 'BGEN';
    case 'vcf':
      return /\.b?gz$/i.test(name) ? 'VCF.gz' : 'VCF';
    default:
      throw new Error(`unknown genotype format '${String(format)}'`);
  }
}
