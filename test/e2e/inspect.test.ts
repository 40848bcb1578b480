/**
 * Inspect, in a real browser: the neighbours the page lists are the true nearest held-out samples
 * (recomputed here from the embeddings the page used), the comparison verdict follows the threshold, a drawn query
 * lists its true nearest; the timeline replays exactly the stored snapshots; kept runs are compared with their
 * configuration differences; UMAP and t-SNE views are computed off the main thread while the page stays responsive.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { distanceJs } from '../../src/core/distances';
import type { DistanceName } from '../../src/core/config';
import {
  openPanel,
  scatterOf,
  setControl,
  statusOf,
  usePlayground,
  waitForScatterSettled,
  waitForState,
  waitForStep,
} from './harness';

const playground = usePlayground();

interface Embeddings {
  step: number;
  n: number;
  dim: number;
  values: number[];
  labels: number[];
  distance: DistanceName;
}

/** The held-out embeddings of the page's current step, through the ?debug=1 hook. */
async function fetchEmbeddings(page: Page, step: number): Promise<Embeddings> {
  await page.getByRole('button', { name: 'Fetch embeddings (debug)' }).click();
  await expect
    .poll(
      () =>
        page.evaluate(
          () =>
            (window as unknown as { __siameseInspect?: { embeddings?: { step: number } | null } }).__siameseInspect
              ?.embeddings?.step ?? -1,
        ),
      { timeout: 20_000 },
    )
    .toBe(step);
  return page.evaluate(() => {
    const e = (
      window as unknown as {
        __siameseInspect: {
          embeddings: {
            step: number;
            n: number;
            dim: number;
            values: Float32Array;
            labels: Int32Array;
            distance: string;
          };
        };
      }
    ).__siameseInspect.embeddings;
    return {
      step: e.step,
      n: e.n,
      dim: e.dim,
      values: Array.from(e.values),
      labels: Array.from(e.labels),
      distance: e.distance,
    } as Embeddings;
  });
}

/** The true k nearest of `query` among the embeddings (full sort, ties by index), leaving out `exclude`. */
function trueNearest(
  e: Embeddings,
  query: ArrayLike<number>,
  k: number,
  exclude?: number,
): { index: number; distance: number }[] {
  const rows = Float32Array.from(e.values);
  return Array.from({ length: e.n }, (_, i) => ({
    index: i,
    distance: distanceJs(e.distance, query, rows.subarray(i * e.dim, (i + 1) * e.dim)),
  }))
    .filter((c) => c.index !== exclude)
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, k);
}

/** The rows of a neighbour list: point number and distance as the page lists them. */
async function listed(page: Page, listLabel: string): Promise<{ index: number; distance: number }[]> {
  return page.getByRole('list', { name: listLabel }).evaluate((ol) =>
    [...ol.querySelectorAll('li')].map((li) => ({
      index: Number(li.getAttribute('data-index')),
      distance: Number(li.getAttribute('data-distance')),
    })),
  );
}

/** Moves over the scatter until a point's tooltip shows, and returns that spot. */
/**
 * Hovers outward from the scatter's centre until a point's tooltip shows. Waits first until the scatter has stopped
 * moving (two identical pictures in a row): right after a snapshot arrives its points still ease to their new places
 * for a few hundred milliseconds, and a point found then may have moved away by the time it is clicked.
 */
async function findPoint(page: Page): Promise<{ x: number; y: number }> {
  let previous = '';
  await expect
    .poll(
      async () => {
        const { pixels } = await scatterOf(page);
        const still = pixels === previous;
        previous = pixels;
        return still;
      },
      { timeout: 20_000, interval: 300 },
    )
    .toBe(true);
  const box = (await page.getByLabel('Embedding scatter', { exact: true }).boundingBox())!;
  for (let r = 0; r < 200; r += 6) {
    for (let a = 0; a < 360; a += r === 0 ? 360 : 30) {
      const x = box.x + box.width / 2 + r * Math.cos((a * Math.PI) / 180);
      const y = box.y + box.height / 2 + r * Math.sin((a * Math.PI) / 180);
      await page.mouse.move(x, y);
      if (await page.getByRole('tooltip').isVisible()) return { x, y };
    }
  }
  throw new Error('no point found on the scatter');
}

/**
 * Records every snapshot step the scatter shows from now on (each change of its `data-snapshot-step`, as the page
 * commits it), and with `current` the one it shows now; read with scatterStepsRecorded.
 */
async function recordScatterSteps(page: Page, current: boolean): Promise<void> {
  await page.getByLabel('Embedding scatter', { exact: true }).evaluate((canvas, withCurrent) => {
    const w = window as unknown as { __scatterSteps: number[]; __scatterObserver?: MutationObserver };
    w.__scatterObserver?.disconnect();
    w.__scatterSteps = [];
    const record = () => {
      const step = canvas.getAttribute('data-snapshot-step');
      if (step !== null && step !== '' && Number(step) !== w.__scatterSteps.at(-1)) w.__scatterSteps.push(Number(step));
    };
    if (withCurrent) record();
    w.__scatterObserver = new MutationObserver(record);
    w.__scatterObserver.observe(canvas, { attributes: true, attributeFilter: ['data-snapshot-step'] });
  }, current);
}

function scatterStepsRecorded(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __scatterSteps: number[] }).__scatterSteps);
}

async function stepTimes(page: Page, count: number): Promise<number> {
  let step = (await statusOf(page)).step;
  for (let i = 0; i < count; i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    step = (await waitForStep(page, step + 1, 20_000)).step;
  }
  await waitForState(page, 'paused');
  return step;
}

describe('neighbours, comparison and query by example', () => {
  it('lists the true nearest held-out samples of a clicked point, compares two, and looks up a drawing', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm&debug=1');
    const step = await stepTimes(page, 3);
    await expect.poll(async () => (await scatterOf(page)).snapshotStep, { timeout: 20_000 }).toBe(step);
    await openPanel(page, 'Inspect');

    // Click a point: it becomes sample A and its neighbours are listed.
    const spot = await findPoint(page);
    await page.mouse.click(spot.x, spot.y);
    const panel = page.getByRole('region', { name: 'Nearest neighbours' });
    await expect.poll(() => panel.getAttribute('data-selected')).not.toBe('');
    const selected = Number(await panel.getAttribute('data-selected'));
    await expect.poll(() => panel.getAttribute('data-step'), { timeout: 20_000 }).toBe(String(step));
    const embeddings = await fetchEmbeddings(page, step);
    expect(embeddings.n).toBeGreaterThan(100);
    const query = embeddings.values.slice(selected * embeddings.dim, (selected + 1) * embeddings.dim);
    const five = await listed(page, 'Neighbour list');
    const expected5 = trueNearest(embeddings, query, 5, selected);
    expect(five.map((r) => r.index)).toEqual(expected5.map((r) => r.index));
    five.forEach((r, i) => expect(r.distance).toBeCloseTo(expected5[i].distance, 4));

    // Ten neighbours.
    await panel.getByLabel('Neighbours to list').selectOption('10');
    await expect.poll(async () => (await listed(page, 'Neighbour list')).length, { timeout: 20_000 }).toBe(10);
    expect((await listed(page, 'Neighbour list')).map((r) => r.index)).toEqual(
      trueNearest(embeddings, query, 10, selected).map((r) => r.index),
    );

    // Compare with the 10th neighbour: the distance is the embedding distance; the verdict follows the threshold.
    const b = expected5[4].index;
    await panel.getByLabel('Sample B').fill(String(b));
    const verdict = panel.locator('p.comparison');
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 20_000 }).toMatch(/^(same|different)$/);
    const d = Number(await verdict.getAttribute('data-distance'));
    const threshold = Number(await verdict.getAttribute('data-threshold'));
    expect(d).toBeCloseTo(expected5[4].distance, 4);
    expect(await verdict.getAttribute('data-verdict')).toBe(d <= threshold ? 'same' : 'different');
    await expect(verdict.textContent()).resolves.toMatch(
      /threshold [\d.]+ \(best of the last evaluation\) → (same|different)/,
    );

    // Draw a stroke: the drawing is embedded and its listed neighbours are the true nearest of its embedding.
    // The pad is in the drawer, which scrolls inside itself: bring it into sight before drawing with the mouse.
    await page.getByRole('img', { name: 'Draw a sample' }).scrollIntoViewIfNeeded();
    const pad = (await page.getByRole('img', { name: 'Draw a sample' }).boundingBox())!;
    await page.mouse.move(pad.x + pad.width * 0.3, pad.y + pad.height * 0.2);
    await page.mouse.down();
    for (let t = 0; t <= 10; t++)
      await page.mouse.move(pad.x + pad.width * (0.3 + 0.04 * t), pad.y + pad.height * (0.2 + 0.06 * t));
    await page.mouse.up();
    const queryList = page.getByRole('list', { name: 'Query neighbours' });
    await expect
      .poll(async () => (await queryList.count()) > 0 && (await listed(page, 'Query neighbours')).length, {
        timeout: 20_000,
      })
      .toBe(10);
    const q = await page.evaluate(() => {
      const r = (
        window as unknown as {
          __siameseInspect: {
            query: { step: number; embedding: Float32Array; neighbours: { index: number; distance: number }[] };
          };
        }
      ).__siameseInspect.query;
      return { step: r.step, embedding: Array.from(r.embedding), neighbours: r.neighbours };
    });
    expect(q.step).toBe(step);
    const expectedQ = trueNearest(embeddings, q.embedding, 10);
    expect((await listed(page, 'Query neighbours')).map((r) => r.index)).toEqual(expectedQ.map((r) => r.index));
    await expect(page.getByRole('img', { name: 'The query as the network sees it' }).isVisible()).resolves.toBe(true);
  });
});

describe('timeline', () => {
  it('scrubbing and replay show exactly the stored snapshots; Live returns to the latest', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    // Record every snapshot step the live scatter shows while training, until it has shown three (snapshots keep to
    // a share of the training time, so how many steps that takes depends on the machine).
    await recordScatterSteps(page, true);
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[role="status"][data-step]')?.getAttribute('data-step') ?? 0) >= 60 &&
        new Set((window as unknown as { __scatterSteps: number[] }).__scatterSteps).size >= 3,
      null,
      { polling: 'raf', timeout: 90_000 },
    );
    const seen = new Set(await scatterStepsRecorded(page));
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    // Paused: the run sends the snapshot of the step it stopped at; the scatter has drawn it when it settles there.
    await waitForScatterSettled(page, (await waitForState(page, 'paused')).step);
    await openPanel(page, 'Inspect');
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const stored = (await timeline.getAttribute('data-steps'))!.split(',').map(Number);
    expect(stored.length).toBeGreaterThanOrEqual(3);
    // Every snapshot the live view showed was stored (fewer than 200: nothing thinned yet).
    for (const s of seen) expect(stored).toContain(s);
    expect((await scatterOf(page)).snapshotStep).toBe(stored.at(-1));

    const slider = timeline.getByRole('slider', { name: 'Snapshot' });
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(async () => (await scatterOf(page)).snapshotStep).toBe(stored[0]);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await scatterOf(page)).snapshotStep).toBe(stored[2]);
    expect(await timeline.getAttribute('data-live')).toBe('false');

    // Replay: every frame shown is a stored snapshot, in order, ending on the last.
    // Recorded from the click on: every snapshot the scatter shows after the scrubbed one, until the replay ends.
    await recordScatterSteps(page, false);
    await timeline.getByRole('button', { name: 'Replay timeline' }).click();
    await timeline.getByRole('button', { name: 'Replay timeline' }).waitFor({ state: 'visible', timeout: 60_000 });
    const shown = await scatterStepsRecorded(page);
    expect(shown.length).toBeGreaterThanOrEqual(Math.min(stored.length, 3));
    for (const s of shown) expect(stored).toContain(s);
    expect([...shown].sort((a, b) => a - b)).toEqual(shown);
    await expect.poll(async () => (await scatterOf(page)).snapshotStep).toBe(stored.at(-1));

    // Live again, then a step: the scatter follows the run.
    await timeline.getByRole('button', { name: 'Live' }).click();
    expect(await timeline.getAttribute('data-live')).toBe('true');
    const next = await stepTimes(page, 1);
    await expect.poll(async () => (await scatterOf(page)).snapshotStep, { timeout: 20_000 }).toBe(next);
  });
});

describe('compare runs', () => {
  it('keeps two runs and shows their final metrics and only the settings that differ', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    await openPanel(page, 'Compare');
    const compare = page.getByRole('region', { name: 'Compare runs' });
    await expect(compare.getByRole('button', { name: 'Keep this run' }).isDisabled()).resolves.toBe(true);
    const first = await stepTimes(page, 3);
    await compare.getByRole('button', { name: 'Keep this run' }).click();
    const margin = await page
      .getByRole('region', { name: 'Key settings' })
      .getByLabel('Margin', { exact: true })
      .inputValue();
    expect(margin).not.toBe('0.5');
    await setControl(page, 'Margin', '0.5');
    await expect.poll(async () => (await statusOf(page)).text, { timeout: 60_000 }).toMatch(/^Step 0 /);
    await waitForState(page, 'ready', 60_000);
    const second = await stepTimes(page, 4);
    await compare.getByRole('button', { name: 'Keep this run' }).click();

    const table = compare.getByRole('table', { name: 'Final metrics' });
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        name: tr.querySelector('th')?.textContent ?? '',
        steps: Number(tr.querySelector('[data-metric="steps"]')?.textContent),
        mapAtR: tr.querySelector('[data-metric="mapAtR"]')?.textContent ?? '',
      })),
    );
    expect(rows.map((r) => [r.name, r.steps])).toEqual([
      ['Run 1', first],
      ['Run 2', second],
    ]);
    for (const r of rows) expect(r.mapAtR).toMatch(/^\d\.\d{3}$/);
    const diff = compare.getByRole('table', { name: 'Configuration differences' });
    const diffRows = await diff
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(diffRows).toEqual([['objective.margin', String(Number(margin)), '0.5']]);
    await expect(
      compare.getByRole('figure', { name: 'Compared loss' }).locator('.recharts-legend-item').count(),
    ).resolves.toBe(2);

    await compare.getByRole('button', { name: 'Remove Run 1' }).click();
    await expect(table.locator('tbody tr').count()).resolves.toBe(1);
    await expect(diff.count()).resolves.toBe(0);
  });
});

describe('projections', () => {
  it('UMAP draws the held-out points off the main thread; the page and Pause stay responsive', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    await stepTimes(page, 2);
    const pca = await scatterOf(page);
    // Longest main-thread task while UMAP and training run (PerformanceObserver long tasks).
    await page.evaluate(() => {
      const w = window as unknown as { __longest: number };
      w.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    await openPanel(page, 'Inspect');
    await page.getByLabel('Projection', { exact: true }).selectOption('umap');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const status = page.locator('[data-projection="umap"]');
    await expect.poll(() => status.getAttribute('data-projected-step'), { timeout: 90_000 }).not.toBe('');
    const pauseAt = Date.now();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused', 10_000);
    const pauseMs = Date.now() - pauseAt;
    // Paused: the view catches up with the last step and the scatter shows that UMAP layout.
    const paused = (await statusOf(page)).step;
    await expect.poll(() => status.getAttribute('data-projected-step'), { timeout: 90_000 }).toBe(String(paused));
    await waitForScatterSettled(page, paused);
    const umap = await scatterOf(page);
    expect(umap.points).toBe(pca.points);
    expect(umap.pixels).not.toBe(pca.pixels);
    await expect(status.textContent()).resolves.toMatch(
      /UMAP of step \d+: \d+ % of each point’s 10 nearest neighbours kept/,
    );
    const longest = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    expect(pauseMs, 'Pause lands quickly while UMAP runs').toBeLessThan(5_000);
    // The layout runs in its own worker, not on the page's thread.
    expect(page.workers().some((w) => w.url().includes('projection.worker'))).toBe(true);
    // Loose bounds: a busy 2-core CI machine stretches every task (plain training alone shows 100–800 ms tasks
    // there); UMAP's 2,000-point neighbour graph on the main thread would add one task of several seconds.
    expect(longest, 'no long main-thread task').toBeLessThan(2_000);
  });

  it('LDA shows the same points in another plane, with its one-line note on what each projection keeps', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    const stepped = await stepTimes(page, 2);
    // The projection control is in the Inspect panel; the scatter is measured with the drawer already open, once it
    // has drawn the paused step's snapshot (sent after the paused state).
    await openPanel(page, 'Inspect');
    await waitForScatterSettled(page, stepped);
    const pca = await scatterOf(page);
    await page.getByLabel('Projection', { exact: true }).selectOption('lda');
    await expect.poll(async () => (await scatterOf(page)).pixels, { timeout: 10_000 }).not.toBe(pca.pixels);
    await waitForScatterSettled(page);
    const lda = await scatterOf(page);
    expect(lda.points).toBe(pca.points);
    expect(lda.snapshotStep).toBe(pca.snapshotStep);
    const keeps = await page
      .getByRole('list', { name: 'What each projection keeps' })
      .getByRole('listitem')
      .allTextContents();
    expect(keeps).toHaveLength(4);
    expect(keeps.find((line) => line.startsWith('LDA'))).toMatch(/class separation/);
    // Back to PCA: the very picture of before.
    await page.getByLabel('Projection', { exact: true }).selectOption('pca');
    await expect.poll(async () => (await scatterOf(page)).pixels, { timeout: 10_000 }).toBe(pca.pixels);
  });

  it('t-SNE on iris, seeded: the same seed gives the same picture', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    await page.getByLabel('Dataset', { exact: true }).selectOption('iris');
    // Iris holds out 30 of its 150 flowers (Fashion-MNIST 2,000 images): wait for the new run's scatter.
    await expect.poll(async () => (await scatterOf(page)).points, { timeout: 60_000 }).toBe(30);
    await waitForState(page, 'ready', 30_000);
    await stepTimes(page, 2);
    await openPanel(page, 'Inspect');
    await page.getByLabel('Projection', { exact: true }).selectOption('tsne');
    const status = page.locator('[data-projection="tsne"]');
    await expect.poll(() => status.getAttribute('data-projected-step'), { timeout: 60_000 }).not.toBe('');
    await waitForScatterSettled(page);
    const a = await scatterOf(page);
    expect(a.points).toBeGreaterThan(0);
    await page.getByLabel('Projection seed').fill('2');
    await expect.poll(() => status.getAttribute('data-projected-step'), { timeout: 60_000 }).not.toBe('');
    await waitForScatterSettled(page);
    const b = await scatterOf(page);
    expect(b.pixels).not.toBe(a.pixels);
    await page.getByLabel('Projection seed').fill('1');
    await expect.poll(() => status.getAttribute('data-projected-step'), { timeout: 60_000 }).not.toBe('');
    await waitForScatterSettled(page);
    expect((await scatterOf(page)).pixels).toBe(a.pixels);
  });
});
