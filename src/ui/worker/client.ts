/**
 * The page's handle on the training worker: typed commands out, typed events in. It remembers what a fresh worker
 * would need (backend choice, dataset, current run config) so that when the worker crashes it can start a new one
 * and replay those commands: the page keeps its data and history and the user just presses Train again.
 */
import type { BackendName } from '../../core/config';
import type { Command, WorkerEvent } from '../../worker/protocol';

/** The part of `Worker` the page's worker clients use (so tests can hand in a stand-in). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

/** Creates the real module worker (Vite bundles `training.worker.ts` from this URL). */
export function createTrainingWorker(): WorkerLike {
  return new Worker(new URL('../../worker/training.worker.ts', import.meta.url), { type: 'module' });
}

type UploadFile = { name: string; bytes: ArrayBuffer; className?: string };

/** Copies of the upload's bytes (the originals are transferred) so a restarted worker can parse it again. */
function copyFiles(files: readonly UploadFile[]): UploadFile[] {
  return files.map((f) => ({ ...f, bytes: f.bytes.slice(0) }));
}

export class WorkerClient {
  private worker: WorkerLike;
  private readonly listeners = new Set<(event: WorkerEvent) => void>();
  private readonly restartListeners = new Set<() => void>();
  private backend: Command | null = null;
  private speed: Command | null = null;
  /** Replays the current dataset: a built-in load, or an upload's parse + use. */
  private dataset: Command[] = [];
  private parsedUpload: Command | null = null;
  private configure: Command | null = null;
  /** What the replay held before the built-in load under way, restored if that load is cancelled. */
  private beforeLoad: { requestId: number; dataset: Command[]; configure: Command | null } | null = null;
  private disposed = false;
  /** How many times the worker was restarted after a crash. */
  restarts = 0;

  constructor(private readonly factory: () => WorkerLike = createTrainingWorker) {
    this.worker = this.start();
  }

  private start(): WorkerLike {
    const worker = this.factory();
    worker.onmessage = (message: MessageEvent) => {
      const event = message.data as WorkerEvent;
      for (const listener of this.listeners) listener(event);
    };
    worker.onerror = (error: ErrorEvent) => {
      error.preventDefault?.();
      this.restart();
    };
    return worker;
  }

  /** Replaces a crashed worker and replays backend, dataset and run configuration. */
  restart(): void {
    if (this.disposed) return;
    try {
      this.worker.terminate();
    } catch {
      // A crashed worker may already be gone.
    }
    this.restarts += 1;
    this.worker = this.start();
    const replay = [this.backend, this.speed, ...this.dataset, this.configure].filter((c): c is Command => c !== null);
    for (const command of replay)
      this.post(command.type === 'load-upload' ? { ...command, files: copyFiles(command.files) } : command);
    for (const listener of this.restartListeners) listener();
  }

  private post(command: Command): void {
    const transfer: Transferable[] =
      command.type === 'load-upload'
        ? command.files.map((f) => f.bytes)
        : command.type === 'read-experiment'
          ? [command.bytes]
          : [];
    this.worker.postMessage(command, transfer);
  }

  /** Sends a command (upload bytes are transferred, not copied). */
  send(command: Command): void {
    switch (command.type) {
      case 'set-backend':
        this.backend = command;
        break;
      case 'speed':
        this.speed = command;
        break;
      case 'load-builtin':
        this.beforeLoad = { requestId: command.requestId, dataset: this.dataset, configure: this.configure };
        this.dataset = [command];
        this.configure = null;
        break;
      case 'cancel-load':
        if (this.beforeLoad?.requestId === command.requestId) {
          this.dataset = this.beforeLoad.dataset;
          this.configure = this.beforeLoad.configure;
        }
        this.beforeLoad = null;
        break;
      case 'load-upload':
        this.parsedUpload = { ...command, files: copyFiles(command.files) };
        break;
      case 'use-upload':
        if (this.parsedUpload) this.dataset = [this.parsedUpload, command];
        this.configure = null;
        break;
      case 'configure':
        this.configure = command;
        break;
      case 'restore-run':
        // A reopened run brings its own data and weights: a restarted worker reopens it the same way.
        this.dataset = [command];
        this.configure = null;
        break;
      default:
        break;
    }
    this.post(command);
  }

  /**
   * Copies of the files of the upload in use (null for a built-in), so an experiment can keep the data itself.
   */
  currentUploadFiles(): UploadFile[] | null {
    const first = this.dataset[0];
    if (first?.type === 'load-upload') return copyFiles(first.files);
    if (first?.type === 'restore-run' && first.dataset.kind === 'upload' && first.dataset.files)
      return copyFiles(first.dataset.files);
    return null;
  }

  /** Subscribes to worker events; returns the unsubscribe function. */
  onEvent(listener: (event: WorkerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to crash restarts (after the replay was sent). */
  onRestart(listener: () => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  /** Stops the worker for good. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.worker.postMessage({ type: 'dispose' } satisfies Command, []);
    } finally {
      this.worker.terminate();
    }
  }
}

/** The `?backend=` test hook of the page URL, when it names a backend. */
export function backendFromUrl(search: string): BackendName | null {
  const value = new URLSearchParams(search).get('backend');
  return value === 'webgl' || value === 'wasm' || value === 'cpu' || value === 'auto' ? value : null;
}
