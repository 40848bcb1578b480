/**
 * The projection worker's entry (UMAP and t-SNE off the main thread and off the training worker): wires `self` to a
 * ProjectionSession. No tfjs here: the layouts are plain JS.
 *
 * Started by the UI as:
 *   new Worker(new URL('../../../worker/projection.worker.ts', import.meta.url), { type: 'module' })
 */
/// <reference lib="webworker" />
import type { ProjectionCommand } from './protocol/projection';
import { ProjectionSession } from './projectionSession';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** A macrotask round trip, so a newer job's message is read between slices. */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

const session = new ProjectionSession({
  post: (event, transfer) => scope.postMessage(event, transfer),
  now: () => performance.now(),
  yieldToEvents: () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    }),
});

scope.onmessage = (message: MessageEvent<ProjectionCommand>) => {
  void session.handle(message.data);
};
