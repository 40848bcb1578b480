/**
 * User data in a real browser: a CSV and an image zip are parsed in the worker, summarised, used and trained on;
 * a malformed CSV is refused with a specific alert while the previous dataset stays usable.
 */
import { describe, expect, it } from 'vitest';
import { alertTexts, openPanel, statusOf, usePlayground, waitForState, waitForStep } from './harness';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { gaussianCsv, imageFolder, imageZip, raggedCsv, type UploadFile } from './fixtures';

const playground = usePlayground();

/** Uploads through the file input, waits for the summary, checks it, uses the data and trains a few steps. */
async function uploadAndTrain(
  file: UploadFile | { folder: string; name: string },
  expected: { samples: number; classes: number; shape: RegExp },
): Promise<void> {
  const { page } = playground;
  await openPanel(page, 'Data');
  if ('folder' in file) await page.getByLabel('Upload image folder').setInputFiles(file.folder);
  else await page.getByLabel('Upload data').setInputFiles(file);
  const summary = page.getByRole('region', { name: 'Upload summary' });
  await summary.waitFor({ state: 'visible', timeout: 30_000 });
  const text = (await summary.textContent()) ?? '';
  expect(text).toContain(String(expected.samples));
  expect(text).toContain(String(expected.classes));
  expect(text).toMatch(expected.shape);
  expect(await alertTexts(page)).toEqual([]);

  await summary.getByRole('button', { name: 'Use this data' }).click();
  await summary.waitFor({ state: 'detached', timeout: 30_000 });
  const dataset = page.getByLabel('Dataset', { exact: true });
  await expect.poll(() => dataset.inputValue(), { timeout: 30_000 }).toContain(file.name);
  await waitForState(page, 'ready', 30_000);
  expect((await statusOf(page)).step).toBe(0);

  const train = page.getByRole('button', { name: 'Train', exact: true });
  await expect.poll(() => train.isEnabled(), { message: 'Train is enabled for the uploaded data' }).toBe(true);
  await train.click();
  await waitForStep(page, 10, 60_000);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await waitForState(page, 'paused');
  expect(await alertTexts(page)).toEqual([]);
}

describe('uploads', () => {
  it('a CSV of 3 Gaussian classes is summarised, used and trained on', async () => {
    await playground.open('?backend=wasm');
    await uploadAndTrain(gaussianCsv('blobs3.csv', 3, 40), { samples: 120, classes: 3, shape: /label/i });
  });

  it('a zip of class folders with PNGs is summarised, used and trained on', async () => {
    await playground.open('?backend=wasm');
    await uploadAndTrain(imageZip('shapes.zip', 3, 12), { samples: 36, classes: 3, shape: /\d+\s*[×x]\s*\d+/ });
  });

  it('a folder of class folders (the folder picker) is summarised, used and trained on', async () => {
    await playground.open('?backend=wasm');
    const folder = imageFolder(3, 10);
    try {
      await uploadAndTrain({ folder, name: 'images' }, { samples: 30, classes: 3, shape: /\d+\s*[×x]\s*\d+/ });
    } finally {
      rmSync(dirname(folder), { recursive: true, force: true });
    }
  });

  it('a ragged CSV shows a specific alert and the previous dataset still trains', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    const dataset = page.getByLabel('Dataset', { exact: true });
    const before = await dataset.inputValue();

    await openPanel(page, 'Data');
    await page.getByLabel('Upload data').setInputFiles(raggedCsv('ragged.csv', 5));
    const alert = page.getByRole('alert').filter({ hasText: 'ragged.csv' });
    await alert.waitFor({ state: 'visible', timeout: 30_000 });
    const message = (await alert.textContent()) ?? '';
    expect(message).toMatch(/ragged\.csv/);
    expect(message).toMatch(/row 5\b/);
    expect(await page.getByRole('region', { name: 'Upload summary' }).count()).toBe(0);

    expect(await dataset.inputValue()).toBe(before);
    const status = await statusOf(page);
    expect(status.state).toBe('ready');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, status.step + 10, 60_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused');
  });
});
