/** Backend state of the page: what the analysis worker runs on, and any fallback notice. */
import { proxy } from 'comlink';
import type { BackendStatus } from '../../platform/browser/tfBackend';
import type { BackendRequest } from '../../lib/compute/backend';
import { call, onWorkerCrash } from './analysisWorker';

const REQUEST_KEY = 'latentscan-backend-request';

export const backendState = $state<{
  status: BackendStatus | null;
  error: string | null;
  request: BackendRequest;
  busy: boolean;
  /** Set when the worker died; the backend is started again in a fresh worker. */
  crash: string | null;
}>({ status: null, error: null, request: readRequest(), busy: false, crash: null });

onWorkerCrash((message) => {
  backendState.crash = message;
  backendState.status = null;
  void initBackend();
});

function readRequest(): BackendRequest {
  try {
    const r = localStorage.getItem(REQUEST_KEY);
    if (r === 'auto' || r === 'webgpu' || r === 'wasm' || r === 'cpu') return r;
  } catch {
    // storage unavailable: default
  }
  return 'auto';
}

export function wasmPath(): string {
  return new URL('tfjs-wasm/', document.baseURI).href;
}

/** A whole number >= 1 from the page's address (`?name=N`), else undefined. */
function workersParam(name: string): number | undefined {
  const n = Number(new URLSearchParams(location.search).get(name));
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

export async function initBackend(request: BackendRequest = backendState.request): Promise<void> {
  backendState.busy = true;
  backendState.request = request;
  try {
    localStorage.setItem(REQUEST_KEY, request);
  } catch {
    // storage unavailable: the choice lasts for this page only
  }
  try {
    backendState.status = await call((api) =>
      api.initBackend(
        {
          wasmPath: wasmPath(),
          request,
          // `?trainWorkers=N`: train workers of the random search (1 = one after another); `?structureWorkers=N`:
          // workers of the genetic PCA and the LOCO step (1 = in the analysis worker)
          trainWorkers: workersParam('trainWorkers'),
          structureWorkers: workersParam('structureWorkers'),
        },
        proxy((s: BackendStatus) => {
          backendState.status = s;
        }),
      ),
    );
    backendState.error = null;
  } catch (e) {
    backendState.error = e instanceof Error ? e.message : String(e);
  } finally {
    backendState.busy = false;
  }
}
