/**
 * Pipeline step 6, the report: the self-contained HTML report (src/lib/report/buildReport) of an Analysis
 * record, annotated first when it is not yet and a gene table is at hand. The same record gives the same
 * report whether the app or `cli pipeline` made it.
 */
import type { GeneIndex } from '../annotate/GeneIndex';
import { buildReport } from '../report/buildReport';
import type { Analysis } from '../report/Analysis';
import { annotateStep } from './annotateStep';

export function reportStep(a: Analysis, genes?: { index: GeneIndex; label: string; window?: number }): string {
  const withGenes = genes && !a.annotations ? { ...a, ...annotateStep(a, genes.index, genes.label, genes.window ?? a.annotationSource?.window) } : a;
  return buildReport(withGenes, genes ? { genes: genes.index, genesLabel: genes.label } : {});
}
