/**
 * `npm run cli -- pca --bfile PREFIX | --pfile PREFIX | --vcf FILE [--pca K] [--maf 0.01] [--indep-pairwise W S R2 | --no-prune] [--threads N] --out PREFIX`:
 * LD pruning as plink2 `--indep-pairwise` (src/lib/relate/indepPairwise.ts; default 1000 100 0.1, after --maf), written
 * to PREFIX.prune.in / PREFIX.prune.out, then genetic PCA as plink2 `--pca K approx` (src/lib/relate/pca.ts) over the
 * kept variants, written to PREFIX.eigenvec and PREFIX.eigenval.
 */
import { writeFileSync } from 'node:fs';
import { arg, UsageError, type CliCommand } from '../args';
import { genotypeInputOptions, genotypeInputs, withFamilyIds } from '../genotypeArgs';
import { openGenotypes } from '../openGenotypes';
import { progressPrinter } from '../progressPrinter';
import { geneticPca, eigenvalText, eigenvecText } from '../../lib/relate/pca';
import { indepPairwise, parseIndepPairwise, pruneListText } from '../../lib/relate/indepPairwise';
import { withStructurePools } from '../structureArgs';

export const DEFAULT_INDEP_PAIRWISE = ['1000', '100', '0.1'] as const;

export const command: CliCommand = {
  name: 'pca',
  summary: 'genetic PCA (plink2 --pca K approx: .eigenvec / .eigenval), after --maf and LD pruning (--indep-pairwise)',
  details: [
    'Outputs: PREFIX.prune.in / PREFIX.prune.out (variant IDs, as plink2 --indep-pairwise), PREFIX.eigenvec',
    '(#FID IID PC1..PCk; no FID for a VCF) and PREFIX.eigenval, as plink2 --pca.',
    'Pruning: r2 over founders, windows by variant count (W S R2) or kb (Nkb R2), after --maf (default 0.01).',
    'PCA: autosomes only; allele frequencies from founders; missing calls mean-imputed.',
    '',
    'Example: npm run cli -- pca --bfile data/cohort --pca 10 --indep-pairwise 1000 100 0.1 --out out/pca',
  ].join('\n'),
  options: [
    ...genotypeInputOptions('VCF or VCF.gz (hard calls)'),
    { name: 'pca', type: 'int', meta: 'K', help: 'number of PCs (default 10)' },
    { name: 'maf', type: 'number', meta: 'T', help: 'minimum minor allele frequency (default 0.01)' },
    { name: 'indep-pairwise', type: 'words', meta: 'W [S] R2', help: 'LD pruning as plink2 (default 1000 100 0.1; W may be Nkb)' },
    { name: 'no-prune', type: 'flag', help: 'skip LD pruning' },
    { name: 'seed', type: 'int', meta: 'S', help: 'seed of the random start (default 1)' },
    { name: 'threads', type: 'int', meta: 'N', help: 'worker threads of the PCA passes (default: number of cores; 1 = none); the same PCs either way' },
    { name: 'out', type: 'string', required: true, meta: 'PREFIX', help: 'output prefix' },
  ],
  async run(a) {
    const out = arg.str(a, 'out') as string;
    const inputs = genotypeInputs(a, 'pca');
    const words = arg.list(a, 'indep-pairwise');
    const noPrune = arg.flag(a, 'no-prune');
    if (noPrune && words) throw new UsageError('pca: give either --indep-pairwise or --no-prune, not both');
    const source = await openGenotypes({ ...inputs, hardcalls: true, qc: { maf: arg.num(a, 'maf') ?? 0.01 } });
    let include: Uint8Array | undefined;
    if (!noPrune) {
      const p = parseIndepPairwise(words ?? DEFAULT_INDEP_PAIRWISE);
      const pr = await indepPairwise(source, {
        ...p,
        collectIds: true,
        onProgress: progressPrinter('indep-pairwise: ', { stage: false, unit: 'variants' }),
      });
      writeFileSync(`${out}.prune.in`, pruneListText(pr.inIds ?? []));
      writeFileSync(`${out}.prune.out`, pruneListText(pr.outIds ?? []));
      const win = p.windowKb ? `${p.window}kb` : `${p.window} ${p.step}`;
      console.log(
        `indep-pairwise ${win} ${p.r2}: ${pr.removed}/${pr.eligible} variants removed (${pr.monomorphic} monomorphic), ${pr.kept} kept; ` +
          `${pr.founders} founders; ${pr.seconds.toFixed(2)} s`,
      );
      if (pr.skippedChr0) console.log(`indep-pairwise: ignored ${pr.skippedChr0} chromosome 0 variants`);
      console.log(`wrote ${out}.prune.in, ${out}.prune.out`);
      include = pr.keep;
    }
    const r = await withStructurePools(arg.num(a, 'threads'), { loco: false, pca: true }, ({ pcaPool }) =>
      geneticPca(source, {
        k: arg.num(a, 'pca') ?? 10,
        include,
        seed: arg.num(a, 'seed'),
        pool: pcaPool,
        onProgress: progressPrinter('pca: ', { stage: false, unit: 'variants' }),
      }),
    );
    writeFileSync(`${out}.eigenvec`, eigenvecText(r, withFamilyIds(source)));
    writeFileSync(`${out}.eigenval`, eigenvalText(r));
    console.log(`pca: ${r.samples.iid.length} samples, ${r.nVariants} variants, ${r.k} PCs, ${r.iterations} passes, ${r.seconds.toFixed(2)} s`);
    console.log(`wrote ${out}.eigenvec, ${out}.eigenval`);
  },
};
