/**
 * Browser part of `npm run bench`: the production build in headless Chromium (the e2e harness's launcher and
 * preview server), one page per backend (`?backend=webgl|wasm|cpu`; WebGL is SwiftShader here, a software GPU).
 * Per backend: page load → UI shown and → Train enabled, click → first loss point (the status line's data-step),
 * the worker's steps/s while the default page trains with its charts and scatter live, main-thread long tasks
 * (PerformanceObserver 'longtask', > 50 ms) over that window, and the worker's tf.memory() (read through tfjs's
 * global engine in the worker scope). Also the JavaScript the page loads before the user can act and what the
 * worker loads, from the built files. Train is clicked the moment it is enabled, while the page may still be
 * settling (its first pictures and compiles); BENCH_SETTLE_MS=N waits N ms first, as a user would.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page, Worker } from 'playwright-core';
import { build } from 'vite';
import { launchChromium } from '../test/e2e/harness';
import { startPreview } from '../test/e2e/server';
import { load, log, round } from './lib/common';
import { type Live10kPlan, type Live10kResult, measureLive10k } from './live10k';

const ROOT = resolve(import.meta.dirname, '..');

export interface BrowserPlan {
  backends: ('webgl' | 'wasm' | 'cpu')[];
  /** Seconds of training watched per backend (after the first loss point). */
  trainSeconds: number;
  /** WASM only: tf.memory() of the worker at these steps (null: skip). */
  memorySteps: [number, number] | null;
  /** The page with 10,000 held-out points (live10k.ts); null: skip. */
  live10k: Live10kPlan | null;
}

/** How long after Train is enabled it is clicked (BENCH_SETTLE_MS; default at once). */
export const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS) || 0;

export const FULL_BROWSER_PLAN: BrowserPlan = {
  backends: ['webgl', 'wasm', 'cpu'],
  trainSeconds: 12,
  memorySteps: [100, 2000],
  live10k: { watchSeconds: 30 },
};
export const QUICK_BROWSER_PLAN: BrowserPlan = {
  backends: ['webgl', 'wasm', 'cpu'],
  trainSeconds: 5,
  memorySteps: [100, 400],
  live10k: { watchSeconds: 8 },
};
/**
 * Only the page with 10,000 held-out points (`npm run bench -- --only live10k`); LIVE10K_WATCH_SECONDS watches
 * longer (more transitions: a snapshot of 10,000 points comes every few seconds).
 */
export const LIVE10K_ONLY_PLAN: BrowserPlan = {
  backends: [],
  trainSeconds: 0,
  memorySteps: null,
  live10k: { watchSeconds: Number(process.env.LIVE10K_WATCH_SECONDS) || 30 },
};

export interface BrowserBackendResult {
  backend: string;
  activeBackend: string;
  uiShownMs: number | null;
  trainEnabledMs: number | null;
  clickToFirstLossMs: number | null;
  stepsPerSecond: number | null;
  watchedSeconds: number;
  longTasks: { count: number; maxMs: number; totalMs: number; durations: number[]; startsAfterClickMs?: number[] };
  /** Long tasks between navigation and the click (page start-up), for reference. */
  startupLongTasks: { count: number; maxMs: number };
  memory?: { step: number; numTensors: number; numBytes: number }[];
  load: ReturnType<typeof load>;
  error?: string;
}

export interface SizeReport {
  /** What index.html makes the browser fetch before anything runs (entry + its static imports + CSS). */
  page: { files: string[]; jsBytes: number; jsGzipBytes: number; cssBytes: number; cssGzipBytes: number };
  /** The training worker's JavaScript (entry + static imports) and the WASM binary it fetches (SIMD). */
  worker: { files: string[]; jsBytes: number; jsGzipBytes: number; wasmBytes: number; wasmGzipBytes: number };
  /** Every other JS file of the build (lazy chunks, other workers), by name. */
  other: { file: string; bytes: number }[];
}

/** Static `import … from "./x.js"` / `import "./x.js"` targets of a built chunk (dynamic imports excluded). */
function staticImports(code: string): string[] {
  const out = new Set<string>();
  const pattern = /(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]*?from\s*)?["']\.\/([^"']+\.js)["']/g;
  for (const m of code.matchAll(pattern)) out.add(m[1]);
  const exportFrom = /export\s*[\w*{}\s,$]*?from\s*["']\.\/([^"']+\.js)["']/g;
  for (const m of code.matchAll(exportFrom)) out.add(m[1]);
  return [...out];
}

function closure(assets: string, entries: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const dep of staticImports(readFileSync(join(assets, file), 'utf8'))) queue.push(dep);
  }
  return [...seen];
}

function sizes(files: string[], dir: string): { bytes: number; gzip: number } {
  let bytes = 0;
  let gzip = 0;
  for (const f of files) {
    const data = readFileSync(join(dir, f));
    bytes += data.length;
    gzip += gzipSync(data, { level: 9 }).length;
  }
  return { bytes, gzip };
}

/** Sizes of what the page and the worker load, from a build folder. */
export function sizeReport(outDir: string): SizeReport {
  const assets = join(outDir, 'assets');
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*src="\/assets\/([^"]+)"/g)].map((m) => m[1]);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/assets\/([^"]+)"/g)].map((m) => m[1]);
  const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="\/assets\/([^"]+)"/g)].map((m) => m[1]);
  const pageFiles = closure(assets, [...scripts, ...preloads]);
  const all = readdirSync(assets);
  const workerEntry = all.filter((f) => /^training\.worker.*\.js$/.test(f));
  const workerFiles = closure(assets, workerEntry);
  const wasm = all.filter((f) => /^tfjs-backend-wasm-simd.*\.wasm$/.test(f));
  const page = sizes(pageFiles, assets);
  const css = sizes(styles, assets);
  const worker = sizes(workerFiles, assets);
  const wasmSize = sizes(wasm, assets);
  const listed = new Set([...pageFiles, ...workerFiles]);
  return {
    page: {
      files: pageFiles,
      jsBytes: page.bytes,
      jsGzipBytes: page.gzip,
      cssBytes: css.bytes,
      cssGzipBytes: css.gzip,
    },
    worker: {
      files: [...workerFiles, ...wasm],
      jsBytes: worker.bytes,
      jsGzipBytes: worker.gzip,
      wasmBytes: wasmSize.bytes,
      wasmGzipBytes: wasmSize.gzip,
    },
    other: all
      .filter((f) => f.endsWith('.js') && !listed.has(f))
      .map((f) => ({ file: f, bytes: statSync(join(assets, f)).size })),
  };
}

/**
 * Installed before any page script: long tasks and the moments the Train button appears and becomes enabled.
 * A string, not a function: tsx compiles functions with name helpers that do not exist inside the page.
 */
const INSTRUMENT = `(() => {
  const bench = { longTasks: [], uiShownAt: null, trainEnabledAt: null };
  window.__bench = bench;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  let observer = null;
  function check() {
    const train = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Train');
    if (train && bench.uiShownAt === null) bench.uiShownAt = performance.now();
    if (train && !train.disabled && bench.trainEnabledAt === null) bench.trainEnabledAt = performance.now();
    if (bench.trainEnabledAt !== null && observer) observer.disconnect();
  }
  observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
})();`;

type BenchWindow = {
  __bench: {
    longTasks: { start: number; duration: number }[];
    uiShownAt: number | null;
    trainEnabledAt: number | null;
  };
};

async function statusStep(page: Page): Promise<{ step: number; state: string; backend: string; at: number }> {
  return page.evaluate(() => {
    const el = document.querySelector('[role="status"]');
    return {
      step: Number(el?.getAttribute('data-step') ?? 0),
      state: el?.getAttribute('data-state') ?? '',
      backend: el?.getAttribute('data-backend') ?? '',
      at: performance.now(),
    };
  });
}

async function workerMemory(page: Page): Promise<{ numTensors: number; numBytes: number } | null> {
  const worker: Worker | undefined = page.workers().find((w) => /training\.worker/.test(w.url()));
  if (!worker) return null;
  // tfjs keeps its engine on the global object of the scope it runs in (here the worker's).
  return worker.evaluate(() => {
    const engine = (self as unknown as { _tfengine?: { memory(): { numTensors: number; numBytes: number } } })
      ._tfengine;
    const m = engine?.memory();
    return m ? { numTensors: m.numTensors, numBytes: m.numBytes } : null;
  });
}

async function waitForStep(page: Page, atLeast: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await statusStep(page);
    if (s.step >= atLeast) return s.step;
    if (Date.now() > deadline)
      throw new Error(`step ${atLeast} not reached in ${timeoutMs} ms (at ${s.step}, state ${s.state})`);
    await page.waitForTimeout(100);
  }
}

async function measureBackend(
  browser: Browser,
  baseUrl: string,
  backend: string,
  plan: BrowserPlan,
): Promise<BrowserBackendResult> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript({ content: INSTRUMENT });
  try {
    await page.goto(`${baseUrl}/?backend=${backend}`, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as BenchWindow).__bench.trainEnabledAt !== null, null, {
      timeout: 120_000,
      polling: 100,
    });
    const ready = await statusStep(page);
    const startup = await page.evaluate(() => (window as unknown as BenchWindow).__bench);
    if (SETTLE_MS > 0) await page.waitForTimeout(SETTLE_MS);
    // Click Train from inside the page and time until the status line shows step ≥ 1 (the first progress event).
    const clickToFirstLossMs = await page.evaluate(
      () =>
        new Promise<number>((resolveClick, reject) => {
          const status = document.querySelector('[role="status"]')!;
          const train = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Train')!;
          const t0 = performance.now();
          (window as unknown as { __clickAt: number }).__clickAt = t0;
          const observer = new MutationObserver(() => {
            if (Number(status.getAttribute('data-step')) >= 1) {
              observer.disconnect();
              resolveClick(performance.now() - t0);
            }
          });
          observer.observe(status, { attributes: true, attributeFilter: ['data-step'] });
          setTimeout(() => reject(new Error('no loss point within 60 s')), 60_000);
          train.click();
        }),
    );
    // WASM: the worker's tf.memory() once step 100 (the first point of the plan) is reached.
    const memory: NonNullable<BrowserBackendResult['memory']> = [];
    const readMemory = async () => {
      const step = (await statusStep(page)).step;
      const m = await workerMemory(page);
      if (m) memory.push({ step, ...m });
      log(`  ${backend}: worker memory at step ${step}: ${m?.numTensors} tensors, ${m?.numBytes} bytes`);
    };
    const memoryPlan = backend === 'wasm' ? plan.memorySteps : null;
    if (memoryPlan) {
      await waitForStep(page, memoryPlan[0], 120_000);
      await readMemory();
    }
    // Let the loop settle (first snapshot, first metrics), then watch a window of steady training.
    await page.waitForTimeout(1500);
    const first = await statusStep(page);
    await page.waitForTimeout(plan.trainSeconds * 1000);
    const last = await statusStep(page);
    const stepsPerSecond = last.at > first.at ? ((last.step - first.step) * 1000) / (last.at - first.at) : null;
    const tasks = await page.evaluate(() => {
      const b = (window as unknown as BenchWindow).__bench;
      const clickAt = (window as unknown as { __clickAt: number }).__clickAt;
      return {
        during: b.longTasks.filter((t) => t.start >= clickAt),
        before: b.longTasks.filter((t) => t.start < clickAt),
      };
    });
    const durations = tasks.during.map((t) => round(t.duration, 1));
    const clickAt = await page.evaluate(() => (window as unknown as { __clickAt: number }).__clickAt);
    const offsets = tasks.during.map((t) => round(t.start - clickAt, 0));
    if (memoryPlan) {
      await waitForStep(page, memoryPlan[1], 600_000);
      await readMemory();
    }
    await page
      .getByRole('button', { name: 'Pause', exact: true })
      .click()
      .catch(() => undefined);
    const result: BrowserBackendResult = {
      backend,
      activeBackend: ready.backend,
      uiShownMs: startup.uiShownAt === null ? null : round(startup.uiShownAt, 0),
      trainEnabledMs: startup.trainEnabledAt === null ? null : round(startup.trainEnabledAt, 0),
      clickToFirstLossMs: round(clickToFirstLossMs, 0),
      stepsPerSecond: stepsPerSecond === null ? null : round(stepsPerSecond, 1),
      watchedSeconds: round((last.at - first.at) / 1000, 1),
      longTasks: {
        count: durations.filter((d) => d > 50).length,
        maxMs: durations.length ? Math.max(...durations) : 0,
        totalMs: round(
          durations.reduce((a, b) => a + b, 0),
          0,
        ),
        durations,
        startsAfterClickMs: offsets,
      },
      startupLongTasks: {
        count: tasks.before.length,
        maxMs: tasks.before.length ? round(Math.max(...tasks.before.map((t) => t.duration)), 1) : 0,
      },
      memory: memoryPlan ? memory : undefined,
      load: load(),
      error: errors.length ? errors.join('; ') : undefined,
    };
    log(
      `  ${backend}: UI ${result.uiShownMs} ms, Train enabled ${result.trainEnabledMs} ms, first loss ${result.clickToFirstLossMs} ms after the click, ` +
        `${result.stepsPerSecond} steps/s, ${result.longTasks.count} long tasks (max ${result.longTasks.maxMs} ms)`,
    );
    return result;
  } finally {
    await context.close();
  }
}

/** Builds the app into a fresh temporary folder, serves it, measures every backend of the plan, cleans up. */
export async function browserBench(
  plan: BrowserPlan,
): Promise<{ sizes: SizeReport; backends: BrowserBackendResult[]; live10k?: Live10kResult; buildSeconds: number }> {
  const outDir = mkdtempSync(join(tmpdir(), 'siamese-bench-'));
  const previous = process.env.E2E_DIST;
  try {
    log('building the app (vite build into a temporary folder)');
    const t0 = performance.now();
    await build({ root: ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
    const buildSeconds = round((performance.now() - t0) / 1000, 1);
    const report = sizeReport(outDir);
    process.env.E2E_DIST = outDir;
    const server = await startPreview();
    const browser = await launchChromium();
    const backends: BrowserBackendResult[] = [];
    let live10k: Live10kResult | undefined;
    try {
      for (const backend of plan.backends) {
        log(`browser: ${backend}`);
        try {
          backends.push(await measureBackend(browser, server.baseUrl, backend, plan));
        } catch (error) {
          log(`  ${backend} failed: ${(error as Error).message}`);
          backends.push({
            backend,
            activeBackend: '',
            uiShownMs: null,
            trainEnabledMs: null,
            clickToFirstLossMs: null,
            stepsPerSecond: null,
            watchedSeconds: 0,
            longTasks: { count: 0, maxMs: 0, totalMs: 0, durations: [] },
            startupLongTasks: { count: 0, maxMs: 0 },
            load: load(),
            error: (error as Error).message,
          });
        }
      }
      if (plan.live10k) {
        log('browser: 10,000 held-out points (full Fashion-MNIST, wasm)');
        live10k = await measureLive10k(browser, server.baseUrl, plan.live10k).catch((error: Error) => {
          log(`  10k failed: ${error.message}`);
          return undefined;
        });
      }
    } finally {
      await browser.close();
      await server.stop();
    }
    return { sizes: report, backends, live10k, buildSeconds };
  } finally {
    if (previous === undefined) delete process.env.E2E_DIST;
    else process.env.E2E_DIST = previous;
    rmSync(outDir, { recursive: true, force: true });
  }
}
