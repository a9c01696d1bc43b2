/**
 * Hooks for the e2e suite (and curious users in the console): run the worker's backend self-test, simulate a
 * GPU device loss, and wait for the service worker. They read or trigger, never change data.
 */
import { call } from './analysisWorker';
import { serviceWorkerControlling } from './serviceWorker';

export function installTestHooks(): void {
  (window as unknown as { __latentscan: unknown }).__latentscan = {
    selfTest: (n?: number) => call((api) => api.selfTest(n)),
    backendStatus: () => call((api) => api.backendStatus()),
    loseDevice: () => call((api) => api.loseDevice()),
    crashWorker: () => call((api) => api.crashForTest()),
    /** The analysis record's training summary (candidates, best, workers), for comparing runs. */
    training: () => call(async (api) => (await api.analysis()).training ?? null),
    /** The analysis record's structure summary (PCs, LOCO R^2, workers), for comparing runs. */
    structure: () => call(async (api) => (await api.analysis()).structure ?? null),
    serviceWorkerControlling,
  };
}
