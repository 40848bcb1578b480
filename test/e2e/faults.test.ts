/**
 * Faults a user can meet: a diverging configuration halts with an explanation instead of drawing NaNs, and a lost
 * WebGL context (a GPU reset, forced through the `?debug=1` hook) moves the run to another backend without
 * losing its progress.
 */
import { describe, expect, it } from 'vitest';
import { alertTexts, openPanel, setControl, statusOf, usePlayground, waitForState, waitForStep } from './harness';

const playground = usePlayground();

describe('faults', () => {
  it('a diverging run halts with the reason and "lower the learning rate"', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm&debug=1');
    await setControl(page, 'Objective', 'contrastive');
    await setControl(page, 'Distance', 'squared-euclidean');
    await setControl(page, 'L2-normalise embeddings', false);
    // tanh saturates instead of dying like ReLU, so the exploding weights reach Infinity − Infinity = NaN.
    await setControl(page, 'Activation', 'tanh');
    await setControl(page, 'Optimizer', 'sgd');
    await setControl(page, 'Learning rate', '10');
    await waitForState(page, 'ready', 30_000);
    expect(await page.getByRole('alert', { name: 'Configuration problems' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const halted = page.getByRole('alert').filter({ hasText: /lower the learning rate/i });
    await halted.waitFor({ state: 'visible', timeout: 60_000 });
    expect((await halted.textContent()) ?? '').toMatch(/NaN|Infinity|not a number|infinite|non-finite|diverg/i);
    // The run stops itself (paused, or stopped until the configuration changes) and takes no further steps.
    await expect.poll(async () => (await statusOf(page)).state, { timeout: 10_000 }).toMatch(/^(paused|stopped)$/);
    const halt = await statusOf(page);
    expect(halt.step).toBeGreaterThan(0);
    // The worker answers requests in order: a request sent now is answered after anything the run still had queued,
    // and its answer carries the step the run stands at then.
    await openPanel(page, 'Inspect');
    await page.getByRole('button', { name: 'Fetch embeddings (debug)' }).click();
    const answered = await page.waitForFunction(
      () =>
        (window as unknown as { __siameseInspect?: { embeddings?: { step: number } | null } }).__siameseInspect
          ?.embeddings ?? null,
      null,
      { polling: 'raf', timeout: 30_000 },
    );
    expect(await answered.evaluate((e) => e?.step)).toBe(halt.step);
    expect((await statusOf(page)).step).toBe(halt.step);
  });

  it('a lost WebGL context continues on another backend from the same step', async () => {
    const { page } = playground;
    await playground.open('?backend=webgl&debug=1');
    expect((await statusOf(page)).backend).toBe('webgl');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 15, 60_000);
    // A pause takes a checkpoint at the step it stops at; training on, the context is lost after that checkpoint.
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const reached = await waitForState(page, 'paused');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForState(page, 'running');
    await page.getByRole('button', { name: 'Lose WebGL context' }).click();
    await expect
      .poll(async () => (await statusOf(page)).backend, { timeout: 30_000, message: 'backend after the context loss' })
      .toMatch(/^(wasm|cpu)$/);
    const switched = await statusOf(page);
    // The run went on from its last weights (a checkpoint at most seconds old), not from the start.
    expect(switched.step).toBeGreaterThanOrEqual(reached.step);
    const note = page.getByLabel('Backend note');
    await expect
      .poll(async () => ((await note.count()) > 0 ? ((await note.textContent()) ?? '').trim() : ''), {
        timeout: 10_000,
      })
      .not.toBe('');

    await waitForStep(page, switched.step + 15, 60_000);
    const after = await statusOf(page);
    expect(after.backend).toBe(switched.backend);
    expect(after.state).toBe('running');
    expect(await alertTexts(page)).toEqual([]);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused');
  });

  it('a crashed worker is restarted: the page keeps its dataset and history and goes on from the last autosave', async () => {
    const { page } = playground;
    await playground.open('?backend=wasm&debug=1');
    const dataset = page.getByLabel('Dataset', { exact: true });
    const chosen = await dataset.inputValue();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 20, 60_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused');
    // Pausing a trained run autosaves it; wait until the save of this step is confirmed.
    const paused = (await statusOf(page)).step;
    const autosaved = page.locator('[data-autosave-step]');
    await expect
      .poll(
        async () => Number((await autosaved.count()) > 0 ? await autosaved.getAttribute('data-autosave-step') : -1),
        { timeout: 30_000 },
      )
      .toBe(paused);

    await page.getByRole('button', { name: 'Crash worker' }).click();
    const note = page.getByLabel('Backend note');
    await expect
      .poll(async () => ((await note.count()) > 0 ? ((await note.textContent()) ?? '') : ''), { timeout: 30_000 })
      .toMatch(/crashed and was restarted/);
    // The restarted worker reopens the autosaved run: same step, same dataset, and training goes on from there.
    await expect.poll(async () => (await statusOf(page)).step, { timeout: 60_000 }).toBe(paused);
    await expect.poll(async () => (await statusOf(page)).state, { timeout: 30_000 }).toMatch(/^(paused|ready)$/);
    expect(await dataset.inputValue()).toBe(chosen);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, paused + 10, 60_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused');
    expect(await alertTexts(page)).toEqual([]);
  });
});
