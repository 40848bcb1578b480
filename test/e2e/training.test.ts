/**
 * The first-open experience in a real browser: the default demo trains on the forced backend (WebGL through
 * SwiftShader, and WASM), its loss falls, a held-out metric rises and the scatter moves; Pause really stops the
 * loop and Step runs exactly one batch.
 */
import { describe, expect, it } from 'vitest';
import {
  mean,
  metricsOf,
  scatterOf,
  setControl,
  statusOf,
  usePlayground,
  waitForState,
  waitForStep,
  type MetricsReading,
} from './harness';

const playground = usePlayground();

/**
 * How long each backend trains the default demo before "later" is read, and the gap between the early and the
 * later evaluation. WebGL here is SwiftShader (software rendering on the CPU), several times slower than WASM on
 * a 2-core machine, so its run is shorter and evaluates more often; Fashion-MNIST's MAP@R is clearly up by then.
 */
const PLANS = [
  { backend: 'wasm', trainSteps: 200, metricsGap: 100, evalEvery: null },
  { backend: 'webgl', trainSteps: 60, metricsGap: 40, evalEvery: '20' },
] as const;

/**
 * The status loss of `count` distinct steps while training runs; per-batch losses are noisy, their mean is not.
 * Collected in the page as the status line changes (a MutationObserver), so no step shown is missed or read twice.
 */
async function sampleLosses(count: number, timeout = 120_000): Promise<number[]> {
  const outcome = await playground.page.evaluate(
    ({ count, timeout }) =>
      new Promise<{ losses: number[]; complete: boolean }>((resolve) => {
        const losses: number[] = [];
        let lastStep: string | null = null;
        const read = () => {
          const el = document.querySelector('[role="status"]');
          const step = el?.getAttribute('data-step') ?? null;
          const loss = /loss\s+(-?[\d.]+(?:e[-+]?\d+)?|NaN|Infinity)/i.exec(el?.textContent ?? '');
          if (step !== null && step !== lastStep && loss) {
            losses.push(Number(loss[1]));
            lastStep = step;
          }
          return losses.length >= count;
        };
        const finish = (complete: boolean) => {
          observer.disconnect();
          clearTimeout(timer);
          resolve({ losses, complete });
        };
        const observer = new MutationObserver(() => {
          if (read()) finish(true);
        });
        observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
        const timer = setTimeout(() => finish(false), timeout);
        if (read()) finish(true);
      }),
    { count, timeout },
  );
  if (!outcome.complete) {
    throw new Error(`only ${outcome.losses.length} of ${count} step losses shown within ${timeout} ms`);
  }
  return outcome.losses;
}

/** Waits until the metrics readout holds values of some evaluation at or after `atLeast`. */
async function waitForMetrics(atLeast: number, timeout = 60_000): Promise<MetricsReading> {
  let last: MetricsReading | undefined;
  await expect
    .poll(
      async () => {
        last = await metricsOf(playground.page);
        return last.step !== null && last.step >= atLeast && last.values.mapAtR !== null ? last.step : -1;
      },
      { timeout, interval: 200, message: `held-out metrics of a step ≥ ${atLeast}` },
    )
    .toBeGreaterThanOrEqual(atLeast);
  return last!;
}

describe.each(PLANS)('default demo on the $backend backend', ({ backend, trainSteps, metricsGap, evalEvery }) => {
  it('trains: the step advances, the loss falls, MAP@R rises and the scatter changes', async () => {
    const { page } = playground;
    await playground.open(`?backend=${backend}`);
    if (evalEvery !== null) {
      await setControl(page, 'Evaluate every (steps)', evalEvery);
      await waitForState(page, 'ready', 60_000);
    }
    const ready = await statusOf(page);
    expect(ready.backend).toBe(backend);
    expect(ready.step).toBe(0);
    expect(ready.text).toMatch(/^Step 0 · epoch \d+ · loss – · .*backend \w+/);

    // Three single steps give exact early losses (and an evaluation of the barely trained network).
    const early: number[] = [];
    for (let k = 1; k <= 3; k++) {
      await page.getByRole('button', { name: 'Step', exact: true }).click();
      const s = await waitForStep(page, k, 20_000);
      expect(s.step).toBe(k);
      await expect.poll(async () => (await statusOf(page)).loss).not.toBeNull();
      early.push((await statusOf(page)).loss!);
    }
    const earlyMetrics = await waitForMetrics(0, 30_000);
    await expect.poll(async () => (await scatterOf(page)).snapshotStep, { timeout: 30_000 }).not.toBeNull();
    const earlyScatter = await scatterOf(page);
    expect(earlyScatter.points).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForState(page, 'running');
    await waitForStep(page, trainSteps, 240_000);
    const late = await sampleLosses(10);
    // Loss falls: the mean of ten later batches is below the mean of the first three.
    expect(mean(late), `early ${early.join(', ')}; late ${late.join(', ')}`).toBeLessThan(mean(early));

    const laterMetrics = await waitForMetrics(earlyMetrics.step! + metricsGap, 90_000);
    expect(laterMetrics.values.mapAtR!).toBeGreaterThan(earlyMetrics.values.mapAtR! + 0.02);

    await expect
      .poll(async () => (await scatterOf(page)).snapshotStep ?? -1, { timeout: 30_000 })
      .toBeGreaterThan(earlyScatter.snapshotStep!);
    const laterScatter = await scatterOf(page);
    expect(laterScatter.pixels).not.toBe(earlyScatter.pixels);
    // Points and links are painted off the main thread (painter.worker.ts), not by the page's fallback.
    await expect(page.getByLabel('Embedding scatter', { exact: true }).getAttribute('data-painter')).resolves.toBe(
      'worker',
    );

    const running = await statusOf(page);
    expect(running.backend).toBe(backend);
    expect(running.text).toMatch(/^Step \d+ · epoch \d+ · loss [\d.]+ · [\d.]+ steps\/s · backend \w+$/);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused');
    // WebGL here is SwiftShader (software): slower than WASM on a 2-core CI machine, hence the long bound.
  }, 360_000);
});

describe('controls', () => {
  it('Pause stops the loop and Step advances exactly one batch', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 20, 60_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused', 5_000);
    await expect(page.getByRole('button', { name: 'Train', exact: true }).isVisible()).resolves.toBe(true);

    // The worker reports 'paused' with the step it stopped at, after every progress event of the loop.
    const paused = (await statusOf(page)).step;

    // Stopped, not slowed: the worker takes a Step only between two slices of a running loop, so had the loop gone
    // on after the pause, the Step would settle more than one step on. The Step's metrics mark where it settled.
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    const settled = await waitForMetrics(paused + 1, 10_000);
    expect(settled.step).toBe(paused + 1);
    const after = await statusOf(page);
    expect(after.step).toBe(paused + 1);
    expect(after.state).toBe('paused');
  });
});
