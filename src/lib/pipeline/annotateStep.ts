/**
 * Pipeline step 5, annotation: the genes near the scans' strongest independent hits and near every selected
 * term's SNPs (src/lib/annotate over a GeneIndex: the built-in GRCh38 table or the user's GTF/GFF3/BED), as
 * the Analysis record's `annotations` and `annotationSource`.
 */
import type { GeneIndex } from '../annotate/GeneIndex';
import { DEFAULT_GENE_WINDOW } from '../annotate/annotatePosition';
import { collectHits } from '../report/collectHits';
import type { Analysis } from '../report/Analysis';

export function annotateStep(a: Pick<Analysis, 'scans' | 'selected'>, genes: GeneIndex, genesLabel: string, window = DEFAULT_GENE_WINDOW): Pick<Analysis, 'annotations' | 'annotationSource'> {
  return {
    annotations: collectHits(a.scans ?? [], a.selected ?? [], genes, { window }),
    annotationSource: { genes: genesLabel, window },
  };
}
