/**
 * Contract of `npm run bench` (bench/run.ts): each bench/<area>.bench.ts exports
 * `run(opts: BenchOptions): Promise<BenchRow[]>`. Every row measures our code and, where one exists, the
 * reference tool on the same input in the same run; ratio = reference / ours for time (above 1 = we are faster).
 */
export interface BenchOptions {
  /** Small sizes (a minute in all) instead of the full sizes. */
  quick: boolean;
  /** Scratch folder for generated inputs, removed afterwards. */
  workDir: string;
}

export interface Measure {
  seconds: number;
  /** Peak resident memory in MB (ours: process.memoryUsage().rss sampled, or /usr/bin/time -v for tools). */
  peakMB?: number;
  /** Throughput, e.g. { value: 123, unit: 'MB/s' }. */
  throughput?: { value: number; unit: string };
}

export interface BenchRow {
  area: string;
  name: string;
  /** The sizes measured, e.g. 'n=20000 snps=20000 responses=16'. */
  size: string;
  ours: Measure;
  reference?: { tool: string } & Measure;
  note?: string;
}
