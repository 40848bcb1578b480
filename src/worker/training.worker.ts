/**
 * The training worker's entry: a thin wrapper that wires `self` to a `TrainingSession`. Everything testable lives
 * in session.ts and backend.ts.
 *
 * How the UI starts it (Vite needs the `new URL(...)` literal inside `new Worker(...)`, so no query is appended):
 *   const worker = new Worker(new URL('../../worker/training.worker.ts', import.meta.url), { type: 'module' });
 *   worker.postMessage({ type: 'set-backend', backend });   // FIRST command: the page's ?backend= or 'auto'
 * Commands are processed in order, so the backend is chosen before any dataset is loaded. Without that first
 * command the worker picks the backend from its name (`{ name: 'backend=wasm' }`), its URL's `?backend=`, else
 * `auto`, on the first other command. Either way a `backend` event follows.
 */
/// <reference lib="webworker" />
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKENDS, type BackendName } from '../core/config';
import { fetchAssetReader } from '../core/data/builtin';
import { configureWasmPaths, isContextLost, loseContextForTest, selectBackend } from './backend';
import type { Command } from './protocol';
import { TrainingSession } from './session';

const scope = self as unknown as DedicatedWorkerGlobalScope;

configureWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': simdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdUrl,
});

/** The initial backend when no `set-backend` comes first: the worker's name `backend=…`, or its URL's `?backend=`. */
function initialBackend(): BackendName {
  const fromName = /(?:^|[?&])backend=(\w+)/.exec(scope.name ?? '')?.[1];
  const wanted = fromName ?? new URL(scope.location.href).searchParams.get('backend');
  return (BACKENDS as readonly string[]).includes(wanted ?? '') ? (wanted as BackendName) : 'auto';
}

/** A macrotask round trip: lets queued messages (pause) run without waiting for a frame. */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

const session = new TrainingSession(
  {
    post: (event, transfer) => scope.postMessage(event, transfer),
    readAsset: fetchAssetReader(new URL(`${import.meta.env.BASE_URL}datasets/`, scope.location.origin).href),
    selectBackend,
    now: () => performance.now(),
    yieldToEvents,
    isContextLost,
    loseContext: loseContextForTest,
  },
  initialBackend(),
);

scope.onmessage = (message: MessageEvent<Command>) => {
  if (message.data.type === 'debug-crash') {
    // Thrown outside any handler: the page sees the worker's error event, exactly as for a real crash.
    setTimeout(() => {
      throw new Error('worker crash requested by the ?debug=1 hook');
    });
    return;
  }
  void session.handle(message.data);
};
