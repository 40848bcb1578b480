import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../../src/cli/assets';
import { type Config, type DeepPartial, makeConfig } from '../../../src/core/config';
import { loadBuiltinDataset } from '../../../src/core/data/builtin';
import type { LabelledDataset } from '../../../src/core/data/dataset';
import { trainTestSplit } from '../../../src/core/data/split';
import { fitPkBatch, protocolOf, resolveUnseenClasses, unseenClassSplit } from '../../../src/core/data/unseen';
import { Rng } from '../../../src/core/rng';
import { makeBatchSource } from '../../../src/core/train/batchSource';
import { Trainer } from '../../../src/core/train/trainer';
import { disposeTrainingData, uploadTrainingData } from '../../../src/core/train/trainingData';
import { useCpuBackend } from '../../helpers/tf';

let blobs: LabelledDataset;
let digits: LabelledDataset;

beforeAll(async () => {
  await useCpuBackend();
  blobs = await loadBuiltinDataset('blobs', nodeAssetReader(), { seed: 3 });
  digits = await loadBuiltinDataset('digits', nodeAssetReader());
});

const UNSEEN = [2, 4];

function blobsConfig(patch: DeepPartial<Config>): Config {
  return makeConfig(patch, makeConfig({ data: { dataset: 'blobs', unseenClasses: UNSEEN, evalSamples: 400 } }));
}

/** Original class of every distinct feature row of the dataset (blobs: 2-D points, practically never repeated). */
function classOfRow(ds: LabelledDataset): Map<string, number> {
  const dim = ds.featureShape.reduce((a, b) => a * b, 1);
  const map = new Map<string, number>();
  for (let i = 0; i < ds.numSamples; i++) map.set(ds.features.subarray(i * dim, (i + 1) * dim).join(','), ds.labels[i]);
  return map;
}

/** The original classes of the rows of `x` that `indices` picks: what a batch actually feeds the tower. */
function classesOfGathered(x: tf.Tensor, indices: Int32Array, rows: Map<string, number>): number[] {
  const picked = tf.tidy(() => tf.gather(x, tf.tensor1d(indices, 'int32')));
  const values = picked.arraySync() as number[][];
  picked.dispose();
  return values.map((row) => {
    const c = rows.get(Float32Array.from(row).join(','));
    if (c === undefined) throw new Error(`a batch row ${row} is no sample of the dataset`);
    return c;
  });
}

describe('which classes are unseen', () => {
  it('a list is used as given (ascending); a count is a seeded choice that a seed replays', () => {
    expect(resolveUnseenClasses({ unseenClasses: [9, 5, 7], unseenCount: 0 }, 10, 1)).toEqual([5, 7, 9]);
    expect(resolveUnseenClasses({ unseenClasses: [], unseenCount: 0 }, 10, 1)).toBeNull();
    const picks = [1, 2, 3, 4, 5].map((seed) => resolveUnseenClasses({ unseenClasses: [], unseenCount: 5 }, 10, seed));
    for (const p of picks) {
      expect(p).toHaveLength(5);
      expect(new Set(p).size).toBe(5);
      expect(p!.every((c) => c >= 0 && c < 10)).toBe(true);
      expect([...p!].sort((a, b) => a - b)).toEqual(p);
    }
    expect(resolveUnseenClasses({ unseenClasses: [], unseenCount: 5 }, 10, 3)).toEqual(picks[2]);
    expect(new Set(picks.map((p) => p!.join())).size).toBeGreaterThan(1);
    expect(() => resolveUnseenClasses({ unseenClasses: [], unseenCount: 9 }, 10, 1)).toThrow(/at most 8/);
    expect(protocolOf({ unseenClasses: [1, 3], unseenCount: 0 }, ['a', 'b', 'c', 'd'], 1)).toEqual({
      kind: 'unseen-classes',
      classes: [1, 3],
      classNames: ['b', 'd'],
    });
  });

  it('the split: training only seen classes, held out = unseen; the seen slice comes from the usual held-out part', () => {
    const { train, seenTest, test } = unseenClassSplit(blobs, UNSEEN, 0.2, new Rng(4));
    const plain = trainTestSplit(blobs, 0.2, new Rng(4));
    expect(train.labels.some((l) => UNSEEN.includes(l))).toBe(false);
    expect(seenTest.labels.some((l) => UNSEEN.includes(l))).toBe(false);
    expect([...new Set(test.labels)].sort()).toEqual(UNSEEN);
    expect(seenTest.numSamples + test.numSamples).toBe(plain.test.numSamples);
    const unseenInPlainTrain = plain.train.labels.filter((l) => UNSEEN.includes(l)).length;
    expect(train.numSamples).toBe(plain.train.numSamples - unseenInPlainTrain);
  });

  it('P×K batches shrink to the classes left to train on, saying so; a batch that fits stays', () => {
    expect(fitPkBatch({ mode: 'pk', size: 64, classesPerBatch: 8 }, 5)).toEqual({
      classesPerBatch: 4,
      note: expect.stringContaining('4 classes × 16 samples'),
    });
    expect(fitPkBatch({ mode: 'pk', size: 64, classesPerBatch: 4 }, 5)).toBeNull();
    expect(fitPkBatch({ mode: 'pairs', size: 64, classesPerBatch: 8 }, 5)).toBeNull();
  });
});

describe('no unseen-class sample ever reaches training', () => {
  const modes: [string, DeepPartial<Config>][] = [
    ['P×K batches', { batch: { mode: 'pk', size: 12, classesPerBatch: 3 } }],
    ['balanced pairs', { objective: { loss: 'contrastive' }, batch: { mode: 'pairs', size: 32 } }],
    ['random triplets', { batch: { mode: 'triplets', size: 32 } }],
  ];
  for (const [name, patch] of modes) {
    it(`${name}: every row of 200 drawn batches is a seen-class sample`, () => {
      const config = blobsConfig(patch);
      const data = uploadTrainingData(config, blobs, new Rng(config.seed).fork());
      try {
        if (data.kind !== 'samples') throw new Error('expected labelled samples');
        const rows = classOfRow(blobs);
        const source = makeBatchSource(config, data, new Rng(9));
        const drawn = new Set<number>();
        for (let b = 0; b < 200; b++) {
          const next = source.sampler.next();
          const parts =
            next instanceof Int32Array ? [next] : Object.values(next).filter((v) => v instanceof Int32Array);
          for (const indices of parts) for (const c of classesOfGathered(data.train.x, indices, rows)) drawn.add(c);
        }
        expect([...drawn].sort()).toEqual([0, 1, 3]);
        // And every held-out point the metrics use is an unseen-class sample.
        const heldOut = classesOfGathered(data.test.x, Int32Array.from(data.test.labels.keys()), rows);
        expect([...new Set(heldOut)].sort()).toEqual(UNSEEN);
        expect(data.protocol).toEqual({ kind: 'unseen-classes', classes: UNSEEN, classNames: ['blob 3', 'blob 5'] });
      } finally {
        disposeTrainingData(data);
      }
    });
  }

  it('a training run: each step’s batch is seen classes, the scatter and metrics are about the unseen ones', () => {
    const config = makeConfig({
      data: { dataset: 'digits', unseenClasses: [5, 6, 7, 8, 9], evalSamples: 300 },
      model: { mlp: { hiddenUnits: [32] }, embeddingDim: 16 },
      batch: { size: 20, classesPerBatch: 5 },
      training: { evalEvery: 0 },
    });
    const before = tf.memory().numTensors;
    const trainer = Trainer.init(config, digits);
    const batchClasses = new Set<number>();
    for (let s = 0; s < 25; s++) {
      trainer.step();
      for (const l of trainer.snapshot().batch!.labels) batchClasses.add(l);
    }
    expect([...batchClasses].sort()).toEqual([0, 1, 2, 3, 4]);
    const snap = trainer.snapshot();
    expect([...new Set(snap.labels)].sort()).toEqual([5, 6, 7, 8, 9]);
    const ev = trainer.evaluate();
    expect(ev.protocol).toEqual({
      kind: 'unseen-classes',
      classes: [5, 6, 7, 8, 9],
      classNames: ['5', '6', '7', '8', '9'],
    });
    expect(ev.seen).not.toBeNull();
    // The unseen classes are judged at the threshold chosen on the seen ones.
    expect(ev.metrics!.thresholdMetrics.threshold).toBe(ev.seen!.threshold);
    expect(ev.seen!.mapAtR).toBeGreaterThan(0);
    expect(ev.geometry!.alignment).toBeGreaterThanOrEqual(0);
    expect(ev.geometry!.uniformity).toBeLessThanOrEqual(0);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
