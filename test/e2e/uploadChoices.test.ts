/**
 * Long and ambiguous uploads in a real browser: a file that could be read two ways is refused with one button per
 * reading, and the chosen reading loads and trains while the previous dataset stays until then; a large upload
 * shows its progress and a Cancel button, and after Cancel the previous dataset still trains.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertTexts, openPanel, statusOf, usePlayground, waitForState, waitForStep } from './harness';

const playground = usePlayground();

/** Train is pressed, `steps` more steps are awaited, then Pause. */
async function trainSome(steps: number): Promise<void> {
  const { page } = playground;
  const before = (await statusOf(page)).step;
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await expect.poll(() => train.isEnabled(), { message: 'Train is enabled' }).toBe(true);
  await train.click();
  await waitForStep(page, before + steps, 60_000);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await waitForState(page, 'paused');
}

describe('upload choices and cancel', () => {
  it('an ambiguous CSV offers its readings as buttons; the chosen one loads and trains', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    const dataset = page.getByLabel('Dataset', { exact: true });
    const before = await dataset.inputValue();
    // "y" and "label" both read like class labels: which one is meant is the user's call.
    const lines = ['x,y,label'];
    for (let i = 0; i < 90; i++) lines.push(`${((i % 3) * 4 + (i % 7) * 0.1).toFixed(2)},${i % 5},c${i % 3}`);
    await openPanel(page, 'Data');
    await page.getByLabel('Upload data').setInputFiles({
      name: 'two-labels.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${lines.join('\n')}\n`),
    });
    const alert = page.getByRole('alert').filter({ hasText: 'two-labels.csv' });
    await alert.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/several columns could hold the labels/);
    const choices = page.getByRole('group', { name: 'Read the file as' });
    expect(await choices.getByRole('button').allTextContents()).toEqual(['Label column "label"', 'Label column "y"']);
    expect(await dataset.inputValue()).toBe(before);

    await choices.getByRole('button', { name: 'Label column "label"' }).click();
    const summary = page.getByRole('region', { name: 'Upload summary' });
    await summary.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await summary.textContent()).toMatch(/90 samples · 3 classes.*label column "label"/);
    expect(await alertTexts(page)).toEqual([]);
    expect(await dataset.inputValue()).toBe(before);
    await summary.getByRole('button', { name: 'Use this data' }).click();
    await expect.poll(() => dataset.inputValue(), { timeout: 30_000 }).toBe('upload:two-labels.csv');
    await waitForState(page, 'ready', 30_000);
    await trainSome(10);
    expect(await alertTexts(page)).toEqual([]);
  }, 240_000);

  it('a large upload shows its progress and can be cancelled; the previous dataset still trains', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    const dataset = page.getByLabel('Dataset', { exact: true });
    const before = await dataset.inputValue();
    const folder = mkdtempSync(join(tmpdir(), 'big-upload-'));
    try {
      const path = join(folder, 'big.csv');
      const rows: string[] = ['a,b,c,d,label'];
      for (let i = 0; i < 500_000; i++)
        rows.push(`${(i % 991) * 0.013},${(i % 37) - 18.5},${i % 1013},${(i % 7) * 1.25},k${i % 5}`);
      writeFileSync(path, `${rows.join('\n')}\n`);
      await openPanel(page, 'Data');
      await page.getByLabel('Upload data').setInputFiles(path);
      const status = page.getByRole('status').filter({ hasText: 'Reading the upload' });
      await status.waitFor({ state: 'visible', timeout: 30_000 });
      expect(await page.getByRole('progressbar', { name: 'Parsing upload' }).count()).toBe(1);
      await page.getByRole('button', { name: 'Cancel upload' }).click();
      await status.waitFor({ state: 'detached', timeout: 10_000 });
      expect(await page.getByRole('region', { name: 'Upload summary' }).count()).toBe(0);
      expect(await alertTexts(page)).toEqual([]);
      expect(await dataset.inputValue()).toBe(before);
      await trainSome(10);
      expect(await page.getByRole('region', { name: 'Upload summary' }).count()).toBe(0);
      expect(await alertTexts(page)).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 240_000);
});
