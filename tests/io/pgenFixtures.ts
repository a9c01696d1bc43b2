/**
 * Fixtures for the .pgen reader: genotypes shaped so that plink2 --make-pgen uses every record type (copies
 * and inverted copies of the previous variant for LD compression, rare variants for difflists, two-category
 * variants for the one-bit type), and a VCF with phased GT and DS dosages.
 */
import { writeFileSync } from 'node:fs';
import { createRng } from '../../src/lib/math/rng';
import { packDosages } from '../../src/lib/io/writeBed';
import { dsVcfHeader, type RandomGeno } from './genoFixtures';

/**
 * n samples x m variants on chromosomes 1-3; variant v by v % 10: 1 = copy of v - 1 with 1% changed (LD
 * type 2), 2 = inverted copy of v - 2 with 1.2% changed, to missing and to other calls (type 3), 3 / 4 / 5 = nearly all 0 / 2 / missing (types 4 / 6 / 7),
 * 6 / 7 / 9 = two common categories (type 1), else common random genotypes with 2% missing (type 0).
 */
export function recordTypeGeno(n: number, m: number, seed: number): RandomGeno {
  const rng = createRng(seed);
  const codes = new Int8Array(n * m);
  const draw = (p: number) => (rng.next() < p ? 1 : 0) + (rng.next() < p ? 1 : 0);
  for (let v = 0; v < m; v++) {
    const kind = v % 10;
    const p = 0.2 + 0.3 * rng.next();
    for (let j = 0; j < n; j++) {
      const r = rng.next();
      let g: number;
      if (kind === 1) g = r < 0.01 ? (Math.max(0, codes[(v - 1) * n + j]) + 1) % 3 : codes[(v - 1) * n + j];
      else if (kind === 2) {
        const inv = codes[(v - 2) * n + j] < 0 ? -1 : 2 - codes[(v - 2) * n + j];
        g = r < 0.005 ? -1 : r < 0.012 ? (Math.max(0, inv) + 1) % 3 : inv;
      }
      else if (kind === 3) g = r < 0.98 ? 0 : r < 0.99 ? 1 : -1;
      else if (kind === 4) g = r < 0.98 ? 2 : r < 0.99 ? 1 : -1;
      else if (kind === 5) g = r < 0.97 ? -1 : r < 0.985 ? 1 : 2;
      else if (kind === 6) g = r < 0.49 ? 0 : r < 0.98 ? 1 : r < 0.99 ? 2 : -1;
      else if (kind === 7) g = r < 0.49 ? 1 : r < 0.98 ? 2 : r < 0.99 ? 0 : -1;
      else if (kind === 9) g = r < 0.49 ? 2 : r < 0.98 ? -1 : r < 0.99 ? 0 : 1;
      else g = r < 0.02 ? -1 : draw(p);
      codes[v * n + j] = g;
    }
  }
  const per = Math.ceil(m / 3);
  return {
    nSamples: n,
    nVariants: m,
    codes,
    packed: packDosages(codes, n, m),
    variants: {
      chrom: Array.from({ length: m }, (_, v) => String(1 + Math.floor(v / per))),
      pos: Int32Array.from({ length: m }, (_, v) => 1000 + (v % per) * 100),
      id: Array.from({ length: m }, (_, v) => `rs${v + 1}`),
      ref: Array.from({ length: m }, (_, v) => 'ACGT'[v % 4]),
      alt: Array.from({ length: m }, (_, v) => 'GTAC'[v % 4]),
    },
    samples: { fid: Array.from({ length: n }, (_, j) => `F${j + 1}`), iid: Array.from({ length: n }, (_, j) => `S${j + 1}`) },
  };
}

/**
 * A VCF with GT:DS. Variant v by v % 6: 0 = DS on every call (up to 0.3 off the GT, so plink2 --vcf dosage=DS
 * sets some hardcalls missing), some missing with GT './.', some with a DS and a missing GT; 1 = phased GT, DS
 * within 0.08 of it; 2 = GT of v - 1 with fresh DS within 0.08 (LD-compressed hardcalls followed by a phase
 * track and dosages); 3 = DS equal to the hardcall (no dosage track); 4 = DS off the hardcall for ~10% of
 * samples (a dosage difflist); 5 = GT only. About 30% of the other GTs are phased.
 */
export function writePhasedDsVcf(path: string, n: number, m: number, seed: number): void {
  const rng = createRng(seed);
  const lines = dsVcfHeader(n);
  const clamp = (x: number) => String(Math.min(2, Math.max(0, Math.round(x * 1000) / 1000)));
  let prev: string[] = [];
  for (let v = 0; v < m; v++) {
    const kind = v % 6;
    const p = 0.05 + 0.4 * rng.next();
    const gts: string[] = [];
    const fields: string[] = [];
    for (let j = 0; j < n; j++) {
      const a = rng.next() < p ? 1 : 0;
      const b = rng.next() < p ? 1 : 0;
      const miss = rng.next() < 0.04;
      const sep = kind === 1 || rng.next() < 0.3 ? '|' : '/';
      const gt = kind === 2 ? prev[j] : miss ? `.${sep}.` : `${a}${sep}${b}`;
      const hard = gt[0] === '.' ? NaN : Number(gt[0]) + Number(gt[2]);
      let ds: string;
      if (Number.isNaN(hard)) ds = rng.next() < 0.5 ? '.' : clamp(2 * rng.next());
      else if (kind === 3) ds = String(hard);
      else if (kind === 4) ds = rng.next() < 0.1 ? clamp(hard + 0.4 * (rng.next() - 0.5)) : String(hard);
      else ds = clamp(hard + (kind === 0 ? 0.6 : 0.16) * (rng.next() - 0.5));
      gts.push(gt);
      fields.push(kind === 5 ? gt : `${gt}:${ds}`);
    }
    prev = gts;
    lines.push(['1', String(100 + v), `d${v}`, 'A', 'G', '.', 'PASS', '.', kind === 5 ? 'GT' : 'GT:DS', ...fields].join('\t'));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}
