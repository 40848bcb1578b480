/**
 * Query against reference on the page: while training runs, the button beside the held-out metrics asks the worker
 * to rank the held-out queries against the training set, and P@1, R-precision and MAP@R of that protocol appear
 * under its own label with the step they were computed at; once training moves on they are marked stale, and
 * asking again while paused gives the figures of the paused step.
 */
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { metricsOf, openPanel, statusOf, usePlayground, waitForState, waitForStep } from './harness';

const playground = usePlayground();

async function figuresOf(block: Locator): Promise<{ step: number; values: Record<string, number> }> {
  return block.getByLabel('Reference metrics', { exact: true }).evaluate((dl) => {
    const values: Record<string, number> = {};
    for (const el of dl.querySelectorAll('[data-metric]'))
      values[el.getAttribute('data-metric') ?? ''] = Number.parseFloat(el.textContent ?? '');
    return { step: Number(dl.getAttribute('data-step')), values };
  });
}

describe('held-out queries vs training set', () => {
  it('ranks against the training set on request while training and while paused, and marks old figures stale', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    // The button is a cell of the held-out metrics; the figures appear under them, in a region named for the protocol.
    const button = page
      .getByLabel('Held-out metrics', { exact: true })
      .getByRole('button', { name: 'Rank against training set' });
    const block = page.getByRole('region', { name: 'Held-out queries vs training set (reference)' });
    expect(await button.isEnabled()).toBe(true);
    expect(await block.count()).toBe(0);

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 40, 120_000);
    await button.click();
    // The worker answers between two slices: the figures arrive while the run goes on.
    const figures = block.getByLabel('Reference metrics', { exact: true });
    await figures.waitFor({ timeout: 60_000 });
    const during = await figuresOf(block);
    expect(during.step).toBeGreaterThanOrEqual(40);
    expect((await statusOf(page)).state).toBe('running');
    for (const key of ['precisionAt1', 'rPrecision', 'mapAtR']) {
      expect(during.values[key], key).toBeGreaterThan(0);
      expect(during.values[key], key).toBeLessThanOrEqual(1);
    }
    expect(await block.textContent()).toContain('held-out queries vs training set (reference)');
    expect(await block.textContent()).toContain('leave-one-out');

    // Training moves on: the figures say the step they belong to and that they are stale.
    await waitForStep(page, during.step + 20, 120_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const paused = await waitForState(page, 'paused');
    await expect
      .poll(() => block.textContent())
      .toContain(`At step ${during.step}; stale: the run is at step ${paused.step}.`);

    // Asked again while paused: the paused step's figures, current, beside the leave-one-out ones of that step.
    await button.click();
    await expect.poll(async () => (await figuresOf(block)).step, { timeout: 60_000 }).toBe(paused.step);
    await expect.poll(() => block.textContent()).toContain(`At step ${paused.step} (current).`);
    await expect.poll(async () => (await metricsOf(page)).step).toBe(paused.step);
    const held = await metricsOf(page);
    expect(held.values.precisionAt1).toBeGreaterThan(0);
    const after = await figuresOf(block);
    for (const key of ['precisionAt1', 'rPrecision', 'mapAtR']) expect(after.values[key], key).toBeGreaterThan(0);
  }, 240_000);

  it('under the unseen-class protocol there is no button, and the reason is in words', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    const drawer = await openPanel(page, 'Data');
    const control = drawer.getByRole('group', { name: 'Unseen classes (held out of training)' });
    await control.getByRole('radio', { name: 'Pick classes' }).check();
    await page.keyboard.press('Escape');
    await waitForState(page, 'ready', 90_000);
    const protocol = page.getByRole('note', { name: 'Evaluation protocol' });
    await expect.poll(() => protocol.textContent()).toMatch(/^Unseen classes only: /);
    expect(await page.getByRole('button', { name: 'Rank against training set' }).count()).toBe(0);
    const metrics = page.getByLabel('Held-out metrics', { exact: true });
    const cell = metrics.getByRole('definition').filter({ hasText: 'does not apply' });
    expect(await cell.getAttribute('aria-describedby')).toBe('reference-note');
    const block = page.getByRole('region', { name: 'Held-out queries vs training set (reference)' });
    expect(await block.textContent()).toBe(
      'Not ranked against the training set: under the unseen-class protocol no held-out class has a training sample.',
    );
  }, 120_000);
});
