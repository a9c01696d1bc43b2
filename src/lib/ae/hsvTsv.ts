/**
 * PREFIX.hsv.tsv: `#FID IID HSV1 ... HSVK`, tab-separated, one row per participant with at least one
 * observed phenotype; FID = IID when the input had no FID. Values are written with 9 significant digits
 * (float64 codes; `encode` writes the same digits from the same computation, so files compare equal).
 */
export function formatHsvTsv(ids: string[], fid: string[] | null, rows: Int32Array, hsv: Float64Array, names: string[]): string {
  const k = names.length;
  const lines = [['#FID', 'IID', ...names].join('\t')];
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    const cells = [fid ? fid[i] : ids[i], ids[i]];
    for (let h = 0; h < k; h++) cells.push(formatHsvValue(hsv[r * k + h]));
    lines.push(cells.join('\t'));
  }
  return lines.join('\n') + '\n';
}

export function formatHsvValue(v: number): string {
  if (!Number.isFinite(v)) return 'NA';
  return String(writtenHsvValue(v));
}

/**
 * The value PREFIX.hsv.tsv holds for an HSV value (9 significant digits; NaN for a missing one): what a command
 * reading the file (`scan --pheno hsv.tsv`, a workflow's shards) gets, so the pipeline scans these values too.
 */
export function writtenHsvValue(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(9)) : NaN;
}
