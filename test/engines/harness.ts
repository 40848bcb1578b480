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

export interface EngineSession {
  readonly page: EnginePage;
  readonly gate: Gate;
  /** Where Firefox saves downloads (WebKit's MiniBrowser keeps its own). */
  readonly downloadDir: string;
  open(query?: string): Promise<void>;
  status(): Promise<StatusReading>;
  /** Polls `read` until `accept` holds (bounded), returning the accepted value. */
  waitFor<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeout?: number): Promise<T>;
  waitForState(state: string, timeout?: number): Promise<StatusReading>;
  waitForStep(atLeast: number, timeout?: number): Promise<StatusReading>;
  /** Texts of every element `query` finds (none: []). */
  texts(query: ElementQuery): Promise<string[]>;
  /** Problems seen so far in this test (a test that provokes one on purpose takes it out). */
  takeProblems(): Promise<string[]>;
}

const READ_STATUS = `const el = document.querySelector('[role="status"]');
return el ? { step: Number(el.getAttribute('data-step')), state: el.getAttribute('data-state') ?? '',
  backend: el.getAttribute('data-backend') ?? '', text: el.textContent ?? '' } : null;`;

const CLEAR_STORAGE = `localStorage.clear(); sessionStorage.clear();
return (indexedDB.databases ? indexedDB.databases() : Promise.resolve([])).then((dbs) =>
  Promise.all(dbs.map((db) => new Promise((resolve) => { const r = indexedDB.deleteDatabase(db.name);
    r.onsuccess = r.onerror = r.onblocked = () => resolve(null); })))).then(() => true);`;

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
      await session.waitForState('ready', 120_000);
    },
    async status() {
      const reading = await session.page.run<StatusReading | null>(READ_STATUS);
      return reading ?? { step: -1, state: 'absent', backend: '', text: '' };
    },
    async waitFor(what, read, accept, timeout = 60_000) {
      const deadline = Date.now() + timeout;
      let last: Awaited<ReturnType<typeof read>> | undefined;
      while (Date.now() < deadline) {
        last = await read();
        if (accept(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    },
    waitForState(state, timeout = 60_000) {
      return session.waitFor(`state ${state}`, session.status, (s) => s.state === state, timeout);
    },
    waitForStep(atLeast, timeout = 120_000) {
      return session.waitFor(`step ≥ ${atLeast}`, session.status, (s) => s.step >= atLeast, timeout);
    },
    texts(query) {
      return session.page.run<string[]>(
        'return window.__e2e.findAll(arguments[0]).map((el) => el.textContent ?? "");',
        query,
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
