/**
 * Hard calls from dosages (src/lib/io/hardCallSource.ts) against plink2 2.00a3.5's own (--hard-call-threshold
 * 0.1, its default): on `plink2 --dummy ... dosage-freq=0.6` data (most genotypes non-integer dosages), our
 * hard calls of the .pgen's dosages and of its BGEN v1.2 (8-bit) and v1.3 (16-bit) exports are byte for byte
 * plink2's `--make-bed` of the same files.
 */
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { openBed } from '../../src/lib/io/bed';
import { openBgen } from '../../src/lib/io/bgen';
import { openPgen } from '../../src/lib/io/pgen';
import { hardCall, hardCallSource } from '../../src/lib/io/hardCallSource';
import type { GenotypeChunk, GenotypeSource } from '../../src/lib/io/GenotypeSource';
import { nodeFileSource as file } from '../../src/platform/node/nodeFileSource';
import { plink2, tempDir } from './genoFixtures';

async function packed(src: GenotypeSource): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of src.chunks({ chunkVariants: 37 })) parts.push(c.packed!);
  return Buffer.concat(parts);
}

const bed = (p: string) => openBed({ bed: file(`${p}.bed`), bim: file(`${p}.bim`), fam: file(`${p}.fam`) });

describe('hard calls from dosages', () => {
  it('rounds within 0.1 of an integer, else missing', () => {
    expect([0, 0.1, 0.1001, 0.5, 0.9, 1.05, 1.5, 1.91, 2, NaN].map(hardCall)).toEqual([0, 0, -1, -1, 1, 1, -1, 2, 2, -1]);
  });

  it('equal plink2 --make-bed of a dosage .pgen and of its BGEN exports, byte for byte', async () => {
    const dir = tempDir('hardcalls');
    const at = (f: string) => join(dir, f);
    plink2(['--dummy', '301', '200', '0.02', 'acgt', 'dosage-freq=0.6', '--seed', '9', '--make-pgen', '--out', at('d')]);
    plink2(['--pfile', at('d'), '--export', 'bgen-1.2', 'bits=8', 'ref-first', '--out', at('b8')]);
    plink2(['--pfile', at('d'), '--export', 'bgen-1.3', 'bits=16', 'ref-first', '--out', at('b16')]);
    const pgen = () => openPgen({ pgen: file(at('d.pgen')), pvar: file(at('d.pvar')), psam: file(at('d.psam')) });
    const cases: [string, () => Promise<GenotypeSource>, string[]][] = [
      ['pgen dosages', pgen, ['--pfile', at('d')]],
      ['bgen 8-bit', () => openBgen({ bgen: file(at('b8.bgen')), sample: file(at('b8.sample')) }), ['--bgen', at('b8.bgen'), 'ref-first', '--sample', at('b8.sample')]],
      ['bgen 16-bit', () => openBgen({ bgen: file(at('b16.bgen')), sample: file(at('b16.sample')) }), ['--bgen', at('b16.bgen'), 'ref-first', '--sample', at('b16.sample')]],
    ];
    for (const [label, open, input] of cases) {
      const src = await open();
      let first: GenotypeChunk | undefined;
      for await (const c of src.chunks()) { first = c; break; }
      expect(first?.dosage, `${label}: dosage chunks`).toBeDefined();
      plink2([...input, '--make-bed', '--out', at(`ref_${label.replace(/ /g, '_')}`)]);
      const ours = await packed(hardCallSource(src));
      const ref = await packed(await bed(at(`ref_${label.replace(/ /g, '_')}`)));
      expect(ours.length, label).toBe(ref.length);
      expect(ours.equals(ref), `${label}: packed hard calls equal plink2's`).toBe(true);
    }
    // a packed source passes through unchanged
    const hardTrack = await openPgen({ pgen: file(at('d.pgen')), pvar: file(at('d.pvar')), psam: file(at('d.psam')) }, { dosage: false });
    expect((await packed(hardCallSource(hardTrack))).equals(await packed(await bed(at('ref_pgen_dosages'))))).toBe(true);
  }, 60_000);
});
