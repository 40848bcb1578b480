import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type DeepPartial, type Config } from '../../../src/core/config';
import { loadBuiltinDataset } from '../../../src/core/data/builtin';
import { type LabelledDataset, type PairDataset, subsetLabelled } from '../../../src/core/data/dataset';
import { Trainer } from '../../../src/core/train/trainer';
import { nodeAssetReader } from '../../../src/cli/assets';
import { useCpuBackend } from '../../helpers/tf';

let digits: LabelledDataset;
let blobs: LabelledDataset;

beforeAll(async () => {
  await useCpuBackend();
  digits = await loadBuiltinDataset('digits', nodeAssetReader());
  blobs = await loadBuiltinDataset('blobs', nodeAssetReader(), { seed: 3 });
});

const digitsConfig = (patch: DeepPartial<Config> = {}) =>
  makeConfig(
    patch,
    makeConfig({
      data: { dataset: 'digits', evalSamples: 300 },
      model: { mlp: { hiddenUnits: [32] }, embeddingDim: 16 },
      batch: { size: 32, classesPerBatch: 8 },
    }),
  );

describe('Trainer', () => {
  it('steps, reports triplet counts that add up, and counts epochs', () => {
    const trainer = Trainer.init(digitsConfig(), digits);
    const r = trainer.step();
    expect(r.step).toBe(1);
    expect(Number.isFinite(r.loss)).toBe(true);
    // 8 classes × 4 samples: each anchor has 3 positives and 28 negatives → 32·3·28 valid triplets.
    expect(r.counts!.easy + r.counts!.semiHard + r.counts!.hard).toBe(32 * 3 * 28);
    expect(r.mined).toBeLessThanOrEqual(32 * 3 * 28);
    expect(trainer.steps).toBe(1);
    trainer.dispose();
  });

  it('is reproducible: same config and seed on the CPU backend give the same losses', () => {
    const run = (seed: number) => {
      const t = Trainer.init(digitsConfig({ seed }), digits);
      const losses = Array.from({ length: 5 }, () => t.step().loss);
      t.dispose();
      return losses;
    };
    const a = run(11);
    expect(run(11)).toEqual(a);
    expect(run(12)).not.toEqual(a);
  });

  it('step() and evaluate() leak no tensors after warm-up', () => {
    for (const patch of [
      {},
      { objective: { loss: 'contrastive' as const, distance: 'cosine' as const } },
      { objective: { loss: 'binary' as const }, batch: { mode: 'pairs' as const } },
      { objective: { loss: 'infonce' as const } },
      { objective: { distance: 'mahalanobis' as const } },
      { batch: { mode: 'triplets' as const }, mining: { mode: 'offline' as const, miner: 'semi-hard' as const } },
    ]) {
      const trainer = Trainer.init(digitsConfig(patch), digits);
      trainer.step();
      trainer.evaluate();
      trainer.snapshot();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) trainer.step();
      trainer.evaluate();
      trainer.snapshot();
      expect(tf.memory().numTensors, JSON.stringify(patch)).toBe(before);
      trainer.dispose();
    }
  });

  it('evaluate(time) hands each part to the timer once and returns what an untimed evaluation returns', () => {
    const timed = Trainer.init(digitsConfig(), digits);
    const untimed = Trainer.init(digitsConfig(), digits);
    for (const t of [timed, untimed]) t.step();
    const parts: string[] = [];
    const evaluation = timed.evaluate((part, run) => {
      parts.push(part);
      return run();
    });
    expect(parts).toEqual(['validation', 'embed', 'metrics', 'geometry']);
    expect(evaluation).toEqual(untimed.evaluate());
    timed.dispose();
    untimed.dispose();
  });

  it('dispose() frees everything the trainer made', () => {
    const before = tf.memory().numTensors;
    const trainer = Trainer.init(digitsConfig(), digits);
    trainer.step();
    trainer.evaluate();
    trainer.snapshot();
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a non-finite loss stops the run with a reason and leaves the weights untouched', () => {
    // The largest learning rate the config allows, plain SGD and an unnormalised embedding: the loss diverges.
    const trainer = Trainer.init(
      digitsConfig({
        model: { l2Normalize: false },
        objective: { loss: 'contrastive', distance: 'squared-euclidean', margin: 1 },
        optimizer: { name: 'sgd', learningRate: 10 },
      }),
      digits,
    );
    let result: ReturnType<typeof trainer.step> | undefined;
    let before: Float32Array | undefined;
    for (let i = 0; i < 50 && !trainer.stopReason; i++) {
      before = trainer.embed(digits.features.subarray(0, 64), 1);
      result = trainer.step();
    }
    expect(trainer.stopReason).not.toBeNull();
    expect(trainer.stopReason!.message).toMatch(/the loss became (NaN|Infinity|-Infinity) at step \d+/);
    expect(trainer.stopReason!.message).toMatch(/lower the learning rate/);
    expect(Number.isFinite(result!.loss)).toBe(false);
    // The weights are those from before the bad step.
    expect(Array.from(trainer.embed(digits.features.subarray(0, 64), 1))).toEqual(Array.from(before!));
    expect(() => trainer.step()).toThrow(/the run has stopped/);
    trainer.dispose();
  });

  it('the twin network has one tower: variables do not double with branches', () => {
    const single = Trainer.init(digitsConfig(), digits);
    const pairs = Trainer.init(digitsConfig({ objective: { loss: 'contrastive' }, batch: { mode: 'pairs' } }), digits);
    const triplets = Trainer.init(digitsConfig({ batch: { mode: 'triplets' }, mining: { miner: 'random' } }), digits);
    // MLP [32] → 16: two Dense layers, kernel + bias each.
    expect(single.variableCount).toBe(4);
    expect(pairs.variableCount).toBe(4);
    expect(triplets.variableCount).toBe(4);
    [single, pairs, triplets].forEach((t) => t.dispose());
  });

  it('snapshot(): held-out points in 2-D and the last batch with its mined triplets', () => {
    const trainer = Trainer.init(digitsConfig({ mining: { miner: 'semi-hard' } }), digits);
    for (let i = 0; i < 3; i++) trainer.step();
    const s = trainer.snapshot();
    expect(s.coordinates.length).toBe(s.labels.length * 2);
    expect(s.labels.length).toBeLessThanOrEqual(300);
    expect(s.batch).not.toBeNull();
    expect(s.batch!.coordinates.length).toBe(32 * 2);
    for (const t of s.batch!.triplets) {
      expect(s.batch!.labels[t.anchor]).toBe(s.batch!.labels[t.positive]);
      expect(s.batch!.labels[t.anchor]).not.toBe(s.batch!.labels[t.negative]);
      expect(t.category).toBe('semi-hard');
      const delta = t.dAN - t.dAP;
      expect(delta > 0 && delta <= 0.2 + 1e-6).toBe(true);
    }
    // The LDA view of the same points and batch (ten digit classes), finite and not the PCA picture.
    expect(s.lda).toBeTruthy();
    expect(s.lda!.coordinates.length).toBe(s.coordinates.length);
    expect(s.lda!.batchCoordinates!.length).toBe(s.batch!.coordinates.length);
    expect(s.lda!.coordinates.every(Number.isFinite)).toBe(true);
    expect(Array.from(s.lda!.coordinates)).not.toEqual(Array.from(s.coordinates));
    trainer.dispose();
  });

  it('snapshot() and heldOutSamples() hand out copies: transferring them away leaves the trainer working', () => {
    const trainer = Trainer.init(digitsConfig(), digits);
    trainer.step();
    const before = trainer.evaluate().metrics!.precisionAt1;
    const s = trainer.snapshot();
    const held = trainer.heldOutSamples();
    // What postMessage(..., transfer) does to a worker's buffers: they are detached on this side.
    const buffers = [
      s.labels,
      s.indices,
      s.coordinates,
      s.batch!.labels,
      s.batch!.sampleIndices,
      held.labels,
      held.features,
    ].map((a) => a.buffer as ArrayBuffer);
    structuredClone(buffers, { transfer: [...new Set(buffers)] });
    expect(s.labels.length).toBe(0);
    expect(trainer.evaluate().metrics!.precisionAt1).toBe(before);
    const again = trainer.snapshot();
    expect(again.labels.length).toBe(again.coordinates.length / 2);
    trainer.step();
    trainer.dispose();
  });

  it('evaluate() reports retrieval and verification metrics in range', () => {
    const trainer = Trainer.init(digitsConfig(), digits);
    trainer.step();
    const ev = trainer.evaluate();
    const m = ev.metrics!;
    for (const v of [m.precisionAt1, m.rPrecision, m.mapAtR, m.auc, m.pairAccuracy])
      expect(v >= 0 && v <= 1).toBe(true);
    expect(ev.validationLoss).not.toBeNull();
    trainer.dispose();
  });

  it('the extracted tower embeds new inputs like the trainer does', async () => {
    const trainer = Trainer.init(digitsConfig(), digits);
    trainer.step();
    const tower = await trainer.extractTower();
    const x = digits.features.subarray(0, 5 * 64);
    const expected = trainer.embed(x, 5);
    const got = tf.tidy(() => (tower.predict(tf.tensor(x, [5, ...digits.featureShape])) as tf.Tensor).dataSync());
    expect(Array.from(got).map((v) => v.toFixed(5))).toEqual(Array.from(expected).map((v) => v.toFixed(5)));
    tower.dispose();
    trainer.dispose();
  });

  it('refuses a config that cannot work on the data, with the reason', () => {
    expect(() => Trainer.init(digitsConfig({ model: { tower: 'gru' } }), blobs)).toThrow(/GRU tower reads sequences/);
  });
});

describe('Trainer weights and held-out samples', () => {
  it('exportModelWeights/importModelWeights carry a run to a fresh trainer: same embeddings, same step count', () => {
    const a = Trainer.init(digitsConfig(), digits);
    for (let i = 0; i < 5; i++) a.step();
    const b = Trainer.init(digitsConfig(), digits);
    const x = digits.features.subarray(0, 3 * 64);
    expect(Array.from(b.embed(x, 3))).not.toEqual(Array.from(a.embed(x, 3)));
    b.importModelWeights(a.exportModelWeights(), a.steps);
    expect(Array.from(b.embed(x, 3))).toEqual(Array.from(a.embed(x, 3)));
    expect(b.steps).toBe(5);
    const tower = a.exportModelWeights().tower;
    expect(tower.length).toBe(4);
    expect(() => b.importModelWeights({ tower: tower.slice(1) }, 0)).toThrow(
      /holds 3 tower weight tensors, but this model's tower has 4/,
    );
    // The refused weights changed nothing.
    expect(b.steps).toBe(5);
    expect(Array.from(b.embed(x, 3))).toEqual(Array.from(a.embed(x, 3)));
    a.dispose();
    b.dispose();
  });

  it('heldOutSamples() lines up with snapshot points', () => {
    const t = Trainer.init(digitsConfig(), digits);
    const held = t.heldOutSamples();
    const s = t.snapshot();
    expect(held.labels).toEqual(s.labels);
    expect(held.features.length).toBe(s.labels.length * 64);
    expect(held.shape).toEqual([8, 8, 1]);
    t.dispose();
  });
});

/** A binary pair file over blobs: target 1 when both sides come from the same blob. */
function blobPairs(): PairDataset {
  const n = 200;
  const a = new Float32Array(n * 2);
  const b = new Float32Array(n * 2);
  const targets = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const i = (k * 7) % blobs.numSamples;
    const j = k % 2 === 0 ? (i + 5) % blobs.numSamples : (i * 13 + 1) % blobs.numSamples;
    a.set(blobs.features.subarray(i * 2, i * 2 + 2), k * 2);
    b.set(blobs.features.subarray(j * 2, j * 2 + 2), k * 2);
    targets[k] = blobs.labels[i] === blobs.labels[j] ? 1 : 0;
  }
  return {
    kind: 'pairs',
    name: 'pairs-binary',
    description: 'test pairs',
    modality: 'points2d',
    a,
    b,
    featureShape: [2],
    targets,
    targetKind: 'binary',
    numPairs: n,
    source: { type: 'upload', ref: 'pairs-binary.csv' },
  };
}

describe('Trainer data shapes and the held-out cache', () => {
  it('samples, split-input halves and a pair file each train, measure, snapshot and free every tensor', () => {
    const pairs = blobPairs();
    const runs: [string, Config, LabelledDataset | PairDataset][] = [
      ['samples', digitsConfig(), digits],
      ['halves', digitsConfig({ data: { splitInput: true, splitRatio: 0.5 }, mining: { miner: 'all' } }), digits],
      [
        'pairs',
        makeConfig({
          data: { dataset: 'upload:pairs-binary' },
          model: { mlp: { hiddenUnits: [8] }, embeddingDim: 4 },
          batch: { mode: 'pairs', size: 32 },
          objective: { loss: 'binary', distance: 'mahalanobis' },
        }),
        pairs,
      ],
    ];
    for (const [name, config, data] of runs) {
      const before = tf.memory().numTensors;
      const trainer = Trainer.init(config, data);
      for (let i = 0; i < 3; i++) expect(Number.isFinite(trainer.step().loss), name).toBe(true);
      const ev = trainer.evaluate();
      const s = trainer.snapshot();
      if (name === 'pairs') {
        expect(ev.metrics, name).toBeNull();
        expect(ev.pairs?.auc, name).toBeGreaterThanOrEqual(0);
        expect(s.batch, name).toBeNull();
      } else {
        expect(ev.pairs, name).toBeNull();
        expect(ev.metrics?.precisionAt1, name).toBeGreaterThanOrEqual(0);
        expect(ev.validationLoss, name).not.toBeNull();
        expect(s.batch?.triplets.length, name).toBeGreaterThan(0);
      }
      expect(s.coordinates.length, name).toBe(2 * trainer.heldOutEmbeddings().n);
      expect(s.labels.length, name).toBe(trainer.heldOutSamples().labels.length);
      trainer.dispose();
      expect(tf.memory().numTensors, name).toBe(before);
    }
  });

  it('a run that cannot start (nothing to hold out) throws why and leaves nothing on the backend', () => {
    // One sample per class: a class's only sample stays in training, so the held-out set would be empty.
    const firsts = blobs.classNames.map((_, c) => blobs.labels.indexOf(c));
    const tiny = subsetLabelled(blobs, firsts);
    const config = makeConfig({
      data: { dataset: 'blobs' },
      model: { mlp: { hiddenUnits: [8] }, embeddingDim: 4 },
      batch: { mode: 'pairs', size: 4 },
      objective: { loss: 'binary' },
    });
    const before = tf.memory().numTensors;
    expect(() => Trainer.init(config, tiny)).toThrow(/leaves no test samples/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('heldOutEmbeddings() embeds once per weights: kept across calls, renewed by a step and by an import', () => {
    const a = Trainer.init(digitsConfig(), digits);
    // Same split as `a`, other weights: three steps in.
    const b = Trainer.init(digitsConfig(), digits);
    for (let i = 0; i < 3; i++) b.step();
    const first = a.heldOutEmbeddings();
    a.snapshot();
    a.evaluate();
    expect(a.heldOutEmbeddings()).toBe(first);
    expect(first.values.length).toBe(first.n * first.dim);
    a.step();
    const stepped = a.heldOutEmbeddings();
    expect(stepped).not.toBe(first);
    expect(Array.from(stepped.values)).not.toEqual(Array.from(first.values));
    // Same step count, other weights: the cache must not answer with the old ones.
    a.importModelWeights(b.exportModelWeights(), a.steps);
    expect(Array.from(a.heldOutEmbeddings().values)).toEqual(Array.from(b.heldOutEmbeddings().values));
    a.dispose();
    b.dispose();
  });
});
