/**
 * Inspect commands through the real TrainingSession on the tfjs CPU backend: the listed neighbours are the true
 * nearest held-out samples (recomputed here from the embeddings the session hands out), comparisons use the
 * evaluation's best threshold, queries are prepared like the dataset and land on the map, and bad questions get a
 * clear `inspect-error` without disturbing the run.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../src/cli/assets';
import { makeConfig, type Config, type DeepPartial, type DistanceName } from '../../src/core/config';
import { loadBuiltinDataset } from '../../src/core/data/builtin';
import { queryFeatures } from '../../src/core/data/query';
import { distanceJs } from '../../src/core/distances';
import { Trainer } from '../../src/core/train/trainer';
import { Inspector } from '../../src/worker/inspect';
import type { InspectEvent } from '../../src/worker/protocol';
import type { WorkerEvent } from '../../src/worker/protocol';
import { TrainingSession } from '../../src/worker/session';
import { nodeSessionHost } from '../helpers/session';
import { expectNoLeakedTensors, useCpuBackend } from '../helpers/tf';

function harness() {
  const events: WorkerEvent[] = [];
  const host = nodeSessionHost({
    post: (event) => events.push(event),
    readAsset: nodeAssetReader(),
  });
  const session = new TrainingSession(host, 'cpu');
  const last = <T extends InspectEvent['type'] | WorkerEvent['type']>(type: T) =>
    events.filter((e) => e.type === type).at(-1) as Extract<WorkerEvent, { type: T }>;
  return { session, events, last };
}

function config(dataset: string, overrides: DeepPartial<Config> = {}): Config {
  return makeConfig(
    overrides,
    makeConfig({
      data: { dataset, evalSamples: 80 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [16] }, embeddingDim: 6 },
      batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
      training: { evalEvery: 10, backend: 'cpu' },
    }),
  );
}

/** The true k nearest (by full sort of every distance, ties by index), excluding `exclude`. */
function trueNearest(
  values: Float32Array,
  n: number,
  dim: number,
  query: ArrayLike<number>,
  k: number,
  distance: DistanceName,
  whitening?: Float32Array,
  exclude?: number,
) {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    distance: distanceJs(distance, query, values.subarray(i * dim, (i + 1) * dim), whitening),
  }))
    .filter((c) => c.index !== exclude)
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, k);
}

let active: TrainingSession | null = null;
afterEach(async () => {
  if (active) await active.handle({ type: 'dispose' });
  active = null;
  await useCpuBackend();
});
beforeAll(async () => {
  await useCpuBackend();
});

describe('inspect commands through the session', () => {
  it.each(['euclidean', 'cosine', 'mahalanobis'] as const)(
    'lists the true nearest held-out samples (%s) and compares two at the best threshold',
    async (distance) => {
      const h = harness();
      active = h.session;
      await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
      await h.session.handle({
        type: 'configure',
        runId: 1,
        config: config('blobs', { objective: { distance, margin: 0.3 } }),
      });
      for (let i = 0; i < 5; i++) await h.session.handle({ type: 'step', runId: 1 });
      await h.session.handle({ type: 'get-embeddings', runId: 1, requestId: 10 });
      await h.session.handle({ type: 'neighbours', runId: 1, requestId: 11, index: 7, k: 6 });
      const e = h.last('embeddings');
      const got = h.last('neighbours-result');
      expect(e.step).toBe(5);
      expect(got.step).toBe(5);
      expect(e.n).toBe(80);
      expect(e.values.length).toBe(e.n * e.dim);
      expect(e.whitening !== undefined).toBe(distance === 'mahalanobis');
      const expected = trueNearest(
        e.values,
        e.n,
        e.dim,
        e.values.subarray(7 * e.dim, 8 * e.dim),
        6,
        distance,
        e.whitening,
        7,
      );
      expect(got.neighbours.map((x) => x.index)).toEqual(expected.map((x) => x.index));
      got.neighbours.forEach((x, i) => {
        expect(x.distance).toBeCloseTo(expected[i].distance, 6);
        expect(x.label).toBe(e.labels[x.index]);
      });
      // The neighbours' labels match the held-out preview's (the hover and the list describe the same samples).
      const heldOut = h.last('configured').heldOut;
      expect(got.neighbours.map((x) => x.label)).toEqual(got.neighbours.map((x) => heldOut.labels[x.index]));

      // Two samples: distance from the embeddings, verdict at the last evaluation's best threshold.
      await h.session.handle({ type: 'compare-samples', runId: 1, requestId: 12, a: 3, b: 50, threshold: null });
      const c = h.last('sample-distance');
      expect(c.distance).toBeCloseTo(
        distanceJs(
          distance,
          e.values.subarray(3 * e.dim, 4 * e.dim),
          e.values.subarray(50 * e.dim, 51 * e.dim),
          e.whitening,
        ),
        6,
      );
      expect(c.thresholdSource).toBe('best');
      expect(c.threshold).not.toBeNull();
      expect(c.verdict).toBe(c.distance <= c.threshold! ? 'same' : 'different');
      // A chosen threshold wins: just above and just below the distance flip the verdict.
      await h.session.handle({
        type: 'compare-samples',
        runId: 1,
        requestId: 13,
        a: 3,
        b: 50,
        threshold: c.distance + 1e-6,
      });
      expect(h.last('sample-distance')).toMatchObject({ verdict: 'same', thresholdSource: 'chosen' });
      await h.session.handle({
        type: 'compare-samples',
        runId: 1,
        requestId: 14,
        a: 3,
        b: 50,
        threshold: c.distance - 1e-6,
      });
      expect(h.last('sample-distance')).toMatchObject({ verdict: 'different', thresholdSource: 'chosen' });
    },
  );

  it('answers a bad question with inspect-error, ignores other runs, and the run goes on', async () => {
    const h = harness();
    active = h.session;
    await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
    await h.session.handle({ type: 'configure', runId: 1, config: config('blobs') });
    await h.session.handle({ type: 'neighbours', runId: 1, requestId: 2, index: 80, k: 5 });
    expect(h.last('inspect-error')).toMatchObject({
      requestId: 2,
      message: 'the selected sample must be a point number from 0 to 79, got 80',
    });
    await h.session.handle({ type: 'query', runId: 1, requestId: 3, sample: { kind: 'row', values: [1, 2, 3] }, k: 5 });
    expect(h.last('inspect-error')).toMatchObject({ requestId: 3, message: 'a row needs 2 values, got 3' });
    await h.session.handle({ type: 'query', runId: 1, requestId: 4, sample: { kind: 'text', text: 'abc' }, k: 5 });
    expect(h.last('inspect-error').message).toBe('this dataset holds 2-D points, not text');
    const before = h.events.length;
    await h.session.handle({ type: 'neighbours', runId: 99, requestId: 5, index: 0, k: 5 });
    expect(h.events.length).toBe(before);
    await h.session.handle({ type: 'step', runId: 1 });
    expect(h.last('state')).toMatchObject({ state: 'paused', step: 1 });
  });
});

describe('Inspector on a trainer', () => {
  it('embeds a drawn digit like the dataset, lists its true nearest and places it with the PCA basis', async () => {
    const dataset = await loadBuiltinDataset('digits', nodeAssetReader(), { seed: 1 });
    const trainer = Trainer.init(
      config('digits', { model: { embeddingDim: 8 }, batch: { classesPerBatch: 5 } }),
      dataset,
    );
    try {
      for (let i = 0; i < 3; i++) trainer.step();
      const snapshot = trainer.snapshot();
      const inspector = new Inspector();
      // A 32×32 "drawing": a vertical bar of ink; the worker resizes it to 8×8 by area averaging.
      const drawing = new Float32Array(32 * 32);
      for (let y = 4; y < 28; y++) for (let x = 12; x < 20; x++) drawing[y * 32 + x] = 1;
      const sample = { kind: 'pixels' as const, width: 32, height: 32, channels: 1 as const, values: drawing };
      const answer = inspector.handle({ type: 'query', runId: 1, requestId: 1, sample, k: 5 }, trainer);
      expect(answer.type).toBe('query-result');
      if (answer.type !== 'query-result') return;
      const features = queryFeatures(sample, { modality: 'image', featureShape: [8, 8, 1] });
      expect(Array.from(answer.sample.values!)).toEqual(Array.from(features));
      // Columns 3 and 4 of 8 are fully inked in rows 1..6 (area averaging of the 4-pixel-wide bar).
      expect(features[1 * 8 + 3]).toBeCloseTo(1, 6);
      expect(features[0 * 8 + 3]).toBeCloseTo(0, 6);
      const embedding = trainer.embed(features, 1);
      const { values, n, dim } = trainer.heldOutEmbeddings();
      const expected = trueNearest(values, n, dim, embedding, 5, 'euclidean');
      expect(answer.neighbours.map((x) => x.index)).toEqual(expected.map((x) => x.index));
      expect(answer.step).toBe(3);
      expect(answer.coordinates).not.toBeNull();
      // Placing a held-out sample's own embedding reproduces its snapshot point.
      const own = trainer.projectToMap(values.subarray(0, dim), 1)!;
      expect(own[0]).toBeCloseTo(snapshot.coordinates[0], 4);
      expect(own[1]).toBeCloseTo(snapshot.coordinates[1], 4);
    } finally {
      trainer.dispose();
    }
  });

  it('a held-out sample queried as a row finds itself first at distance ~0; no tensors leak', async () => {
    const dataset = await loadBuiltinDataset('iris', nodeAssetReader(), { seed: 1 });
    const trainer = Trainer.init(
      config('iris', { data: { evalSamples: 30 }, batch: { size: 12, classesPerBatch: 3 } }),
      dataset,
    );
    try {
      trainer.step();
      const inspector = new Inspector();
      const held = trainer.heldOutSamples();
      const row = Array.from(held.features.subarray(4 * 4, 5 * 4));
      const answer = inspector.handle(
        { type: 'query', runId: 1, requestId: 1, sample: { kind: 'row', values: row }, k: 3 },
        trainer,
      );
      if (answer.type !== 'query-result') throw new Error(JSON.stringify(answer));
      expect(answer.neighbours[0].distance).toBeLessThan(1e-3);
      expect(held.features.subarray(answer.neighbours[0].index * 4, answer.neighbours[0].index * 4 + 4)).toEqual(
        Float32Array.from(row),
      );
      expect(answer.sample.kind).toBe('row');
      await expectNoLeakedTensors(() => {
        inspector.handle(
          { type: 'query', runId: 1, requestId: 2, sample: { kind: 'row', values: row }, k: 3 },
          trainer,
        );
        inspector.handle({ type: 'get-embeddings', runId: 1, requestId: 3 }, trainer);
        trainer.step();
      });
    } finally {
      trainer.dispose();
    }
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
