/**
 * The page's handle on the projection worker (UMAP / t-SNE). Created on first use, so a page that stays on PCA never
 * starts it. A crashed worker is replaced on the next job.
 */
import type { ProjectionCommand, ProjectionEvent } from '../../../worker/protocol/projection';
import type { WorkerLike } from '../../worker/client';

/** Starts the real module worker (Vite bundles it from this URL). */
export function createProjectionWorker(): WorkerLike {
  return new Worker(new URL('../../../worker/projection.worker.ts', import.meta.url), { type: 'module' });
}

export class ProjectionClient {
  private worker: WorkerLike | null = null;
  private readonly listeners = new Set<(event: ProjectionEvent) => void>();

  constructor(private readonly factory: () => WorkerLike = createProjectionWorker) {}

  /** Sends a command; a `project` job's arrays are transferred. */
  send(command: ProjectionCommand): void {
    const worker = this.ensure();
    const transfer: Transferable[] = [];
    if (command.type === 'project') {
      for (const a of [command.values, command.whitening, command.initial])
        if (a && a.buffer instanceof ArrayBuffer && !transfer.includes(a.buffer)) transfer.push(a.buffer);
    }
    worker.postMessage(command, transfer);
  }

  /** Subscribes to worker events; returns the unsubscribe function. */
  onEvent(listener: (event: ProjectionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.listeners.clear();
  }

  private ensure(): WorkerLike {
    if (this.worker) return this.worker;
    const worker = this.factory();
    worker.onmessage = (message: MessageEvent) => {
      for (const listener of this.listeners) listener(message.data as ProjectionEvent);
    };
    worker.onerror = (error: ErrorEvent) => {
      error.preventDefault?.();
      const message = `the projection worker failed${error.message ? `: ${error.message}` : ''}`;
      this.worker?.terminate();
      this.worker = null;
      for (const listener of this.listeners) listener({ type: 'projection-error', jobId: -1, message });
    };
    this.worker = worker;
    return worker;
  }
}
