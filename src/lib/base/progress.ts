/**
 * The one progress contract every long job uses (parsing, training, scanning, screening).
 * A job reports { stage, done, total, etaSeconds }; `createProgress` computes rate and ETA and throttles
 * reports so a tight loop can call `tick` freely.
 */

export interface Progress {
  /** Short stage name, e.g. 'parse', 'train', 'scan', 'sis'. */
  stage: string;
  /** Units done so far (rows, epochs, variants...). */
  done: number;
  /** Units in all, or 0 when unknown (e.g. variants of a VCF before it is read). */
  total: number;
  /** What a unit is, for display: 'variants', 'epochs', 'rows', 'bytes'. */
  unit: string;
  /** Units per second since the stage started. */
  rate: number;
  /** Seconds left, or null when it cannot be estimated yet. */
  etaSeconds: number | null;
  message?: string;
}

export type ProgressCallback = (p: Progress) => void;

export interface ProgressTracker {
  /** Report that `done` units are complete. Throttled to one report per `intervalMs`. */
  tick(done: number, message?: string): void;
  /** Change the total (for sources whose size becomes known while reading). */
  setTotal(total: number): void;
  /** Always reports, with done = total. */
  finish(message?: string): void;
}

export interface ProgressOptions {
  unit?: string;
  intervalMs?: number;
  now?: () => number;
}

export function createProgress(
  stage: string,
  total: number,
  onProgress: ProgressCallback | undefined,
  opts: ProgressOptions = {},
): ProgressTracker {
  const now = opts.now ?? (() => performance.now());
  const interval = opts.intervalMs ?? 200;
  const unit = opts.unit ?? 'items';
  const t0 = now();
  let last = -Infinity;
  let tot = total;
  let lastDone = 0;
  const report = (done: number, message?: string) => {
    if (!onProgress) return;
    const elapsed = (now() - t0) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const etaSeconds = tot > 0 && rate > 0 && done > 0 ? Math.max(0, (tot - done) / rate) : null;
    onProgress({ stage, done, total: tot, unit, rate, etaSeconds, message });
  };
  return {
    tick(done, message) {
      lastDone = done;
      const t = now();
      if (t - last < interval) return;
      last = t;
      report(done, message);
    },
    setTotal(t) {
      tot = t;
    },
    finish(message) {
      if (tot <= 0) tot = lastDone;
      report(tot, message);
    },
  };
}

/** Human form of an ETA: "12 s", "3 min 05 s", "1 h 02 min". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '…';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
