import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { normalizeChrom, compareChrom } from '../../src/lib/annotate/normalizeChrom';
import { GeneIndex } from '../../src/lib/annotate/GeneIndex';
import { annotatePosition } from '../../src/lib/annotate/annotatePosition';
import { parseGeneText, readGeneFile } from '../../src/lib/annotate/readGeneFile';
import { readBuiltinGenesNode, builtinGenesPath } from '../../src/platform/node/nodeBuiltinGenes';
import { fetchBuiltinGenes } from '../../src/lib/annotate/loadBuiltinGenes';
import { annotateTable, splitTerm } from '../../src/lib/annotate/annotateTable';
import { readBimPositions } from '../../src/lib/annotate/readBimPositions';
import { bytesSource } from '../../src/lib/io/ByteSource';
import type { Gene, GeneSet } from '../../src/lib/annotate/Gene';
import { createRng } from '../../src/lib/math/rng';

const enc = new TextEncoder();
let builtin: GeneSet;
let index: GeneIndex;

beforeAll(async () => {
  builtin = await readBuiltinGenesNode();
  index = new GeneIndex(builtin.genes, builtin.source);
});

const smallGenes = (): Gene[] =>
  parseGeneText(['chr5\t1000\t2000\tA\t0\t+', 'chr5\t5000\t6000\tB\t0\t-', 'chr5\t5500\t7000\tC\t0\t+', 'chrM\t3306\t4262\tMT-ND1\t0\t+'].join('\n'), 'small.bed').genes;
const small = (): GeneIndex => new GeneIndex(smallGenes());

describe('chromosome names', () => {
  it('normalizes chr prefixes, X/Y/MT and PLINK codes 23/24/25/26', () => {
    expect(['chr1', '1', '01', 'CHR1'].map(normalizeChrom)).toEqual(['1', '1', '1', '1']);
    expect(['23', 'X', 'chrX', 'x', '25', 'XY'].map(normalizeChrom)).toEqual(['X', 'X', 'X', 'X', 'X', 'X']);
    expect(['24', 'Y', 'chrY'].map(normalizeChrom)).toEqual(['Y', 'Y', 'Y']);
    expect(['26', 'M', 'MT', 'chrM', 'chrMT'].map(normalizeChrom)).toEqual(['MT', 'MT', 'MT', 'MT', 'MT']);
    expect(normalizeChrom('chrUn_KI270302v1')).toBe('UN_KI270302V1');
    expect(['X', '10', '2', 'MT', 'Y', '1'].sort(compareChrom)).toEqual(['1', '2', '10', 'X', 'Y', 'MT']);
  });
});

describe('built-in GRCh38 table', () => {
  it('loads every row of the shipped table', () => {
    // 27,492 loci (26,484 genes; genes at separate places have one row per place), see ../shared/data/README.md
    expect(builtin.genes.length).toBe(27492);
    expect(new Set(builtin.genes.map((g) => g.chrom))).toEqual(new Set([...Array.from({ length: 22 }, (_, i) => String(i + 1)), 'X', 'Y']));
  });

  it('loads the same table through fetch (browser path), gzip or already decoded', async () => {
    const gz = readFileSync(builtinGenesPath());
    const fetchGz = (async () => new Response(gz)) as unknown as typeof fetch;
    const viaFetch = await fetchBuiltinGenes('/', fetchGz);
    expect(viaFetch.genes).toEqual(builtin.genes);
    const { gunzipSync } = await import('node:zlib');
    const plain = gunzipSync(gz);
    const fetchPlain = (async () => new Response(plain)) as unknown as typeof fetch;
    expect((await fetchBuiltinGenes('/', fetchPlain)).genes.length).toBe(builtin.genes.length);
    const fetch404 = (async () => new Response('no', { status: 404 })) as unknown as typeof fetch;
    await expect(fetchBuiltinGenes('/base/', fetch404)).rejects.toThrow('could not load the built-in gene table /base/genes_GRCh38.tsv.gz: HTTP 404');
  });

  it('annotates a variant inside a gene with distance 0 and the gene strand', () => {
    // CFTR: 7:117480024-117668664 (0-based start), + strand; 1-based bases 117480025..117668664
    for (const pos of [117480025, 117600000, 117668664]) {
      const a = annotatePosition(index, '7', pos);
      expect(a.nearest.map((h) => h.symbol)).toEqual(['CFTR']);
      expect(a.nearest[0].distance).toBe(0);
      expect(a.nearest[0].strand).toBe('+');
      expect(a.nearest[0].side).toBe('inside');
    }
    // one base outside either end
    expect(annotatePosition(index, '7', 117480024).overlapping.map((h) => h.symbol)).not.toContain('CFTR');
    expect(annotatePosition(index, '7', 117668665).overlapping.map((h) => h.symbol)).not.toContain('CFTR');
    const tp53 = annotatePosition(index, 'chr17', 7675000);
    expect(tp53.overlapping.map((h) => h.symbol)).toContain('TP53');
    expect(tp53.overlapping.find((h) => h.symbol === 'TP53')?.strand).toBe('-');
  });
});

describe('nearest gene on a small table', () => {
  it('between genes: the nearer gene, with bp distance and side relative to its strand', () => {
    const idx = small();
    // A covers 1001..2000 (+), B covers 5001..6000 (-)
    const a = annotatePosition(idx, '5', 3000);
    expect(a.nearest.map((h) => [h.symbol, h.distance, h.side])).toEqual([['A', 1000, 'downstream']]);
    const b = annotatePosition(idx, '5', 4600);
    expect(b.nearest.map((h) => [h.symbol, h.distance, h.side])).toEqual([['B', 401, 'downstream']]);
    // tie (3500: 1500 bp from A, 1501 from B) and exact tie goes left
    expect(annotatePosition(idx, '5', 3500).nearest[0].symbol).toBe('A');
    expect(annotatePosition(idx, '5', 3501).nearest.map((h) => [h.symbol, h.distance])).toEqual([['B', 1500]]);
    const tie = new GeneIndex(parseGeneText('1\t1000\t2000\tL\n1\t2999\t4000\tR\n', 'tie.bed').genes);
    expect(annotatePosition(tie, '1', 2500).nearest.map((h) => [h.symbol, h.distance])).toEqual([['L', 500]]);
    // window: nothing within 400 bp of 3000
    expect(annotatePosition(idx, '5', 3000, { window: 400 }).nearest).toEqual([]);
    expect(annotatePosition(idx, '5', 3000, { window: 1000 }).nearest[0].symbol).toBe('A');
    expect(annotatePosition(idx, '5', 3000, { window: 999 }).nearest).toEqual([]);
    // overlapping genes: both listed, each with distance 0
    const bc = annotatePosition(idx, '5', 5800);
    expect(bc.nearest.map((h) => h.symbol)).toEqual(['B', 'C']);
    expect(bc.genesInWindow).toEqual(['A', 'B', 'C']);
    // window [3000 - w, 3000 + w]; C covers 5501..7000
    expect(annotatePosition(idx, '5', 3000, { window: 2501 }).genesInWindow).toEqual(['A', 'B', 'C']);
    expect(annotatePosition(idx, '5', 3000, { window: 2500 }).genesInWindow).toEqual(['A', 'B']);
    expect(annotatePosition(idx, '5', 3000, { window: 1999 }).genesInWindow).toEqual(['A']);
  });

  it('chromosome ends: before the first gene, after the last, and chromosomes without genes', () => {
    const idx = small();
    const first = annotatePosition(idx, '5', 1);
    expect(first.nearest.map((h) => [h.symbol, h.distance, h.side])).toEqual([['A', 1000, 'upstream']]);
    const last = annotatePosition(idx, '5', 90_000);
    expect(last.nearest.map((h) => [h.symbol, h.distance])).toEqual([['C', 83_000]]);
    expect(annotatePosition(idx, '5', 250_000_000).nearest).toEqual([]);
    expect(annotatePosition(idx, '6', 1000)).toEqual({ overlapping: [], nearest: [], genesInWindow: [] });
    // built-in: past the last gene of chromosome 22 (RABL2B ends at 50,783,636; chr22 is 50,818,468 bp)
    const end22 = annotatePosition(index, '22', 50_818_468);
    expect(end22.nearest.map((h) => [h.symbol, h.distance])).toEqual([['RABL2B', 50_818_468 - 50_783_636]]);
    // before the first gene of chromosome 1 (MIR6859-1..4 start at 17,368)
    const start1 = annotatePosition(index, '1', 1);
    expect(start1.nearest[0].distance).toBe(17_368);
    expect(start1.nearest[0].symbol).toMatch(/^MIR6859-/);
  });

  it('X, Y and MT under any spelling', () => {
    for (const c of ['X', 'chrX', '23', '25', 'XY']) expect(annotatePosition(index, c, 300_000).nearest.map((h) => h.symbol)).toEqual(['PLCXD1']);
    // SRY: Y 2786854-2787682, - strand
    for (const c of ['Y', 'chrY', '24']) {
      const a = annotatePosition(index, c, 2787000);
      expect(a.nearest.map((h) => [h.symbol, h.distance, h.strand])).toEqual([['SRY', 0, '-']]);
    }
    // the built-in table has no MT genes; a BED with chrM does
    expect(annotatePosition(index, 'MT', 3500).nearest).toEqual([]);
    const idx = small();
    for (const c of ['MT', 'M', 'chrM', '26']) expect(annotatePosition(idx, c, 3500).nearest.map((h) => h.symbol)).toEqual(['MT-ND1']);
  });
});

/** Writes genes as a GENCODE-style GTF (1-based closed, chr prefix) with transcript/exon rows to skip. */
function toGtf(genes: Gene[]): string {
  const out = ['##description: test GTF made from the built-in table', '##provider: test'];
  genes.forEach((g, i) => {
    const chr = g.chrom === 'MT' ? 'chrM' : `chr${g.chrom}`;
    const id = `ENSG${String(i).padStart(11, '0')}.1`;
    const attrs = `gene_id "${id}"; gene_type "${g.type === 'protein-coding' ? 'protein_coding' : 'lncRNA'}"; gene_name "${g.symbol}"; level 2;`;
    out.push([chr, 'HAVANA', 'gene', g.start + 1, g.end, '.', g.strand, '.', attrs].join('\t'));
    out.push([chr, 'HAVANA', 'transcript', g.start + 1, g.end, '.', g.strand, '.', `${attrs} transcript_id "T${i}";`].join('\t'));
    out.push([chr, 'HAVANA', 'exon', g.start + 1, Math.min(g.end, g.start + 10), '.', g.strand, '.', `${attrs} transcript_id "T${i}";`].join('\t'));
  });
  return out.join('\n') + '\n';
}

function toGff3(genes: Gene[]): string {
  const out = ['##gff-version 3'];
  genes.forEach((g, i) => {
    const type = g.type === 'protein-coding' ? 'gene' : 'ncRNA_gene';
    out.push([g.chrom, 'ensembl', type, g.start + 1, g.end, '.', g.strand, '.', `ID=gene:ENSG${i};Name=${encodeURIComponent(g.symbol)};biotype=x`].join('\t'));
    out.push([g.chrom, 'ensembl', 'mRNA', g.start + 1, g.end, '.', g.strand, '.', `ID=transcript:T${i};Parent=gene:ENSG${i}`].join('\t'));
  });
  out.push('##FASTA', '>chr1', 'ACGT');
  return out.join('\n') + '\n';
}

describe('user gene files agree with the built-in table', () => {
  it('GTF (gzip, two members as bgzip writes), GFF3 and BED made from the built-in genes annotate alike', async () => {
    const gtf = toGtf(builtin.genes);
    const half = gtf.indexOf('\n', gtf.length >> 1) + 1;
    const gz = Buffer.concat([gzipSync(gtf.slice(0, half)), gzipSync(gtf.slice(half))]);
    const fromGtf = await readGeneFile(bytesSource(new Uint8Array(gz), 'gencode.test.gtf.gz'), { chunkBytes: 65_536 });
    expect(fromGtf.genes.length).toBe(builtin.genes.length);
    expect(fromGtf.skippedFeatures).toBe(2 * builtin.genes.length);
    const fromGff = parseGeneText(toGff3(builtin.genes), 'ensembl.gff3');
    const bed = builtin.genes.map((g) => `chr${g.chrom}\t${g.start}\t${g.end}\t${g.symbol}\t0\t${g.strand}`).join('\n');
    const fromBed = await readGeneFile(bytesSource(enc.encode(bed), 'genes.bed'));
    const idxs = [fromGtf, fromGff, fromBed].map((s) => new GeneIndex(s.genes, s.source));
    const rng = createRng(7);
    const chroms = index.chromosomes();
    const byChrom = new Map(chroms.map((c) => [c, builtin.genes.filter((g) => g.chrom === c)]));
    let inside = 0;
    for (let i = 0; i < 3000; i++) {
      const c = chroms[rng.int(chroms.length)];
      // half the probes inside a random gene of that chromosome, half anywhere on it
      const onC = byChrom.get(c)!;
      const g = onC[rng.int(onC.length)];
      const pos = i % 2 === 0 ? g.start + 1 + rng.int(g.end - g.start) : 1 + rng.int(250_000_000);
      const ref = annotatePosition(index, c, pos);
      if (ref.overlapping.length) inside++;
      for (const idx of idxs) {
        const got = annotatePosition(idx, c, pos);
        expect(got.nearest.map((h) => [h.symbol, h.distance, h.strand])).toEqual(ref.nearest.map((h) => [h.symbol, h.distance, h.strand]));
        expect(got.genesInWindow).toEqual(ref.genesInWindow);
      }
    }
    expect(inside).toBeGreaterThan(1400);
  });

  it('pins the messages for malformed gene files', () => {
    expect(() => parseGeneText('chr1\tHAVANA\tgene\t10x\t20\t.\t+\t.\tgene_id "G"; gene_name "A";\n', 'bad.gtf')).toThrow(
      "bad.gtf:1: column 4: bad position; expected a non-negative integer position, found '10x'",
    );
    expect(() => parseGeneText('chr1\t100\t50\tA\n', 'bad.bed')).toThrow('bad.bed:1: column 3: gene ends before it starts; expected end >= start (100), found 50');
    expect(() => parseGeneText('chr1\tHAVANA\ttranscript\t10\t20\t.\t+\t.\tgene_id "G";\n', 'x.gtf')).toThrow(
      'x.gtf: no genes found; expected gene records (GTF/GFF3 gene features, BED rows or the built-in table), found none in 1 line(s)',
    );
    expect(() => parseGeneText('chr1\t10\n', 'short.bed')).toThrow('short.bed:1: too few columns; expected 3 tab-separated columns (chrom start end [name [score [strand]]]), found 2');
  });

  it('GTF without gene_name uses gene_id and warns', () => {
    const s = parseGeneText('1\tE\tgene\t11\t20\t.\t-\t.\tgene_id "ENSG1"; gene_biotype "lncRNA";\n', 'nonames.gtf');
    expect(s.genes).toEqual([{ chrom: '1', start: 10, end: 20, symbol: 'ENSG1', strand: '-', id: 'ENSG1', type: 'lncRNA' }]);
    expect(s.warnings).toEqual(['nonames.gtf: 1 gene(s) without a name; labelled by gene ID or position']);
  });
});

describe('annotating tables', () => {
  const bim = ['7\trsIn\t0\t117600000\tA\tG', '5\trsBetween\t0\t3000\tC\tT', '23\trsX\t0\t300000\tA\tG', '26\trsMT\t0\t3500\tA\tG', '5\t5:5800:A:G\t0\t5800\tA\tG', '1\trsFar\t0\t120000000\tA\tG'].join('\n');

  it('splits terms into SNP parts, including IDs that contain colons', () => {
    const known = new Set(['rs1', 'rs2', '1:100:A:G', '2:200:C:T']);
    const is = (id: string) => known.has(id);
    expect(splitTerm('rs1', is)).toEqual(['rs1']);
    expect(splitTerm('rs1:smoking', is)).toEqual(['rs1']);
    expect(splitTerm('rs1:rs2', is)).toEqual(['rs1', 'rs2']);
    expect(splitTerm('smoking', is)).toEqual([]);
    expect(splitTerm('1:100:A:G', is)).toEqual(['1:100:A:G']);
    expect(splitTerm('1:100:A:G:smoking', is)).toEqual(['1:100:A:G']);
    expect(splitTerm('1:100:A:G:2:200:C:T', is)).toEqual(['1:100:A:G', '2:200:C:T']);
  });

  it('adds NEAREST_GENE, GENE_DIST and GENES_IN_WINDOW to selected.tsv terms', async () => {
    const bp = await readBimPositions(bytesSource(enc.encode(bim), 'x.bim'), null);
    const idx = new GeneIndex([...builtin.genes.filter((g) => g.chrom !== '5'), ...smallGenes().filter((g) => g.chrom !== '5'), { chrom: '5', start: 1000, end: 2000, symbol: 'A', strand: '+', id: '', type: '' }]);
    const table = ['HSV\tTERM\tTYPE\tBETA', 'HSV1\trsIn\tSNP\t0.2', 'HSV1\trsIn:smoking\tGxE\t0.1', 'HSV2\trsX:rsMT\tGxG\t0.3', 'HSV2\tsmoking\tENV\t0.5', 'HSV2\trsBetween\tSNP\t0.1', 'HSV3\t5:5800:A:G\tSNP\t1'].join('\n') + '\n';
    const r = annotateTable(table, bp.positions, idx, { file: 'selected.tsv', window: 100_000 });
    expect(r.idColumn).toBe('TERM');
    const rows = r.text.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(rows[0]).toEqual(['HSV', 'TERM', 'TYPE', 'BETA', 'NEAREST_GENE', 'GENE_DIST', 'GENES_IN_WINDOW']);
    expect(rows[1].slice(4, 6)).toEqual(['CFTR', '0']);
    expect(rows[1][6].split(',')).toContain('CFTR');
    expect(rows[2].slice(4, 6)).toEqual(['CFTR', '0']);
    expect(rows[3].slice(4, 6)).toEqual(['PLCXD1;MT-ND1', '0;0']);
    expect(rows[4].slice(4)).toEqual(['NA', 'NA', 'NA']);
    expect(rows[5].slice(4)).toEqual(['A', '1000', 'A']);
    expect(rows[6].slice(4)).toEqual(['A', '3800', 'A']);
    expect([r.rows, r.located, r.withGene]).toEqual([6, 5, 5]);
  });

  it('re-annotating replaces the gene columns; unknown ID column is an error with the header', async () => {
    const bp = await readBimPositions(bytesSource(enc.encode(bim), 'x.bim'), null);
    const t = '#CHROM\tPOS\tID\tP\n7\t117600000\trsIn\t1e-9\n1\t20000000\tnotInBim\t0.5\n';
    const once = annotateTable(t, bp.positions, index, { file: 'a.glm', window: 50_000, strand: true }).text;
    const twice = annotateTable(once, bp.positions, index, { file: 'a.glm', window: 50_000, strand: true }).text;
    expect(twice).toBe(once);
    const rows = once.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(rows[0]).toEqual(['#CHROM', 'POS', 'ID', 'P', 'NEAREST_GENE', 'GENE_DIST', 'GENES_IN_WINDOW', 'GENE_STRAND']);
    expect(rows[1][4]).toBe('CFTR');
    expect(rows[1][7]).toBe('+');
    // not in the .bim: position taken from the table's own #CHROM/POS columns
    expect(rows[2][4]).not.toBe('NA');
    expect(() => annotateTable('SNP\tP\nrs1\t0.1\n', bp.positions, index, { file: 't.tsv' })).toThrow(
      't.tsv:1: column ID: ID column not found; expected a column named ID or TERM (or --id-col), found SNP P',
    );
  });

  it('cli annotate runs as documented', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-annotate-'));
    writeFileSync(join(dir, 'd.bim'), bim + '\n');
    writeFileSync(join(dir, 'selected.tsv'), 'HSV\tTERM\tBETA\nHSV1\trsIn:smoking\t0.1\nHSV1\trsFar\t0.2\n');
    writeFileSync(join(dir, 'genes.bed'), 'chr1\t119990000\t119995000\tFARGENE\t0\t-\n');
    const run = (extra: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'annotate', '--in', join(dir, 'selected.tsv'), '--bim', join(dir, 'd.bim'), '--out', join(dir, 'o.tsv'), ...extra], {
        encoding: 'utf8',
      });
    let r = run([]);
    expect(r.status, r.stderr).toBe(0);
    let out = readFileSync(join(dir, 'o.tsv'), 'utf8').trimEnd().split('\n');
    expect(out[1].split('\t').slice(3, 5)).toEqual(['CFTR', '0']);
    r = run(['--genes', join(dir, 'genes.bed'), '--window', '10000']);
    expect(r.status, r.stderr).toBe(0);
    out = readFileSync(join(dir, 'o.tsv'), 'utf8').trimEnd().split('\n');
    expect(out[1].split('\t').slice(3)).toEqual(['NA', 'NA', 'NA']);
    expect(out[2].split('\t').slice(3)).toEqual(['FARGENE', '5000', 'FARGENE']);
    r = run(['--window', '-5']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: --window: bad window; expected a window >= 0 bp, found -5');
  });
});
