/**
 * Delimiter of a table, guessed from its header line: a tab makes it TSV, else a comma CSV, else runs of
 * spaces (PLINK-style whitespace). A one-column file is read as CSV.
 */
export type Delimiter = ',' | '\t' | 'whitespace';
export type DelimiterOption = 'auto' | Delimiter;

export function sniffDelimiter(headerLine: string): Delimiter {
  if (headerLine.includes('\t')) return '\t';
  if (headerLine.includes(',')) return ',';
  if (/\S\s+\S/.test(headerLine.trim())) return 'whitespace';
  return ',';
}
