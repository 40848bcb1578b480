/**
 * The teach fields of the worker's events: snapshots carry the mining rules, sample indices, where candidates sit
 * (split-input) and each triplet's loss under the run's loss; evaluations carry the held-out pair distances. Real
 * TrainingSession, real tfjs on the CPU backend, events posted through structuredClone with their transfer lists
 * (as postMessage does), so a buffer the worker still needed would show up detached.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type Config, type DeepPartial } from '../../src/core/config';
import { tripletCategory, tripletLossOf } from '../../src/core/teach/triplets';
import type { WorkerEvent } from '../../src/worker/protocol';
import { transferablesOf } from '../../src/worker/transfer';
import { TrainingSession } from '../../src/worker/session';
import { nodeSessionHost } from '../helpers/session';
import { useCpuBackend } from '../helpers/tf';

function harness() {
  const events: WorkerEvent[] = [];
  const host = nodeSessionHost({
    post: (event, transfer) =>
      events.push(structuredClone(event, { transfer: transfer.length ? transfer : transferablesOf(event) })),
    readAsset: async (file) => {
      throw new Error(`no shipped files in this test (${file})`);
    },
  });
  const session = new TrainingSession(host, 'cpu');
  const of = <T extends WorkerEvent['type']>(type: T) =>
    events.filter((e) => e.type === type) as Extract<WorkerEvent, { type: T }>[];
  return { session, events, of };
}

function config(dataset: string, overrides: DeepPartial<Config> = {}): Config {
  return makeConfig(
    overrides,
    makeConfig({
      data: { dataset, evalSamples: 100 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [16] }, embeddingDim: 4 },
      batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
      training: { evalEvery: 10, backend: 'cpu' },
    }),
  );
}

let active: TrainingSession | null = null;
beforeAll(async () => {
  await useCpuBackend();
});
afterEach(async () => {
  if (active) await active.handle({ type: 'dispose' });
  active = null;
});

async function stepped(dataset: string, overrides: DeepPartial<Config>, steps: number) {
  const h = harness();
  active = h.session;
  await h.session.handle({ type: 'load-builtin', requestId: 1, name: dataset, seed: 1 });
  await h.session.handle({ type: 'configure', runId: 1, config: config(dataset, overrides) });
  for (let k = 0; k < steps; k++) await h.session.handle({ type: 'step', runId: 1 });
  await h.session.handle({ type: 'refresh', runId: 1 });
  return h;
}

describe('teach fields of worker events', () => {
  it('snapshots carry rules, sample indices and each triplet’s loss; repeated snapshots of a batch stay whole', async () => {
    const h = await stepped('blobs', { objective: { margin: 0.3 }, mining: { miner: 'all' } }, 2);
    const snapshots = h.of('snapshot').filter((s) => s.batch !== null);
    expect(snapshots.length).toBeGreaterThanOrEqual(3); // step 1, step 2, then refresh of step 2's batch
    for (const s of snapshots) {
      const batch = s.batch!;
      expect(batch.rules).toEqual({
        loss: 'triplet',
        miner: 'all',
        distance: 'euclidean',
        margin: 0.3,
        softMargin: false,
      });
      expect(batch.candidateOffset).toBe(0);
      expect(batch.sampleIndices!.length).toBe(20);
      expect(batch.labels.length).toBe(20);
      expect(batch.coordinates.length).toBe(40);
      expect(batch.triplets.length).toBeGreaterThan(0);
      for (const t of batch.triplets) {
        expect(t.loss).toBeCloseTo(tripletLossOf(t.dAP, t.dAN, batch.rules!)!, 12);
        expect(t.category).toBe(tripletCategory(t.dAP, t.dAN, 0.3));
        expect(t.category).not.toBe('easy'); // the "all" miner keeps δ ≤ m
      }
    }
    // The refresh re-snapshots the same batch: same triplets (nothing detached by the first transfer).
    const [a, b] = snapshots.slice(-2);
    expect(a.step).toBe(b.step);
    expect(b.batch!.triplets).toEqual(a.batch!.triplets);
    expect(Array.from(b.batch!.sampleIndices!)).toEqual(Array.from(a.batch!.sampleIndices!));
  });

  it('soft-margin runs report softplus losses per triplet', async () => {
    const h = await stepped('blobs', { objective: { softMargin: true, margin: 0.3 }, mining: { miner: 'all' } }, 1);
    const batch = h.of('snapshot').at(-1)!.batch!;
    expect(batch.rules!.softMargin).toBe(true);
    for (const t of batch.triplets) expect(t.loss).toBeCloseTo(Math.log1p(Math.exp(t.dAP - t.dAN)), 12);
  });

  it('split-input snapshots place candidates after the anchors (second halves)', async () => {
    const h = await stepped(
      'sequence-events',
      { data: { splitInput: true, splitRatio: 0.75 }, mining: { miner: 'all' } },
      1,
    );
    const batch = h.of('snapshot').at(-1)!.batch!;
    expect(batch.labels.length).toBe(20);
    expect(batch.coordinates.length).toBe(2 * 20 * 2); // halves a then halves b
    expect(batch.candidateOffset).toBe(20);
    expect(batch.triplets.length).toBeGreaterThan(0);
    for (const t of batch.triplets) {
      expect(t.positive).toBe(t.anchor); // a sample's own second half
      expect(t.negative).not.toBe(t.anchor);
      expect(t.negative).toBeLessThan(20);
    }
  });

  it('evaluations carry the held-out pair distances with the margin of margin losses', async () => {
    const h = await stepped('blobs', { objective: { margin: 0.4 } }, 1);
    const metrics = h.of('metrics');
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    for (const m of metrics) {
      const pairs = m.pairDistances!;
      expect(pairs.step).toBe(m.metrics.step);
      expect(pairs.margin).toBe(0.4);
      expect(pairs.distance).toBe('euclidean');
      expect(pairs.loss).toBe('triplet');
      expect(pairs.positive.length).toBeGreaterThan(0);
      expect(pairs.negative.length).toBeGreaterThan(0);
      for (const d of [...pairs.positive, ...pairs.negative]) expect(d).toBeGreaterThanOrEqual(0);
    }
    // The pair distances are the verification sample: their best accuracy is the reported pair accuracy.
    const last = metrics.at(-1)!;
    const { summarisePairs } = await import('../../src/core/teach/threshold');
    expect(summarisePairs(last.pairDistances!).best!.accuracy).toBeCloseTo(last.metrics.pairAccuracy!, 12);
    expect(summarisePairs(last.pairDistances!).auc).toBeCloseTo(last.metrics.auc!, 12);

    await h.session.handle({ type: 'dispose' });
    const info = await stepped('blobs', { objective: { loss: 'infonce' } }, 1);
    expect(info.of('metrics').at(-1)!.pairDistances!.margin).toBeNull();
  });

  it('transfers the teach buffers with their events', () => {
    const positive = new Float32Array([0.1]);
    const negative = new Float32Array([0.9]);
    const sampleIndices = new Int32Array([3]);
    const metrics: WorkerEvent = {
      type: 'metrics',
      runId: 1,
      metrics: {
        step: 1,
        precisionAt1: null,
        rPrecision: null,
        mapAtR: null,
        pairAccuracy: null,
        auc: null,
        validationLoss: null,
      },
      pairDistances: { step: 1, positive, negative, distance: 'euclidean', loss: 'triplet', margin: 0.2 },
      evaluationMs: 0,
      evaluationParts: { embed: 0, validation: 0, metrics: 0, geometry: 0 },
    };
    expect(transferablesOf(metrics)).toEqual(expect.arrayContaining([positive.buffer, negative.buffer]));
    const snapshot: WorkerEvent = {
      type: 'snapshot',
      runId: 1,
      step: 1,
      coordinates: new Float32Array(2),
      labels: new Int32Array(1),
      batch: {
        coordinates: new Float32Array(2),
        labels: new Int32Array(1),
        triplets: [],
        sampleIndices,
        candidateOffset: 0,
        rules: { loss: 'triplet', miner: 'all', distance: 'euclidean', margin: 0.2, softMargin: false },
      },
      lda: null,
    };
    expect(transferablesOf(snapshot)).toContain(sampleIndices.buffer);
  });
});
