/**
 * `npm run cli -- pca --bfile PREFIX | --vcf FILE [--pca K] [--maf 0.01] [--no-prune] --out PREFIX`: genetic PCA as
 * plink2 `--pca K approx` (src/lib/relate/pca.ts), written to PREFIX.eigenvec and PREFIX.eigenval.
 * LD pruning (--indep-pairwise W S R2, default 1000 100 0.1) is wired in once src/lib/relate/indepPairwise.ts lands;
 * until then run with --no-prune (or prune beforehand with plink2 and pass the pruned fileset).
 */
import { writeFileSync } from 'node:fs';
import { arg, UsageError, type CliCommand } from '../args';
import { openGenotypes } from '../openGenotypes';
import { progressPrinter } from '../progressPrinter';
import { geneticPca, eigenvalText, eigenvecText } from '../../lib/relate/pca';

export const command: CliCommand = {
  name: 'pca',
  summary: 'genetic PCA (plink2 --pca K approx: .eigenvec / .eigenval), after --maf',
  details: [
    'Outputs: PREFIX.eigenvec (#FID IID PC1..PCk; no FID for a VCF) and PREFIX.eigenval, as plink2 --pca.',
    'Autosomes only; allele frequencies from founders; missing calls mean-imputed. --maf defaults to 0.01.',
    '',
    'Example: npm run cli -- pca --bfile data/cohort --pca 10 --no-prune --out out/pca',
  ].join('\n'),
  options: [
    { name: 'bfile', type: 'string', meta: 'PREFIX', help: 'PLINK .bed/.bim/.fam prefix' },
    { name: 'vcf', type: 'string', meta: 'FILE', help: 'VCF or VCF.gz (hard calls)' },
    { name: 'pca', type: 'int', meta: 'K', help: 'number of PCs (default 10)' },
    { name: 'maf', type: 'number', meta: 'T', help: 'minimum minor allele frequency (default 0.01)' },
    { name: 'no-prune', type: 'flag', help: 'skip LD pruning' },
    { name: 'seed', type: 'int', meta: 'S', help: 'seed of the random start (default 1)' },
    { name: 'out', type: 'string', required: true, meta: 'PREFIX', help: 'output prefix' },
  ],
  async run(a) {
    const out = arg.str(a, 'out') as string;
    const bfile = arg.str(a, 'bfile');
    const vcf = arg.str(a, 'vcf');
    if (!bfile && !vcf) throw new UsageError('pca: give --bfile PREFIX or --vcf FILE');
    if (!arg.flag(a, 'no-prune')) throw new UsageError('pca: LD pruning (--indep-pairwise) is not available yet; pass --no-prune');
    const source = await openGenotypes({ bfile, vcf, qc: { maf: arg.num(a, 'maf') ?? 0.01 } });
    const r = await geneticPca(source, {
      k: arg.num(a, 'pca') ?? 10,
      seed: arg.num(a, 'seed'),
      onProgress: progressPrinter('pca: ', { stage: false, unit: 'variants' }),
    });
    writeFileSync(`${out}.eigenvec`, eigenvecText(r, source.format === 'bed'));
    writeFileSync(`${out}.eigenval`, eigenvalText(r));
    console.log(`pca: ${r.samples.iid.length} samples, ${r.nVariants} variants, ${r.k} PCs, ${r.iterations} passes, ${r.seconds.toFixed(2)} s`);
    console.log(`wrote ${out}.eigenvec, ${out}.eigenval`);
  },
};
