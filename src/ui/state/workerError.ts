/** Decodes an error that came back from the worker into { kind, message } for display. */
import { PLAIN_ERROR_PREFIX } from '../../app/jobs';
import type { ErrorKind, PlainError } from '../../lib/base/errors';
import { WorkerCrashedError } from './analysisWorker';

export interface UiError {
  kind: ErrorKind | 'crash';
  message: string;
}

export function readWorkerError(e: unknown): UiError {
  if (e instanceof WorkerCrashedError) return { kind: 'crash', message: e.message };
  const msg = e instanceof Error ? e.message : String(e);
  const at = msg.indexOf(PLAIN_ERROR_PREFIX);
  if (at >= 0) {
    try {
      const p = JSON.parse(msg.slice(at + PLAIN_ERROR_PREFIX.length)) as PlainError;
      return { kind: p.kind, message: p.message };
    } catch {
      // fall through: show the raw message
    }
  }
  return { kind: 'internal', message: msg };
}
