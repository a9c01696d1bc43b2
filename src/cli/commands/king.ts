/**
 * `npm run cli -- king --bfile PREFIX | --pfile PREFIX | --vcf FILE [--king-cutoff T] --out PREFIX`: KING-robust kinship of every
 * sample pair (plink2 --make-king-table), written to PREFIX.kin0; with --king-cutoff also the kept and removed
 * samples of plink2's greedy prune, PREFIX.king.cutoff.in.id / PREFIX.king.cutoff.out.id. Prints the related
 * pairs by degree.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { arg, type CliCommand } from '../args';
import { genotypeInputOptions, genotypeInputs, withFamilyIds } from '../genotypeArgs';
import { openGenotypes } from '../openGenotypes';
import { progressPrinter } from '../progressPrinter';
import { kingRobust } from '../../lib/relate/kingRobust';
import { kin0Lines, summarizeDegrees } from '../../lib/relate/kin0';
import { cutoffIdText, kingCutoff } from '../../lib/relate/kingCutoff';

export const command: CliCommand = {
  name: 'king',
  summary: 'KING-robust kinship of every sample pair (plink2 --make-king-table), related pairs by degree, --king-cutoff',
  details: [
    'Outputs: PREFIX.kin0 (#FID1 IID1 FID2 IID2 NSNP HETHET IBS0 KINSHIP, as plink2 --make-king-table; no FID',
    'columns for a VCF), and with --king-cutoff T PREFIX.king.cutoff.in.id / .out.id (plink2 --king-cutoff:',
    'greedy removal until no pair has kinship > T). Autosomes only, as plink2; pedigree is ignored.',
    'Degrees: >= 0.354 duplicate/MZ twin, >= 0.177 first, >= 0.0884 second, >= 0.0442 third.',
    '',
    'Example: npm run cli -- king --bfile data/cohort --king-cutoff 0.0884 --out out/king',
  ].join('\n'),
  options: [
    ...genotypeInputOptions('VCF or VCF.gz (hard calls)'),
    { name: 'king-cutoff', type: 'number', meta: 'T', help: 'also write a maximal unrelated subset: no kept pair with kinship > T (e.g. 0.0884)' },
    { name: 'chunk', type: 'int', meta: 'V', help: 'variants per chunk (default: the reader\'s)' },
    { name: 'out', type: 'string', required: true, meta: 'PREFIX', help: 'output prefix' },
  ],
  async run(a) {
    const out = arg.str(a, 'out') as string;
    const inputs = genotypeInputs(a, 'king');
    const cutoff = arg.num(a, 'king-cutoff');
    const source = await openGenotypes({ ...inputs, hardcalls: true });
    const withFid = withFamilyIds(source);
    const r = await kingRobust(source, {
      chunkVariants: arg.num(a, 'chunk'),
      onProgress: progressPrinter('king: ', { stage: false, unit: 'variants' }),
    });
    const fd = openSync(`${out}.kin0`, 'w');
    try {
      const rowsPerWrite = Math.max(1, Math.floor(200000 / r.nSamples));
      for (let from = 1; from < r.nSamples; from += rowsPerWrite) {
        const lines = kin0Lines(r, withFid, from, Math.min(r.nSamples, from + rowsPerWrite));
        writeSync(fd, lines.join('\n') + '\n');
      }
    } finally {
      closeSync(fd);
    }
    const summary = summarizeDegrees(r);
    for (const l of summary.lines) console.log(l);
    console.log(`wrote ${out}.kin0`);
    if (cutoff !== undefined) {
      const c = kingCutoff(r, cutoff);
      writeFileSync(`${out}.king.cutoff.in.id`, cutoffIdText(r.samples, c.kept, withFid));
      writeFileSync(`${out}.king.cutoff.out.id`, cutoffIdText(r.samples, c.removed, withFid));
      console.log(`--king-cutoff ${cutoff}: ${c.constraints} pairs above it; ${c.removed.length} samples removed, ${c.kept.length} kept`);
      console.log(`wrote ${out}.king.cutoff.in.id, ${out}.king.cutoff.out.id`);
    }
  },
};
