/**
 * Where autosaves are written: a small worker of its own, so the page's main thread only builds the stored record
 * and hands it over.
 *
 * Why: IndexedDB copies a record synchronously inside `put`, on the thread that calls it. An autosave of a run on the
 * 10,000-point page, every few seconds while it trains, held the main thread 10–60 ms in that copy (weights and a
 * progress point per step), while the scatter animates and the training worker fills the other core. Posted to a
 * worker, the record's progress columns are transferred, not copied (a copy of a long run's columns, 2 MB at 45,000
 * steps, held Chromium's main thread about 20 ms here: most of it fresh memory being touched), and come back with
 * the answer to be filled again by the next autosave; the weights are copied, so that the page still has the whole
 * run should the worker fail. Without workers, or if the worker cannot start or fails, the page writes the record
 * itself (saveStoredRun, the same code).
 */
import type { Experiment } from '../../../core/export/experiment';
import type { WorkerLike } from '../../worker/client';
import { OffPageWorker } from '../../worker/offPage';
import { type SavedRunInfo, saveStoredRun } from './runStore';
import { progressBuffers, type StoredExperiment, type StoredProgress, toStored } from './storedExperiment';

/** Page → worker: one record to write, its progress columns transferred (views of their first entries). */
export interface RunWriteRequest {
  id: number;
  recordId: string;
  stored: StoredExperiment;
}

/**
 * Worker → page: what the saved-runs list shows about the written run, or why writing failed; with the request's
 * progress columns handed back.
 */
export type RunWriteReply = ({ id: number; info: SavedRunInfo } | { id: number; error: string }) & {
  columns?: StoredProgress;
};

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
  private readonly worker: OffPageWorker<{ recordId: string; experiment: Experiment }, SavedRunInfo>;
  /** Progress columns the worker handed back, for the next record to fill. */
  private spare: StoredProgress | null = null;

  constructor(
    factory: (() => WorkerLike) | null = typeof Worker === 'undefined' ? null : createRunWriterWorker,
    writeHere: (recordId: string, stored: StoredExperiment) => Promise<SavedRunInfo> = saveStoredRun,
  ) {
    this.worker = new OffPageWorker<{ recordId: string; experiment: Experiment }, SavedRunInfo>(factory, {
      message: (id, { recordId, experiment }): RunWriteRequest => {
        const spare = this.spare;
        this.spare = null;
        return { id, recordId, stored: toStored(experiment, spare) };
      },
      transfer: (message) => progressBuffers((message as RunWriteRequest).stored.history.progress),
      read: (reply) => {
        const r = reply as RunWriteReply;
        if (r.columns) this.spare = r.columns;
        return 'info' in r ? { output: r.info } : { error: r.error };
      },
      // The experiment is still whole here: only the stored columns made from it were transferred.
      here: ({ recordId, experiment }) => writeHere(recordId, toStored(experiment)),
      onError: 'reject',
    });
  }

  /** True while records are written by the worker (false once it could not start or failed). */
  get offPage(): boolean {
    return this.worker.offPage;
  }

  /** Saves `experiment` as run `recordId` (in its stored form). */
  write(recordId: string, experiment: Experiment): Promise<SavedRunInfo> {
    return this.worker.run({ recordId, experiment });
  }
}

let shared: RunWriter | null = null;

/** The page's run writer (one worker for the page). */
export function pageRunWriter(): RunWriter {
  shared ??= new RunWriter();
  return shared;
}
