import { describe, expect, it } from 'vitest';
import { stratifiedSplit, trainTestSplit, trainTestSplitPairs } from '../../../../src/core/data/split';
import type { LabelledDataset, PairDataset } from '../../../../src/core/data/dataset';
import { Rng } from '../../../../src/core/rng';

/** Labels with the given class sizes, in a seeded random order (so classes are interleaved). */
function labelsWithSizes(sizes: number[], seed = 11): Int32Array {
  const labels: number[] = [];
  sizes.forEach((n, c) => {
    for (let i = 0; i < n; i++) labels.push(c);
  });
  return new Rng(seed).shuffle(Int32Array.from(labels));
}

function countByClass(labels: Int32Array, indices: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const i of indices) counts[labels[i]]++;
  return counts;
}

function expectPartition(train: Int32Array, test: Int32Array, total: number): void {
  const seen = new Uint8Array(total);
  for (const i of [...train, ...test]) {
    expect(seen[i]).toBe(0); // no index in both (or twice in one)
    seen[i] = 1;
  }
  expect(train.length + test.length).toBe(total); // union = all
  for (const list of [train, test]) for (let k = 1; k < list.length; k++) expect(list[k]).toBeGreaterThan(list[k - 1]);
}

function labelledDataset(labels: Int32Array, extra: Partial<LabelledDataset> = {}): LabelledDataset {
  const n = labels.length;
  const numClasses = Math.max(...labels) + 1;
  // Row i holds [i, -i]: lets a test check that features follow their sample.
  const features = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    features[2 * i] = i;
    features[2 * i + 1] = -i;
  }
  return {
    kind: 'labelled',
    name: 'toy',
    description: '',
    modality: 'tabular',
    features,
    featureShape: [2],
    labels,
    classNames: Array.from({ length: numClasses }, (_, c) => `c${c}`),
    numSamples: n,
    texts: Array.from({ length: n }, (_, i) => `t${i}`),
    source: { type: 'synthetic', ref: 'test' },
    ...extra,
  };
}

describe('stratifiedSplit', () => {
  const sizes = [1, 2, 3, 10, 57, 200, 4];
  const labels = labelsWithSizes(sizes);

  for (const fraction of [0.05, 0.2, 0.5, 0.9]) {
    it(`holds out round(${fraction} × count) per class, within ±1 for the small-class guarantees`, () => {
      const { train, test } = stratifiedSplit(labels, sizes.length, fraction, new Rng(3));
      expectPartition(train, test, labels.length);
      const testCounts = countByClass(labels, test, sizes.length);
      const trainCounts = countByClass(labels, train, sizes.length);
      sizes.forEach((count, c) => {
        if (count === 1) {
          expect(testCounts[c]).toBe(0); // a single sample stays in train
          expect(trainCounts[c]).toBe(1);
          return;
        }
        expect(Math.abs(testCounts[c] - Math.round(fraction * count))).toBeLessThanOrEqual(1);
        expect(testCounts[c]).toBeGreaterThanOrEqual(1);
        expect(trainCounts[c]).toBeGreaterThanOrEqual(1);
      });
      // Large classes get exactly the rounded share (no guarantee needed there).
      expect(testCounts[5]).toBe(Math.round(fraction * 200));
      expect(testCounts[4]).toBe(Math.round(fraction * 57));
    });
  }

  it('is reproducible with a seed and differs between seeds', () => {
    const first = stratifiedSplit(labels, sizes.length, 0.2, new Rng(42));
    const again = stratifiedSplit(labels, sizes.length, 0.2, new Rng(42));
    const other = stratifiedSplit(labels, sizes.length, 0.2, new Rng(43));
    expect(Array.from(again.test)).toEqual(Array.from(first.test));
    expect(Array.from(again.train)).toEqual(Array.from(first.train));
    expect(Array.from(other.test)).not.toEqual(Array.from(first.test));
  });

  it('picks test samples at random within a class, not the first ones', () => {
    const oneClass = new Int32Array(100);
    const { test } = stratifiedSplit(oneClass, 1, 0.2, new Rng(5));
    expect(test.length).toBe(20);
    expect(Array.from(test)).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(test[test.length - 1]).toBeGreaterThan(50);
  });

  it('holds nothing out at fraction 0 and explains bad input', () => {
    const { train, test } = stratifiedSplit(labels, sizes.length, 0, new Rng(1));
    expect(test.length).toBe(0);
    expect(train.length).toBe(labels.length);
    expect(() => stratifiedSplit(labels, sizes.length, 1.5, new Rng(1))).toThrow(/between 0 and 1/);
    expect(() => stratifiedSplit(Int32Array.from([0, 3]), 2, 0.2, new Rng(1))).toThrow(/sample 1 has label 3/);
  });
});

describe('trainTestSplit', () => {
  it('splits stratified and keeps features, labels and texts with their sample', () => {
    const labels = labelsWithSizes([6, 9, 15]);
    const ds = labelledDataset(labels);
    const { train, test } = trainTestSplit(ds, 0.2, new Rng(9));
    expect(train.numSamples + test.numSamples).toBe(30);
    expect(countByClass(test.labels, Int32Array.from(test.labels.keys()), 3)).toEqual([1, 2, 3]);
    for (const part of [train, test]) {
      for (let r = 0; r < part.numSamples; r++) {
        const original = part.features[2 * r];
        expect(part.features[2 * r + 1]).toBe(-original);
        expect(part.labels[r]).toBe(labels[original]);
        expect(part.texts![r]).toBe(`t${original}`);
      }
    }
  });

  it('honours a fixed testIndices split and ignores the fraction', () => {
    const labels = labelsWithSizes([5, 5, 5]);
    const testIndices = Int32Array.from([14, 2, 7, 3]);
    const ds = labelledDataset(labels, { testIndices });
    const { train, test } = trainTestSplit(ds, 0.5, new Rng(1));
    expect(Array.from(test.features.filter((_, k) => k % 2 === 0))).toEqual([2, 3, 7, 14]);
    const trainRows = Array.from(train.features.filter((_, k) => k % 2 === 0));
    expect(trainRows).toEqual(Array.from({ length: 15 }, (_, i) => i).filter((i) => ![2, 3, 7, 14].includes(i)));
    expect(test.testIndices).toBeUndefined();
    expect(train.testIndices).toBeUndefined();
  });

  it('explains a fixed split that names a missing sample, and a split with no test samples', () => {
    const labels = labelsWithSizes([5, 5]);
    expect(() =>
      trainTestSplit(labelledDataset(labels, { testIndices: Int32Array.from([10]) }), 0.2, new Rng(1)),
    ).toThrow(/item 10.*only 10/);
    expect(() => trainTestSplit(labelledDataset(Int32Array.from([0, 1, 2])), 0.2, new Rng(1))).toThrow(
      /no test samples.*single sample|no class with 2/,
    );
  });
});

describe('trainTestSplitPairs', () => {
  function pairs(targets: number[], kind: 'binary' | 'score', testIndices?: Int32Array): PairDataset {
    const n = targets.length;
    return {
      kind: 'pairs',
      name: 'pairs',
      description: '',
      modality: 'tabular',
      a: Float32Array.from({ length: n }, (_, i) => i),
      b: Float32Array.from({ length: n }, (_, i) => 1000 + i),
      featureShape: [1],
      targets: Float32Array.from(targets),
      targetKind: kind,
      numPairs: n,
      textsA: targets.map((_, i) => `a${i}`),
      testIndices,
      source: { type: 'upload', ref: 'pairs.csv' },
    };
  }

  it('keeps both targets on both sides of a binary split, pairs kept in step', () => {
    const targets = Array.from({ length: 40 }, (_, i) => (i % 10 === 0 ? 1 : 0)); // 4 similar, 36 dissimilar
    const { train, test } = trainTestSplitPairs(pairs(targets, 'binary'), 0.25, new Rng(2));
    expect(train.numPairs + test.numPairs).toBe(40);
    expect(test.targets.filter((t) => t === 1).length).toBe(1); // round(0.25 × 4)
    expect(test.targets.filter((t) => t === 0).length).toBe(9); // round(0.25 × 36)
    for (const part of [train, test]) {
      for (let r = 0; r < part.numPairs; r++) {
        const i = part.a[r];
        expect(part.b[r]).toBe(1000 + i);
        expect(part.targets[r]).toBe(targets[i]);
        expect(part.textsA![r]).toBe(`a${i}`);
      }
    }
  });

  it('splits scored pairs at random by the fraction and honours testIndices', () => {
    const targets = Array.from({ length: 30 }, (_, i) => Math.cos(i));
    const random = trainTestSplitPairs(pairs(targets, 'score'), 0.2, new Rng(4));
    expect(random.test.numPairs).toBe(6);
    const fixed = trainTestSplitPairs(pairs(targets, 'score', Int32Array.from([29, 0])), 0.2, new Rng(4));
    expect(Array.from(fixed.test.a)).toEqual([0, 29]);
    expect(fixed.train.numPairs).toBe(28);
  });

  it('explains a pair file too small to split', () => {
    expect(() => trainTestSplitPairs(pairs([0.5], 'score'), 0.2, new Rng(1))).toThrow(/1 pair.*at least 2/);
  });
});

describe('split edge cases and messages', () => {
  const labels = labelsWithSizes([4, 6]);

  it('accepts the fractions 0 and 1 and refuses anything outside, negative included', () => {
    const all = stratifiedSplit(labels, 2, 1, new Rng(1));
    // At fraction 1 every class of ≥ 2 samples keeps exactly one sample in train.
    expect(countByClass(labels, all.train, 2)).toEqual([1, 1]);
    expect(countByClass(labels, all.test, 2)).toEqual([3, 5]);
    expect(() => stratifiedSplit(labels, 2, -0.01, new Rng(1))).toThrow(
      'the validation fraction must be between 0 and 1, got -0.01',
    );
    expect(() => stratifiedSplit(labels, 2, Number.NaN, new Rng(1))).toThrow(/between 0 and 1, got NaN/);
  });

  it('leaves a class with no samples out of both halves', () => {
    // numClasses counts a class that no sample has (e.g. a class name without rows).
    const { train, test } = stratifiedSplit(labels, 3, 0.5, new Rng(2));
    expectPartition(train, test, labels.length);
    expect(countByClass(labels, test, 3)).toEqual([2, 3, 0]);
  });

  it('names a negative label and a label equal to the class count, with the valid range', () => {
    expect(() => stratifiedSplit(Int32Array.from([0, -1]), 2, 0.2, new Rng(1))).toThrow(
      'sample 1 has label -1, outside the 2 classes (0..1)',
    );
    expect(() => stratifiedSplit(Int32Array.from([2, 0]), 2, 0.2, new Rng(1))).toThrow(
      'sample 0 has label 2, outside the 2 classes (0..1)',
    );
  });

  it('treats an empty fixed split as absent (labelled and pairs)', () => {
    const ds = labelledDataset(labels, { testIndices: new Int32Array(0) });
    const { train, test } = trainTestSplit(ds, 0.5, new Rng(3));
    expect(test.numSamples).toBe(5);
    expect(train.numSamples).toBe(5);
  });

  it('refuses a fixed split that holds every sample or names a negative index, saying which', () => {
    const every = Int32Array.from(labels.keys());
    expect(() => trainTestSplit(labelledDataset(labels, { testIndices: every }), 0.2, new Rng(1))).toThrow(
      'the fixed test split of "toy" holds every sample, which leaves nothing to train on',
    );
    expect(() =>
      trainTestSplit(labelledDataset(labels, { testIndices: Int32Array.from([3, -1]) }), 0.2, new Rng(1)),
    ).toThrow('the fixed test split of "toy" names item -1, but there are only 10 (0..9)');
  });

  it('says how much was held out, to a tenth of a percent, when no test sample is left', () => {
    for (const [fraction, shown] of [
      [0.2, '20%'],
      [0.125, '12.5%'],
      [0.0004, '0%'],
    ] as const) {
      expect(() => trainTestSplit(labelledDataset(Int32Array.from([0, 1, 2])), fraction, new Rng(1))).toThrow(
        `holding out ${shown} of "toy" leaves no test samples: 3 sample(s) and no class with 2 or more`,
      );
    }
  });
});

describe('trainTestSplitPairs edge cases', () => {
  function pairs(targets: number[], kind: 'binary' | 'score', extra: Partial<PairDataset> = {}): PairDataset {
    const n = targets.length;
    // Pair i: a = [i, i + 0.5], b = [-i, -i - 0.5] (two features, so offsets into a and b are multiples of 2).
    return {
      kind: 'pairs',
      name: 'pairs',
      description: '',
      modality: 'tabular',
      a: Float32Array.from({ length: 2 * n }, (_, k) => Math.floor(k / 2) + (k % 2) / 2),
      b: Float32Array.from({ length: 2 * n }, (_, k) => -Math.floor(k / 2) - (k % 2) / 2),
      featureShape: [2],
      targets: Float32Array.from(targets),
      targetKind: kind,
      numPairs: n,
      source: { type: 'upload', ref: 'pairs.csv' },
      ...extra,
    };
  }

  it('keeps two-feature pairs, both text columns and targets in step', () => {
    const targets = Array.from({ length: 20 }, (_, i) => i % 2);
    const ds = pairs(targets, 'binary', {
      textsA: targets.map((_, i) => `a${i}`),
      textsB: targets.map((_, i) => `b${i}`),
    });
    const { train, test } = trainTestSplitPairs(ds, 0.2, new Rng(6));
    expect(test.numPairs).toBe(4);
    for (const part of [train, test]) {
      expect(part.a.length).toBe(2 * part.numPairs);
      expect(part.b.length).toBe(2 * part.numPairs);
      expect(part.textsA).toHaveLength(part.numPairs);
      expect(part.textsB).toHaveLength(part.numPairs);
      for (let r = 0; r < part.numPairs; r++) {
        const i = part.a[2 * r];
        expect(part.a[2 * r + 1]).toBe(i + 0.5);
        expect([part.b[2 * r], part.b[2 * r + 1]]).toEqual([-i, -i - 0.5]);
        expect(part.targets[r]).toBe(targets[i]);
        expect([part.textsA![r], part.textsB![r]]).toEqual([`a${i}`, `b${i}`]);
      }
    }
  });

  it('stratifies binary pairs by target (similar = class 1) and splits scored pairs as one group', () => {
    const binaryTargets = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const binary = trainTestSplitPairs(pairs(binaryTargets, 'binary'), 0.2, new Rng(8));
    const expectedBinary = stratifiedSplit(Int32Array.from(binaryTargets), 2, 0.2, new Rng(8)).test;
    expect(Array.from(binary.test.a.filter((_, k) => k % 2 === 0))).toEqual(Array.from(expectedBinary));
    // Scores above and below 0.5 are not two classes: the split is the one-group split of the same seed.
    const scores = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 0.9 : 0.1));
    const scored = trainTestSplitPairs(pairs(scores, 'score'), 0.2, new Rng(8));
    const expectedScored = stratifiedSplit(new Int32Array(30), 1, 0.2, new Rng(8)).test;
    expect(Array.from(scored.test.a.filter((_, k) => k % 2 === 0))).toEqual(Array.from(expectedScored));
  });

  it('treats an empty fixed split as absent and refuses one that leaves nothing to train on', () => {
    const targets = Array.from({ length: 10 }, (_, i) => i / 10);
    expect(
      trainTestSplitPairs(pairs(targets, 'score', { testIndices: new Int32Array(0) }), 0.2, new Rng(1)).test.numPairs,
    ).toBe(2);
    const every = Int32Array.from({ length: 10 }, (_, i) => i);
    expect(() => trainTestSplitPairs(pairs(targets, 'score', { testIndices: every }), 0.2, new Rng(1))).toThrow(
      '"pairs" has 10 pair(s); a train/test split needs at least 2 (one to train on, one to measure)',
    );
  });
});
