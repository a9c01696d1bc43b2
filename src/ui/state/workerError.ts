/** Reads an error that came back from the worker (a typed PlainError, see src/lib/base/errors.ts) for display. */
import { isPlainError, type ErrorKind } from '../../lib/base/errors';
import { WorkerCrashedError } from './analysisWorker';

export interface UiError {
  kind: ErrorKind | 'crash';
  message: string;
}

export function readWorkerError(e: unknown): UiError {
  if (e instanceof WorkerCrashedError) return { kind: 'crash', message: e.message };
  if (isPlainError(e)) return { kind: e.kind, message: e.message };
  return { kind: 'internal', message: e instanceof Error ? e.message : String(e) };
}
