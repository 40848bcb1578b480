/**
 * The one-screen layout: at a lecture projector's 1280×720 and at 1920×1080, in normal and classroom mode, the
 * story of a run is in sight without scrolling; panels open one click away and keep their state while closed; the
 * keyboard shortcuts train, pause and step.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPanel, statusOf, usePlayground, waitForState, waitForStep } from './harness';

const playground = usePlayground();

/** What must be fully inside the viewport with the page scrolled to the top. */
function essentials(page: Page): [string, Locator][] {
  return [
    ['Train', page.getByRole('button', { name: 'Train', exact: true })],
    ['Step', page.getByRole('button', { name: 'Step', exact: true })],
    ['Reset', page.getByRole('button', { name: 'Reset', exact: true })],
    ['Speed', page.getByLabel('Speed', { exact: true })],
    ['status line', page.getByRole('status')],
    ['dataset choice', page.getByLabel('Dataset', { exact: true })],
    ['held-out metrics', page.getByLabel('Held-out metrics', { exact: true })],
    ['Embedding scatter', page.getByRole('img', { name: 'Embedding scatter', exact: true })],
    ['Loss chart', page.getByRole('figure', { name: 'Loss chart', exact: true })],
  ];
}

/** The settings a lesson is about; shown without scrolling in normal mode. */
const KEY_SETTINGS = ['Objective', 'Distance', 'Margin', 'Miner', 'Learning rate'];

async function expectInViewport(page: Page, what: string, locator: Locator): Promise<void> {
  const viewport = page.viewportSize()!;
  const box = await locator.boundingBox();
  expect(box, `${what} is rendered`).not.toBeNull();
  const b = box!;
  const inside = b.x >= 0 && b.y >= 0 && b.x + b.width <= viewport.width && b.y + b.height <= viewport.height;
  expect(inside, `${what} at ${JSON.stringify(b)} inside ${viewport.width}×${viewport.height}`).toBe(true);
  // Not covered by anything (the drawer, a popover): the element's own centre is what the pointer would hit.
  const hit = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top !== null && (el === top || el.contains(top));
  });
  expect(hit, `${what} is not covered`).toBe(true);
}

describe('one screen', () => {
  for (const size of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ]) {
    for (const classroom of [false, true]) {
      const mode = classroom ? 'classroom' : 'normal';
      it(`${size.width}×${size.height}, ${mode} mode: the controls, status, data, metrics, scatter and loss chart are in sight`, async () => {
        const { page } = playground;
        await page.setViewportSize(size);
        await playground.open(`?backend=wasm${classroom ? '&classroom=1' : ''}`);
        await page.evaluate(() => window.scrollTo(0, 0));
        expect(await page.evaluate(() => window.scrollY)).toBe(0);
        for (const [what, locator] of essentials(page)) await expectInViewport(page, what, locator);
        if (!classroom) {
          const settings = page.getByRole('region', { name: 'Key settings' });
          for (const label of KEY_SETTINGS)
            await expectInViewport(page, label, settings.getByLabel(label, { exact: true }));
        }
        // The scatter and the loss chart fill what is left: each at least a quarter of the screen's height.
        for (const name of ['Embedding scatter', 'Loss chart']) {
          const box = (await page.getByLabel(name, { exact: true }).boundingBox())!;
          expect(box.height, name).toBeGreaterThanOrEqual(size.height / 4);
        }
        // The page itself does not scroll: nothing below the fold.
        const overflow = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
        expect(overflow).toBeLessThanOrEqual(0);
        // Before training, the triplet chart shows its message and no plot to read; the plot is built underneath
        // all the same, so the first data point only draws into it (building a chart is a long main-thread task).
        const triplets = page.getByRole('figure', { name: 'Triplet categories chart', exact: true });
        if (!classroom) {
          expect(await triplets.getByText('No triplet counts yet', { exact: false }).isVisible()).toBe(true);
          expect(await triplets.getByRole('img').count()).toBe(0);
          expect(await triplets.locator('canvas').count()).toBe(1);
          await triplets.locator('canvas').evaluate((el) => el.setAttribute('data-built-before-data', ''));
        }
        // With a step drawn, the loss plot (its canvas holds the axes and their labels) and its legend lie inside the
        // loss chart's cell: nothing of them is cut off at the bottom, whatever the type size.
        await page.getByRole('button', { name: 'Step', exact: true }).click();
        await waitForStep(page, 1);
        if (!classroom) {
          const plot = triplets.getByRole('img', { name: /^Triplet counts: Hard/ });
          await plot.waitFor();
          expect(await plot.getAttribute('data-built-before-data')).toBe('');
          expect(await triplets.getByText('No triplet counts yet', { exact: false }).count()).toBe(0);
        }
        const figure = page.getByRole('figure', { name: 'Loss chart', exact: true });
        const plot = figure.getByRole('img', { name: /^Loss:/ });
        await plot.waitFor();
        const cell = await figure.evaluate((el) => {
          const r = el.parentElement!.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
        });
        const within = async (what: string, box: { x: number; y: number; width: number; height: number }) => {
          const inside =
            box.y >= cell.top - 0.5 &&
            box.y + box.height <= cell.bottom + 0.5 &&
            box.x >= cell.left - 0.5 &&
            box.x + box.width <= cell.right + 0.5;
          expect(inside, `${what} at ${JSON.stringify(box)} inside the loss cell ${JSON.stringify(cell)}`).toBe(true);
        };
        await expect
          .poll(async () => (await plot.boundingBox())!.y + (await plot.boundingBox())!.height)
          .toBeLessThanOrEqual(cell.bottom + 0.5);
        await within('the loss plot with its axes', (await plot.boundingBox())!);
        const legend = await figure.evaluate((el) => {
          const r = el.querySelector('.u-legend')!.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        });
        await within('the loss legend', legend);
        expect(cell.bottom).toBeLessThanOrEqual(size.height);
      }, 120_000);
    }
  }

  it('classroom mode enlarges the scatter and leaves out the smaller charts', async () => {
    const { page } = playground;
    await page.setViewportSize({ width: 1280, height: 720 });
    await playground.open('?backend=wasm');
    const scatter = page.getByRole('img', { name: 'Embedding scatter', exact: true });
    const normal = (await scatter.boundingBox())!;
    expect(await page.getByRole('figure', { name: 'Metrics chart', exact: true }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Classroom mode', exact: true }).click();
    await expect.poll(async () => (await scatter.boundingBox())!.width).toBeGreaterThan(normal.width * 1.15);
    const big = (await scatter.boundingBox())!;
    expect(big.width * big.height).toBeGreaterThan(normal.width * normal.height);
    expect(await page.getByRole('figure', { name: 'Metrics chart', exact: true }).isVisible()).toBe(false);
  }, 120_000);
});

describe('panels', () => {
  it('a closed panel keeps what was typed in it; the drawer has named buttons and closes with Esc', async () => {
    const { page } = playground;
    await page.setViewportSize({ width: 1280, height: 720 });
    await playground.open('?backend=wasm');
    const panels = page.getByRole('navigation', { name: 'Panels' });
    const names = await panels.getByRole('button').allTextContents();
    expect(names).toEqual(['Lessons', 'Data', 'Model', 'Inspect', 'Threshold', 'Triplets', 'Compare', 'Save & share']);
    // Closed: the model form is out of sight and out of the accessibility tree.
    expect(await page.getByRole('region', { name: 'Model and training' }).count()).toBe(0);

    const model = await openPanel(page, 'Model');
    expect(await panels.getByRole('button', { name: 'Model', exact: true }).getAttribute('aria-expanded')).toBe('true');
    const units = model.getByLabel('Hidden units', { exact: true });
    await units.fill('48, 24');
    await units.blur();
    await page.getByRole('button', { name: 'Close panel', exact: true }).click();
    expect(await page.getByRole('region', { name: 'Model and training' }).count()).toBe(0);

    // Another panel in between, then back: the typed value is still there.
    const neighbours = await openPanel(page, 'Inspect');
    await neighbours.getByLabel('Neighbours to list').selectOption('10');
    await page.keyboard.press('Escape');
    expect(await page.getByRole('complementary', { name: /panel$/ }).count()).toBe(0);
    const reopened = await openPanel(page, 'Model');
    expect(await reopened.getByLabel('Hidden units', { exact: true }).inputValue()).toBe('48, 24');
    await openPanel(page, 'Inspect');
    expect(await page.getByLabel('Neighbours to list').inputValue()).toBe('10');
    // The drawer covers the charts column only: the scatter stays in sight and clickable.
    await expectInViewport(
      page,
      'Embedding scatter',
      page.getByRole('img', { name: 'Embedding scatter', exact: true }),
    );
  }, 120_000);

  it('while training runs, hidden panels are not rendered again (live views excepted); settings are locked, and unlocked when it stops', async () => {
    const { page } = playground;
    await page.setViewportSize({ width: 1280, height: 720 });
    await playground.open('?backend=wasm');
    const units = page
      .getByRole('region', { name: 'Model and training', includeHidden: true })
      .getByLabel('Hidden units', { exact: true });
    expect(await units.isDisabled()).toBe(false);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 5);
    // Locked while training, though its panel was hidden when training started.
    expect(await units.isDisabled()).toBe(true);
    const threshold = page.getByRole('region', { name: 'Distances and threshold', includeHidden: true });
    const evaluatedAt = Number(await threshold.getAttribute('data-step'));
    // From here on, every change React makes inside each panel's container, by panel.
    await page.evaluate(`window.__panelChanges = {};
      for (const el of document.querySelectorAll('[id^="drawer-panel-"]')) {
        window.__panelChanges[el.id] = 0;
        new MutationObserver((changes) => { window.__panelChanges[el.id] += changes.length; })
          .observe(el, { subtree: true, childList: true, attributes: true, characterData: true });
      }`);
    await waitForStep(page, 80);
    // The live views still follow the run hidden: the threshold view shows the next evaluation's pair distances.
    await expect
      .poll(async () => Number(await threshold.getAttribute('data-step')), { timeout: 60_000 })
      .toBeGreaterThan(evaluatedAt);
    const changes = (await page.evaluate('window.__panelChanges')) as Record<string, number>;
    const held = ['lessons', 'data', 'model', 'inspect', 'compare', 'save'];
    expect(held.map((id) => changes[`drawer-panel-${id}`])).toEqual(held.map(() => 0));
    expect(changes['drawer-panel-threshold']).toBeGreaterThan(0);
    // Opened while training runs, a held panel shows the run as it is now: the timeline's last snapshot is the one
    // the scatter shows.
    const timeline = (await openPanel(page, 'Inspect')).getByRole('region', { name: 'Timeline' });
    const scatter = page.getByRole('img', { name: 'Embedding scatter', exact: true });
    await expect
      .poll(
        async () => {
          const steps = ((await timeline.getAttribute('data-steps')) ?? '').split(',');
          return steps[steps.length - 1] === (await scatter.getAttribute('data-snapshot-step'));
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect((await statusOf(page)).state).toBe('running');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused');
    await expect.poll(() => units.isDisabled(), { timeout: 10_000 }).toBe(false);
  }, 120_000);

  it('while training runs, the main screen’s form controls are left alone, and still act on the current run', async () => {
    const { page } = playground;
    await page.setViewportSize({ width: 1280, height: 720 });
    await playground.open('?backend=wasm');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 5);
    // Every change made to an input or select outside the drawer from here on (React re-renders a form control whose
    // props changed, even when only a handler did, and writes its attributes again).
    await page.evaluate(`window.__controlChanges = [];
      const drawer = document.querySelector('aside.drawer');
      new MutationObserver((changes) => {
        for (const c of changes) {
          const el = c.target;
          if ((el.tagName === 'INPUT' || el.tagName === 'SELECT') && !drawer.contains(el))
            window.__controlChanges.push(el.tagName + ' ' + (el.getAttribute('aria-label') ?? el.name) + ' ' + c.attributeName);
        }
      }).observe(document.querySelector('main'), { subtree: true, attributes: true });`);
    await waitForStep(page, 80);
    expect(await page.evaluate('window.__controlChanges')).toEqual([]);
    // The controls still reach the page's current state: the loss chart's log scale, and after a pause the margin.
    const log = page.getByRole('checkbox', { name: 'Log scale', exact: true });
    await log.check();
    expect(await log.isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused');
    const margin = page.getByRole('region', { name: 'Key settings' }).getByLabel('Margin', { exact: true });
    await margin.fill('0.35');
    await margin.blur();
    // Edited while paused, the margin starts a new run with it (while running it would only have been noted).
    await expect.poll(async () => (await statusOf(page)).step, { timeout: 30_000 }).toBe(0);
    const link = page.getByLabel('Shareable link', { exact: true });
    await expect.poll(() => link.inputValue(), { timeout: 10_000 }).toContain('margin=0.35');
  }, 120_000);

  it('the keyboard shortcuts are listed behind a named help button', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    const help = page.getByRole('button', { name: 'Keyboard shortcuts', exact: true });
    expect(await help.getAttribute('aria-expanded')).toBe('false');
    await help.click();
    const popover = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    const text = await popover.textContent();
    expect(text).toContain('Space');
    expect(text).toContain('Train, or pause');
    expect(text).toContain('right arrow');
    await page.keyboard.press('Escape');
    expect(await popover.count()).toBe(0);
  }, 120_000);
});

describe('keyboard', () => {
  it('space trains and pauses, → steps once; neither fires while typing in a field', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm');
    // Focus on the page itself, not on a control.
    await page.getByRole('img', { name: 'Embedding scatter', exact: true }).click({ position: { x: 2, y: 2 } });
    const before = (await statusOf(page)).step;
    await page.keyboard.press('ArrowRight');
    await waitForStep(page, before + 1);
    await waitForState(page, 'paused');
    expect((await statusOf(page)).step).toBe(before + 1);

    // Typing a space or an arrow in the margin field edits the field and does not train or step.
    const margin = page.getByRole('region', { name: 'Key settings' }).getByLabel('Margin', { exact: true });
    await margin.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    await margin.blur();
    const idle = await statusOf(page);
    expect(idle.state).toBe('paused');
    expect(idle.step).toBe(before + 1);

    await page.keyboard.press('Space');
    await waitForState(page, 'running');
    const running = await waitForStep(page, idle.step + 5);
    await page.keyboard.press('Space');
    await waitForState(page, 'paused');
    expect((await statusOf(page)).step).toBeGreaterThanOrEqual(running.step);
  }, 120_000);
});
