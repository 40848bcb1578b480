/**
 * Where autosaves are written: a small worker of its own, so the page's main thread only builds the stored record
 * and hands it over.
 *
 * Why: IndexedDB copies a record synchronously inside `put`, on the thread that calls it. An autosave of a run on the
 * 10,000-point page, every few seconds while it trains, held the main thread 10–60 ms in that copy (weights and a
 * progress point per step), while the scatter animates and the training worker fills the other core. Posted to a
 * worker, the record is copied as blocks of memory (its weights and progress are typed arrays), a fraction of that,
 * and the IndexedDB copy happens there. Without workers, or if the worker cannot start or fails, the page writes the
 * record itself (saveStoredRun, the same code).
 */
import type { WorkerLike } from '../../worker/client';
import { OffPageWorker } from '../../worker/offPage';
import { type SavedRunInfo, saveStoredRun } from './runStore';
import type { StoredExperiment } from './storedExperiment';

/** Page → worker: one record to write (copied; the page keeps its own). */
export interface RunWriteRequest {
  id: number;
  recordId: string;
  stored: StoredExperiment;
}

/** Worker → page: what the saved-runs list shows about the written run, or why writing failed. */
export type RunWriteReply = { id: number; info: SavedRunInfo } | { id: number; error: string };

/** Starts the real module worker (Vite bundles it from this URL). */
export function createRunWriterWorker(): WorkerLike {
  return new Worker(new URL('./runWriter.worker.ts', import.meta.url), { type: 'module' });
}

/**
 * Writes stored runs through one worker, started on first use. With no worker factory (no `Worker` here), a factory
 * that throws or a worker that crashes, it writes on the page instead; a write the worker reports as failed is
 * failed (the page's IndexedDB is the same one).
 */
export class RunWriter {
  private readonly worker: OffPageWorker<{ recordId: string; stored: StoredExperiment }, SavedRunInfo>;

  constructor(
    factory: (() => WorkerLike) | null = typeof Worker === 'undefined' ? null : createRunWriterWorker,
    writeHere: (recordId: string, stored: StoredExperiment) => Promise<SavedRunInfo> = saveStoredRun,
  ) {
    this.worker = new OffPageWorker<{ recordId: string; stored: StoredExperiment }, SavedRunInfo>(factory, {
      message: (id, { recordId, stored }): RunWriteRequest => ({ id, recordId, stored }),
      read: (reply) => {
        const r = reply as RunWriteReply;
        return 'info' in r ? { output: r.info } : { error: r.error };
      },
      here: ({ recordId, stored }) => writeHere(recordId, stored),
      onError: 'reject',
    });
  }

  /** True while records are written by the worker (false once it could not start or failed). */
  get offPage(): boolean {
    return this.worker.offPage;
  }

  /** Saves `stored` as run `recordId`. */
  write(recordId: string, stored: StoredExperiment): Promise<SavedRunInfo> {
    return this.worker.run({ recordId, stored });
  }
}

let shared: RunWriter | null = null;

/** The page's run writer (one worker for the page). */
export function pageRunWriter(): RunWriter {
  shared ??= new RunWriter();
  return shared;
}
