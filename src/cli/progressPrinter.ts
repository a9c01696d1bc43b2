/** Progress lines on stderr for the CLI's long jobs (the shared ProgressCallback contract). */
import { formatEta, type Progress } from '../lib/base/progress';

export interface PrinterOptions {
  /** Name the job's stage after the prefix (default true). */
  stage?: boolean;
  /** Unit printed instead of the job's own. */
  unit?: string;
}

/**
 * `${prefix}[stage: ]done/total unit, ETA t`, at most one line every 2 s, and always the line that ends a
 * stage (done = total).
 */
export function progressPrinter(prefix: string, o: PrinterOptions = {}) {
  let last = 0;
  return (p: Pick<Progress, 'stage' | 'done' | 'total' | 'unit' | 'etaSeconds'>) => {
    const now = performance.now();
    if (now - last < 2000 && p.done < p.total) return;
    last = now;
    const stage = o.stage === false ? '' : `${p.stage}: `;
    process.stderr.write(`${prefix}${stage}${p.done}${p.total ? `/${p.total}` : ''} ${o.unit ?? p.unit}, ETA ${formatEta(p.etaSeconds)}\n`);
  };
}
