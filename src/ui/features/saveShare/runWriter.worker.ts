/**
 * The run writer's worker: writes an autosaved run, already in its stored form, to IndexedDB (runWriter.ts says
 * why off the page). Plain JS, no tfjs.
 *
 * Started by the page as:
 *   new Worker(new URL('./runWriter.worker.ts', import.meta.url), { type: 'module' })
 */
/// <reference lib="webworker" />
import { saveStoredRun } from './runStore';
import type { RunWriteReply, RunWriteRequest } from './runWriter';
import { exactColumns, progressBuffers } from './storedExperiment';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (message: MessageEvent<RunWriteRequest>) => {
  const { id, recordId, stored } = message.data;
  // The record keeps columns of its own length; the page's columns go back for its next autosave.
  const columns = stored.history.progress;
  const back = progressBuffers(columns);
  saveStoredRun(recordId, exactColumns(stored)).then(
    (info) => scope.postMessage({ id, info, columns } satisfies RunWriteReply, back),
    (error: unknown) =>
      scope.postMessage(
        { id, error: error instanceof Error ? error.message : String(error), columns } satisfies RunWriteReply,
        back,
      ),
  );
};
