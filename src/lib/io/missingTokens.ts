/**
 * Missing-value tokens of phenotype tables. The default list is the one plink2 and R users expect:
 * empty, NA, NaN, '.', -9. Each token is also matched in lower and upper case ('na', 'nan', 'NAN').
 */
export const DEFAULT_MISSING_TOKENS: readonly string[] = ['', 'NA', 'NaN', '.', '-9'];

/** The set of cell texts (already trimmed) that count as missing. */
export function missingTokenSet(tokens: readonly string[] = DEFAULT_MISSING_TOKENS): Set<string> {
  const set = new Set<string>();
  for (const t of tokens) {
    const s = t.trim();
    set.add(s);
    set.add(s.toLowerCase());
    set.add(s.toUpperCase());
  }
  return set;
}
