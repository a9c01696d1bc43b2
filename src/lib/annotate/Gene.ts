/**
 * A gene locus. Coordinates are 0-based half-open, as in BED: the locus covers 1-based bases start+1..end.
 * A gene whose transcripts lie at separate places has one Gene per place (same symbol).
 */
export interface Gene {
  /** Normalized chromosome ('1'..'22', 'X', 'Y', 'MT', or the file's own name for other contigs). */
  chrom: string;
  /** 0-based start (BED). */
  start: number;
  /** 0-based exclusive end = 1-based inclusive end. */
  end: number;
  /** Gene symbol (gene_name in GTF/GFF3, the name column of a BED); the gene ID when no name is given. */
  symbol: string;
  /** '+', '-' or '.' when unknown. */
  strand: '+' | '-' | '.';
  /** Stable gene ID when the source has one (Entrez ID, Ensembl gene_id), else ''. */
  id: string;
  /** Biotype as given by the source ('protein-coding', 'ncRNA', 'protein_coding', ...), else ''. */
  type: string;
}

/** Genes as parsed from one file, with what was skipped and why. */
export interface GeneSet {
  /** File name the genes came from (or 'built-in GRCh38'). */
  source: string;
  genes: Gene[];
  /** Rows that were not gene features (GTF transcripts, exons, ...), counted, not errors. */
  skippedFeatures: number;
  /** Human-readable warnings (e.g. rows without a name, which use the gene ID). */
  warnings: string[];
}

export function parseStrand(s: string | undefined): '+' | '-' | '.' {
  return s === '+' ? '+' : s === '-' ? '-' : '.';
}
