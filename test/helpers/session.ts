/**
 * A host for a TrainingSession in Node: real tfjs backends (WASM or CPU through the CLI's selection) and a virtual
 * clock, so no test depends on how fast this machine is. The clock moves only when the session reads it (one tick
 * per reading: a slice of SLICE_MS holds a bounded number of steps) or sleeps (slow motion: the sleep's length).
 * Yields are real macrotask turns, counted, and a test can act at the n-th one, where a real worker would read its
 * next message.
 */
import { selectNodeBackend } from '../../src/cli/backend';
import type { BackendName } from '../../src/core/config';
import type { SessionHost } from '../../src/worker/host';
import type { WorkerEvent } from '../../src/worker/protocol';

/** One macrotask turn (no wall-clock wait). */
export const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Milliseconds that move only as the session reads them. */
export class VirtualClock {
  private t = 0;
  constructor(readonly tick: number) {}
  /** The session's reading: advances by one tick. */
  readonly now = (): number => {
    this.t += this.tick;
    return this.t;
  };
  /** The time without advancing it (for stamping what the test observes). */
  get time(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface VirtualHost {
  host: SessionHost;
  clock: VirtualClock;
  /** Yields the session has made so far. */
  yields(): number;
  /** Resolves inside the session's n-th yield (counted from its start), while the loop waits there. */
  atYield(n: number): Promise<void>;
  /** Resolves inside the k-th yield from now. */
  yieldsFromNow(k: number): Promise<void>;
  /** Resolves at the first yield or sleep at or after virtual time `t`. */
  atTime(t: number): Promise<void>;
}

/**
 * A session host on a virtual clock (5 ms per reading unless given). `post` and `readAsset` come from the test; any
 * other part may be replaced (a simulated WebGL backend, say).
 */
export function virtualSessionHost(
  parts: Pick<SessionHost, 'post' | 'readAsset'> & Partial<SessionHost>,
  clock = new VirtualClock(5),
): VirtualHost {
  let yields = 0;
  const waiters: { done: () => boolean; resolve: () => void }[] = [];
  const wake = () => {
    for (const w of [...waiters]) {
      if (!w.done()) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      waiters.push({ done, resolve });
    });
  const host: SessionHost = {
    selectBackend: async (wanted: BackendName) => {
      const r = await selectNodeBackend(wanted === 'wasm' ? 'wasm' : 'cpu');
      return { backend: r.backend, reason: r.fallbackReason };
    },
    now: clock.now,
    yieldToEvents: async () => {
      yields++;
      wake();
      await macrotask();
    },
    sleep: async (ms: number) => {
      clock.advance(ms);
      wake();
      await macrotask();
    },
    ...parts,
  };
  return {
    host,
    clock,
    yields: () => yields,
    atYield: (n) => until(() => yields >= n),
    yieldsFromNow: (k) => {
      const n = yields + k;
      return until(() => yields >= n);
    },
    atTime: (t) => until(() => clock.time >= t),
  };
}

/** Events as posted, each stamped with the time it was posted at; waits for events of a kind. */
export function eventLog(time: () => number) {
  const events: (WorkerEvent & { at: number })[] = [];
  const waiters: { test: (e: WorkerEvent) => boolean; resolve: (e: WorkerEvent) => void }[] = [];
  return {
    events,
    post(event: WorkerEvent): void {
      events.push({ ...event, at: time() });
      for (const w of [...waiters]) {
        if (!w.test(event)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    },
    of<T extends WorkerEvent['type']>(type: T) {
      return events.filter((e) => e.type === type) as (Extract<WorkerEvent, { type: T }> & { at: number })[];
    },
    /** The first event (already posted or still to come) that passes `test`. */
    when<T extends WorkerEvent>(test: (e: WorkerEvent) => e is T): Promise<T> {
      const seen = events.find((e) => test(e));
      if (seen) return Promise.resolve(seen as T);
      return new Promise((resolve) => waiters.push({ test, resolve: resolve as (e: WorkerEvent) => void }));
    },
  };
}

/** The host the other worker tests use: virtual clock, events handed to `post`. */
export function nodeSessionHost(parts: Pick<SessionHost, 'post' | 'readAsset'> & Partial<SessionHost>): SessionHost {
  return virtualSessionHost(parts).host;
}
