/**
 * The page with 10,000 held-out points, part of `npm run bench -- --only browser`: the default page (one-screen layout
 * at 1280×720, every live view on) switches to the full Fashion-MNIST (downloaded on demand; its 10,000 test images
 * are the held-out set) and trains on WASM. From that one run it reports the download time, each evaluation's time
 * in the worker (the session's `evaluationMs`, measured around the core's Trainer.evaluate, and its parts: embedding
 * the 10,000 held-out images, the validation loss, the metrics on 10,000 × 64, alignment and uniformity), the
 * scatter's frame times with 10,000 points (requestAnimationFrame deltas on the main thread while the scatter
 * animates, and the gaps between the scatter's frames as a viewer sees them, within transitions), main-thread long
 * tasks (PerformanceObserver 'longtask', > 50 ms) while training and hovering the scatter, and the worker's steps/s.
 */
import type { Browser, Page } from 'playwright-core';
import type { EvaluationPart } from '../src/core/train/evaluation';
import { load, log, median, round } from './lib/common';

const EVALUATION_PARTS: readonly EvaluationPart[] = ['embed', 'validation', 'metrics', 'geometry'];

export interface Live10kPlan {
  /** Seconds of training watched (after a warm-up with the first evaluations). */
  watchSeconds: number;
}

export interface Live10kResult {
  heldOutPoints: number | null;
  downloadMs: number | null;
  evaluation: {
    count: number;
    medianMs: number | null;
    maxMs: number | null;
    all: number[];
    /** Each evaluation's parts (ms) and the training step it measured, in the order of `all`. */
    allParts: Record<EvaluationPart, number>[];
    steps: number[];
    /** Per part (the session's `evaluationParts`): median and max over the same evaluations (ms). */
    parts: Record<EvaluationPart, { medianMs: number | null; maxMs: number | null }>;
  };
  /** requestAnimationFrame deltas while watching (ms). */
  rafDeltas: { count: number; medianMs: number | null; p95Ms: number | null; maxMs: number | null };
  /**
   * The scatter's frames as a viewer sees them: a frame counts at the first animation frame after its picture went
   * onto the canvas (two pictures in one animation frame show as one). Gaps between two such frames of one
   * transition (from a snapshot's arrival to the canvas's settled signal, so the single redraws that answer hovers
   * between transitions are not counted), over `transitions` transitions; `drawn*`: the same gaps timed at the
   * drawImage calls; `paintedPerSecond`: every frame shown while watching, hover redraws included.
   */
  scatterFrames: {
    count: number;
    transitions: number;
    medianMs: number | null;
    p95Ms: number | null;
    maxMs: number | null;
    drawnMedianMs: number | null;
    drawnP95Ms: number | null;
    paintedPerSecond: number | null;
    /** Every counted gap as shown (ms), in order. */
    gapsMs: number[];
  };
  /** Painter worker round trips (request posted → bitmap back on the page), ms. */
  painterRoundTrip: { count: number; medianMs: number | null; p95Ms: number | null };
  longTasks: { count: number; maxMs: number; durations: number[] };
  hovers: number;
  stepsPerSecond: number | null;
  load: ReturnType<typeof load>;
  error?: string;
}

/**
 * Installed before any page script: long tasks, requestAnimationFrame deltas while `recording`, the scatter's frames
 * (its canvas gets the painter's bitmap, or the page's fallback picture, through drawImage or putImageData: drawn
 * inside an animation frame callback, the picture shows in that frame; drawn in any other task, in the next one,
 * whose time this script's callback, registered first, reads first), the canvas's settled signal, the painter's
 * round trips and the training worker's snapshot and metrics events.
 */
const INSTRUMENT = `(() => {
  const live = { recording: false, longTasks: [], raf: [], shown: [], snapshots: [], settles: [], roundTrips: [],
    evaluations: [], parts: [], evaluationSteps: [], heldOut: null, loadedAt: null };
  window.__live = live;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (live.recording) live.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: false });
  let last = null;
  let drawnAt = null;
  let frameTime = null;
  const show = (t, at) => {
    if (!live.recording) return;
    const previous = live.shown[live.shown.length - 1];
    if (previous && previous[0] === t) previous[1] = at;
    else live.shown.push([t, at]);
  };
  const nativeRaf = window.requestAnimationFrame.bind(window);
  const tick = (t) => {
    if (live.recording && last !== null) live.raf.push(t - last);
    if (drawnAt !== null) show(t, drawnAt);
    drawnAt = null;
    last = t;
    nativeRaf(tick);
  };
  nativeRaf(tick);
  window.requestAnimationFrame = (callback) => nativeRaf((t) => {
    frameTime = t;
    try { callback(t); } finally { frameTime = null; }
  });
  const isScatter = (ctx) => ctx.canvas.getAttribute('aria-label') === 'Embedding scatter';
  for (const name of ['drawImage', 'putImageData']) {
    const native = CanvasRenderingContext2D.prototype[name];
    CanvasRenderingContext2D.prototype[name] = function (...args) {
      if (isScatter(this)) {
        if (frameTime !== null) show(frameTime, performance.now());
        else drawnAt = performance.now();
      }
      return native.apply(this, args);
    };
  }
  new MutationObserver((records) => {
    for (const r of records) if (live.recording && r.target.getAttribute('data-settled-step')) live.settles.push(performance.now());
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-settled-step'] });
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      if (String(url).includes('painter')) {
        const sent = new Map();
        const post = this.postMessage.bind(this);
        this.postMessage = (message, transfer) => {
          if (message && typeof message.id === 'number') sent.set(message.id, performance.now());
          return post(message, transfer);
        };
        this.addEventListener('message', (e) => {
          const at = e.data && sent.get(e.data.id);
          if (at === undefined) return;
          sent.delete(e.data.id);
          if (live.recording) live.roundTrips.push(performance.now() - at);
        });
        return;
      }
      if (!String(url).includes('training.worker')) return;
      this.addEventListener('message', (e) => {
        const d = e.data;
        if (!d) return;
        if (d.type === 'metrics' && typeof d.evaluationMs === 'number') {
          live.evaluations.push(d.evaluationMs);
          live.parts.push(d.evaluationParts);
          live.evaluationSteps.push(d.metrics && d.metrics.step);
        }
        if (d.type === 'snapshot' && d.labels) {
          live.heldOut = d.labels.length;
          if (live.recording) live.snapshots.push(performance.now());
        }
        if (d.type === 'dataset-loaded') {
          // Only evaluations of the set loaded last count: the default set's own evaluation at step 0 is not one of
          // 10,000 points.
          live.loadedAt = performance.now();
          live.evaluations = [];
          live.parts = [];
          live.evaluationSteps = [];
        }
      });
    }
  };
})();`;

type LiveWindow = {
  __live: {
    recording: boolean;
    longTasks: number[];
    raf: number[];
    /** [animation frame time, time the picture went onto the canvas] of each frame that showed a new picture. */
    shown: [number, number][];
    snapshots: number[];
    settles: number[];
    roundTrips: number[];
    evaluations: number[];
    parts: Record<EvaluationPart, number>[];
    evaluationSteps: number[];
    heldOut: number | null;
    loadedAt: number | null;
  };
};

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * Gaps between consecutive shown frames of one transition. A transition runs from a snapshot's arrival to the next
 * settled signal after it (the canvas marks itself settled only once a transition's last frame is drawn with
 * nothing pending); transitions that overlap (a snapshot arriving mid-transition restarts the easing from what is on
 * screen) are one stretch of motion.
 */
export function transitionGaps(
  shown: readonly (readonly [number, number])[],
  snapshots: readonly number[],
  settles: readonly number[],
): { shownGaps: number[]; drawnGaps: number[]; transitions: number } {
  const spans: [number, number][] = [];
  for (const start of snapshots) {
    const end = settles.find((t) => t >= start);
    if (end === undefined) continue;
    const previous = spans.at(-1);
    if (previous && start <= previous[1]) previous[1] = Math.max(previous[1], end);
    else spans.push([start, end]);
  }
  const spanOf = (drawnAt: number) => spans.findIndex(([a, b]) => drawnAt >= a && drawnAt <= b);
  const shownGaps: number[] = [];
  const drawnGaps: number[] = [];
  for (let i = 1; i < shown.length; i++) {
    const span = spanOf(shown[i][1]);
    if (span < 0 || span !== spanOf(shown[i - 1][1])) continue;
    shownGaps.push(shown[i][0] - shown[i - 1][0]);
    drawnGaps.push(shown[i][1] - shown[i - 1][1]);
  }
  return { shownGaps, drawnGaps, transitions: spans.length };
}

async function step(page: Page): Promise<{ step: number; at: number }> {
  return page.evaluate(() => ({
    step: Number(document.querySelector('[role="status"]')?.getAttribute('data-step') ?? 0),
    at: performance.now(),
  }));
}

/** Hovers points of the scatter along a path for `ms` milliseconds; returns the hovers made. */
async function hoverScatter(page: Page, ms: number): Promise<number> {
  const scatter = page.getByRole('img', { name: 'Embedding scatter', exact: true });
  const box = await scatter.boundingBox();
  if (!box) return 0;
  const until = Date.now() + ms;
  let hovers = 0;
  while (Date.now() < until) {
    const t = hovers * 0.37;
    await page.mouse.move(
      box.x + box.width * (0.5 + 0.35 * Math.cos(t)),
      box.y + box.height * (0.5 + 0.35 * Math.sin(2 * t)),
    );
    hovers++;
    await page.waitForTimeout(100);
  }
  return hovers;
}

export async function measureLive10k(browser: Browser, baseUrl: string, plan: Live10kPlan): Promise<Live10kResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript({ content: INSTRUMENT });
  const train = page.getByRole('button', { name: 'Train', exact: true });
  try {
    await page.goto(`${baseUrl}/?backend=wasm`, { waitUntil: 'load' });
    await train.and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
    const chosenAt = await page.evaluate(() => performance.now());
    await page.getByLabel('Dataset', { exact: true }).selectOption('fashion-mnist-full');
    await page.getByText('70,000 samples').waitFor({ timeout: 300_000 });
    await train.and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
    const loadedAt = await page.evaluate(() => (window as unknown as LiveWindow).__live.loadedAt);
    await train.click();
    // Warm-up: the first evaluations and snapshots of 10,000 points, then watch.
    await page.waitForFunction(() => (window as unknown as LiveWindow).__live.evaluations.length >= 2, null, {
      timeout: 300_000,
      polling: 200,
    });
    const first = await step(page);
    await page.evaluate(() => {
      (window as unknown as LiveWindow).__live.recording = true;
    });
    const hovers = await hoverScatter(page, plan.watchSeconds * 1000);
    await page.evaluate(() => {
      (window as unknown as LiveWindow).__live.recording = false;
    });
    const last = await step(page);
    const live = await page.evaluate(() => (window as unknown as LiveWindow).__live);
    await page
      .getByRole('button', { name: 'Pause', exact: true })
      .click()
      .catch(() => undefined);
    const shots = process.env.LIVE10K_SCREENSHOTS;
    if (shots) {
      // The paused 10,000-point scatter at both screen sizes, for looking at (not part of the figures).
      for (const size of [
        { width: 1280, height: 720 },
        { width: 1920, height: 1080 },
      ]) {
        await page.setViewportSize(size);
        await page.waitForTimeout(1500);
        await page.screenshot({ path: `${shots}/scatter-10k-${size.width}x${size.height}.png` });
      }
    }
    const { shownGaps, drawnGaps, transitions } = transitionGaps(live.shown, live.snapshots, live.settles);
    const watchedMs = last.at - first.at;
    const result: Live10kResult = {
      heldOutPoints: live.heldOut,
      downloadMs: loadedAt === null ? null : round(loadedAt - chosenAt, 0),
      evaluation: {
        count: live.evaluations.length,
        medianMs: live.evaluations.length ? round(median(live.evaluations), 1) : null,
        maxMs: live.evaluations.length ? round(Math.max(...live.evaluations), 1) : null,
        all: live.evaluations.map((v) => round(v, 1)),
        steps: live.evaluationSteps,
        allParts: live.parts.map(
          (p) =>
            Object.fromEntries(EVALUATION_PARTS.map((part) => [part, round(p[part], 1)])) as Record<
              EvaluationPart,
              number
            >,
        ),
        parts: Object.fromEntries(
          EVALUATION_PARTS.map((part) => {
            const times = live.parts.map((p) => p[part]);
            return [
              part,
              {
                medianMs: times.length ? round(median(times), 1) : null,
                maxMs: times.length ? round(Math.max(...times), 1) : null,
              },
            ];
          }),
        ) as Live10kResult['evaluation']['parts'],
      },
      rafDeltas: {
        count: live.raf.length,
        medianMs: live.raf.length ? round(median(live.raf), 1) : null,
        p95Ms: live.raf.length ? round(percentile(live.raf, 0.95)!, 1) : null,
        maxMs: live.raf.length ? round(Math.max(...live.raf), 1) : null,
      },
      scatterFrames: {
        count: shownGaps.length,
        transitions,
        medianMs: shownGaps.length ? round(median(shownGaps), 1) : null,
        p95Ms: shownGaps.length ? round(percentile(shownGaps, 0.95)!, 1) : null,
        maxMs: shownGaps.length ? round(Math.max(...shownGaps), 1) : null,
        drawnMedianMs: drawnGaps.length ? round(median(drawnGaps), 1) : null,
        drawnP95Ms: drawnGaps.length ? round(percentile(drawnGaps, 0.95)!, 1) : null,
        paintedPerSecond: watchedMs > 0 ? round((live.shown.length * 1000) / watchedMs, 1) : null,
        gapsMs: shownGaps.map((g) => round(g, 1)),
      },
      painterRoundTrip: {
        count: live.roundTrips.length,
        medianMs: live.roundTrips.length ? round(median(live.roundTrips), 1) : null,
        p95Ms: live.roundTrips.length ? round(percentile(live.roundTrips, 0.95)!, 1) : null,
      },
      longTasks: {
        count: live.longTasks.filter((d) => d > 50).length,
        maxMs: live.longTasks.length ? round(Math.max(...live.longTasks), 1) : 0,
        durations: live.longTasks.map((d) => round(d, 1)),
      },
      hovers,
      stepsPerSecond: watchedMs > 0 ? round(((last.step - first.step) * 1000) / watchedMs, 1) : null,
      load: load(),
      error: errors.length ? errors.join('; ') : undefined,
    };
    log(
      `  10k: ${result.heldOutPoints} held-out points; evaluation median ${result.evaluation.medianMs} ms (max ${result.evaluation.maxMs}; ` +
        `metrics on 10,000 × 64 ${result.evaluation.parts.metrics.medianMs} / ${result.evaluation.parts.metrics.maxMs}); ` +
        `rAF median ${result.rafDeltas.medianMs} ms, p95 ${result.rafDeltas.p95Ms}; scatter frame gap in ${transitions} transitions median ` +
        `${result.scatterFrames.medianMs} ms, p95 ${result.scatterFrames.p95Ms} (drawn: ${result.scatterFrames.drawnMedianMs} / ` +
        `${result.scatterFrames.drawnP95Ms}); painter round trip median ${result.painterRoundTrip.medianMs} ms, p95 ${result.painterRoundTrip.p95Ms}; ${result.longTasks.count} long tasks (max ${result.longTasks.maxMs} ms); ${result.stepsPerSecond} steps/s`,
    );
    return result;
  } finally {
    await context.close();
  }
}
