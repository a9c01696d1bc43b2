/**
 * Long jobs as the page sees them: one slot per step (pheno, covar, geno, demo, train, scan, ...), each with its
 * latest progress report, and cancel(slot) which asks the worker to abort the job (AbortSignal cannot cross
 * postMessage: the worker keeps the controller, see src/app/jobs.ts).
 */
import { proxy } from 'comlink';
import type { Progress } from '../../lib/base/progress';
import { call } from './analysisWorker';
import { readWorkerError, type UiError } from './workerError';

export interface JobView {
  jobId: string;
  label: string;
  progress: Progress | null;
  startedAt: number;
  cancelling: boolean;
}

export const jobs = $state<Record<string, JobView | undefined>>({});

let counter = 0;

export type JobOutcome<T> = { ok: true; value: T } | { ok: false; error: UiError };

/** Runs a worker job in a slot; resolves with the value or a decoded error (never throws). */
export async function runJob<T>(
  slot: string,
  label: string,
  fn: (jobId: string, onProgress: (p: Progress) => void) => Promise<T>,
): Promise<JobOutcome<T>> {
  const jobId = `${slot}-${++counter}`;
  jobs[slot] = { jobId, label, progress: null, startedAt: performance.now(), cancelling: false };
  const onProgress = proxy((p: Progress) => {
    const j = jobs[slot];
    if (j && j.jobId === jobId) j.progress = p;
  });
  try {
    return { ok: true, value: await fn(jobId, onProgress) };
  } catch (e) {
    return { ok: false, error: readWorkerError(e) };
  } finally {
    if (jobs[slot]?.jobId === jobId) jobs[slot] = undefined;
  }
}

export async function cancelJob(slot: string): Promise<void> {
  const j = jobs[slot];
  if (!j) return;
  j.cancelling = true;
  await call((api) => api.cancel(j.jobId)).catch(() => {});
}

export function anyJobRunning(): boolean {
  return Object.values(jobs).some((j) => !!j);
}
