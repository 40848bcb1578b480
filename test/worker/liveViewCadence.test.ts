import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeConfig } from '../../src/core/config';
import { Trainer } from '../../src/core/train/trainer';
import {
  METRICS_MAX_INTERVAL_MS,
  METRICS_MAX_SHARE,
  SNAPSHOT_INTERVAL_MS,
  SNAPSHOT_MAX_INTERVAL_MS,
  SNAPSHOT_MAX_SHARE,
} from '../../src/worker/host';
import { TrainingSession } from '../../src/worker/session';
import { eventLog, VirtualClock, virtualSessionHost } from '../helpers/session';
import { useCpuBackend } from '../helpers/tf';

/**
 * The session's snapshots and evaluations keep to their share of the training time. Their cost is put on the
 * virtual clock (the real snapshot and evaluation run, then the clock moves by a fixed cost), so the rule is tested
 * without depending on how fast this machine is.
 */
function costlyViews(clock: VirtualClock, snapshotMs: number, evaluationMs: number) {
  const snapshot = Trainer.prototype.snapshot;
  const evaluate = Trainer.prototype.evaluate;
  vi.spyOn(Trainer.prototype, 'snapshot').mockImplementation(function (this: Trainer) {
    const s = snapshot.call(this);
    clock.advance(snapshotMs);
    return s;
  });
  vi.spyOn(Trainer.prototype, 'evaluate').mockImplementation(function (this: Trainer) {
    const e = evaluate.call(this);
    clock.advance(evaluationMs);
    return e;
  });
}

async function session(clock: VirtualClock) {
  const log = eventLog(() => clock.time);
  const v = virtualSessionHost(
    {
      post: (event) => log.post(event),
      readAsset: async (file) => {
        throw new Error(`no file ${file} here`);
      },
    },
    clock,
  );
  const s = new TrainingSession(v.host, 'cpu');
  await s.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
  const config = makeConfig({
    data: { dataset: 'blobs', evalSamples: 100 },
    model: { tower: 'mlp', mlp: { hiddenUnits: [16] }, embeddingDim: 4 },
    batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
    training: { evalEvery: 10, backend: 'cpu' },
  });
  await s.handle({ type: 'configure', runId: 1, config });
  return { session: s, ...log, ...v };
}

let active: TrainingSession | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  if (active) await active.handle({ type: 'dispose' });
  active = null;
});
beforeAll(async () => {
  await useCpuBackend();
});

describe('live views while training', () => {
  it('costly snapshots and evaluations thin out to their share of the time; every view still updates', async () => {
    const clock = new VirtualClock(5);
    const h = await session(clock);
    active = h.session;
    costlyViews(clock, 100, 300);
    const trainAt = clock.time;
    const before = h.events.length;
    await h.session.handle({ type: 'train', runId: 1 });
    await h.atTime(trainAt + 9_000);
    const pauseAt = clock.time;
    await h.session.handle({ type: 'pause', runId: 1 });
    const during = h.events.slice(before).filter((e) => e.at <= pauseAt);
    const times = (type: string) => during.filter((e) => e.type === type).map((e) => e.at);
    const gaps = (t: number[]) => t.slice(1).map((x, i) => x - t[i]);

    // A 100 ms snapshot may take SNAPSHOT_MAX_SHARE of the time (100 · 0.95 / 0.05 = 1,900 ms between snapshots)
    // (instead of SNAPSHOT_INTERVAL_MS), and the scatter still gets one every couple of seconds.
    const snapshots = times('snapshot');
    expect(snapshots.length).toBeGreaterThanOrEqual(4);
    for (const g of gaps(snapshots))
      expect(g).toBeGreaterThanOrEqual((100 * (1 - SNAPSHOT_MAX_SHARE)) / SNAPSHOT_MAX_SHARE);
    expect(Math.min(...gaps(snapshots))).toBeGreaterThan(SNAPSHOT_INTERVAL_MS * 4);
    // A 300 ms evaluation may take METRICS_MAX_SHARE: 300 · 0.94 / 0.06 = 4,700 ms apart.
    const metrics = times('metrics');
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    for (const g of gaps(metrics))
      expect(g).toBeGreaterThanOrEqual((300 * (1 - METRICS_MAX_SHARE)) / METRICS_MAX_SHARE);
    // Together the views took at most their shares of the training time (the last of each pays with its wait).
    const viewMs = 100 * snapshots.length + 300 * metrics.length;
    expect(viewMs / (pauseAt - trainAt)).toBeLessThanOrEqual(SNAPSHOT_MAX_SHARE + METRICS_MAX_SHARE + 0.04);
    // The loss chart still gets every step, at the progress rate.
    const steps = h
      .of('progress')
      .flatMap((e) => e.points.map((p) => p.step))
      .filter((s) => s > 0);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    expect(times('progress').length).toBeGreaterThanOrEqual(50);
  });

  it('reports the time of each part of an evaluation (the benchmark splits it), which add up to the whole', async () => {
    const clock = new VirtualClock(5);
    const h = await session(clock);
    active = h.session;
    // Each part costs a fixed time on the virtual clock, put there by the timer the session hands the trainer.
    const costs = { embed: 70, validation: 5, metrics: 800, geometry: 90 };
    const evaluate = Trainer.prototype.evaluate;
    vi.spyOn(Trainer.prototype, 'evaluate').mockImplementation(function (this: Trainer, time) {
      return evaluate.call(this, (part, run) =>
        (time ?? ((_, r) => r()))(part, () => {
          const result = run();
          clock.advance(costs[part]);
          return result;
        }),
      );
    });
    const trainAt = clock.time;
    const before = h.events.length;
    await h.session.handle({ type: 'train', runId: 1 });
    await h.atTime(trainAt + 3_000);
    await h.session.handle({ type: 'pause', runId: 1 });
    // The evaluations of the run (the one at configure time came before the timer was in place).
    const metrics = h.events.slice(before).flatMap((e) => (e.type === 'metrics' ? [e] : []));
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    // Each part: its cost and the one tick the virtual clock moves per reading; the whole: the parts and a few ticks.
    const tick = clock.tick;
    for (const m of metrics) {
      expect(m.evaluationParts).toEqual({
        embed: 70 + tick,
        validation: 5 + tick,
        metrics: 800 + tick,
        geometry: 90 + tick,
      });
      const parts = 965 + 4 * tick;
      expect(m.evaluationMs).toBeGreaterThan(parts);
      expect(m.evaluationMs).toBeLessThanOrEqual(parts + 10 * tick);
    }
  });

  it('however costly, a snapshot still comes every SNAPSHOT_MAX_INTERVAL_MS (a badly loaded machine)', async () => {
    const clock = new VirtualClock(5);
    const h = await session(clock);
    active = h.session;
    costlyViews(clock, 500, 1000);
    const trainAt = clock.time;
    const before = h.events.length;
    await h.session.handle({ type: 'train', runId: 1 });
    await h.atTime(trainAt + 14_000);
    const pauseAt = clock.time;
    await h.session.handle({ type: 'pause', runId: 1 });
    const times = (type: string) =>
      h.events
        .slice(before)
        .filter((e) => e.type === type && e.at <= pauseAt)
        .map((e) => e.at);
    const gaps = (t: number[]) => t.slice(1).map((x, i) => x - t[i]);
    // Its share alone would wait 500 · 0.95 / 0.05 = 9.5 s; the cap brings the next after 3 s (+ its cost, a slice).
    const snapshots = gaps(times('snapshot'));
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    for (const g of snapshots) expect(g).toBeGreaterThanOrEqual(SNAPSHOT_MAX_INTERVAL_MS);
    for (const g of snapshots) expect(g).toBeLessThanOrEqual(SNAPSHOT_MAX_INTERVAL_MS + 500 + 1000 + 100);
    // An evaluation's share would wait 1000 · 0.94 / 0.06 ≈ 15.7 s; the cap: 6 s.
    for (const g of gaps(times('metrics'))) {
      expect(g).toBeGreaterThanOrEqual(METRICS_MAX_INTERVAL_MS);
      expect(g).toBeLessThanOrEqual(METRICS_MAX_INTERVAL_MS + 500 + 1000 + 100);
    }
    expect(times('metrics').length).toBeGreaterThanOrEqual(2);
  });

  it('cheap views keep their minimum intervals (the cadence does not slow a fast machine down)', async () => {
    const clock = new VirtualClock(5);
    const h = await session(clock);
    active = h.session;
    const trainAt = clock.time;
    const before = h.events.length;
    await h.session.handle({ type: 'train', runId: 1 });
    await h.atTime(trainAt + 3_000);
    const pauseAt = clock.time;
    await h.session.handle({ type: 'pause', runId: 1 });
    const snapshots = h.events
      .slice(before)
      .filter((e) => e.type === 'snapshot' && e.at <= pauseAt)
      .map((e) => e.at);
    const gaps = snapshots.slice(1).map((x, i) => x - snapshots[i]);
    expect(gaps.length).toBeGreaterThanOrEqual(6);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(SNAPSHOT_INTERVAL_MS);
    for (const g of gaps) expect(g).toBeLessThanOrEqual(SNAPSHOT_INTERVAL_MS + 60);
  });
});
