/**
 * Every hostile upload of the corpus through the same entry point as the page and the CLI (`loadUpload`): each ends
 * in its own DataLoadError message or in the load it describes, and never hangs (the per-case timeout is a hang
 * guard, not a speed check: bench/hostile.ts measures time and memory).
 */
import { describe, expect, it } from 'vitest';
import { DataLoadError, loadUpload } from '../../src/core/data/loaders/index';
import { CORPUS } from './corpus';

describe('hostile upload corpus', () => {
  for (const c of CORPUS) {
    it(`${c.defect}: ${c.name}`, { timeout: 120_000 }, async () => {
      const files = c.files();
      let caught: unknown;
      let loaded: Awaited<ReturnType<typeof loadUpload>> | undefined;
      try {
        loaded = await loadUpload(files, c.options);
      } catch (error) {
        caught = error;
      }
      if ('error' in c.expect) {
        expect(caught, `${c.name} must be refused`).toBeInstanceOf(DataLoadError);
        expect((caught as Error).message).toMatch(c.expect.error);
      } else {
        expect(caught, `${c.name} must load (${(caught as Error)?.message})`).toBeUndefined();
        expect(loaded!.summary).toMatchObject(c.expect.summary);
        if (c.expect.notes) expect(loaded!.summary.notes.join('\n')).toMatch(c.expect.notes);
        const d = loaded!.dataset;
        const values = d.kind === 'labelled' ? d.features : d.a;
        expect(values.every((v) => Number.isFinite(v))).toBe(true);
      }
    });
  }

  it('stops an image upload between images when its signal is aborted, naming the upload', async () => {
    const c = CORPUS.find((x) => x.name === 'control-images.zip')!;
    const controller = new AbortController();
    let steps = 0;
    const loading = loadUpload(c.files(), {
      signal: controller.signal,
      progress: (f) => {
        if (f > 0 && ++steps === 1) controller.abort();
      },
    });
    await expect(loading).rejects.toThrow(/control-images\.zip: reading was cancelled; nothing was loaded/);
    expect(steps).toBeGreaterThan(0);
  });
});
