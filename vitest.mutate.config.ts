import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

/**
 * Vitest for mutation runs only (`npm run mutate`, stryker.config.mjs); `npm test` never loads this file.
 *
 * Stryker judges each mutant by starting the covering tests again inside one Vitest instance. Vitest ends every run
 * by terminating its worker thread, so each mutant paid for a new thread importing tfjs (its Node build: about 1.5 s
 * of the 2 s a small mutant took; the tests themselves run in a tenth of a second). Here a thread that Vitest
 * stopped cleanly is parked instead of terminated and handed to the next run. Each run still gets a fresh Vitest
 * worker state (the "stop"/"start" handshake runs as usual) and, with the default `isolate`, re-evaluates every
 * source and test module; only Node's own module cache, which holds tfjs and the other externalised packages,
 * survives between mutants. Stryker's mutant switch is a global read at call time, and every mutant run still
 * re-imports the instrumented core, so mutants in module-level code are activated too.
 *
 * The worker side of the handshake removes every "message" listener on stop; test/helpers/mutateWorker.ts (a setup
 * file) keeps Vitest's own request listener so that the parked thread can answer the next "start".
 */
const THREAD_ENTRY = /[\\/]vitest[\\/]dist[\\/]workers[\\/]threads\.js$/;

const workerThreads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
const RealWorker = workerThreads.Worker;
const parked: Worker[] = [];

function isVitestMessage(message: unknown, type: string): message is { type: string; error?: unknown } {
  const m = message as { type?: unknown; __vitest_worker_response__?: unknown } | null;
  return m?.__vitest_worker_response__ === true && m.type === type;
}

function reusableThread(file: string | URL, options?: WorkerOptions): Worker {
  const thread = new RealWorker(file, options);
  const realTerminate = thread.terminate.bind(thread);
  let stoppedCleanly = false;
  let exited = false;
  const watch = (): void => {
    thread.on('message', (message: unknown) => {
      if (isVitestMessage(message, 'stopped')) stoppedCleanly = message.error === undefined;
      else if (isVitestMessage(message, 'started')) stoppedCleanly = false;
    });
    thread.on('exit', () => {
      exited = true;
      const i = parked.indexOf(thread);
      if (i >= 0) parked.splice(i, 1);
    });
  };
  watch();
  thread.terminate = async () => {
    // A forced stop (a failed or cancelled run) or a teardown error leaves the thread in an unknown state: end it.
    if (!stoppedCleanly || exited) return realTerminate();
    stoppedCleanly = false;
    // The listeners belong to the run that just ended; the next run attaches its own.
    thread.removeAllListeners('message');
    thread.removeAllListeners('error');
    thread.removeAllListeners('exit');
    watch();
    // A parked thread must not keep the test-runner process alive once Stryker is done with it.
    thread.unref();
    parked.push(thread);
    return 0;
  };
  return thread;
}

function ParkingWorker(file: string | URL, options?: WorkerOptions): Worker {
  if (!THREAD_ENTRY.test(String(file instanceof URL ? file.pathname : file))) return new RealWorker(file, options);
  const thread = parked.pop();
  if (thread) {
    thread.ref();
    return thread;
  }
  return reusableThread(file, options);
}

// Vitest imports `Worker` from node:worker_threads as a live ESM binding; syncBuiltinESMExports() updates it.
(workerThreads as { Worker: unknown }).Worker = ParkingWorker;
syncBuiltinESMExports();

export default mergeConfig(
  base,
  defineConfig({
    test: {
      pool: 'threads',
      setupFiles: ['test/helpers/mutateWorker.ts'],
    },
  }),
);
