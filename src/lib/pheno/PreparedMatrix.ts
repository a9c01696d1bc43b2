/**
 * Phenotypes ready for the autoencoder: standardized per the recipe, missing cells kept as a mask.
 * Produced by prepare()/applyRecipe() (src/lib/pheno), consumed by src/lib/ae.
 */
export interface PreparedMatrix {
  /** Participant IDs (rows), with FIDs when the table had them. */
  ids: string[];
  fid: string[] | null;
  /** Output column names; a one-hot categorical column expands to 'name=level'. */
  columns: string[];
  /** 1 where the output column is a 0/1 indicator (binary input or one-hot level). */
  binary: Uint8Array;
  n: number;
  p: number;
  /** n * p, row-major, transformed values; missing cells hold 0. */
  values: Float32Array;
  /** n * p, 1 = observed, 0 = missing. */
  mask: Uint8Array;
}
