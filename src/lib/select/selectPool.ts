/**
 * A pool that runs the penalized selection of several responses at once (the CLI's Node worker threads:
 * nodeSelectPool). Only plain options cross to a worker: no functions, no rng, no signal (runSis falls back
 * to the calling thread when the options need them).
 */
import type { Selection, SelectOptions } from './selectPenalized';

export type PlainSelectOptions = Omit<SelectOptions, 'logModelCount' | 'rng' | 'signal'>;

export interface SelectJob {
  /** Standardized n x d column-major feature matrix (transferred to the worker). */
  x: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
  options: PlainSelectOptions;
}

export interface SelectPool {
  readonly size: number;
  select(job: SelectJob): Promise<Selection>;
  close(): Promise<void>;
}
