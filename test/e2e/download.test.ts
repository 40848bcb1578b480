/**
 * The full Fashion-MNIST is downloaded only when chosen: a progress bar and Cancel while it comes, the current
 * dataset and run usable meanwhile, and 70,000 samples with 10,000 held-out points once it has arrived.
 */
import { describe, expect, it } from 'vitest';
import { statusOf, usePlayground, waitForStep } from './harness';

const playground = usePlayground();

describe('the full Fashion-MNIST download', () => {
  it('shows progress, can be cancelled keeping the current dataset usable, and arrives when chosen again', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    const select = page.getByLabel('Dataset', { exact: true });
    expect(await select.inputValue()).toBe('fashion-mnist');
    // The payload's response is held back until the test lets it go, so the download is caught mid-way.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.context().route('**/datasets/fashion-mnist-full.bin', async (route) => {
      await held;
      await route.fallback().catch(() => undefined);
    });
    await select.selectOption('fashion-mnist-full');
    const bar = page.getByRole('progressbar', { name: 'Dataset download' });
    await bar.waitFor();
    expect(await page.getByText(/^Downloading Fashion-MNIST, all 70,000/).textContent()).toMatch(
      /stays in use until it arrives/,
    );
    // While it downloads, the current run still steps.
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, 1);
    await page.getByRole('button', { name: 'Cancel download', exact: true }).click();
    await bar.waitFor({ state: 'detached' });
    release();
    await page.context().unroute('**/datasets/fashion-mnist-full.bin');
    expect(await select.inputValue()).toBe('fashion-mnist');
    expect(await page.getByText('(14,000 samples, 10 classes)').count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, 2);

    // Chosen again, it arrives: 70,000 samples, and the run evaluates its 10,000 test images.
    await select.selectOption('fashion-mnist-full');
    await page.getByText('(70,000 samples, 10 classes)').waitFor({ timeout: 120_000 });
    expect(await select.inputValue()).toBe('fashion-mnist-full');
    await expect.poll(async () => (await statusOf(page)).state, { timeout: 60_000 }).toBe('ready');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, 1, 120_000);
    const scatter = page.getByRole('img', { name: 'Embedding scatter', exact: true });
    await expect.poll(async () => Number(await scatter.getAttribute('data-points')), { timeout: 120_000 }).toBe(10_000);
  }, 300_000);
});
