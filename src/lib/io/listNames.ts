/** How many column names an "unknown column" message lists. */
const NAMES_LISTED = 8;

/** The first NAMES_LISTED column names, comma-separated, with the total when there are more. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_LISTED).join(', ');
  return names.length > NAMES_LISTED ? `${shown}, ... (${names.length} columns)` : shown;
}
