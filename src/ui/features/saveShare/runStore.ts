/**
 * Saved runs in the browser's IndexedDB, so that a reload, a crash or a closed tab loses nothing: the page
 * autosaves the current run every few seconds while it trains and whenever it pauses, and lists saved runs to
 * reopen or delete. Two object stores: `runs` holds the small descriptions the list shows, `run-data` the
 * experiments themselves (weights and history), so listing never reads megabytes of weights. Everything read back
 * passes checkExperiment before it is used.
 */
import { checkExperiment, type Experiment } from '../../../core/export/experiment';
import { fromStored, type StoredExperiment } from './storedExperiment';

const DB_NAME = 'siamese-playground';
const DB_VERSION = 1;
const LIST_STORE = 'runs';
const DATA_STORE = 'run-data';

/** At most this many runs are kept; saving another drops the oldest. */
export const MAX_SAVED_RUNS = 12;

/** What the saved-runs list shows about a run. */
export interface SavedRunInfo {
  id: string;
  title: string;
  /** ISO time of the last save. */
  savedAt: string;
  step: number;
  dataset: string;
}

/** True where this browser offers IndexedDB (private modes and some embeds do not). */
export function storageAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}

let opening: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
  if (!storageAvailable())
    return Promise.reject(new Error('this browser keeps no saved runs (IndexedDB is not available)'));
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(LIST_STORE)) db.createObjectStore(LIST_STORE, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(DATA_STORE)) db.createObjectStore(DATA_STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new Error(`saved runs cannot be opened: ${request.error?.message ?? 'IndexedDB refused'}`));
    request.onblocked = () =>
      reject(new Error('saved runs cannot be opened: another tab is upgrading them; close it and reload'));
  }).catch((error) => {
    opening = null;
    throw error;
  });
  return opening;
}

function done(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onabort = () =>
      reject(new Error(`saving failed: ${transaction.error?.message ?? 'the browser aborted the transaction'}`));
    transaction.onerror = () => reject(new Error(`saving failed: ${transaction.error?.message ?? 'IndexedDB error'}`));
  });
}

function result<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new Error(`reading saved runs failed: ${request.error?.message ?? 'IndexedDB error'}`));
  });
}

/** Every saved run, newest first. */
export async function listRuns(): Promise<SavedRunInfo[]> {
  const db = await openDb();
  const all = await result(
    db.transaction(LIST_STORE, 'readonly').objectStore(LIST_STORE).getAll() as IDBRequest<SavedRunInfo[]>,
  );
  return all.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
}

/**
 * Saves (or overwrites) run `id`, given in its stored form, then drops the oldest runs beyond MAX_SAVED_RUNS. The run
 * writer's worker calls it (IndexedDB works in workers too, and there its copy of the record costs the page nothing).
 */
export async function saveStoredRun(id: string, stored: StoredExperiment): Promise<SavedRunInfo> {
  const db = await openDb();
  const info: SavedRunInfo = {
    id,
    title: stored.title,
    savedAt: stored.savedAt,
    step: stored.step,
    dataset: stored.config.data.dataset,
  };
  const transaction = db.transaction([LIST_STORE, DATA_STORE], 'readwrite');
  transaction.objectStore(LIST_STORE).put(info);
  transaction.objectStore(DATA_STORE).put(stored, id);
  await done(transaction);
  const runs = await listRuns();
  for (const old of runs.slice(MAX_SAVED_RUNS)) await deleteRun(old.id);
  return info;
}

/** The saved experiment of run `id`, checked; throws when it is missing or damaged. */
export async function loadRun(id: string): Promise<Experiment> {
  const db = await openDb();
  const stored = await result(
    db.transaction(DATA_STORE, 'readonly').objectStore(DATA_STORE).get(id) as IDBRequest<StoredExperiment | undefined>,
  );
  if (!stored) throw new Error('this saved run is no longer stored (it may have been deleted in another tab)');
  let experiment: Experiment;
  try {
    experiment = fromStored(stored);
  } catch {
    throw new Error('this saved run is damaged and cannot be reopened; delete it');
  }
  return checkExperiment(experiment, `the saved run "${experiment.title}"`);
}

/** Deletes run `id` (its description and its data). */
export async function deleteRun(id: string): Promise<void> {
  const db = await openDb();
  const transaction = db.transaction([LIST_STORE, DATA_STORE], 'readwrite');
  transaction.objectStore(LIST_STORE).delete(id);
  transaction.objectStore(DATA_STORE).delete(id);
  await done(transaction);
}
