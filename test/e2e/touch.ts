/**
 * The playground on a touch device, in Chromium's device emulation (touch events, `pointer: coarse`, `hover: none`,
 * a mobile viewport): every control is at least 44 × 44 px, nothing is wider than the screen, training runs and pauses by taps, a tap on a point shows
 * what hover shows on a desktop, and a finger stroke on the drawing pad is embedded and its neighbours listed. Touches go through the
 * browser's own input pipeline (playwright's tap, CDP touch events), never as synthetic DOM events.
 * `touchTablet.test.ts` and `touchPhone.test.ts` run it at 1024 × 768 and 390 × 844.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPanel, statusOf, usePlayground, waitForState, waitForStep } from './harness';

/** Controls smaller than 44 × 44 px (checkboxes and radios: their label is the target), as `name: w×h`. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>(
      'button, select, summary, input, textarea, [role="button"], a[href]',
    );
    for (const el of controls) {
      if (el.getClientRects().length === 0 || (el as HTMLInputElement).type === 'hidden') continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const isBox = el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio');
      const target = isBox ? ((el as HTMLInputElement).labels?.[0] ?? el) : el;
      const r = target.getBoundingClientRect();
      const tooSmall = isBox ? r.height < 44 : r.height < 44 || r.width < 44;
      if (tooSmall) {
        const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? el.tagName;
        small.push(`${el.tagName.toLowerCase()} "${name}": ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return small;
  });
}

/** A finger stroke through CDP touch events (touchStart, moves, touchEnd) across `box`'s diagonal. */
async function fingerStroke(page: Page, box: { x: number; y: number; width: number; height: number }) {
  const cdp = await page.context().newCDPSession(page);
  const at = (t: number) => ({ x: box.x + box.width * (0.3 + 0.4 * t), y: box.y + box.height * (0.2 + 0.6 * t) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(0)] });
  for (let k = 1; k <= 10; k++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(k / 10)] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

export function touchSuite(label: string, device: BrowserContextOptions): void {
  const playground = usePlayground({ ...device, hasTouch: true, isMobile: true });

  describe(`touch: ${label}`, () => {
    it('is a touch device to the page, every control is a 44 px target, and taps train, pause and inspect', async () => {
      const { page } = playground;
      await playground.open('?backend=wasm');
      expect(
        await page.evaluate(() => [matchMedia('(pointer: coarse)').matches, matchMedia('(hover: none)').matches]),
      ).toEqual([true, true]);
      expect(await smallTargets(page)).toEqual([]);
      // Nothing wider than the screen: a mobile browser would zoom the whole page out to fit it.
      expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);

      await page.getByRole('button', { name: 'Train', exact: true }).tap();
      await waitForStep(page, 30, 90_000);
      await page.getByRole('button', { name: 'Pause', exact: true }).tap();
      const paused = await waitForState(page, 'paused');
      expect(paused.step).toBeGreaterThanOrEqual(30);
      await expect.poll(async () => (await statusOf(page)).step).toBe(paused.step);

      // A tap on a point shows its class and sample, and the tooltip stays once the finger is lifted.
      const scatter = page.getByLabel('Embedding scatter', { exact: true });
      await expect
        .poll(async () => Number(await scatter.getAttribute('data-points')), { timeout: 30_000 })
        .toBeGreaterThan(0);
      await scatter.scrollIntoViewIfNeeded();
      const box = (await scatter.boundingBox())!;
      const tooltip = page.getByRole('tooltip');
      let shown = false;
      // Points cluster by class; a small grid of taps over the middle of the map finds one within the hit radius.
      for (let i = 0; i < 7 && !shown; i++) {
        for (let j = 0; j < 7 && !shown; j++) {
          await page.touchscreen.tap(box.x + box.width * (0.2 + 0.1 * i), box.y + box.height * (0.2 + 0.1 * j));
          shown = await tooltip.isVisible();
        }
      }
      expect(shown, 'a tap on the scatter shows a point').toBe(true);
      // The lift's pointer events (a touch pointer "leaves" on every lift) have been handled and rendered two frames
      // on: the tooltip stayed.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      await expect(tooltip.isVisible()).resolves.toBe(true);
      expect(await tooltip.textContent()).toMatch(/\S/);
    });

    it('a finger stroke on the drawing pad draws and is looked up', async () => {
      const { page } = playground;
      await playground.open('?backend=wasm');
      await page.getByRole('button', { name: 'Step', exact: true }).tap();
      await waitForStep(page, 1, 30_000);
      // The drawing pad is in the Inspect panel's drawer.
      await openPanel(page, 'Inspect');
      const pad = page.getByRole('img', { name: 'Draw a sample' });
      await pad.scrollIntoViewIfNeeded();
      const before = await pad.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
      await fingerStroke(page, (await pad.boundingBox())!);
      expect(await pad.evaluate((c) => (c as HTMLCanvasElement).toDataURL())).not.toBe(before);
      await expect
        .poll(async () => page.getByRole('list', { name: 'Query neighbours' }).getByRole('listitem').count(), {
          timeout: 30_000,
        })
        .toBeGreaterThan(0);
    });
  });
}
