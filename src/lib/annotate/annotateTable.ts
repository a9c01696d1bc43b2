/**
 * Adds gene columns to a tab-separated table whose rows name variants: NEAREST_GENE, GENE_DIST (bp, 0 inside
 * a gene) and GENES_IN_WINDOW (and GENE_STRAND when asked). The ID column holds a variant ID, or a term of
 * selected.tsv: `rs1` (SNP), `rs1:smoking` (SNPxE), `rs1:rs2` (SNPxSNP), `smoking` (E). Each SNP part of a
 * term is annotated; parts are joined with ';' in term order, genes within a part with ','. Cells with no
 * gene (E terms, unknown IDs, nothing within the window) hold NA. Columns already present are replaced.
 * Positions come from the .bim; a row whose ID is not there but whose table has CHROM/#CHROM and POS
 * columns uses those.
 */
import { InputError } from '../base/errors';
import type { GeneIndex } from './GeneIndex';
import type { VariantPosition } from './readBimPositions';
import { annotatePosition, DEFAULT_GENE_WINDOW, type PositionAnnotation } from './annotatePosition';
import { normalizeChrom } from './normalizeChrom';

export const GENE_COLUMNS = ['NEAREST_GENE', 'GENE_DIST', 'GENES_IN_WINDOW'] as const;

export interface AnnotateTableOptions {
  /** File name for messages. */
  file: string;
  /** ID column; default 'ID' when present, else 'TERM'. A leading '#' in the header is ignored. */
  idColumn?: string;
  window?: number;
  /** Also add GENE_STRAND (strand of each nearest gene). */
  strand?: boolean;
}

export interface AnnotateTableResult {
  text: string;
  idColumn: string;
  rows: number;
  /** Rows with at least one SNP part found in the positions. */
  located: number;
  /** Rows with a gene within the window for at least one SNP part. */
  withGene: number;
  /** Distinct terms with no located SNP part (E terms, IDs missing from the .bim; first 20), for messages. */
  unknownExamples: string[];
}

/** Splits a TSV header into column names (a leading '#' of the first name removed). */
export function headerNames(line: string): string[] {
  const f = line.split('\t');
  if (f.length > 0) f[0] = f[0].replace(/^#/, '');
  return f;
}

/** The idx-th tab-separated cell of a line without splitting the whole line ('' past the end). */
export function cellAt(line: string, idx: number): string {
  let from = 0;
  for (let k = 0; k < idx; k++) {
    const t = line.indexOf('\t', from);
    if (t < 0) return '';
    from = t + 1;
  }
  const end = line.indexOf('\t', from);
  return end < 0 ? line.slice(from) : line.slice(from, end);
}

function countFields(line: string): number {
  let n = 1;
  for (let i = line.indexOf('\t'); i >= 0; i = line.indexOf('\t', i + 1)) n++;
  return n;
}

/** The variant IDs a term may contain: the term itself and every ':'-separated left/right part. */
export function termCandidates(term: string): string[] {
  const out = [term];
  const parts = term.split(':');
  for (let k = 1; k < parts.length; k++) {
    out.push(parts.slice(0, k).join(':'), parts.slice(k).join(':'));
  }
  for (const p of parts) out.push(p);
  return out;
}

/**
 * The SNP parts of a term, given the known variant IDs. The whole term wins if it is a variant ID
 * (IDs like `1:12345:A:G` contain colons); else the split with the most known parts, first split first.
 */
export function splitTerm(term: string, isVariant: (id: string) => boolean): string[] {
  if (isVariant(term)) return [term];
  const parts = term.split(':');
  let best: string[] = [];
  for (let k = 1; k < parts.length; k++) {
    const l = parts.slice(0, k).join(':');
    const r = parts.slice(k).join(':');
    const known = [l, r].filter(isVariant);
    if (known.length > best.length) best = known;
    if (best.length === 2) break;
  }
  if (best.length === 0) best = parts.filter(isVariant);
  return best;
}

export function annotateTable(text: string, positions: ReadonlyMap<string, VariantPosition>, index: GeneIndex, opts: AnnotateTableOptions): AnnotateTableResult {
  const window = opts.window ?? DEFAULT_GENE_WINDOW;
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0 || lines[0].trim() === '') {
    throw new InputError({ file: opts.file, line: 1, expected: 'a tab-separated header line', found: 'an empty file' }, 'empty table');
  }
  const rawHeader = lines[0].replace(/\r$/, '').split('\t');
  const names = headerNames(lines[0].replace(/\r$/, ''));
  let idColumn = opts.idColumn?.replace(/^#/, '');
  if (idColumn === undefined) idColumn = names.includes('ID') ? 'ID' : names.includes('TERM') ? 'TERM' : undefined;
  const idIdx = idColumn === undefined ? -1 : names.indexOf(idColumn);
  if (idIdx < 0 || idColumn === undefined) {
    throw new InputError(
      { file: opts.file, line: 1, column: idColumn ?? 'ID', expected: idColumn ? `a column named ${idColumn}` : 'a column named ID or TERM (or --id-col)', found: names.join(' ') },
      'ID column not found',
    );
  }
  const chromIdx = names.findIndex((n) => n === 'CHROM' || n === 'CHR');
  const posIdx = names.findIndex((n) => n === 'POS' || n === 'BP');
  const addCols: string[] = [...GENE_COLUMNS, ...(opts.strand ? ['GENE_STRAND'] : [])];
  const replaced = addCols.map((c) => names.indexOf(c));
  const keep = rawHeader.map((_, i) => !replaced.includes(i));
  const outHeader = rawHeader.filter((_, i) => keep[i]).concat(addCols);
  const out: string[] = [outHeader.join('\t')];
  // annotations by position, bounded (terms repeat across HSVs; a genome-wide table has unique positions)
  const cache = new Map<string, PositionAnnotation>();
  const CACHE_MAX = 100_000;
  const unknown = new Set<string>();
  let rows = 0, located = 0, withGene = 0;
  const isVariant = (id: string) => positions.has(id);
  const cell = (xs: string[]) => (xs.length === 0 || xs.every((x) => x === 'NA') ? 'NA' : xs.join(';'));
  const noneReplaced = replaced.every((r) => r < 0);
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li].replace(/\r$/, '');
    if (line === '') continue;
    const nFields = countFields(line);
    if (nFields !== rawHeader.length) {
      throw new InputError({ file: opts.file, line: li + 1, expected: `${rawHeader.length} tab-separated fields`, found: `${nFields}` }, 'ragged row');
    }
    rows++;
    const term = cellAt(line, idIdx);
    const posCell = posIdx >= 0 ? cellAt(line, posIdx) : '';
    const rowPos = chromIdx >= 0 && posIdx >= 0 && /^\d+$/.test(posCell) ? { chrom: normalizeChrom(cellAt(line, chromIdx)), pos: Number(posCell) } : null;
    let parts = splitTerm(term, isVariant);
    if (parts.length === 0 && rowPos) parts = [term];
    if (parts.length === 0 && unknown.size < 20) unknown.add(term);
    const nearest: string[] = [], dist: string[] = [], inWin: string[] = [], strand: string[] = [];
    let anyGene = false;
    for (const id of parts) {
      const p = positions.get(id) ?? (id === term && rowPos ? rowPos : null);
      if (!p) continue;
      const key = `${p.chrom}\t${p.pos}`;
      let a = cache.get(key);
      if (!a) {
        if (cache.size >= CACHE_MAX) cache.clear();
        cache.set(key, (a = annotatePosition(index, p.chrom, p.pos, { window })));
      }
      if (a.nearest.length > 0) anyGene = true;
      nearest.push(a.nearest.length ? a.nearest.map((h) => h.symbol).join(',') : 'NA');
      dist.push(a.nearest.length ? String(a.nearest[0].distance) : 'NA');
      strand.push(a.nearest.length ? a.nearest.map((h) => h.strand).join(',') : 'NA');
      inWin.push(a.genesInWindow.length ? a.genesInWindow.join(',') : 'NA');
    }
    if (parts.length > 0) located++;
    if (anyGene) withGene++;
    const extra = [cell(nearest), cell(dist), cell(inWin)];
    if (opts.strand) extra.push(cell(strand));
    const kept = noneReplaced ? line : line.split('\t').filter((_, i) => keep[i]).join('\t');
    out.push(kept + '\t' + extra.join('\t'));
  }
  return { text: out.join('\n') + '\n', idColumn, rows, located, withGene, unknownExamples: [...unknown] };
}
