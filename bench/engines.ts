/**
 * Engines part of `npm run bench` (`--only engines`): the built app's default demo in Chromium, Firefox ESR and
 * WebKitGTK (the cross-engine suite's drivers and gate, test/engines), one run, engines interleaved round by round so
 * a change in the machine's load hits all three alike. Per engine and backend: the worker's steps/s while the page
 * trains with its charts and scatter live (status-line steps over a fixed window after a warm-up), and the CPU time
 * of each of the engine's threads over that window (from /proc: which thread — the training worker, the page's main
 * thread, the compositor, the browser UI, the X server — takes the machine's two cores). Per engine, once: what the engine offers the worker
 * (WebAssembly SIMD, WebGL in a worker: the app's own backend note) and three probes in a worker of the bench's
 * own: the delay of a nested setTimeout(0), a MessageChannel round trip (how the training loop yields), and a plain
 * JavaScript matrix product the size of the MLP's first layer (the JIT's speed on the app's JS kernels).
 */
import { readdirSync, readFileSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { type EngineName, type EnginePage, launchEngine, missingFiles } from '../test/engines/drivers';
import { type Gate, startGate } from '../test/engines/gate';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/e2e/harness';
import { startPreview } from '../test/e2e/server';
import { load, log, median, round } from './lib/common';

export type BenchEngine = 'chromium' | EngineName;
export const BENCH_ENGINES: readonly BenchEngine[] = ['chromium', 'firefox', 'webkit'];

export interface EnginesPlan {
  rounds: number;
  /** Seconds of training measured per window, after `warmupSeconds`. */
  windowSeconds: number;
  warmupSeconds: number;
}
export const FULL_ENGINES_PLAN: EnginesPlan = { rounds: 3, windowSeconds: 10, warmupSeconds: 3 };
export const QUICK_ENGINES_PLAN: EnginesPlan = { rounds: 1, windowSeconds: 5, warmupSeconds: 2 };

/** What a driver offers the bench: open pages, run scripts, and the process tree to account for. */
type BenchPage = Pick<EnginePage, 'goto' | 'run' | 'pid' | 'close' | 'version'>;

async function launchChromiumBench(): Promise<BenchPage> {
  const browser: Browser = await puppeteer.launch({
    browser: 'chrome',
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    defaultViewport: { width: 1400, height: 1000 },
  });
  const page = await browser.newPage();
  return {
    version: await browser.version(),
    pid: browser.process()?.pid,
    goto: async (url) => {
      await page.goto(url, { timeout: 120_000 });
    },
    run: <T>(body: string, ...args: unknown[]) =>
      page.evaluate(new Function(body) as (...a: unknown[]) => T, ...args) as Promise<T>,
    close: () => browser.close(),
  };
}

/** `name` and user + system CPU seconds from a /proc stat line. */
function parseStat(text: string): { name: string; ppid: number; seconds: number } {
  const close = text.lastIndexOf(')');
  const fields = text
    .slice(close + 2)
    .split(' ')
    .map(Number);
  // After the name: state(0) ppid(1) … utime(11) stime(12), in clock ticks of 1/100 s.
  return { name: text.slice(text.indexOf('(') + 1, close), ppid: fields[1], seconds: (fields[11] + fields[12]) / 100 };
}

/**
 * CPU seconds of every thread of every process under `root`, summed by `process/thread` name: the training worker's
 * thread, the page's main thread, the compositor, the X server are told apart (a process total mixes them).
 */
function treeCpu(root: number | undefined): Record<string, number> {
  const byName: Record<string, number> = {};
  if (root === undefined) return byName;
  const parent = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      parent.set(Number(entry), stat.ppid);
      names.set(Number(entry), stat.name);
    } catch {
      // the process ended while being read
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 50; p = parent.get(p), hops++)
      if (p === root) return true;
    return false;
  };
  for (const [pid, processName] of names) {
    if (!inTree(pid)) continue;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const thread = parseStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
        const key = `${processName}/${thread.name}`.replace(/\s*#?\d+$/, '');
        byName[key] = (byName[key] ?? 0) + thread.seconds;
      } catch {
        // the thread ended while being read
      }
    }
  }
  return byName;
}

function cpuDelta(after: Record<string, number>, before: Record<string, number>, seconds: number) {
  const share: Record<string, number> = {};
  for (const [name, value] of Object.entries(after)) {
    const cores = (value - (before[name] ?? 0)) / seconds;
    if (cores >= 0.03) share[name] = round(cores, 2);
  }
  return share;
}

const STATUS = `const el = document.querySelector('[role="status"]');
return el ? { step: Number(el.getAttribute('data-step')), state: el.getAttribute('data-state'),
  backend: el.getAttribute('data-backend'), note: document.querySelector('[aria-label="Backend note"]')?.textContent ?? '' } : null;`;
const CLICK = `const b = [...document.querySelectorAll('button')].find((x) => x.textContent === arguments[0]);
if (!b) throw new Error('no button ' + arguments[0]); b.click(); return true;`;

/** Probes run in a worker of the bench's own (a blob worker), so they see what the app's worker sees. */
const WORKER_PROBES = `return new Promise((resolve, reject) => {
  const code = \`
    const simd = WebAssembly.validate(new Uint8Array([0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,10,9,1,7,0,65,0,253,15,26,11]));
    let timers = 0; const t0 = performance.now();
    const nested = () => { if (++timers < 100) setTimeout(nested, 0); else after(); };
    let timeoutMs = 0;
    const after = () => {
      timeoutMs = (performance.now() - t0) / 100;
      const channel = new MessageChannel(); let trips = 0; const c0 = performance.now();
      channel.port1.onmessage = () => { if (++trips < 1000) channel.port2.postMessage(null); else done((performance.now() - c0) / 1000); };
      channel.port2.postMessage(null);
    };
    const done = (channelMs) => {
      const a = new Float32Array(64 * 784), w = new Float32Array(784 * 128), out = new Float32Array(64 * 128);
      for (let i = 0; i < a.length; i++) a[i] = (i % 13) / 13; for (let i = 0; i < w.length; i++) w[i] = (i % 7) / 7;
      const matmul = () => { for (let r = 0; r < 64; r++) for (let k = 0; k < 784; k++) { const x = a[r * 784 + k];
        for (let c = 0; c < 128; c++) out[r * 128 + c] += x * w[k * 128 + c]; } };
      matmul(); const times = [];
      for (let i = 0; i < 7; i++) { const m0 = performance.now(); matmul(); times.push(performance.now() - m0); }
      times.sort((x, y) => x - y);
      let tick = Infinity; for (let i = 0, last = performance.now(); i < 100000; i++) { const now = performance.now(); if (now > last) { tick = Math.min(tick, now - last); last = now; } }
      postMessage({ simd, timeoutMs, channelMs, matmulMs: times[3], timerTickMs: tick,
        offscreenCanvas: typeof OffscreenCanvas === 'function', userAgent: navigator.userAgent });
    };
    nested();\`;
  const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
  worker.onmessage = (e) => { worker.terminate(); resolve(e.data); };
  worker.onerror = (e) => reject(new Error(e.message));
});`;

export interface EngineBackendRun {
  engine: BenchEngine;
  round: number;
  asked: string;
  backend: string;
  note: string;
  stepsPerSecond: number | null;
  /** Cores used by each thread of the engine over the window (1.0 = one core all the time), by process/thread. */
  cpuCores: Record<string, number>;
  load: ReturnType<typeof load>;
  error?: string;
}

export interface EnginesResult {
  plan: EnginesPlan;
  versions: Record<string, string>;
  probes: Record<string, unknown>;
  runs: EngineBackendRun[];
  /** Medians over rounds: engine → backend → steps/s; and each engine's WASM rate over Chromium's, per round. */
  summary: Record<string, Record<string, number | null>>;
  wasmVsChromium: Record<string, number | null>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitStatus(
  page: BenchPage,
  accept: (s: { step: number; state: string; backend: string; note: string }) => boolean,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await page.run<{ step: number; state: string; backend: string; note: string } | null>(STATUS);
    if (s && accept(s)) return s;
    if (Date.now() > deadline) throw new Error(`status not reached in ${timeoutMs} ms (last: ${JSON.stringify(s)})`);
    await sleep(150);
  }
}

async function measure(
  engine: BenchEngine,
  page: BenchPage,
  gate: Gate,
  asked: string,
  roundNo: number,
  plan: EnginesPlan,
): Promise<EngineBackendRun> {
  const started = load();
  try {
    await page.goto(`${gate.origin}/?backend=${asked}`);
    const ready = await waitStatus(page, (s) => s.state === 'ready', 180_000);
    if (ready.backend !== asked) {
      return {
        engine,
        round: roundNo,
        asked,
        backend: ready.backend,
        note: ready.note,
        stepsPerSecond: null,
        cpuCores: {},
        load: started,
      };
    }
    await page.run(CLICK, 'Train');
    await waitStatus(page, (s) => s.step >= 1, 120_000);
    await sleep(plan.warmupSeconds * 1000);
    const s0 = await page.run<{ step: number }>(STATUS);
    const t0 = performance.now();
    const cpu0 = treeCpu(page.pid);
    await sleep(plan.windowSeconds * 1000);
    const s1 = await page.run<{ step: number }>(STATUS);
    const seconds = (performance.now() - t0) / 1000;
    const cpuCores = cpuDelta(treeCpu(page.pid), cpu0, seconds);
    await page.run(CLICK, 'Pause');
    await page.goto(`${gate.origin}/__blank`);
    const stepsPerSecond = round((s1.step - s0.step) / seconds, 1);
    log(`  ${engine} ${asked} round ${roundNo}: ${stepsPerSecond} steps/s; cores ${JSON.stringify(cpuCores)}`);
    return {
      engine,
      round: roundNo,
      asked,
      backend: ready.backend,
      note: ready.note,
      stepsPerSecond,
      cpuCores,
      load: started,
    };
  } catch (error) {
    log(`  ${engine} ${asked} round ${roundNo}: ${(error as Error).message}`);
    return {
      engine,
      round: roundNo,
      asked,
      backend: '',
      note: '',
      stepsPerSecond: null,
      cpuCores: {},
      load: started,
      error: (error as Error).message,
    };
  }
}

export async function enginesBench(plan: EnginesPlan): Promise<EnginesResult> {
  const server = await startPreview();
  const gate = await startGate(server.baseUrl);
  const pages = new Map<BenchEngine, BenchPage>();
  const versions: Record<string, string> = {};
  const probes: Record<string, unknown> = {};
  const runs: EngineBackendRun[] = [];
  try {
    for (const engine of BENCH_ENGINES) {
      if (engine !== 'chromium' && missingFiles(engine).length) {
        log(`engines: ${engine} is not installed (${missingFiles(engine).join(', ')}); left out`);
        continue;
      }
      const page = engine === 'chromium' ? await launchChromiumBench() : await launchEngine(engine, gate.proxy, '/tmp');
      pages.set(engine, page);
      versions[engine] = page.version;
      await page.goto(`${gate.origin}/__blank`);
      probes[engine] = await page.run(WORKER_PROBES).catch((error: unknown) => ({ error: String(error) }));
      log(`engines: ${engine} ${page.version}: ${JSON.stringify(probes[engine])}`);
    }
    for (const engine of pages.keys()) runs.push(await measure(engine, pages.get(engine)!, gate, 'webgl', 0, plan));
    for (let round = 1; round <= plan.rounds; round++) {
      for (const [engine, page] of pages) runs.push(await measure(engine, page, gate, 'wasm', round, plan));
      if (round === 1)
        for (const [engine, page] of pages) runs.push(await measure(engine, page, gate, 'cpu', round, plan));
    }
  } finally {
    for (const page of pages.values()) await page.close().catch(() => undefined);
    await gate.close();
    await server.stop();
  }
  const summary: EnginesResult['summary'] = {};
  for (const engine of pages.keys()) {
    summary[engine] = {};
    for (const asked of ['webgl', 'wasm', 'cpu']) {
      const rates = runs
        .filter((r) => r.engine === engine && r.asked === asked && r.stepsPerSecond !== null)
        .map((r) => r.stepsPerSecond!);
      summary[engine][asked] = rates.length ? round(median(rates), 1) : null;
    }
  }
  const wasmVsChromium: EnginesResult['wasmVsChromium'] = {};
  for (const engine of pages.keys()) {
    const ratios: number[] = [];
    for (let round = 1; round <= plan.rounds; round++) {
      const of = (e: BenchEngine) => runs.find((r) => r.engine === e && r.asked === 'wasm' && r.round === round);
      const mine = of(engine)?.stepsPerSecond;
      const base = of('chromium')?.stepsPerSecond;
      if (mine && base) ratios.push(mine / base);
    }
    wasmVsChromium[engine] = ratios.length ? round(median(ratios), 2) : null;
  }
  return { plan, versions, probes, runs, summary, wasmVsChromium };
}
