/**
 * A stand-in for the page's workers (Node has no browser `Worker`): it records what the page sends and answers or
 * crashes when a test says so. Used by the tests of every worker client (training, pair summary, scatter painter).
 */
import type { WorkerLike } from '../../src/ui/worker/client';

export class StandInWorker<Message = unknown> implements WorkerLike {
  /** Everything the page posted, in order. */
  readonly sent: Message[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;

  /**
   * Records `message`; with buffers to transfer, records what a worker would receive (a structured clone that takes
   * the buffers), so the page's arrays are detached as a browser's would be.
   */
  postMessage(message: unknown, transfer?: Transferable[]): void {
    this.sent.push((transfer && transfer.length > 0 ? structuredClone(message, { transfer }) : message) as Message);
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Delivers `data` to the page as a message from the worker. */
  reply(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent);
  }

  /** Fails like a worker whose script threw. */
  crash(): void {
    this.onerror?.({ message: 'boom', preventDefault() {} } as unknown as ErrorEvent);
  }
}
