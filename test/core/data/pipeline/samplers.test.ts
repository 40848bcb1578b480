import { describe, expect, it } from 'vitest';
import {
  PKSampler,
  PairSampler,
  TripletSampler,
  SampleSampler,
  PairIndexSampler,
  PrecomputedPairSampler,
  PrecomputedTripletSampler,
} from '../../../../src/core/data/samplers';
import { gatherRows } from '../../../../src/core/data/gather';
import { Rng } from '../../../../src/core/rng';

/** Labels with the given class sizes, in a seeded random order. */
function labelsWithSizes(sizes: number[], seed = 7): Int32Array {
  const labels: number[] = [];
  sizes.forEach((n, c) => {
    for (let i = 0; i < n; i++) labels.push(c);
  });
  return new Rng(seed).shuffle(Int32Array.from(labels));
}

// Class 0 has a single sample; class 1 has fewer than K = 3; class 5 dominates.
const SIZES = [1, 2, 3, 5, 20, 40];
const LABELS = labelsWithSizes(SIZES);
const NUM_CLASSES = SIZES.length;
const USABLE_SAMPLES = 70; // all but the single-sample class

describe('PKSampler', () => {
  it('always returns P classes × K samples, grouped, distinct classes, never a single-sample class', () => {
    const P = 4;
    const K = 3;
    const sampler = new PKSampler(LABELS, NUM_CLASSES, P, K, new Rng(1));
    expect(sampler.batchSize).toBe(12);
    for (let b = 0; b < 200; b++) {
      const batch = sampler.next();
      expect(batch.length).toBe(P * K);
      const classes = new Set<number>();
      for (let g = 0; g < P; g++) {
        const group = Array.from(batch.subarray(g * K, (g + 1) * K));
        const label = LABELS[group[0]];
        expect(group.every((i) => LABELS[i] === label)).toBe(true);
        classes.add(label);
        const distinct = new Set(group).size;
        if (SIZES[label] >= K)
          expect(distinct).toBe(K); // without replacement
        else expect(distinct).toBe(SIZES[label]); // all of a small class, so ≥ 2 distinct
      }
      expect(classes.size).toBe(P);
      expect(classes.has(0)).toBe(false);
    }
  });

  it('gives every usable class its turn and cycles through each class’s samples', () => {
    const sampler = new PKSampler(LABELS, NUM_CLASSES, 2, 4, new Rng(2));
    const classAppearances = new Array<number>(NUM_CLASSES).fill(0);
    const seenOfBigClass = new Set<number>();
    for (let b = 0; b < 60; b++) {
      const batch = sampler.next();
      classAppearances[LABELS[batch[0]]]++;
      classAppearances[LABELS[batch[4]]]++;
      for (const i of batch) if (LABELS[i] === 5) seenOfBigClass.add(i);
    }
    const usable = classAppearances.slice(1);
    expect(Math.max(...usable) - Math.min(...usable)).toBeLessThanOrEqual(1); // 120 draws over 5 classes, dealt in passes
    expect(classAppearances[0]).toBe(0);
    // Class 5 came up 24 times × 4 = 96 draws ≥ 40 samples: a deck deals each of its samples at least once.
    expect(seenOfBigClass.size).toBe(40);
  });

  it('counts epochs as ceil(usable samples / batch) batches', () => {
    const sampler = new PKSampler(LABELS, NUM_CLASSES, 4, 3, new Rng(3));
    const perEpoch = Math.ceil(USABLE_SAMPLES / 12);
    expect(sampler.batchesPerEpoch).toBe(perEpoch);
    for (let b = 0; b < perEpoch - 1; b++) sampler.next();
    expect(sampler.epoch).toBe(0);
    sampler.next();
    expect(sampler.epoch).toBe(1);
    for (let b = 0; b < perEpoch; b++) sampler.next();
    expect(sampler.epoch).toBe(2);
  });

  it('replays the same batches from the same seed', () => {
    const a = new PKSampler(LABELS, NUM_CLASSES, 4, 3, new Rng(9));
    const b = new PKSampler(LABELS, NUM_CLASSES, 4, 3, new Rng(9));
    const c = new PKSampler(LABELS, NUM_CLASSES, 4, 3, new Rng(10));
    const seqA = Array.from({ length: 20 }, () => Array.from(a.next()));
    const seqB = Array.from({ length: 20 }, () => Array.from(b.next()));
    const seqC = Array.from({ length: 20 }, () => Array.from(c.next()));
    expect(seqB).toEqual(seqA);
    expect(seqC).not.toEqual(seqA);
  });

  it('says why a batch cannot be formed and what to change', () => {
    // Sizes [1, 2, 3, 1]: only classes 1 and 2 can supply a positive pair.
    const labels = labelsWithSizes([1, 2, 3, 1]);
    expect(() => new PKSampler(labels, 4, 3, 2, new Rng(1))).toThrow(
      /needs 3 classes with at least 2 samples each, but the training data has only 2 \(2 more class\(es\) have a single sample.*\); set batch.classesPerBatch to at most 2/,
    );
    expect(() => new PKSampler(LABELS, NUM_CLASSES, 2, 1, new Rng(1))).toThrow(/K ≥ 2/);
    expect(() => new PKSampler(Int32Array.from([0, 0, 1]), 2, 2, 2, new Rng(1))).toThrow(/only 1.*add samples/);
  });
});

describe('PairSampler', () => {
  it('returns round(fraction × size) positives of one class and distinct samples, the rest negatives', () => {
    for (const [size, fraction] of [
      [20, 0.3],
      [7, 0.5],
      [16, 0.9],
    ] as const) {
      const sampler = new PairSampler(LABELS, NUM_CLASSES, size, fraction, new Rng(4));
      expect(sampler.batchSize).toBe(size);
      let positiveAtSlot0 = 0;
      for (let b = 0; b < 100; b++) {
        const { a, b: other, similar } = sampler.next();
        expect([a.length, other.length, similar.length]).toEqual([size, size, size]);
        let positives = 0;
        for (let k = 0; k < size; k++) {
          if (similar[k] === 1) {
            positives++;
            expect(LABELS[a[k]]).toBe(LABELS[other[k]]);
            expect(a[k]).not.toBe(other[k]);
            expect(LABELS[a[k]]).not.toBe(0); // the single sample has no partner
          } else {
            expect(similar[k]).toBe(0);
            expect(LABELS[a[k]]).not.toBe(LABELS[other[k]]);
          }
        }
        expect(positives).toBe(Math.round(fraction * size));
        positiveAtSlot0 += similar[0];
      }
      // Positives are not parked at the front of the batch.
      expect(positiveAtSlot0).toBeGreaterThan(0);
      expect(positiveAtSlot0).toBeLessThan(100);
    }
  });

  it('uses every sample, the single-sample class included, as a negative anchor within an epoch', () => {
    const sampler = new PairSampler(LABELS, NUM_CLASSES, 10, 0.1, new Rng(5)); // 9 negatives per batch
    const anchors = new Set<number>();
    for (let b = 0; b < 8; b++) {
      const { a, similar } = sampler.next();
      a.forEach((i, k) => similar[k] === 0 && anchors.add(i));
    }
    expect(anchors.size).toBe(LABELS.length); // 72 negatives ≥ 71 samples, dealt from a deck
    expect(sampler.batchesPerEpoch).toBe(Math.ceil(LABELS.length / 10));
    expect(sampler.epoch).toBe(1);
  });

  it('is seeded and explains impossible pairs', () => {
    const one = new PairSampler(LABELS, NUM_CLASSES, 8, 0.5, new Rng(6)).next();
    const two = new PairSampler(LABELS, NUM_CLASSES, 8, 0.5, new Rng(6)).next();
    expect(two).toEqual(one);
    expect(() => new PairSampler(new Int32Array(5), 1, 8, 0.5, new Rng(1))).toThrow(
      /negative pairs need samples of at least 2 classes/,
    );
    expect(() => new PairSampler(Int32Array.from([0, 1, 2]), 3, 8, 0.5, new Rng(1))).toThrow(
      /positive pairs need a class with at least 2 samples/,
    );
  });
});

describe('TripletSampler', () => {
  it('returns valid triplets of a fixed size, anchors cycling through the usable samples', () => {
    const sampler = new TripletSampler(LABELS, NUM_CLASSES, 16, new Rng(7));
    expect(sampler.batchesPerEpoch).toBe(Math.ceil(USABLE_SAMPLES / 16));
    for (let epoch = 0; epoch < 3; epoch++) {
      const anchorsSeen = new Set<number>();
      for (let b = 0; b < sampler.batchesPerEpoch; b++) {
        const { anchor, positive, negative } = sampler.next();
        expect([anchor.length, positive.length, negative.length]).toEqual([16, 16, 16]);
        for (let k = 0; k < 16; k++) {
          expect(LABELS[positive[k]]).toBe(LABELS[anchor[k]]);
          expect(positive[k]).not.toBe(anchor[k]);
          expect(LABELS[negative[k]]).not.toBe(LABELS[anchor[k]]);
          anchorsSeen.add(anchor[k]);
        }
      }
      expect(sampler.epoch).toBe(epoch + 1);
      expect(anchorsSeen.size).toBe(USABLE_SAMPLES); // every anchor in every epoch
    }
  });

  it('is seeded', () => {
    const one = new TripletSampler(LABELS, NUM_CLASSES, 8, new Rng(8)).next();
    const two = new TripletSampler(LABELS, NUM_CLASSES, 8, new Rng(8)).next();
    expect(two).toEqual(one);
  });
});

describe('SampleSampler', () => {
  it('returns distinct samples per batch (in-batch negatives) and covers every sample each epoch', () => {
    const n = 30;
    const sampler = new SampleSampler(n, 7, new Rng(9));
    expect(sampler.batchesPerEpoch).toBe(5);
    for (let epoch = 0; epoch < 6; epoch++) {
      const seen = new Set<number>();
      for (let b = 0; b < 5; b++) {
        const batch = sampler.next();
        expect(batch.length).toBe(7);
        expect(new Set(batch).size).toBe(7);
        for (const i of batch) {
          expect(i >= 0 && i < n).toBe(true);
          seen.add(i);
        }
      }
      expect(sampler.epoch).toBe(epoch + 1);
      expect(seen.size).toBe(n);
    }
  });

  it('a batch as large as the data holds every sample once; a larger one is refused with the fix', () => {
    const sampler = new SampleSampler(6, 6, new Rng(1));
    for (let b = 0; b < 5; b++) expect(Array.from(sampler.next()).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => new SampleSampler(5, 6, new Rng(1))).toThrow(/only 5; lower batch.size to at most 5/);
  });
});

describe('PairIndexSampler', () => {
  it('covers all pairs each epoch with full batches, wrapping around', () => {
    const sampler = new PairIndexSampler(10, 4, new Rng(2));
    expect(sampler.batchesPerEpoch).toBe(3);
    const firstEpoch = [sampler.next(), sampler.next(), sampler.next()].flatMap((b) => Array.from(b));
    expect(firstEpoch.length).toBe(12);
    expect(new Set(firstEpoch).size).toBe(10);
    expect(sampler.epoch).toBe(1);
    const secondEpoch = [sampler.next(), sampler.next(), sampler.next()].flatMap((b) => Array.from(b));
    expect(new Set(secondEpoch).size).toBe(10);
    expect(sampler.epoch).toBe(2);
    const small = new PairIndexSampler(3, 8, new Rng(2));
    const batch = small.next();
    expect(batch.length).toBe(8);
    expect(new Set(batch)).toEqual(new Set([0, 1, 2]));
    expect(small.epoch).toBe(1);
  });

  it('shuffles differently each pass, reproducibly', () => {
    const a = new PairIndexSampler(20, 20, new Rng(3));
    const b = new PairIndexSampler(20, 20, new Rng(3));
    const passA = [Array.from(a.next()), Array.from(a.next())];
    expect([Array.from(b.next()), Array.from(b.next())]).toEqual(passA);
    expect(passA[1]).not.toEqual(passA[0]);
  });
});

describe('precomputed (offline mining) samplers', () => {
  it('cycle through the pool once per epoch and keep counting across new pools', () => {
    const sampler = new PrecomputedTripletSampler(5, new Rng(4));
    expect(() => sampler.next()).toThrow(/setPool/);
    const anchor = Int32Array.from({ length: 10 }, (_, i) => i);
    sampler.setPool(
      anchor,
      Int32Array.from(anchor, (i) => 100 + i),
      Int32Array.from(anchor, (i) => 200 + i),
    );
    expect(sampler.batchesPerEpoch).toBe(2);
    const first = sampler.next();
    expect(sampler.epoch).toBe(0);
    const second = sampler.next();
    expect(sampler.epoch).toBe(1);
    const dealt = [...first.anchor, ...second.anchor];
    expect(new Set(dealt).size).toBe(10);
    for (const batch of [first, second]) {
      batch.anchor.forEach((a, k) => {
        expect(batch.positive[k]).toBe(100 + a); // triplets stay whole
        expect(batch.negative[k]).toBe(200 + a);
      });
    }
    sampler.setPool(Int32Array.from([1, 2]), Int32Array.from([3, 4]), Int32Array.from([5, 6]));
    expect(sampler.epoch).toBe(1); // a new pool does not reset the count
    const repeated = sampler.next(); // pool of 2, batch of 5: repeats, and passes complete inside the batch
    expect(repeated.anchor.length).toBe(5);
    expect(sampler.epoch).toBe(3);
    expect(() => sampler.setPool(Int32Array.from([1]), new Int32Array(2), new Int32Array(1))).toThrow(
      /as many positives/,
    );
    sampler.setPool(new Int32Array(0), new Int32Array(0), new Int32Array(0));
    expect(() => sampler.next()).toThrow(/found no triplets/);
  });

  it('pairs keep their targets and batches are seeded', () => {
    const make = () => {
      const s = new PrecomputedPairSampler(4, new Rng(5));
      const a = Int32Array.from({ length: 12 }, (_, i) => i);
      s.setPool(
        a,
        Int32Array.from(a, (i) => 50 + i),
        Float32Array.from(a, (i) => i % 2),
      );
      return s;
    };
    const s = make();
    const batch = s.next();
    expect(batch.a.length).toBe(4);
    batch.a.forEach((a, k) => {
      expect(batch.b[k]).toBe(50 + a);
      expect(batch.similar[k]).toBe(a % 2);
    });
    expect(make().next()).toEqual(batch);
    expect(s.batchesPerEpoch).toBe(3);
  });
});

describe('gatherRows', () => {
  it('copies the chosen rows into a reused buffer of the batch shape', () => {
    const source = Float32Array.from({ length: 15 }, (_, k) => k); // 5 rows × 3
    const out = new Float32Array(6);
    const result = gatherRows(source, 3, [4, 1], out);
    expect(result).toBe(out);
    expect(Array.from(out)).toEqual([12, 13, 14, 3, 4, 5]);
    expect(Array.from(gatherRows(source, 3, Int32Array.from([0, 0])))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(() => gatherRows(source, 3, [5])).toThrow(/row 5 does not exist/);
    expect(() => gatherRows(source, 3, [1], new Float32Array(4))).toThrow(/holds 4 values but 1 rows × 3 need 3/);
  });
});

describe('sampler arguments and edge cases', () => {
  it('refuses a count that is not a whole number at least its minimum, naming the option', () => {
    const rng = () => new Rng(1);
    const cases: [() => unknown, string][] = [
      [() => new PKSampler(LABELS, NUM_CLASSES, 0, 2, rng()), 'classesPerBatch (P) must be a whole number ≥ 1, got 0'],
      [
        () => new PKSampler(LABELS, NUM_CLASSES, 1.5, 2, rng()),
        'classesPerBatch (P) must be a whole number ≥ 1, got 1.5',
      ],
      [() => new PairSampler(LABELS, NUM_CLASSES, 0, 0.5, rng()), 'pairsPerBatch must be a whole number ≥ 1, got 0'],
      [
        () => new TripletSampler(LABELS, NUM_CLASSES, 2.5, rng()),
        'tripletsPerBatch must be a whole number ≥ 1, got 2.5',
      ],
      [() => new SampleSampler(10, 1, rng()), 'batch size must be a whole number ≥ 2, got 1'],
      [() => new PairIndexSampler(10, 0, rng()), 'batch size must be a whole number ≥ 1, got 0'],
      [() => new PrecomputedTripletSampler(0, rng()), 'batch size must be a whole number ≥ 1, got 0'],
      [() => new PrecomputedPairSampler(Number.NaN, rng()), 'batch size must be a whole number ≥ 1, got NaN'],
    ];
    for (const [make, message] of cases) expect(make).toThrow(message);
    // The minimum itself is allowed.
    expect(new PKSampler(LABELS, NUM_CLASSES, 1, 2, rng()).batchSize).toBe(2);
    expect(new SampleSampler(10, 2, rng()).next()).toHaveLength(2);
    expect(new PairIndexSampler(1, 1, rng()).next()).toEqual(Int32Array.from([0]));
  });

  it('P×K: exactly as many usable classes as P is enough; the message counts single-sample classes', () => {
    const labels = labelsWithSizes([2, 3, 4]);
    const batch = new PKSampler(labels, 3, 3, 2, new Rng(2)).next();
    expect(new Set(Array.from(batch, (i) => labels[i]))).toEqual(new Set([0, 1, 2]));
    expect(() => new PKSampler(labelsWithSizes([2, 3, 4]), 3, 4, 2, new Rng(1))).toThrow(
      'a P×K batch needs 4 classes with at least 2 samples each, but the training data has only 3; set batch.classesPerBatch to at most 3 (keeping batch.size a multiple of it), or add samples to the small classes',
    );
    expect(() => new PKSampler(labelsWithSizes([1, 3]), 2, 2, 2, new Rng(1))).toThrow(
      'a P×K batch needs 2 classes with at least 2 samples each, but the training data has only 1 (1 more class(es) have a single sample, which cannot form a positive pair); add samples so that at least 2 classes have 2 or more, or use a dataset with more classes',
    );
  });

  it('pairs: the positive fraction must lie in [0, 1]; 0 needs no positive class and 1 no second class', () => {
    for (const bad of [-0.1, 1.1, Number.NaN]) {
      expect(() => new PairSampler(LABELS, NUM_CLASSES, 8, bad, new Rng(1))).toThrow(
        `the positive fraction must be between 0 and 1, got ${bad}`,
      );
    }
    // Every class has one sample: no positive pair exists, but a batch of negatives does.
    const singles = Int32Array.from([0, 1, 2, 3]);
    const negatives = new PairSampler(singles, 4, 6, 0, new Rng(3)).next();
    expect(Array.from(negatives.similar)).toEqual([0, 0, 0, 0, 0, 0]);
    for (let k = 0; k < 6; k++) expect(negatives.a[k]).not.toBe(negatives.b[k]);
    // One class only: no negative pair exists, but a batch of positives does.
    const one = new Int32Array(5);
    const positives = new PairSampler(one, 1, 6, 1, new Rng(3)).next();
    expect(Array.from(positives.similar)).toEqual([1, 1, 1, 1, 1, 1]);
    for (let k = 0; k < 6; k++) expect(positives.a[k]).not.toBe(positives.b[k]);
  });

  it('triplets: never anchors on a single-sample class, two classes suffice, and the messages name triplets', () => {
    // Sample 0 is the only one of class 2.
    const labels = Int32Array.from([2, 0, 0, 1, 1]);
    const sampler = new TripletSampler(labels, 3, 4, new Rng(4));
    expect(sampler.batchesPerEpoch).toBe(1); // 4 usable anchors, 4 per batch
    const seen = new Set<number>();
    for (let b = 0; b < 5; b++) {
      const { anchor, positive, negative } = sampler.next();
      for (let k = 0; k < 4; k++) {
        seen.add(anchor[k]);
        expect(labels[positive[k]]).toBe(labels[anchor[k]]);
        expect(positive[k]).not.toBe(anchor[k]);
        expect(labels[negative[k]]).not.toBe(labels[anchor[k]]);
      }
    }
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
    expect(() => new TripletSampler(Int32Array.from([0, 1, 2]), 3, 4, new Rng(1))).toThrow(
      'triplets need a class with at least 2 samples, but every class of the training data has fewer; add samples',
    );
    expect(() => new TripletSampler(new Int32Array(4), 1, 4, new Rng(1))).toThrow(
      'triplets need samples of at least 2 classes, but the training data has 1; use a dataset with more classes',
    );
  });

  it('single-deck samplers deal every item once before any repeats within an epoch', () => {
    // 10 items, 3 per batch: an epoch is 4 batches, and its first 10 draws are the 10 items.
    const labels = labelsWithSizes([5, 5]);
    const triplets = new TripletSampler(labels, 2, 3, new Rng(5));
    const samples = new SampleSampler(10, 3, new Rng(5));
    const pairIndices = new PairIndexSampler(10, 3, new Rng(5));
    const dealt = { triplets: [] as number[], samples: [] as number[], pairIndices: [] as number[] };
    for (let b = 0; b < 4; b++) {
      dealt.triplets.push(...triplets.next().anchor);
      dealt.samples.push(...samples.next());
      dealt.pairIndices.push(...pairIndices.next());
    }
    for (const draws of Object.values(dealt)) {
      expect(draws).toHaveLength(12);
      expect(new Set(draws.slice(0, 10)).size).toBe(10);
    }
  });

  it('a pair file needs at least one pair', () => {
    expect(() => new PairIndexSampler(0, 4, new Rng(1))).toThrow('the pair file has no training pairs to sample from');
  });

  it('precomputed pools: all parts the same length, one batch per epoch before the first pool', () => {
    const triplets = new PrecomputedTripletSampler(4, new Rng(1));
    expect(triplets.batchesPerEpoch).toBe(1);
    const i = (xs: number[]) => Int32Array.from(xs);
    expect(() => triplets.setPool(i([0, 1]), i([2]), i([3, 4]))).toThrow(
      'a triplet pool needs as many positives and negatives as anchors; got 2, 1, 2',
    );
    expect(() => triplets.setPool(i([0, 1]), i([2, 3]), i([4]))).toThrow(
      'a triplet pool needs as many positives and negatives as anchors; got 2, 2, 1',
    );
    const pairs = new PrecomputedPairSampler(4, new Rng(1));
    expect(pairs.batchesPerEpoch).toBe(1);
    expect(() => pairs.setPool(i([0, 1]), i([2]), Float32Array.from([1, 0]))).toThrow(
      "a pair pool needs as many b's and targets as a's; got 2, 1, 2",
    );
    expect(() => pairs.setPool(i([0, 1]), i([2, 3]), Float32Array.from([1]))).toThrow(
      "a pair pool needs as many b's and targets as a's; got 2, 2, 1",
    );
    pairs.setPool(i([0, 1, 2]), i([3, 4, 5]), Float32Array.from([1, 0, 1]));
    expect(pairs.epoch).toBe(0);
    pairs.next(); // 4 draws from a pool of 3: one pass done
    expect(pairs.epoch).toBe(1);
    pairs.setPool(i([]), i([]), new Float32Array(0));
    expect(pairs.batchesPerEpoch).toBe(1);
    expect(() => pairs.next()).toThrow('the offline miner found no pairs this epoch');
  });

  it('names a label outside the classes, negative or equal to the class count', () => {
    expect(() => new TripletSampler(Int32Array.from([0, 1, -1]), 2, 4, new Rng(1))).toThrow(
      'sample 2 has label -1, outside the 2 classes (0..1)',
    );
    expect(() => new PairSampler(Int32Array.from([2, 0, 1]), 2, 4, 0.5, new Rng(1))).toThrow(
      'sample 0 has label 2, outside the 2 classes (0..1)',
    );
  });
});
