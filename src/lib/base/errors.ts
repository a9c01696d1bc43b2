/**
 * Named errors. Every error a user can cause names the file, line and column (where they exist), what was
 * expected and what was found. Errors are made plain ({ kind, message, ... }) before they cross a worker
 * boundary and revived on the other side, so `instanceof` and `kind` both work in the UI.
 */

export type ErrorKind = 'input' | 'cancelled' | 'device-lost' | 'out-of-memory' | 'internal';

export class LatentScanError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.kind = kind;
    this.name = 'LatentScanError';
  }
}

export interface InputErrorWhere {
  /** File name as the user knows it (not a full path when it came from a drop). */
  file: string;
  /** 1-based line number, when the error is tied to a line. */
  line?: number;
  /** Column name or 1-based column number. */
  column?: string | number;
  expected?: string;
  found?: string;
}

/** Bad input: the message reads "FILE:LINE: column C: <what>; expected E, found F". */
export class InputError extends LatentScanError {
  readonly where: InputErrorWhere;
  constructor(where: InputErrorWhere, what: string) {
    super('input', formatInputMessage(where, what));
    this.name = 'InputError';
    this.where = where;
  }
}

export function formatInputMessage(where: InputErrorWhere, what: string): string {
  let s = where.file;
  if (where.line !== undefined) s += `:${where.line}`;
  s += ': ';
  if (where.column !== undefined) s += `column ${where.column}: `;
  s += what;
  const parts: string[] = [];
  if (where.expected !== undefined) parts.push(`expected ${where.expected}`);
  if (where.found !== undefined) parts.push(`found ${where.found}`);
  if (parts.length) s += `; ${parts.join(', ')}`;
  return s;
}

export class CancelledError extends LatentScanError {
  constructor(message = 'cancelled') {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

export class DeviceLostError extends LatentScanError {
  constructor(message: string) {
    super('device-lost', message);
    this.name = 'DeviceLostError';
  }
}

/**
 * Plain form of an error, safe to post between threads: the worker throws it as it is (comlink passes a
 * thrown non-Error value through structured clone), the page reads `kind` and `message`, and `details` names
 * the file, line and column of bad input.
 */
export interface PlainError {
  kind: ErrorKind;
  name: string;
  message: string;
  details?: InputErrorWhere;
}

/** True for a PlainError that came across a worker boundary. */
export function isPlainError(e: unknown): e is PlainError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return typeof o.kind === 'string' && typeof o.message === 'string' && typeof o.name === 'string' && !(e instanceof Error);
}

export function toPlainError(e: unknown): PlainError {
  if (e instanceof InputError) return { kind: e.kind, name: e.name, message: e.message, details: e.where };
  if (e instanceof LatentScanError) return { kind: e.kind, name: e.name, message: e.message };
  if (e instanceof Error) {
    if (e.name === 'AbortError') return { kind: 'cancelled', name: 'CancelledError', message: 'cancelled' };
    const oom = /out of memory|allocation failed|Array buffer allocation|Invalid typed array length/i.test(e.message);
    return oom
      ? {
          kind: 'out-of-memory',
          name: e.name,
          message:
            `Out of memory (${e.message}). Results already shown are kept. Try fewer HSVs, SNPxSNP candidates or ` +
            'variants at a time, close other tabs, or run this size with the command-line tool (npm run cli).',
        }
      : { kind: 'internal', name: e.name, message: e.message };
  }
  return { kind: 'internal', name: 'Error', message: String(e) };
}

export function fromPlainError(p: PlainError): LatentScanError {
  switch (p.kind) {
    case 'input': {
      if (p.details) {
        const e = new InputError(p.details, '');
        Object.defineProperty(e, 'message', { value: p.message });
        return e;
      }
      return new LatentScanError('input', p.message);
    }
    case 'cancelled':
      return new CancelledError(p.message);
    case 'device-lost':
      return new DeviceLostError(p.message);
    case 'out-of-memory':
    case 'internal':
      return new LatentScanError(p.kind, p.message);
    default:
      throw new Error(`unknown error kind: ${String((p as PlainError).kind)}`);
  }
}
