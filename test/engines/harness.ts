/**
 * Hooks of the cross-engine suite (`E2E_ENGINE=firefox|webkit`, run by vitest.engines.config.ts): one browser and
 * one gate per file, storage cleared before each test, and after each test the same check as the Chromium suite's:
 * no console error or uncaught error (the probe's page record, plus Firefox's BiDi console for workers) and no
 * request for any host but the app's (the gate's record). A missing engine fails the file with the command that
 * installs it; it is never skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import { ENGINE_NAMES, type ElementQuery, type EngineName, type EnginePage, launchEngine } from './drivers';
import { type Gate, startGate } from './gate';

/** The engine this run drives. */
export function engineName(): EngineName {
  const name = process.env.E2E_ENGINE ?? '';
  if (!(ENGINE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`E2E_ENGINE must be one of ${ENGINE_NAMES.join(', ')} (got "${name}")`);
  }
  return name as EngineName;
}

export interface StatusReading {
  step: number;
  state: string;
  backend: string;
  text: string;
}

/**
 * A function run in the page (serialised with its source, as puppeteer's evaluate does): it may use only its
 * parameters and the page's globals, never a variable of the test's.
 */
export type InPage<P extends unknown[], T> = (...params: P) => T;

export interface EngineSession {
  readonly page: EnginePage;
  readonly gate: Gate;
  /** Where Firefox saves downloads (WebKit's MiniBrowser keeps its own). */
  readonly downloadDir: string;
  open(query?: string): Promise<void>;
  status(): Promise<StatusReading>;
  /**
   * Resolves with `read(...params)` once `accept(value, ...params)` holds. Both run in the page, checked when the
   * wait starts and again after every change of the document (a MutationObserver) or of the probe's records (its
   * `e2e:change` event): no polling. `timeout` bounds the wait; a page that navigates mid-wait is waited on anew.
   */
  until<P extends unknown[], T>(
    what: string,
    read: InPage<NoInfer<P>, T>,
    accept: (value: T, ...params: P) => boolean,
    params: P,
    timeout?: number,
  ): Promise<T>;
  /** The status line once `accept(status, ...params)` holds (see `until`). */
  waitForStatus<P extends unknown[]>(
    what: string,
    accept: (status: StatusReading, ...params: P) => boolean,
    params: P,
    timeout?: number,
  ): Promise<StatusReading>;
  waitForState(state: string, timeout?: number): Promise<StatusReading>;
  waitForStep(atLeast: number, timeout?: number): Promise<StatusReading>;
  /** Texts of every element `query` finds (none: []). */
  texts(query: ElementQuery): Promise<string[]>;
  /** Texts of what `query` finds, once `accept(texts, query, arg)` holds (see `until`). */
  waitForTexts<A>(
    what: string,
    query: ElementQuery,
    accept: (texts: string[], query: ElementQuery, arg: A) => boolean,
    arg: A,
    timeout?: number,
  ): Promise<string[]>;
  /** Problems seen so far in this test (a test that provokes one on purpose takes it out). */
  takeProblems(): Promise<string[]>;
}

/** The status line as the page shows it (runs in the page; a page without one reads as state `absent`). */
export function readStatus(): StatusReading {
  const el = document.querySelector('[role="status"]');
  return el
    ? {
        step: Number(el.getAttribute('data-step')),
        state: el.getAttribute('data-state') ?? '',
        backend: el.getAttribute('data-backend') ?? '',
        text: el.textContent ?? '',
      }
    : { step: -1, state: 'absent', backend: '', text: '' };
}

/** Texts of every element `query` finds, through the probe (runs in the page). */
function readTexts(query: ElementQuery): string[] {
  const probe = (window as unknown as { __e2e: { findAll(q: ElementQuery): Element[] } }).__e2e;
  return probe.findAll(query).map((el) => el.textContent ?? '');
}

/**
 * The in-page side of `until`: `read` and `accept` are pasted in as source, so the script needs no eval (the app's
 * Content-Security-Policy forbids it; a script run by the automation protocol itself is not bound by it). The
 * timer is the wait's bound, not a poll: between changes nothing runs.
 */
function waitScript(read: string, accept: string): string {
  return `const [params, timeout] = arguments;
const read = (${read});
const accept = (${accept});
return new Promise((resolve) => {
  let last = null;
  let done = false;
  const observer = new MutationObserver(() => check());
  const finish = (ok) => {
    if (done) return;
    done = true;
    observer.disconnect();
    window.removeEventListener('e2e:change', check);
    clearTimeout(timer);
    resolve({ ok, value: last });
  };
  function check() {
    if (done) return;
    try {
      last = read(...params);
      if (accept(last, ...params)) finish(true);
    } catch (error) {
      last = 'reading failed: ' + (error && error.message ? error.message : String(error));
    }
  }
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  window.addEventListener('e2e:change', check);
  const timer = setTimeout(() => finish(false), timeout);
  check();
});`;
}

/** How often a wait is started again after the page it ran in went away (a navigation or reload mid-wait). */
const WAIT_RESTARTS = 5;

const CLEAR_STORAGE = `localStorage.clear(); sessionStorage.clear();
return (indexedDB.databases ? indexedDB.databases() : Promise.resolve([])).then((dbs) =>
  Promise.all(dbs.map((db) => new Promise((resolve) => { const r = indexedDB.deleteDatabase(db.name);
    r.onsuccess = r.onerror = r.onblocked = () => resolve(null); })))).then(() => true);`;

/** A wait that ran to its bound (rethrown as it is; any other failure of a wait's script is retried). */
class WaitTimeout extends Error {}

export function useEngine(): EngineSession {
  const engine = engineName();
  const upstream = inject('baseUrl');
  const downloadDir = mkdtempSync(join(tmpdir(), `siamese-${engine}-downloads-`));
  let page: EnginePage | undefined;
  let gate: Gate | undefined;

  beforeAll(async () => {
    gate = await startGate(upstream);
    page = await launchEngine(engine, gate.proxy, downloadDir);
  }, 180_000);

  afterAll(async () => {
    await page?.close();
    await gate?.close();
    rmSync(downloadDir, { recursive: true, force: true });
  });

  const session: EngineSession = {
    get page() {
      if (!page) throw new Error(`${engine} did not start`);
      return page;
    },
    get gate() {
      if (!gate) throw new Error('the gate did not start');
      return gate;
    },
    downloadDir,
    async open(query = '') {
      await session.page.goto(`${session.gate.origin}/${query}`);
      // Generous: a fresh WebKit's first page compiles the bundle and the WASM backend; over 120 s on 2 cores at a
      // load average of 20.
      await session.waitForState('ready', 200_000);
    },
    status() {
      return session.page.run<StatusReading>(`return (${readStatus})();`);
    },
    async until(what, read, accept, params, timeout = 60_000) {
      const deadline = Date.now() + timeout;
      const script = waitScript(String(read), String(accept));
      for (let restart = 0; ; restart++) {
        const left = Math.max(0, deadline - Date.now());
        try {
          const outcome = await session.page.run<{ ok: boolean; value: Awaited<ReturnType<typeof read>> }>(
            script,
            params,
            left,
          );
          if (outcome.ok) return outcome.value;
          throw new WaitTimeout(
            `timed out after ${timeout} ms waiting for ${what}; last seen: ${JSON.stringify(outcome.value)}`,
          );
        } catch (error) {
          if (error instanceof WaitTimeout || restart >= WAIT_RESTARTS || Date.now() >= deadline) throw error;
        }
      }
    },
    waitForStatus(what, accept, params, timeout) {
      return session.until(what, readStatus, accept, params, timeout);
    },
    waitForState(state, timeout = 60_000) {
      return session.until(`state ${state}`, readStatus, (s, want) => s.state === want, [state], timeout);
    },
    waitForStep(atLeast, timeout = 120_000) {
      return session.until(`step ≥ ${atLeast}`, readStatus, (s, least) => s.step >= least, [atLeast], timeout);
    },
    texts(query) {
      return session.page.run<string[]>(`return (${readTexts})(arguments[0]);`, query);
    },
    waitForTexts(what, query, accept, arg, timeout) {
      return session.until(
        what,
        readTexts as InPage<[ElementQuery, typeof arg], string[]>,
        accept,
        [query, arg],
        timeout,
      );
    },
    async takeProblems() {
      const inPage = await session.page
        .run<string[]>('const p = window.__e2e ? window.__e2e.problems.splice(0) : []; return p;')
        .catch((error: unknown) => [`the page probe could not be read: ${String(error)}`]);
      const foreign = session.gate.takeForeign().map((request) => `request left localhost: ${request}`);
      return [...inPage, ...session.page.takeProtocolProblems(), ...foreign];
    },
  };

  beforeEach(async () => {
    // A blank page of the app's origin, so the previous test's autosaved runs can be removed before the app opens.
    await session.page.goto(`${session.gate.origin}/__blank`);
    await session.page.run(CLEAR_STORAGE);
    await session.takeProblems();
  });

  afterEach(async () => {
    expect(await session.takeProblems(), 'console errors, uncaught errors or requests that left localhost').toEqual([]);
  });

  return session;
}
