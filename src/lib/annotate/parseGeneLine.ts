/**
 * Line-by-line parsers for gene annotation formats. Coordinates are converted to 0-based half-open:
 * GTF/GFF3 are 1-based closed (start-1, end), BED and the built-in TSV are already 0-based half-open.
 *
 * - builtin: header `chrom start end symbol entrez_id strand type` (public/genes_GRCh38.tsv.gz).
 * - gtf: 9 columns; features whose type is `gene` (GENCODE/Ensembl); name from gene_name, else gene_id;
 *   biotype from gene_type (GENCODE) or gene_biotype (Ensembl).
 * - gff3: 9 columns; features whose type ends in `gene` (gene, ncRNA_gene, pseudogene); name from Name or
 *   gene_name, else gene_id or ID (an `gene:` prefix is dropped); biotype from biotype/gene_type/gene_biotype.
 *   Stops at `##FASTA`.
 * - bed: chrom start end [name [score [strand]]]; `track`, `browser` and `#` lines skipped; rows without a
 *   name get `chrom:start-end`.
 * Rows of other feature types are counted (skippedFeatures), never errors. Malformed rows are errors with
 * file, line and column.
 */
import { InputError } from '../base/errors';
import type { Gene, GeneSet } from './Gene';
import { parseStrand } from './Gene';
import { normalizeChrom } from './normalizeChrom';

export type GeneFileFormat = 'builtin' | 'gtf' | 'gff3' | 'bed';

export interface GeneLineParser {
  line(text: string): void;
  finish(): GeneSet;
}

const BUILTIN_HEADER = 'chrom\tstart\tend\tsymbol';

/** Format implied by a file name (after stripping .gz), or null when the name does not say. */
export function formatFromName(name: string): GeneFileFormat | null {
  const n = name.toLowerCase().replace(/\.(gz|bgz)$/, '');
  if (n.endsWith('.gtf')) return 'gtf';
  if (n.endsWith('.gff3') || n.endsWith('.gff')) return 'gff3';
  if (n.endsWith('.bed')) return 'bed';
  return null;
}

/** Format implied by the first data line (or a header line), or null if it cannot tell yet. */
function sniff(line: string): GeneFileFormat | null {
  if (line.startsWith('##gff-version')) return 'gff3';
  if (line.startsWith(BUILTIN_HEADER)) return 'builtin';
  if (line.startsWith('#') || line.startsWith('track') || line.startsWith('browser') || line.trim() === '') return null;
  const f = line.split('\t');
  if (f.length >= 9) {
    if (/gene_id\s+"/.test(f[8])) return 'gtf';
    if (f[8].includes('=')) return 'gff3';
  }
  return 'bed';
}

export function createGeneLineParser(file: string, forced?: GeneFileFormat): GeneLineParser {
  let format: GeneFileFormat | null = forced ?? formatFromName(file);
  const genes: Gene[] = [];
  const warnings: string[] = [];
  let skippedFeatures = 0;
  let lineNo = 0;
  let noName = 0;
  let stopped = false;
  let sawHeader = false;

  const int = (s: string, col: number | string): number => {
    if (!/^\d+$/.test(s)) throw new InputError({ file, line: lineNo, column: col, expected: 'a non-negative integer position', found: `'${s}'` }, 'bad position');
    return Number(s);
  };
  const checkOrder = (start: number, end: number, col: number | string) => {
    if (end < start) {
      throw new InputError({ file, line: lineNo, column: col, expected: `end >= start (${start})`, found: String(end) }, 'gene ends before it starts');
    }
  };
  const need = (f: string[], n: number, what: string) => {
    if (f.length < n) throw new InputError({ file, line: lineNo, expected: `${n} tab-separated columns (${what})`, found: `${f.length}` }, 'too few columns');
  };

  const parseBuiltin = (line: string) => {
    if (line.startsWith(BUILTIN_HEADER)) {
      sawHeader = true;
      return;
    }
    const f = line.split('\t');
    need(f, 7, 'chrom start end symbol entrez_id strand type');
    const start = int(f[1], 'start');
    const end = int(f[2], 'end');
    checkOrder(start, end, 'end');
    genes.push({ chrom: normalizeChrom(f[0]), start, end, symbol: f[3], strand: parseStrand(f[5]), id: f[4], type: f[6] });
  };

  const parseGff = (line: string, gtf: boolean) => {
    if (line.startsWith('#')) {
      if (line.startsWith('##FASTA')) stopped = true;
      return;
    }
    const f = line.split('\t');
    need(f, 9, gtf ? 'GTF' : 'GFF3');
    const type = f[2];
    const isGene = gtf ? type === 'gene' : /gene$/i.test(type);
    if (!isGene) {
      skippedFeatures++;
      return;
    }
    const start1 = int(f[3], 4);
    const end = int(f[4], 5);
    if (start1 < 1) throw new InputError({ file, line: lineNo, column: 4, expected: 'a 1-based start >= 1', found: '0' }, 'bad position');
    checkOrder(start1, end, 5);
    const attrs = gtf ? gtfAttributes(f[8]) : gff3Attributes(f[8]);
    const rawId = attrs.get('gene_id') ?? attrs.get('ID') ?? '';
    const id = rawId.replace(/^gene:/, '');
    let symbol = attrs.get('gene_name') ?? (gtf ? undefined : attrs.get('Name')) ?? '';
    if (!symbol) {
      symbol = id || `${f[0]}:${start1}-${end}`;
      noName++;
    }
    const biotype = attrs.get('gene_type') ?? attrs.get('gene_biotype') ?? attrs.get('biotype') ?? '';
    genes.push({ chrom: normalizeChrom(f[0]), start: start1 - 1, end, symbol, strand: parseStrand(f[6]), id, type: biotype });
  };

  const parseBed = (line: string) => {
    if (line.startsWith('#') || line.startsWith('track') || line.startsWith('browser')) return;
    const f = line.split(/\t| +/).filter((x) => x.length > 0);
    need(f, 3, 'chrom start end [name [score [strand]]]');
    const start = int(f[1], 2);
    const end = int(f[2], 3);
    checkOrder(start, end, 3);
    let symbol = f[3] ?? '';
    if (!symbol || symbol === '.') {
      symbol = `${normalizeChrom(f[0])}:${start + 1}-${end}`;
      noName++;
    }
    genes.push({ chrom: normalizeChrom(f[0]), start, end, symbol, strand: parseStrand(f[5]), id: '', type: '' });
  };

  return {
    line(text: string) {
      lineNo++;
      if (stopped || text.trim() === '') return;
      if (format === null) {
        format = sniff(text);
        if (format === null) return; // comment or header before the first data line
      }
      switch (format) {
        case 'builtin':
          parseBuiltin(text);
          break;
        case 'gtf':
          parseGff(text, true);
          break;
        case 'gff3':
          parseGff(text, false);
          break;
        case 'bed':
          parseBed(text);
          break;
        default:
          throw new Error(`unknown gene file format ${String(format)}`);
      }
    },
    finish(): GeneSet {
      if (format === 'builtin' && !sawHeader) warnings.push(`${file}: no header line; read as the built-in gene table layout`);
      if (noName > 0) warnings.push(`${file}: ${noName} gene(s) without a name; labelled by gene ID or position`);
      if (genes.length === 0) {
        throw new InputError({ file, expected: 'gene records (GTF/GFF3 gene features, BED rows or the built-in table)', found: `none in ${lineNo} line(s)` }, 'no genes found');
      }
      return { source: file, genes, skippedFeatures, warnings };
    },
  };
}

/** GTF attributes: `key "value"; key2 "value2";` (first value of a repeated key wins). */
export function gtfAttributes(s: string): Map<string, string> {
  const m = new Map<string, string>();
  const re = /\s*([^\s;]+)\s+(?:"([^"]*)"|([^;\s]+))\s*;?/g;
  let r: RegExpExecArray | null;
  while ((r = re.exec(s)) !== null) {
    const key = r[1];
    if (!m.has(key)) m.set(key, r[2] ?? r[3] ?? '');
  }
  return m;
}

/** GFF3 attributes: `key=value;key2=value2`, values percent-decoded. */
export function gff3Attributes(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of s.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep the raw value when it is not valid percent-encoding
    }
    if (!m.has(key)) m.set(key, value);
  }
  return m;
}
