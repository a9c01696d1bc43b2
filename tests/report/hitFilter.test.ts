import { describe, it, expect } from 'vitest';
import { describeHitText, parseHitText, variantMask } from '../../src/lib/report/hitFilter';
import { GeneIndex } from '../../src/lib/annotate/GeneIndex';
import type { Gene } from '../../src/lib/annotate/Gene';

const gene = (chrom: string, start: number, end: number, symbol: string): Gene => ({ chrom, start, end, symbol, strand: '+', id: '', type: '' });
const genes = new GeneIndex([
  gene('19', 44_905_795, 44_909_393, 'APOE'),
  gene('chr1', 1000, 2000, 'TWO'),
  gene('2', 5000, 6000, 'TWO'),
  gene('X', 18_639_688, 18_672_108, 'RS1'),
]);
const W = 100_000;

describe('Results search text', () => {
  it('reads regions (1-based, inclusive, commas, chr prefix), gene symbols (any case, every locus, ± window) and ID fragments', () => {
    expect(parseHitText('chr19:44,900,000-44,910,000', genes, W)).toEqual({ kind: 'region', chrom: '19', from: 44_900_000, to: 44_910_000 });
    expect(parseHitText(' x:5-9 ', genes, W)).toEqual({ kind: 'region', chrom: 'X', from: 5, to: 9 });
    expect(parseHitText('apoe', genes, W)).toEqual({ kind: 'gene', symbol: 'APOE', regions: [{ chrom: '19', from: 44_805_796, to: 45_009_393 }] });
    expect(parseHitText('TWO', genes, 10).kind === 'gene' && (parseHitText('TWO', genes, 10) as { regions: unknown[] }).regions).toEqual([
      { chrom: '1', from: 991, to: 2010 },
      { chrom: '2', from: 4991, to: 6010 },
    ]);
    expect(parseHitText('RS12', genes, W)).toEqual({ kind: 'id', needle: 'rs12' });
    // RS1 is also a gene symbol (chrX): rs<digits> is always a variant ID.
    expect(parseHitText('rs1', genes, W)).toEqual({ kind: 'id', needle: 'rs1' });
    expect(parseHitText('APOE', null, W)).toEqual({ kind: 'id', needle: 'apoe' }); // no gene table: an ID fragment
    expect(parseHitText('   ', genes, W)).toEqual({ kind: 'none' });
    expect(() => parseHitText('1:200-100', genes, W)).toThrow('region 1:200-100: the start must not be after the end');
    expect(describeHitText(parseHitText('apoe', genes, W), W)).toBe('gene APOE ± 100 kb (chr19:44,805,796-45,009,393)');
    expect(describeHitText(parseHitText('rs1', genes, W), W)).toBe("variant IDs containing 'rs1'");
  });

  it('masks variants by region (chromosome names normalized), gene window and ID', () => {
    const v = { chrom: ['chr19', '19', '23', '1', '1'], pos: Int32Array.from([44_805_796, 45_009_394, 7, 991, 2011]), id: ['rs1', 'rs12', 'x7', 'RS99', 'a'] };
    expect(Array.from(variantMask(parseHitText('APOE', genes, W), v)!)).toEqual([1, 0, 0, 0, 0]);
    expect(Array.from(variantMask(parseHitText('X:1-10', genes, W), v)!)).toEqual([0, 0, 1, 0, 0]);
    expect(Array.from(variantMask(parseHitText('TWO', genes, 10), v)!)).toEqual([0, 0, 0, 1, 0]);
    expect(Array.from(variantMask(parseHitText('rs1', genes, W), v)!)).toEqual([1, 1, 0, 0, 0]);
    expect(variantMask(parseHitText('', genes, W), v)).toBeNull();
  });
});
