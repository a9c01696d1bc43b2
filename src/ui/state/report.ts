/** HTML report download: built in the worker (src/lib/report/buildReport), saved through a blob: URL. */
import { call } from './analysisWorker';
import { runJob } from './jobs.svelte';
import { saveBlob } from './analysis.svelte';
import type { UiError } from './workerError';

export const reportAvailable = true;

export function appBase(): string {
  return new URL('./', document.baseURI).href;
}

export async function downloadReport(): Promise<UiError | null> {
  const r = await runJob('report', 'Building the HTML report', (jobId) => call((api) => api.reportHtml(jobId, appBase())));
  if (!r.ok) return r.error;
  saveBlob(new Blob([r.value], { type: 'text/html' }), 'latentscan-report.html');
  return null;
}
