/**
 * Cancellation across a worker boundary. AbortSignal cannot cross postMessage, so the page names each job with
 * an id, the worker keeps an AbortController per running job, and `cancel(jobId)` (a plain worker call) aborts
 * it. The job sees an ordinary AbortSignal and throws CancelledError at its next chunk boundary.
 */
export class JobRegistry {
  private readonly running = new Map<string, AbortController>();

  /** Starts a job and returns its signal. A repeated id aborts the earlier job of that id first. */
  begin(jobId: string): AbortSignal {
    this.running.get(jobId)?.abort();
    const c = new AbortController();
    this.running.set(jobId, c);
    return c.signal;
  }

  end(jobId: string): void {
    this.running.delete(jobId);
  }

  /** Aborts a running job; returns false when no job of that id is running. */
  cancel(jobId: string): boolean {
    const c = this.running.get(jobId);
    if (!c) return false;
    c.abort();
    return true;
  }

  cancelAll(): void {
    for (const c of this.running.values()) c.abort();
  }

  get size(): number {
    return this.running.size;
  }

  /** Runs `fn` with the job's signal and always forgets the job afterwards. */
  async run<T>(jobId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = this.begin(jobId);
    try {
      return await fn(signal);
    } finally {
      if (this.running.get(jobId)?.signal === signal) this.end(jobId);
    }
  }
}
