/**
 * The unseen-class protocol on the page: the Data panel holds classes out, the metrics area says which protocol its
 * numbers follow, the scatter shows only the held-out classes, and alignment / uniformity are read out and charted.
 */
import { describe, expect, it } from 'vitest';
import { metricsOf, openPanel, scatterOf, usePlayground, waitForState, waitForStep } from './harness';

const playground = usePlayground();

describe('unseen classes', () => {
  it('picking classes to hold out labels the metrics with that protocol and measures only those classes', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    const drawer = await openPanel(page, 'Data');
    const control = drawer.getByRole('group', { name: 'Unseen classes (held out of training)' });
    await control.getByRole('radio', { name: 'Pick classes' }).check();
    // The upper half is picked first (Sandal, Shirt, Sneaker, Bag, Ankle boot); Bag goes back to training.
    const picks = control.getByRole('group', { name: 'Classes held out' });
    await expect.poll(() => picks.getByRole('checkbox', { name: 'Bag' }).isChecked()).toBe(true);
    await picks.getByRole('checkbox', { name: 'Bag' }).uncheck();
    await expect.poll(() => control.textContent()).toMatch(/Training never sees Sandal, Shirt, Sneaker, Ankle boot;/);
    // Six classes are left to train on: the 8-class batch is refitted and the panel says so.
    await expect
      .poll(() => control.textContent())
      .toMatch(/only 6 classes are left to train on, so a P×K batch of 64 takes 4 classes × 16 samples/);

    const protocol = page.getByRole('note', { name: 'Evaluation protocol' });
    await expect
      .poll(() => protocol.textContent())
      .toBe(
        'Unseen classes only: Sandal, Shirt, Sneaker, Ankle boot (never trained on; threshold chosen on seen classes)',
      );

    await page.keyboard.press('Escape');
    // Each change of the option starts a new run: its split and upload must be ready before Train is enabled.
    await waitForState(page, 'ready', 90_000);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 120, 120_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused');
    await expect
      .poll(async () => (await metricsOf(page)).values.uniformity, { timeout: 60_000, interval: 250 })
      .not.toBeNull();
    const { values } = await metricsOf(page);
    for (const key of ['precisionAt1', 'mapAtR', 'rPrecision', 'pairAccuracy', 'seenMapAtR']) {
      expect(values[key], key).toBeGreaterThan(0);
      expect(values[key], key).toBeLessThanOrEqual(1);
    }
    expect(values.alignment).toBeGreaterThan(0);
    expect(values.uniformity).toBeLessThan(0);
    // Held-out points of the 4 unseen classes only: 200 test images each.
    await expect.poll(async () => (await scatterOf(page)).points).toBe(800);
    await page
      .getByRole('radiogroup', { name: 'Held-out chart' })
      .getByRole('radio', { name: 'Alignment and uniformity' })
      .check();
    const chart = page.getByRole('figure', { name: 'Geometry chart', exact: true });
    expect(await chart.textContent()).not.toContain('No alignment or uniformity yet');
    expect(await chart.getByRole('img').getAttribute('aria-label')).toMatch(
      /Alignment [\d.]+, Uniformity .+ \(step \d+\)/,
    );

    // Off again: the label goes back to the usual protocol.
    const again = await openPanel(page, 'Data');
    await again.getByRole('radio', { name: 'Off' }).check();
    await expect.poll(() => protocol.textContent()).toBe('Held-out samples of the training classes');
  }, 300_000);

  it('a count that leaves fewer than 2 seen classes is refused with the reason, and nothing runs with it', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm&dataset=digits');
    const drawer = await openPanel(page, 'Data');
    const control = drawer.getByRole('group', { name: 'Unseen classes (held out of training)' });
    await control.getByRole('radio', { name: 'A seeded count' }).check();
    const count = control.getByRole('spinbutton', { name: 'Number of unseen classes' });
    await count.fill('9');
    await expect
      .poll(() => page.getByRole('alert').allTextContents())
      .toContainEqual(expect.stringMatching(/holding out 9 of 10 classes leaves 1 to train on/));
    await count.fill('3');
    await expect
      .poll(() => page.getByRole('note', { name: 'Evaluation protocol' }).textContent())
      .toMatch(/^Unseen classes only: \d, \d, \d /);
  });
});
