/**
 * HTML report download. The report builder (src/lib/report/buildReport.ts) is not in the tree yet; until it
 * lands the button stays visibly disabled rather than producing a partial or fake report.
 */
export const reportAvailable = false;

export async function downloadReport(): Promise<void> {
  throw new Error('the HTML report builder is not available in this build');
}
