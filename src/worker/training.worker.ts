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

/**
 * A macrotask round trip: lets queued messages (pause) run without waiting for a frame. What it costs depends on the
 * engine: a MessageChannel round trip takes 0.03–0.07 ms in a Chromium or Firefox worker and 0.9–2 ms in WebKitGTK's
 * (`npm run bench -- --only engines`, on a loaded 2-core machine), while a nested setTimeout(0) is clamped to 4 ms
 * or more everywhere. So the loop yields only once it has run for 40 times the last round trip (at most 100 ms):
 * yielding then costs at most ~2.5% of the training time in any engine, and a pause still lands within ~100 ms.
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const MAX_YIELD_GAP_MS = 100;
let roundTripMs = 0;
let lastYieldAt = performance.now();
const yields = { count: 0, ms: 0 };
function yieldToEvents(): Promise<void> {
  const start = performance.now();
  if (start - lastYieldAt < Math.min(MAX_YIELD_GAP_MS, 40 * roundTripMs)) return Promise.resolve();
  return new Promise((resolve) => {
    waiting.push(() => {
      lastYieldAt = performance.now();
      yields.count++;
      yields.ms += lastYieldAt - start;
      // Smoothed, so one round trip that also ran a queued command does not stretch the next gaps for long.
      roundTripMs = 0.7 * roundTripMs + 0.3 * (lastYieldAt - start);
      resolve();
    });
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

/**
 * Debug counters for the benchmark (bench/throughput.ts reads them through the worker's global scope): the worker's
 * clock, the step, the yields' count and time, and what progress, snapshots and metrics have cost so far.
 */
Object.defineProperty(scope, '__trainingTotals', {
  get: () => ({ now: performance.now(), step: session.current.step, yields: { ...yields }, ...session.viewTotals }),
});

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
