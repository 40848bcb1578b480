/**
 * A page-side client of a small worker of its own that answers requests by id (the pair summariser, the run
 * writer): the worker is started on first use, each answer settles the request with its id, and the same work is
 * done on the page when there is no worker factory (no `Worker` here), the factory throws or the worker fails; then
 * everything still waiting, and every later request, is done on the page.
 */
import type { WorkerLike } from './client';

/** How one kind of request travels: its message, and what an answer means. */
export interface OffPageProtocol<Input, Output> {
  /** The message that asks the worker for `input` (the worker answers with the same `id`). */
  message(id: number, input: Input): unknown;
  /**
   * The buffers of `message` to transfer rather than copy (none when absent). They are the page's no longer: the
   * input must still hold what {@link here} needs, should the worker fail.
   */
  transfer?(message: unknown): Transferable[];
  /**
   * The answer's outcome: `output`, or `error` (then `onError` decides), read from a message known to carry the
   * request's id.
   */
  read(reply: { id: number }): { output: Output } | { error: string };
  /** The same work done on the page. */
  here(input: Input): Promise<Output>;
  /** What an error answer means: 'here' does the work on the page instead, 'reject' fails the request. */
  onError: 'here' | 'reject';
}

interface Pending<Input, Output> {
  input: Input;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

export class OffPageWorker<Input, Output> {
  private worker: WorkerLike | null = null;
  private broken = false;
  private nextId = 0;
  private readonly pending = new Map<number, Pending<Input, Output>>();

  constructor(
    private readonly factory: (() => WorkerLike) | null,
    private readonly protocol: OffPageProtocol<Input, Output>,
  ) {}

  /** False once the work is done on the page (no worker here, or it could not start or failed). */
  get offPage(): boolean {
    return this.factory !== null && !this.broken;
  }

  /** The output for `input`, from the worker or, failing it, from the page. */
  run(input: Input): Promise<Output> {
    const worker = this.ensure();
    if (!worker) return this.protocol.here(input);
    const id = ++this.nextId;
    return new Promise<Output>((resolve, reject) => {
      this.pending.set(id, { input, resolve, reject });
      const message = this.protocol.message(id, input);
      worker.postMessage(message, this.protocol.transfer?.(message) ?? []);
    });
  }

  /** Stops the worker; later requests start a new one. */
  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private ensure(): WorkerLike | null {
    if (this.worker) return this.worker;
    if (this.broken || !this.factory) return null;
    let worker: WorkerLike;
    try {
      worker = this.factory();
    } catch {
      this.broken = true;
      return null;
    }
    worker.onmessage = (message: MessageEvent) => {
      const reply = message.data as { id: number };
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      const outcome = this.protocol.read(reply);
      if ('output' in outcome) waiting.resolve(outcome.output);
      else if (this.protocol.onError === 'here')
        this.protocol.here(waiting.input).then(waiting.resolve, waiting.reject);
      else waiting.reject(new Error(outcome.error));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      // The worker cannot run here (or crashed): what was waiting, and everything after, is done on the page.
      this.broken = true;
      worker.terminate();
      this.worker = null;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const w of waiting) this.protocol.here(w.input).then(w.resolve, w.reject);
    };
    this.worker = worker;
    return worker;
  }
}
