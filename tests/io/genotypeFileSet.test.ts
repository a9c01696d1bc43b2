/**
 * Grouping picked / dropped files into one genotype input (src/lib/io/genotypeFileSet.ts), and the app's
 * worker session opening .pgen and .bgen sets from Blobs (read in slices through blobSource).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { completeGenotypeSet, genotypeFileRole, groupFileNames, groupGenotypeFiles } from '../../src/lib/io/genotypeFileSet';
import { AnalysisSession } from '../../src/app/analysisSession';
import { blobSource } from '../../src/lib/io/ByteSource';
import { plink2, randomGeno, tempDir, writeRandomBed } from './genoFixtures';
import { HAVE_SQLITE } from './sqliteFixtures';
import { walkBgen, writeBgi } from './bgiFixtures';

describe('groupGenotypeFiles', () => {
  it('knows each role by its extension, whatever the case', () => {
    expect(genotypeFileRole('a.b.PVAR.zst')).toEqual({ role: 'pvar', format: 'pgen', prefix: 'a.b' });
    expect(genotypeFileRole('x.vcf.bgz')).toEqual({ role: 'vcf', format: 'vcf', prefix: 'x' });
    expect(genotypeFileRole('ukb_c1.sample')).toEqual({ role: 'sample', format: 'bgen', prefix: 'ukb_c1' });
    expect(genotypeFileRole('x.bgi')).toEqual({ role: 'bgi', format: 'bgen', prefix: 'x' });
    expect(genotypeFileRole('ukb_c1.BGEN.bgi')).toEqual({ role: 'bgi', format: 'bgen', prefix: 'ukb_c1' });
    expect(genotypeFileRole('x.gz')).toBeNull();
  });

  it('one complete set, in any order; other files left out', () => {
    const names = ['x.psam', 'x.log', 'x.pvar.zst', 'x.pgen'];
    const g = groupGenotypeFiles(names);
    expect(g).toEqual({ kind: 'complete', set: { format: 'pgen', files: { psam: 0, pvar: 2, pgen: 3 }, missing: [] }, ignored: [1] });
    expect(groupFileNames(completeGenotypeSet(names), names)).toEqual(['x.pgen', 'x.pvar.zst', 'x.psam']);
    expect(completeGenotypeSet(['c1.bgen'])).toEqual({ format: 'bgen', files: { bgen: 0 }, missing: [] });
    expect(completeGenotypeSet(['c1.sample', 'c1.bgen', 'c1.bgen.bgi'])).toEqual({ format: 'bgen', files: { sample: 0, bgen: 1, bgi: 2 }, missing: [] });
    expect(groupFileNames(completeGenotypeSet(['c1.bgen.bgi', 'c1.bgen']), ['c1.bgen.bgi', 'c1.bgen'])).toEqual(['c1.bgen', 'c1.bgen.bgi']);
    // by prefix when two .bgen come: each takes its own index
    expect(groupGenotypeFiles(['a.bgen', 'b.bgen.bgi', 'b.bgen'])).toMatchObject({ kind: 'several', sets: [{ files: { bgen: 0 } }, { files: { bgi: 1, bgen: 2 } }] });
    expect(() => completeGenotypeSet(['c1.bgen.bgi'])).toThrow(
      'c1.bgen.bgi: incomplete BGEN file set; expected a .bgen file (with its .sample file and .bgen.bgi index, if any), found no .bgen',
    );
    // one file of each role: one set, whatever the prefixes (as before for the PLINK trio)
    expect(completeGenotypeSet(['a.bed', 'b.bim', 'b.fam']).files).toEqual({ bed: 0, bim: 1, fam: 2 });
  });

  it('by prefix when a role comes twice; several complete sets, or none, are named', () => {
    const names = ['a.bed', 'a.bim', 'b.bed', 'a.fam', 'b.bim'];
    expect(groupGenotypeFiles(names)).toMatchObject({ kind: 'complete', set: { files: { bed: 0, bim: 1, fam: 3 } }, ignored: [2, 4] });
    expect(groupGenotypeFiles(['a.pgen', 'a.pvar', 'b.pgen'])).toEqual({
      kind: 'incomplete',
      groups: [
        { format: 'pgen', files: { pgen: 0, pvar: 1 }, missing: ['.psam'] },
        { format: 'pgen', files: { pgen: 2 }, missing: ['.pvar (or .pvar.zst)', '.psam'] },
      ],
    });
    expect(() => completeGenotypeSet(['a.pgen', 'a.psam'])).toThrow(
      'a.pgen, a.psam: incomplete PLINK 2 file set; expected the three PLINK 2 files together (.pgen, .pvar or .pvar.zst, .psam), found no .pvar (or .pvar.zst)',
    );
    expect(() => completeGenotypeSet(['x.vcf', 'y.vcf.gz'])).toThrow('x.vcf, y.vcf.gz: several genotype inputs; expected one genotype input at a time, found x.vcf; y.vcf.gz');
    expect(() => completeGenotypeSet(['g.bed', 'g.bim', 'g.fam', 'g.bgen'])).toThrow('several genotype inputs; expected one genotype input at a time, found g.bed + g.bim + g.fam; g.bgen');
    expect(groupGenotypeFiles(['notes.txt'])).toEqual({ kind: 'none' });
  });
});

describe('AnalysisSession.loadGenotypes: .pgen and .bgen sets from Blobs', () => {
  it('opens plink2 and BGEN files made from a .bed with the same samples and variants', async () => {
    const dir = tempDir('fileset');
    const prefix = writeRandomBed(dir, randomGeno(37, 23, 5));
    plink2(['--bfile', prefix, '--make-pgen', 'vzs', '--out', join(dir, 'p')]);
    plink2(['--bfile', prefix, '--export', 'bgen-1.3', 'ref-first', '--out', join(dir, 'b')]);
    const blob = (name: string) => ({ name, src: blobSource(new Blob([readFileSync(join(dir, name))]), name) });
    const s = new AnalysisSession();
    const p = await s.loadGenotypes(['p.psam', 'p.pgen', 'p.log', 'p.pvar.zst'].map(blob));
    expect(p).toEqual({ name: 'p.pgen', format: 'pgen', files: ['p.pgen', 'p.pvar.zst', 'p.psam'], samples: 37, variants: 23 });
    const b = await s.loadGenotypes(['b.sample', 'b.bgen'].map(blob));
    const first = { id: 'rs1', ref: 'A', alt: 'C' };
    expect(b).toEqual({
      name: 'b.bgen',
      format: 'bgen',
      files: ['b.bgen', 'b.sample'],
      samples: 37,
      variants: 23,
      bgen: { alleleOrder: 'ref-first', index: null, indexNote: null, first },
    });
    // REF-last: the alleles swap
    const last = await s.loadGenotypes(['b.bgen'].map(blob), undefined, undefined, { bgenOrder: 'ref-last' });
    expect(last.bgen).toEqual({ alleleOrder: 'ref-last', index: null, indexNote: null, first: { id: 'rs1', ref: 'C', alt: 'A' } });
    // with its index (written with the sqlite3 CLI)
    if (HAVE_SQLITE) {
      writeBgi(join(dir, 'b.bgen.bgi'), join(dir, 'b.bgen'), walkBgen(readFileSync(join(dir, 'b.bgen'))), { withoutRowid: true, pageSize: 1024 });
      const ix = await s.loadGenotypes(['b.bgen.bgi', 'b.bgen', 'b.sample'].map(blob));
      expect(ix.files).toEqual(['b.bgen', 'b.sample', 'b.bgen.bgi']);
      expect(ix.bgen).toEqual({ alleleOrder: 'ref-first', index: 'b.bgen.bgi', indexNote: null, first });
    }
    await s.loadGenotypes(['b.sample', 'b.bgen'].map(blob));
    expect(s.analysis.cohort?.sources?.find((x) => x.kind === 'genotypes')).toMatchObject({ name: 'b.bgen + b.sample', format: 'BGEN', samples: 37, variants: 23 });
  });
});
