import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import type { ProjectionCommand, ProjectionEvent } from '../../src/worker/protocol/projection';
import { PROJECTION_SLICE_MS, ProjectionSession } from '../../src/worker/projectionSession';

/**
 * `virtualMs`: a clock that advances this much per reading (deterministic slices, whatever this machine's speed).
 * `onYield(n)`: called at the session's n-th yield (from 1), where a real worker would read its next message.
 */
function harness(virtualMs = 5, onYield?: (n: number, session: ProjectionSession) => void) {
  const events: (ProjectionEvent & { at: number })[] = [];
  const yields: number[] = [];
  let clock = 0;
  const now = () => (clock += virtualMs);
  const session: ProjectionSession = new ProjectionSession({
    post: (event) => events.push({ ...event, at: now() }),
    now,
    yieldToEvents: () => {
      yields.push(now());
      onYield?.(yields.length, session);
      return new Promise((resolve) => setImmediate(resolve));
    },
  });
  return { session, events, yields };
}

/** Four separated clusters in 8-D, cluster = i % 4. */
function job(
  jobId: number,
  method: 'umap' | 'tsne',
  seed = 1,
  n = 160,
): Extract<ProjectionCommand, { type: 'project' }> {
  const dim = 8;
  const rng = new Rng(3);
  const values = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) values[i * dim + k] = rng.normal(k === i % 4 ? 6 : 0, 1);
  return { type: 'project', jobId, method, seed, values, n, dim, distance: 'euclidean' };
}

describe('ProjectionSession', () => {
  it.each(['umap', 'tsne'] as const)(
    'computes a seeded %s layout in short slices, with progress and a preservation score',
    async (method) => {
      // A virtual clock of 5 ms per reading: each 30 ms slice holds a handful of steps, then yields.
      const a = harness(5);
      await a.session.handle(job(1, method));
      const done = a.events.filter((e) => e.type === 'projected');
      expect(done).toHaveLength(1);
      const result = done[0] as Extract<ProjectionEvent, { type: 'projected' }>;
      expect(result.coordinates.length).toBe(320);
      expect(result.coordinates.every(Number.isFinite)).toBe(true);
      // Clusters 6 apart with spread 1: each point's neighbours are in its own cluster, and mostly kept on the map.
      expect(result.preservation).toBeGreaterThan(0.3);
      // It yielded between slices: never more than a slice (plus the readings around it) of clock without a yield.
      const gaps = a.yields.slice(1).map((t, i) => t - a.yields[i]);
      expect(a.yields.length).toBeGreaterThan(method === 'tsne' ? 50 : 3);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(PROJECTION_SLICE_MS + 6 * 5);
      const progress = a.events
        .filter((e) => e.type === 'projection-progress')
        .map((e) => (e as { fraction: number }).fraction);
      expect([...progress].sort((x, y) => x - y)).toEqual(progress);

      // Another slicing (1 ms per reading: slices five times as long) gives the same seeded layout.
      const b = harness(1);
      await b.session.handle(job(7, method));
      const again = b.events.find((e) => e.type === 'projected') as Extract<ProjectionEvent, { type: 'projected' }>;
      expect(Array.from(again.coordinates)).toEqual(Array.from(result.coordinates));
    },
  );

  it('a newer job replaces the running one, and a cancel stops it without an answer', async () => {
    // The newer job and the cancel arrive at the running job's second yield, as a message would between slices:
    // the outcome depends on the order of events, never on how fast this machine is.
    let second: Promise<void> | undefined;
    const h = harness(5, (n, session) => {
      if (n === 2) second = session.handle(job(2, 'umap'));
    });
    await h.session.handle(job(1, 'tsne'));
    await second;
    expect(second).toBeDefined();
    expect(h.events.filter((e) => e.type === 'projected').map((e) => e.jobId)).toEqual([2]);
    expect(h.events.filter((e) => e.jobId === 1 && e.type !== 'projection-progress')).toEqual([]);

    let cancelled: Promise<void> | undefined;
    const c = harness(5, (n, session) => {
      if (n === 2) cancelled = session.handle({ type: 'cancel', jobId: 3 });
    });
    await c.session.handle(job(3, 'tsne'));
    await cancelled;
    expect(cancelled).toBeDefined();
    expect(c.events.filter((e) => e.type === 'projected' || e.type === 'projection-error')).toEqual([]);
    // It stopped at the cancel: far fewer yields than a whole t-SNE run takes (over 50, as measured above).
    expect(c.yields.length).toBeLessThanOrEqual(3);
  });

  it('reports what cannot be done as projection-error', async () => {
    const h = harness();
    await h.session.handle(job(4, 'tsne', 1, 2001));
    expect(h.events.at(-1)).toMatchObject({
      type: 'projection-error',
      jobId: 4,
      message: 't-SNE runs on at most 2,000 points; this set has 2,001',
    });
    await h.session.handle({ ...job(5, 'umap'), distance: 'mahalanobis' });
    expect(h.events.at(-1)).toMatchObject({
      type: 'projection-error',
      jobId: 5,
      message: 'the mahalanobis distance needs its 8×8 whitening matrix to project the embeddings',
    });
  });
});
