/**
 * The page as `npm start` serves it: React's development build, whose StrictMode mounts every component, runs its
 * effects' clean-ups and runs the effects again. Effects that are not safe to run twice break only there (a chart
 * redraw timer cleared but still remembered froze every live chart at its first data point). This file builds that
 * bundle itself and checks that the live views follow training.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, waitForState, waitForStep } from './harness';
import { type PreviewHandle, startPreview } from './server';

let server: PreviewHandle;
let browser: Browser;

beforeAll(async () => {
  server = await startPreview({ development: true });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The step an accessible chart name reads out, e.g. "Loss: … (step 141)"; null before any value. */
async function chartStep(page: Page, figure: string): Promise<number | null> {
  const name = await page
    .getByRole('figure', { name: figure, exact: true })
    .locator('canvas')
    .first()
    .getAttribute('aria-label');
  const m = /\(step (\d+)\)$/.exec(name ?? '');
  return m ? Number(m[1]) : null;
}

describe("React's development build", () => {
  it('is what this file serves, and its live charts follow training', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let devTools = false;
    page.on('console', (m) => {
      if (m.text().includes('React DevTools')) devTools = true;
    });
    await page.goto(`${server.baseUrl}/?backend=wasm`);
    await waitForState(page, 'ready', 120_000);
    expect(devTools, "React's development build greets its DevTools").toBe(true);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 40, 120_000);
    // Charts take new data at most every few hundred ms; each must reach a step well past its first data point.
    for (const figure of ['Loss chart', 'Triplet categories chart']) {
      await expect
        .poll(() => chartStep(page, figure), { timeout: 30_000, message: `${figure} follows training` })
        .toBeGreaterThanOrEqual(20);
    }
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused');
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
