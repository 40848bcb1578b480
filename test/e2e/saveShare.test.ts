/**
 * Save and share in a real browser (WASM backend, few steps): a shareable link sets up the settings and reports
 * what it cannot use; the autosave survives a page reload (step and weights); the downloaded TF.js model loads back
 * into a fresh run with the same held-out metrics; an experiment file round-trips, and bad files get an alert and
 * change nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  alertTexts,
  metricsOf,
  openPanel,
  statusOf,
  usePlayground,
  waitForState,
  waitForStep,
  type MetricsReading,
} from './harness';

const playground = usePlayground();
const downloads = mkdtempSync(join(tmpdir(), 'siamese-downloads-'));

afterAll(() => rmSync(downloads, { recursive: true, force: true }));

const panel = (page: Page) => page.getByRole('region', { name: 'Save and share' });
/** Margin and miner are key settings on the main screen. */
const keySettings = (page: Page) => page.getByRole('region', { name: 'Key settings' });

/** The seed, read in the model panel (which the drawer shows instead of the Save and share panel). */
async function seedOf(page: Page): Promise<string> {
  const model = await openPanel(page, 'Model');
  return model.getByLabel('Seed', { exact: true }).inputValue();
}

/** Clicks `name` in the Save and share panel and returns the saved download's path. */
async function download(page: Page, name: string): Promise<{ path: string; file: Download }> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    panel(page).getByRole('button', { name, exact: true }).click(),
  ]);
  const path = join(downloads, file.suggestedFilename());
  await file.saveAs(path);
  return { path, file };
}

/** The metrics readout once it shows the evaluation of exactly `step`. */
async function metricsAt(page: Page, step: number): Promise<MetricsReading> {
  let last: MetricsReading | undefined;
  await expect
    .poll(
      async () => {
        last = await metricsOf(page);
        return last.step === step && last.values.mapAtR !== null ? last.step : -1;
      },
      { timeout: 60_000, interval: 100, message: `held-out metrics of step ${step}` },
    )
    .toBe(step);
  return last!;
}

/** Trains with single steps (exact and quick) and returns the status at the end. */
async function stepTimes(page: Page, count: number): Promise<number> {
  const start = (await statusOf(page)).step;
  for (let k = 1; k <= count; k++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, start + k, 30_000);
  }
  await waitForState(page, 'paused');
  return start + count;
}

describe('shareable links', () => {
  it('a link with non-default margin, miner and seed sets up the settings; Copy link writes it back', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm&dataset=iris&seed=7&margin=0.35&miner=semi-hard');
    expect(await page.getByLabel('Dataset', { exact: true }).inputValue()).toBe('iris');
    const model = keySettings(page);
    expect(await model.getByLabel('Margin', { exact: true }).inputValue()).toBe('0.35');
    expect(await model.getByLabel('Miner', { exact: true }).inputValue()).toBe('semi-hard');
    expect(await seedOf(page)).toBe('7');
    expect(await alertTexts(page)).toEqual([]);

    await openPanel(page, 'Save & share');

    await panel(page).getByRole('button', { name: 'Copy link to this setup' }).click();
    const link = panel(page).getByLabel('Shareable link', { exact: true });
    expect(await link.inputValue()).toBe(`${playground.baseUrl}/?dataset=iris&seed=7&margin=0.35&miner=semi-hard`);
    await panel(page).getByLabel('Classroom link', { exact: true }).check();
    expect(await link.inputValue()).toBe(
      `${playground.baseUrl}/?dataset=iris&seed=7&margin=0.35&miner=semi-hard&classroom=1`,
    );
    // A change in the form changes the link.
    await model.getByLabel('Margin', { exact: true }).fill('0.5');
    await expect.poll(() => link.inputValue()).toContain('margin=0.5');
  });

  it('unknown keys and out-of-range values are listed in an alert and not used', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm&dataset=iris&colour=red&miner=hardest&margin=-1&seed=5');
    const problems = page.getByRole('alert', { name: 'Link problems' });
    const items = await problems.getByRole('listitem').allTextContents();
    expect(items).toEqual([
      '"colour" is not a setting links know; it was ignored',
      '"miner=hardest" is not a known miner; allowed: all, hard, semi-hard, easy, batch-hard, random; the default (all) is used',
      '"margin=-1" cannot be used: objective.margin is -1; it must be a number greater than 0 and at most 100; the default (0.2) is used',
    ]);
    const model = keySettings(page);
    expect(await model.getByLabel('Margin', { exact: true }).inputValue()).toBe('0.2');
    expect(await model.getByLabel('Miner', { exact: true }).inputValue()).toBe('all');
    expect(await seedOf(page)).toBe('5');
  });
});

describe('autosave', () => {
  it('survives a page reload: the step and the weights come back, and training goes on', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    await openPanel(page, 'Save & share');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 30, 90_000);
    // Saved every few seconds while it trains...
    const autosaved = () =>
      panel(page)
        .locator('[data-autosave-step]')
        .getAttribute('data-autosave-step')
        .catch(() => null);
    await expect.poll(autosaved, { timeout: 15_000, message: 'an autosave while training' }).not.toBeNull();
    expect((await statusOf(page)).state).toBe('running');
    // Written by the run writer's worker, not on the page's main thread.
    expect(page.workers().some((w) => w.url().includes('runWriter.worker'))).toBe(true);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const paused = await waitForState(page, 'paused');
    const before = await metricsAt(page, paused.step);
    // ...and when it pauses.
    await expect
      .poll(autosaved, { timeout: 30_000, message: 'autosaved at the paused step' })
      .toBe(String(paused.step));

    await page.reload();
    await expect
      .poll(
        async () => {
          const s = await statusOf(page);
          return `${s.state} ${s.step}`;
        },
        { timeout: 90_000, interval: 200, message: 'the reloaded page continues the autosaved run' },
      )
      .toBe(`paused ${paused.step}`);
    await openPanel(page, 'Save & share');
    const after = await metricsAt(page, paused.step);
    // Same weights → the same held-out metrics, to the digit.
    expect(after.values).toEqual(before.values);
    expect(await panel(page).textContent()).toContain('Opened your last run');
    const saved = panel(page).getByRole('list', { name: 'Saved runs' });
    expect(
      await saved.getByRole('button', { name: /^Reopen fashion-mnist · triplet \/ all · step \d+/ }).count(),
    ).toBeGreaterThan(0);

    // Training goes on from the restored step, and is saved into the same run.
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, paused.step + 1, 30_000);
    await expect.poll(autosaved, { timeout: 30_000 }).toBe(String(paused.step + 1));
    expect(await alertTexts(page)).toEqual([]);

    // Delete removes a saved run from the list.
    const reopenButtons = panel(page).getByRole('button', { name: /^Reopen / });
    const count = await reopenButtons.count();
    const name = (await reopenButtons.first().getAttribute('aria-label'))!.replace(/^Reopen /, '');
    expect(name).toContain(`step ${paused.step + 1}`);
    await panel(page)
      .getByRole('button', { name: `Delete ${name}`, exact: true })
      .click();
    await expect.poll(() => reopenButtons.count()).toBe(count - 1);
  });
});

describe('model and experiment files', () => {
  it('Download model (TF.js) → Reset → Load model gives back the same held-out metrics; a broken file is refused', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm&dataset=iris&seed=3');
    await openPanel(page, 'Save & share');
    const step = await stepTimes(page, 8);
    const trained = await metricsAt(page, step);
    const model = await download(page, 'Download model (TF.js)');
    expect(model.file.suggestedFilename()).toBe('siamese-tower-iris-step8.zip');

    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await waitForState(page, 'ready');
    const fresh = await metricsAt(page, 0);
    expect(fresh.values).not.toEqual(trained.values);

    await panel(page).getByLabel('Load model', { exact: true }).setInputFiles(model.path);
    await expect
      .poll(() => panel(page).textContent(), { timeout: 30_000 })
      .toContain('Loaded the model siamese-tower-iris-step8.zip');
    // The run's step stays 0; its held-out metrics become those of the exported network.
    await expect
      .poll(async () => (await metricsOf(page)).values, { timeout: 30_000, message: 'metrics of the loaded model' })
      .toEqual(trained.values);
    expect((await statusOf(page)).step).toBe(0);

    // A truncated zip: a specific alert, and the loaded weights stay.
    const bytes = readFileSync(model.path);
    await panel(page)
      .getByLabel('Load model', { exact: true })
      .setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: bytes.subarray(0, 300) });
    const alert = panel(page).getByRole('alert');
    await alert.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/^broken\.zip (is not a readable zip|holds no model\.json)/);
    expect((await metricsOf(page)).values).toEqual(trained.values);
  });

  it('Export experiment → Reset → Import experiment restores step, configuration and weights; bad files change nothing', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm&dataset=iris&seed=4&margin=0.3');
    await openPanel(page, 'Save & share');
    const step = await stepTimes(page, 6);
    const trained = await metricsAt(page, step);
    const experiment = await download(page, 'Export experiment');
    expect(experiment.file.suggestedFilename()).toBe('experiment-iris-step6.json');
    const doc = JSON.parse(readFileSync(experiment.path, 'utf8'));
    expect(doc).toMatchObject({
      format: 'siamese-playground-experiment',
      version: 1,
      seed: 4,
      step: 6,
      dataset: { kind: 'builtin', name: 'iris' },
    });

    await keySettings(page).getByLabel('Margin', { exact: true }).fill('0.6');
    await waitForState(page, 'ready');
    expect((await statusOf(page)).step).toBe(0);

    await panel(page).getByLabel('Import experiment', { exact: true }).setInputFiles(experiment.path);
    await expect
      .poll(async () => `${(await statusOf(page)).state} ${(await statusOf(page)).step}`, { timeout: 60_000 })
      .toBe('paused 6');
    expect(await keySettings(page).getByLabel('Margin', { exact: true }).inputValue()).toBe('0.3');
    expect((await metricsAt(page, 6)).values).toEqual(trained.values);

    // Truncated JSON and another version: specific alerts; the reopened run stays as it is.
    const text = readFileSync(experiment.path, 'utf8');
    const input = panel(page).getByLabel('Import experiment', { exact: true });
    await input.setInputFiles({
      name: 'cut.json',
      mimeType: 'application/json',
      buffer: Buffer.from(text.slice(0, 500)),
    });
    const alert = panel(page).getByRole('alert');
    await expect
      .poll(() => alert.textContent().catch(() => ''))
      .toBe(
        'cut.json is cut short: its JSON ends before the experiment does (the file is truncated); nothing was changed',
      );
    await input.setInputFiles({
      name: 'future.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...doc, version: 9 })),
    });
    await expect
      .poll(() => alert.textContent().catch(() => ''))
      .toBe(
        'future.json was saved by a newer Siamese Playground (experiment format version 9); this app reads version 1 only; nothing was changed',
      );
    const status = await statusOf(page);
    expect(`${status.state} ${status.step}`).toBe('paused 6');
  });
});
