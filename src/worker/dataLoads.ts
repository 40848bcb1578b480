/**
 * Loading data in the worker: built-ins and uploads. Built-in datasets load beside the command queue: a download (30 MB for the full Fashion-MNIST) must not hold up
 * pause, step or inspect commands, so the current dataset and run stay usable until the new data has arrived. One
 * load is current at a time; a newer load, an upload taken into use or a reopened run supersedes it, and a
 * superseded or cancelled load changes nothing. Uploads are parsed in the queue and wait, parsed, until the page
 * takes them into use.
 */
import { isAbortError } from '../core/data/builtin';
import { datasetError, type Loaded, loadBuiltin, previewOf, UploadReads } from './datasets';
import type { Command, WorkerEvent } from './protocol';

/** Progress events are posted only when the downloaded share grows by at least this much. */
const PROGRESS_STEP = 0.01;

export interface DataLoadsDeps {
  readAsset: Parameters<typeof loadBuiltin>[1];
  post(event: WorkerEvent): void;
  /** Makes the arrived dataset the current one and tells the page (`dataset-loaded`). */
  install(loaded: Loaded, requestId: number): void;
}

export class DataLoads {
  private current: { requestId: number; controller: AbortController } | null = null;
  private all: Promise<void> = Promise.resolve();

  private pendingUpload: Loaded | null = null;
  private readonly uploadReads = new UploadReads();

  constructor(private readonly deps: DataLoadsDeps) {}

  /** An upload's parse is queued: from now on it can be cancelled. */
  queuedUpload(requestId: number): void {
    this.uploadReads.queued(requestId);
  }

  /** Stops an upload's parse between two blocks (or before it starts); the current dataset stays. */
  cancelUpload(requestId: number): void {
    this.uploadReads.cancel(requestId);
  }

  /** Parses an upload (`upload-parsed`) or takes the parsed one into use; a failure is a `dataset-error`. */
  async upload(command: Extract<Command, { type: 'load-upload' | 'use-upload' }>): Promise<void> {
    const { requestId } = command;
    try {
      if (command.type === 'load-upload') {
        const progress = (fraction: number) => this.deps.post({ type: 'load-progress', requestId, fraction });
        const parsed = await this.uploadReads.parse(command, progress);
        this.pendingUpload = parsed;
        this.deps.post({ type: 'upload-parsed', requestId, info: parsed.info, preview: previewOf(parsed.dataset) });
      } else {
        if (!this.pendingUpload) throw new Error('there is no parsed upload to use; upload files first');
        const loaded = this.pendingUpload;
        this.pendingUpload = null;
        this.deps.install(loaded, requestId);
      }
    } catch (error) {
      this.deps.post(datasetError(requestId, error));
    }
  }

  /**
   * Starts loading at once; the dataset is installed only after `after` (the commands queued before this one) and
   * only if no other load superseded it. The page hears `load-progress`, then `dataset-loaded`, `dataset-error` or
   * `load-cancelled`; the promise resolves once that last event is posted (it never rejects).
   */
  start(command: Extract<Command, { type: 'load-builtin' }>, after: Promise<void>): Promise<void> {
    this.supersede();
    const { requestId } = command;
    const entry = { requestId, controller: new AbortController() };
    this.current = entry;
    let sent = -1;
    const onProgress = (fraction: number) => {
      if (fraction < 1 && fraction - sent < PROGRESS_STEP) return;
      sent = fraction;
      this.deps.post({ type: 'load-progress', requestId, fraction });
    };
    const job = (async () => {
      try {
        const loaded = await loadBuiltin(command.name, this.deps.readAsset, command.seed, {
          onProgress,
          signal: entry.controller.signal,
        });
        await after;
        if (this.current !== entry) {
          this.deps.post({ type: 'load-cancelled', requestId });
          return;
        }
        this.current = null;
        this.deps.install(loaded, requestId);
      } catch (error) {
        if (this.current === entry) this.current = null;
        if (entry.controller.signal.aborted || isAbortError(error))
          this.deps.post({ type: 'load-cancelled', requestId });
        else this.deps.post(datasetError(requestId, error));
      }
    })();
    this.all = Promise.all([this.all, job]).then(() => undefined);
    return job;
  }

  /** Cancels the load of `requestId` if it is still under way (a later one is left alone). */
  cancel(requestId: number): void {
    if (this.current?.requestId !== requestId) return;
    this.current.controller.abort();
    this.current = null;
  }

  /** Another dataset takes the place of the load under way: it is cancelled. */
  supersede(): void {
    this.current?.controller.abort();
    this.current = null;
  }

  /** Resolves when every load started so far has settled (tests, dispose). */
  get idle(): Promise<void> {
    return this.all;
  }
}
