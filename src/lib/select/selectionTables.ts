/**
 * Tab-separated result tables of the selection step.
 * - <response>.sis.tsv: RANK TERM TYPE SCORE ROUND (every screened term, best first; ROUND 0 = SIS,
 *   1.. = ISIS rounds)
 * - <response>.selected.tsv: TERM TYPE CHROM POS A1 BETA BETA_PENALIZED R P STABILITY PARENTS PARENTS_SELECTED
 * - combined selected.tsv: HSV then the same columns, one row per selected term of every response.
 * TERM is the SNP ID, the E name, `SNPID:E` or `SNPID1:SNPID2`; TYPE is SNP, ENV, GxE or GxG; A1 the counted
 * allele of the term's SNP (`A1:A1` for SNPxSNP, NA for E; plink2's --glm A1 by default); BETA the
 * refitted joint coefficient per unit of the feature (an interaction: with its parents projected out); R/P the term's partial correlation with the
 * response given the covariates (and an interaction's parents) and its t-test P; STABILITY the selection
 * frequency over subsamples (NA when not run); PARENTS the interaction's parent terms (comma-separated)
 * and whether each was selected too (1/0).
 */
import type { ResponseSelection, SelectedTerm } from './runSis';

export const SCREENED_HEADER = ['RANK', 'TERM', 'TYPE', 'SCORE', 'ROUND'];
export const SELECTED_COLUMNS = ['TERM', 'TYPE', 'CHROM', 'POS', 'A1', 'BETA', 'BETA_PENALIZED', 'R', 'P', 'STABILITY', 'PARENTS', 'PARENTS_SELECTED'];

function num(x: number): string {
  if (!Number.isFinite(x)) return 'NA';
  return Number(x.toPrecision(6)).toString();
}

export function screenedTsv(r: ResponseSelection): string {
  const lines = [SCREENED_HEADER.join('\t')];
  for (const s of r.screened) lines.push([s.rank, s.term, s.type, num(s.score), s.round].join('\t'));
  return lines.join('\n') + '\n';
}

function selectedCells(t: SelectedTerm): string[] {
  return [
    t.term,
    t.type,
    t.chrom || 'NA',
    t.chrom ? String(t.pos) : 'NA',
    t.a1 || 'NA',
    num(t.beta),
    num(t.betaPenalized),
    num(t.marginalR),
    t.p > 0 ? t.p.toExponential(4) : t.p === 0 ? '0' : 'NA',
    t.stability === null ? 'NA' : num(t.stability),
    t.parents.length ? t.parents.join(',') : 'NA',
    t.parents.length ? t.parentsSelected.map((b) => (b ? '1' : '0')).join(',') : 'NA',
  ];
}

export function selectedTsv(r: ResponseSelection): string {
  const lines = [SELECTED_COLUMNS.join('\t')];
  for (const t of r.selected) lines.push(selectedCells(t).join('\t'));
  return lines.join('\n') + '\n';
}

/** One table for all responses: HSV TERM TYPE ... (the response name in the HSV column). */
export function combinedSelectedTsv(rs: readonly ResponseSelection[]): string {
  const lines = [['HSV', ...SELECTED_COLUMNS].join('\t')];
  for (const r of rs) for (const t of r.selected) lines.push([r.response, ...selectedCells(t)].join('\t'));
  return lines.join('\n') + '\n';
}
