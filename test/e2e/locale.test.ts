/**
 * A browser whose language tag Intl refuses: WebKitGTK reports the POSIX locale as `navigator.language === "C"`
 * under LANG=C (Debian's default). Chromium is given the same tag before the app's scripts run; the app must still
 * start, train and draw its uPlot charts (whose number formatter is built from that tag as the bundle loads).
 */
import { describe, expect, it } from 'vitest';
import { usePlayground, waitForStep } from './harness';

const pg = usePlayground();

describe('a language tag Intl refuses', () => {
  it('navigator.language "C": the app starts, trains a step and draws its loss chart', async () => {
    await pg.page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'language', { configurable: true, get: () => 'C' });
      Object.defineProperty(Navigator.prototype, 'languages', { configurable: true, get: () => ['C'] });
    });
    await pg.open('?backend=wasm');
    expect(await pg.page.evaluate(() => navigator.language)).toBe('C');
    await pg.page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(pg.page, 1);
    await expect.poll(() => pg.page.getByRole('img', { name: /^Loss: / }).count()).toBeGreaterThan(0);
  });
});
