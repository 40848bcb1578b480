/**
 * Throughput part of `npm run bench` (`--only throughput`): the default demo's recipe trained by the core in Node
 * (a bare trainer loop on WASM), by the worker's session in Node (its real loop with progress, metrics, snapshots
 * and checkpoints, but no page), and by the built app's worker in headless Chromium (default page on WASM, loss
 * chart, metrics, scatter and the other live views on), in interleaved rounds of equal windows, so all three see
 * the same load. Reports medians and the worker / Node ratio as the median of same-round ratios, with where the
 * worker's time went (debug counters the worker exposes as `__trainingTotals`). `E2E_DIST=/abs/dist` measures a
 * prebuilt app instead of building one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { build } from 'vite';
import { nodeAssetReader } from '../src/cli/assets';
import { selectNodeBackend } from '../src/cli/backend';
import { type Config, type DeepPartial, makeConfig } from '../src/core/config';
import { builtinInfo, loadBuiltinDataset } from '../src/core/data/builtin';
import { Trainer } from '../src/core/train/trainer';
import type { SessionHost } from '../src/worker/host';
import { TrainingSession } from '../src/worker/session';
import { launchChromium } from '../test/e2e/harness';
import { startPreview } from '../test/e2e/server';
import { load, log, median, round, table } from './lib/common';
import { cpuDelta, threadCpuSeconds } from './lib/threadCpu';

const ROOT = resolve(import.meta.dirname, '..');

export interface ThroughputPlan {
  rounds: number;
  /** Seconds each contender trains per round (the browser's after `settleSeconds` of training). */
  windowSeconds: number;
  /** Seconds the page trains before its window opens (first snapshot and metrics, charts created). */
  settleSeconds: number;
}

export const FULL_THROUGHPUT_PLAN: ThroughputPlan = { rounds: 5, windowSeconds: 4, settleSeconds: 1.5 };
export const QUICK_THROUGHPUT_PLAN: ThroughputPlan = { rounds: 3, windowSeconds: 3, settleSeconds: 1 };

/** What the worker's debug counters hold (src/worker/training.worker.ts). */
interface WorkerTotals {
  now: number;
  step: number;
  yields: { count: number; ms: number };
  progressEvents: number;
  snapshots: { runs: number; ms: number };
  metrics: { runs: number; ms: number };
}

/** Where one window of the worker's (or the Node session's) time went, as shares of the window and rates. */
export interface TimeSplit {
  stepsPerSecond: number;
  /** Shares of the window's wall time. */
  snapshotShare: number;
  metricsShare: number;
  yieldShare: number | null;
  /** What is left per step: the step itself, progress events, checkpoints, waiting for a core. */
  otherMsPerStep: number;
  snapshotsPerSecond: number;
  metricsPerSecond: number;
  progressPerSecond: number;
  /** Browser only: CPU seconds per browser thread name over the window (Linux), and per second of the window. */
  threadCpu?: Record<string, number>;
}

export interface ThroughputRound {
  round: number;
  node: number;
  /** The Node trainer's CPU seconds per second of its window (how much of a core it got). */
  nodeCpuShare: number;
  /**
   * Steps per CPU second: Node's over its whole process, the worker's over the renderer's dedicated-worker threads
   * (the training worker and the mostly idle scatter workers; Linux only, else null). Equal figures mean the worker
   * trains as efficiently as Node and any gap in steps/s is CPU the worker thread was not given.
   */
  nodeStepsPerCpuSecond: number;
  workerStepsPerCpuSecond: number | null;
  /** CPU seconds per second the browser's other threads took while the worker trained. */
  pageOtherCpuShare: number | null;
  session: TimeSplit;
  worker: TimeSplit;
  workerVsNode: number;
  sessionVsNode: number;
  load: [number, number, number];
}

export interface ThroughputResult {
  plan: ThroughputPlan;
  rounds: ThroughputRound[];
  /** Medians over rounds (steps/s), and the ratios as medians of same-round ratios. */
  nodeStepsPerSecond: number;
  sessionStepsPerSecond: number;
  workerStepsPerSecond: number;
  workerVsNode: number;
  sessionVsNode: number;
  /** Medians over rounds: steps per CPU second (see ThroughputRound) and the browser's other threads' CPU. */
  nodeStepsPerCpuSecond: number;
  workerStepsPerCpuSecond: number | null;
  pageOtherCpuShare: number | null;
  nodeCpuShare: number;
  /** Medians over rounds of the worker's time split. */
  worker: TimeSplit;
  session: TimeSplit;
  load: { before: ReturnType<typeof load>; after: ReturnType<typeof load> };
  error?: string;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function split(a: WorkerTotals, b: WorkerTotals): TimeSplit {
  const wall = b.now - a.now;
  const steps = b.step - a.step;
  const snapshotMs = b.snapshots.ms - a.snapshots.ms;
  const metricsMs = b.metrics.ms - a.metrics.ms;
  const yieldMs = b.yields.ms - a.yields.ms;
  const perSecond = (n: number) => round((n * 1000) / wall, 2);
  return {
    stepsPerSecond: perSecond(steps),
    snapshotShare: round(snapshotMs / wall, 3),
    metricsShare: round(metricsMs / wall, 3),
    yieldShare: Number.isNaN(yieldMs) ? null : round(yieldMs / wall, 3),
    otherMsPerStep: round((wall - snapshotMs - metricsMs - (Number.isNaN(yieldMs) ? 0 : yieldMs)) / steps, 2),
    snapshotsPerSecond: perSecond(b.snapshots.runs - a.snapshots.runs),
    metricsPerSecond: perSecond(b.metrics.runs - a.metrics.runs),
    progressPerSecond: perSecond(b.progressEvents - a.progressEvents),
  };
}

function medianSplit(splits: TimeSplit[]): TimeSplit {
  const m = (k: keyof TimeSplit) => {
    const values = splits.map((s) => s[k]).filter((v): v is number => v !== null);
    return values.length ? round(median(values), 3) : null;
  };
  return {
    stepsPerSecond: m('stepsPerSecond') ?? NaN,
    snapshotShare: m('snapshotShare') ?? NaN,
    metricsShare: m('metricsShare') ?? NaN,
    yieldShare: m('yieldShare'),
    otherMsPerStep: m('otherMsPerStep') ?? NaN,
    snapshotsPerSecond: m('snapshotsPerSecond') ?? NaN,
    metricsPerSecond: m('metricsPerSecond') ?? NaN,
    progressPerSecond: m('progressPerSecond') ?? NaN,
  };
}

function medianOrNull(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? round(median(known), 2) : null;
}

/** The page's default demo config, as the page makes it for the built-in. */
function demoConfig(): Config {
  return makeConfig(builtinInfo('fashion-mnist').suggested as DeepPartial<Config>);
}

/** The worker's session in Node on the real clock: its loop, events and checkpoints, posting into nothing. */
async function nodeSession(): Promise<{ session: TrainingSession; totals(): WorkerTotals }> {
  const host: SessionHost = {
    post: () => undefined,
    readAsset: nodeAssetReader(),
    selectBackend: async () => {
      const r = await selectNodeBackend('wasm');
      return { backend: r.backend, reason: r.fallbackReason };
    },
    now: () => performance.now(),
    yieldToEvents: () => new Promise((r) => setImmediate(r)),
  };
  const session = new TrainingSession(host, 'wasm');
  await session.handle({ type: 'load-builtin', requestId: 1, name: 'fashion-mnist', seed: 1 });
  await session.handle({ type: 'configure', runId: 1, config: demoConfig() });
  return {
    session,
    totals: () => ({
      now: performance.now(),
      step: session.current.step,
      yields: { count: 0, ms: NaN },
      // A checkout without the counters (for a before/after run) times the steps alone.
      progressEvents: NaN,
      snapshots: { runs: NaN, ms: NaN },
      metrics: { runs: NaN, ms: NaN },
      ...(session.viewTotals as Partial<WorkerTotals> | undefined),
    }),
  };
}

/**
 * The worker's counters; a build without them (an older commit, for a before/after comparison) gives only the step
 * the status line shows, on the page's clock.
 */
async function workerTotals(page: Page, worker: Worker): Promise<WorkerTotals> {
  const totals = await worker.evaluate(
    () => (self as unknown as { __trainingTotals?: WorkerTotals }).__trainingTotals ?? null,
  );
  if (totals) return totals;
  const none = { runs: NaN, ms: NaN };
  return page.evaluate(
    (n) => ({
      now: performance.now(),
      step: Number(document.querySelector('[role="status"]')?.getAttribute('data-step') ?? 0),
      yields: { count: Number.NaN, ms: Number.NaN },
      progressEvents: Number.NaN,
      snapshots: n,
      metrics: n,
    }),
    none,
  );
}

async function pageState(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector('[role="status"]')?.getAttribute('data-state') ?? '');
}

/** Trains the page for a settle time and a window; returns the worker's split over the window. */
async function pageWindow(page: Page, worker: Worker, plan: ThroughputPlan): Promise<TimeSplit> {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await wait(plan.settleSeconds * 1000);
  const a = await workerTotals(page, worker);
  const cpuA = threadCpuSeconds();
  await wait(plan.windowSeconds * 1000);
  const b = await workerTotals(page, worker);
  const cpu = cpuDelta(cpuA, threadCpuSeconds());
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const deadline = Date.now() + 30_000;
  while ((await pageState(page)) !== 'paused') {
    if (Date.now() > deadline) throw new Error('the page did not pause within 30 s');
    await wait(50);
  }
  const seconds = (b.now - a.now) / 1000;
  const perSecond = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v / seconds, 2)]));
  return { ...split(a, b), threadCpu: perSecond };
}

async function sessionWindow(s: Awaited<ReturnType<typeof nodeSession>>, plan: ThroughputPlan): Promise<TimeSplit> {
  await s.session.handle({ type: 'train', runId: 1 });
  await wait(plan.settleSeconds * 1000);
  const a = s.totals();
  await wait(plan.windowSeconds * 1000);
  const b = s.totals();
  await s.session.handle({ type: 'pause', runId: 1 });
  await s.session.whenIdle();
  return split(a, b);
}

function trainerWindow(trainer: Trainer, seconds: number): { stepsPerSecond: number; cpuShare: number } {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let steps = 0;
  while (performance.now() - t0 < seconds * 1000) {
    trainer.step();
    steps++;
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { stepsPerSecond: round((steps * 1000) / wall, 2), cpuShare: round((cpu.user + cpu.system) / 1000 / wall, 2) };
}

/** Builds the app (unless E2E_DIST names a build), opens the default page on WASM and runs the interleaved rounds. */
export async function throughputBench(plan: ThroughputPlan): Promise<ThroughputResult> {
  const before = load();
  const prebuilt = process.env.E2E_DIST;
  const outDir = prebuilt ?? mkdtempSync(join(tmpdir(), 'siamese-throughput-'));
  try {
    if (!prebuilt) {
      log('throughput: building the app (vite build into a temporary folder)');
      await build({ root: ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
      process.env.E2E_DIST = outDir;
    }
    await selectNodeBackend('wasm');
    const data = await loadBuiltinDataset('fashion-mnist', nodeAssetReader(), { seed: 1 });
    const trainer = Trainer.init(demoConfig(), data);
    for (let i = 0; i < 20; i++) trainer.step();
    const session = await nodeSession();

    const server = await startPreview();
    const browser = await launchChromium();
    const rounds: ThroughputRound[] = [];
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/?backend=wasm`, { waitUntil: 'load' });
      await page.getByRole('button', { name: 'Train', exact: true }).waitFor({ state: 'visible', timeout: 120_000 });
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('button')].some((b) => b.textContent === 'Train' && !b.disabled) &&
          document.querySelector('[role="status"]')?.getAttribute('data-backend') === 'wasm',
        null,
        { timeout: 120_000, polling: 100 },
      );
      const worker = page.workers().find((w) => /training\.worker/.test(w.url()));
      if (!worker) throw new Error('the training worker was not found');
      const counters = await worker.evaluate(() => '__trainingTotals' in self);
      if (!counters) log('throughput: this build has no worker counters; the worker is timed by its status line');
      log(
        `throughput: ${plan.rounds} interleaved rounds of ${plan.windowSeconds} s (Node trainer, Node session, page worker)`,
      );
      for (let r = 0; r < plan.rounds; r++) {
        const jobs: (() => Promise<void>)[] = [];
        let node = { stepsPerSecond: 0, cpuShare: 0 };
        let sessionSplit: TimeSplit | null = null;
        let workerSplit: TimeSplit | null = null;
        jobs.push(async () => {
          node = trainerWindow(trainer, plan.windowSeconds);
        });
        jobs.push(async () => {
          sessionSplit = await sessionWindow(session, plan);
        });
        jobs.push(async () => {
          workerSplit = await pageWindow(page, worker, plan);
        });
        for (let i = 0; i < jobs.length; i++) await jobs[(i + r) % jobs.length]();
        const w = workerSplit as unknown as TimeSplit;
        const s = sessionSplit as unknown as TimeSplit;
        const workerCpu = w.threadCpu?.['renderer:DedicatedWorker'] ?? null;
        const row: ThroughputRound = {
          round: r + 1,
          node: node.stepsPerSecond,
          nodeCpuShare: node.cpuShare,
          session: s,
          worker: w,
          nodeStepsPerCpuSecond: round(node.stepsPerSecond / node.cpuShare, 1),
          workerStepsPerCpuSecond: workerCpu ? round(w.stepsPerSecond / workerCpu, 1) : null,
          pageOtherCpuShare: w.threadCpu ? round(sum(Object.values(w.threadCpu)) - (workerCpu ?? 0), 2) : null,
          workerVsNode: round(w.stepsPerSecond / node.stepsPerSecond, 3),
          sessionVsNode: round(s.stepsPerSecond / node.stepsPerSecond, 3),
          load: load().loadAverage,
        };
        rounds.push(row);
        log(
          `  round ${r + 1}: Node trainer ${node.stepsPerSecond} (${node.cpuShare} of a core), Node session ${s.stepsPerSecond}, page worker ${w.stepsPerSecond} ` +
            `steps/s (worker/Node ${row.workerVsNode}; worker: snapshots ${w.snapshotShare}, metrics ${w.metricsShare}, ` +
            `yields ${w.yieldShare} of the time, ${w.otherMsPerStep} ms per step otherwise); load ${row.load.join(' ')}`,
        );
        log(`    browser CPU per second by thread: ${JSON.stringify(w.threadCpu)}`);
      }
      await context.close();
    } finally {
      await browser.close();
      await server.stop();
      await session.session.handle({ type: 'dispose' });
      trainer.dispose();
    }
    return {
      plan,
      rounds,
      nodeStepsPerSecond: round(median(rounds.map((r) => r.node)), 1),
      sessionStepsPerSecond: round(median(rounds.map((r) => r.session.stepsPerSecond)), 1),
      workerStepsPerSecond: round(median(rounds.map((r) => r.worker.stepsPerSecond)), 1),
      workerVsNode: round(median(rounds.map((r) => r.workerVsNode)), 3),
      sessionVsNode: round(median(rounds.map((r) => r.sessionVsNode)), 3),
      nodeStepsPerCpuSecond: round(median(rounds.map((r) => r.nodeStepsPerCpuSecond)), 1),
      workerStepsPerCpuSecond: medianOrNull(rounds.map((r) => r.workerStepsPerCpuSecond)),
      pageOtherCpuShare: medianOrNull(rounds.map((r) => r.pageOtherCpuShare)),
      nodeCpuShare: round(median(rounds.map((r) => r.nodeCpuShare)), 2),
      worker: medianSplit(rounds.map((r) => r.worker)),
      session: medianSplit(rounds.map((r) => r.session)),
      load: { before, after: load() },
    };
  } finally {
    if (!prebuilt) {
      delete process.env.E2E_DIST;
      rmSync(outDir, { recursive: true, force: true });
    }
  }
}

/** The worker's rate must be at least this share of Node's (the same recipe, every live view on). */
export const WORKER_VS_NODE_TARGET = 0.8;

/** The part's lines of the bench table. */
export function throughputLines(r: ThroughputResult): string[] {
  const pct = (x: number | null) => (x === null || Number.isNaN(x) ? '–' : `${round(x * 100, 1)}%`);
  const row = (name: string, rate: number, split: TimeSplit | null) => [
    name,
    rate,
    split ? pct(split.snapshotShare) : '–',
    split ? pct(split.metricsShare) : '–',
    split ? pct(split.yieldShare) : '–',
    split ? `${split.snapshotsPerSecond} / ${split.metricsPerSecond} / ${split.progressPerSecond}` : '–',
  ];
  const cpu = r.rounds.map((x) => x.worker.threadCpu ?? {});
  const threads = [...new Set(cpu.flatMap((c) => Object.keys(c)))];
  const cpuMedian = threads
    .map((t) => [t, round(median(cpu.map((c) => c[t] ?? 0)), 2)] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  const met = r.workerVsNode >= WORKER_VS_NODE_TARGET;
  return [
    `Worker against Node: the default demo on WASM, ${r.rounds.length} interleaved rounds of ${r.plan.windowSeconds} s (medians; load average ${r.load.before.loadAverage.join(' ')} → ${r.load.after.loadAverage.join(' ')})`,
    table(
      ['trainer', 'steps/s', 'snapshots', 'metrics', 'yields', 'snapshots / metrics / progress per s'],
      [
        row('Node: bare trainer loop', r.nodeStepsPerSecond, null),
        row("Node: the worker's session (live views, no page)", r.sessionStepsPerSecond, r.session),
        row('page worker in Chromium (every live view on)', r.workerStepsPerSecond, r.worker),
      ],
    ),
    `worker / Node ${r.workerVsNode} (session / Node ${r.sessionVsNode}); target ≥ ${WORKER_VS_NODE_TARGET}: ${met ? 'met' : 'NOT met'}`,
    `steps per CPU second: Node ${r.nodeStepsPerCpuSecond} (its process had ${r.nodeCpuShare} of a core), page worker ${r.workerStepsPerCpuSecond ?? '–'} (its thread); the browser's other threads took ${r.pageOtherCpuShare ?? '–'} CPU s/s`,
    `browser CPU seconds per second while training, by thread: ${cpuMedian.map(([t, v]) => `${t} ${v}`).join(', ') || '–'}`,
  ];
}

/** `npm run bench -- --only throughput` runs this part; alone, it prints its lines and the JSON. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const result = await throughputBench(quick ? QUICK_THROUGHPUT_PLAN : FULL_THROUGHPUT_PLAN);
  process.stderr.write(`${throughputLines(result).join('\n')}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
