// Structure worker: a thin comlink shell over src/app/structureWorkerApi.ts, started by the analysis worker's pool
// (src/platform/browser/browserStructurePool.ts) to run the genetic PCA's batches and the LOCO step's jobs in parallel.
import { expose } from 'comlink';
import { createStructureWorkerApi } from '../src/app/structureWorkerApi';

expose(createStructureWorkerApi());
