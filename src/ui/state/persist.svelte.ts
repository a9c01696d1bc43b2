/**
 * Optional persistence of analyses in this browser (IndexedDB; never uploaded): the results shown on the
 * page, the user's choices, and the full Analysis record (scans, HSV summaries, selections) so that a reopened
 * analysis can show its tables and plots and rebuild its report. The input data itself is not stored.
 */
import type { Analysis } from '../../lib/report/Analysis';
import { call } from './analysisWorker';
import { readWorkerError } from './workerError';
import { ui, results } from './analysis.svelte';
import { DEFAULT_SELECTION, type SelectionSettings } from '../../lib/select/selectionSettings';
import type { BgenAlleleOrder } from '../../lib/io/bgen';

const DB = 'latentscan';
const STORE = 'analyses';

export interface SavedSummary {
  id: string;
  name: string;
  createdAt: string;
  description: string;
}

interface SavedRecord extends SavedSummary {
  ui: { pheno: unknown; covar: unknown; geno: unknown; covariates: string[]; env: string[]; latent: number; selection?: SelectionSettings; bgenOrder?: BgenAlleleOrder };
  results: ReturnType<typeof results.toJSON>;
  analysis: Analysis;
}

export const saved = $state<{ list: SavedSummary[]; error: string | null; message: string | null }>({ list: [], error: null, message: null });

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

async function tx<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const req = fn(t.objectStore(STORE));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error ?? req.error ?? new Error('IndexedDB transaction failed'));
      t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export async function refreshSaved(): Promise<void> {
  try {
    const all = (await tx('readonly', (s) => s.getAll())) as SavedRecord[];
    saved.list = all
      .map(({ id, name, createdAt, description }) => ({ id, name, createdAt, description }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    saved.error = null;
  } catch (e) {
    saved.error = `Saved analyses are unavailable: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export async function saveCurrent(name: string): Promise<boolean> {
  try {
    const analysis = await call((api) => api.analysis());
    const createdAt = new Date().toISOString();
    const rec: SavedRecord = {
      id: `${createdAt}-${Math.random().toString(36).slice(2, 8)}`,
      name: name.trim() || `Analysis ${createdAt.slice(0, 16).replace('T', ' ')}`,
      createdAt,
      description: [ui.pheno?.name, ui.geno?.files.join(' + ')].filter(Boolean).join(', '),
      ui: $state.snapshot({ pheno: ui.pheno, covar: ui.covar, geno: ui.geno, covariates: ui.covariates, env: ui.env, latent: ui.latent, selection: ui.selection, bgenOrder: ui.bgenOrder }),
      results: results.toJSON(),
      analysis,
    };
    await tx('readwrite', (s) => s.put(rec));
    saved.message = `Saved “${rec.name}” in this browser.`;
    await refreshSaved();
    return true;
  } catch (e) {
    saved.error = `Could not save: ${readWorkerError(e).message}`;
    return false;
  }
}

export async function openSaved(id: string): Promise<boolean> {
  try {
    const rec = (await tx('readonly', (s) => s.get(id))) as SavedRecord | undefined;
    if (!rec) throw new Error('not found (deleted in another tab?)');
    await call((api) => api.restoreAnalysis(rec.analysis));
    Object.assign(ui, { ...rec.ui, selection: { ...DEFAULT_SELECTION, ...rec.ui.selection }, bgenOrder: rec.ui.bgenOrder ?? 'ref-first' });
    results.prep = rec.results.prep;
    results.train = rec.results.train;
    results.structure = rec.results.structure ?? null;
    results.scan = rec.results.scan;
    results.select = rec.results.select;
    results.view = rec.results.view;
    ui.step = 'results';
    ui.notice = `Reopened “${rec.name}” (${rec.createdAt.slice(0, 16).replace('T', ' ')}). Its results, plots, report and summary statistics are available; load the data again to run new steps.`;
    saved.error = null;
    return true;
  } catch (e) {
    saved.error = `Could not open: ${readWorkerError(e).message}`;
    return false;
  }
}

export async function deleteSaved(id: string): Promise<void> {
  try {
    await tx('readwrite', (s) => s.delete(id));
    await refreshSaved();
  } catch (e) {
    saved.error = `Could not delete: ${e instanceof Error ? e.message : String(e)}`;
  }
}
