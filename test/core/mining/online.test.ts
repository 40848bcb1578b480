import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISTANCES, MINERS, type MinerName } from '../../../src/core/config';
import { pairwiseDistances } from '../../../src/core/distances';
import { contrastiveLoss, tripletLoss } from '../../../src/core/losses';
import {
  categoryCounts,
  buildTripletIndex,
  classifyTriplet,
  countTripletCategories,
  labelMasks,
  minePairs,
  mineTriplets,
  mineTripletsJs,
  splitInputMasks,
  tripletCategoryCounts,
  type PairMasks,
} from '../../../src/core/mining';
import { Rng } from '../../../src/core/rng';
import { expectAllClose, expectNoLeakedTensors, useCpuBackend } from '../../helpers/tf';

type Triplet = [number, number, number];
const DENSE = ['all', 'hard', 'semi-hard', 'easy'] as const;

/** A batch with classes of very different sizes: 1, 2 and 20 samples (the singleton can never be an anchor). */
function unevenBatch(seed: number, dim = 3): { x: number[][]; labels: number[] } {
  const rng = new Rng(seed);
  const labels = [7, 3, 3, ...Array.from({ length: 20 }, () => 5)];
  const x = labels.map((l) => Array.from({ length: dim }, () => rng.normal(l === 5 ? 0.3 : 0, 0.6)));
  return { x, labels };
}

/** The definitions (docs/ARCHITECTURE.md), in doubles, over every (a, p, n). */
function referenceTriplets(D: number[][], labels: number[], margin: number) {
  const out: { t: Triplet; delta: number; category: 'easy' | 'semi-hard' | 'hard' }[] = [];
  const n = labels.length;
  for (let a = 0; a < n; a++)
    for (let p = 0; p < n; p++)
      for (let q = 0; q < n; q++) {
        if (p === a || labels[p] !== labels[a] || labels[q] === labels[a]) continue;
        const delta = D[a][q] - D[a][p];
        out.push({ t: [a, p, q], delta, category: delta <= 0 ? 'hard' : delta <= margin ? 'semi-hard' : 'easy' });
      }
  return out;
}

function selectedBy(miner: (typeof DENSE)[number], category: 'easy' | 'semi-hard' | 'hard'): boolean {
  return miner === 'all' ? category !== 'easy' : miner === category;
}

const key = (t: Triplet) => t.join(',');

function maskTriplets(mask: tf.Tensor): Triplet[] {
  const [n, m] = mask.shape;
  const values = mask.dataSync();
  const out: Triplet[] = [];
  for (let a = 0; a < n; a++)
    for (let p = 0; p < m; p++) for (let q = 0; q < m; q++) if (values[(a * m + p) * m + q] === 1) out.push([a, p, q]);
  return out;
}

/** Hardest positive (largest distance, first index) and hardest negative (smallest, first index) per anchor. */
function referenceBatchHard(D: number[][], labels: number[]): (null | { p: number; q: number })[] {
  return labels.map((la, a) => {
    let p = -1;
    let q = -1;
    labels.forEach((lj, j) => {
      if (j !== a && lj === la && (p < 0 || D[a][j] > D[a][p])) p = j;
      if (lj !== la && (q < 0 || D[a][j] < D[a][q])) q = j;
    });
    return p < 0 || q < 0 ? null : { p, q };
  });
}

describe('online mining', () => {
  const margin = 0.4;
  const { x, labels } = unevenBatch(11);
  const n = labels.length;
  let D: number[][];
  let Dflat: Float32Array;
  const isPositive = (i: number, j: number) => i !== j && labels[i] === labels[j];
  const isNegative = (i: number, j: number) => labels[i] !== labels[j];

  function withBatch<T>(fn: (Dt: tf.Tensor2D, masks: PairMasks) => T): T {
    const e = tf.tensor2d(x);
    const Dt = pairwiseDistances('euclidean', e, e);
    const y = tf.tensor1d(labels, 'int32');
    const masks = labelMasks(y, y, true);
    try {
      return fn(Dt, masks);
    } finally {
      tf.dispose([e, Dt, y, masks.positive, masks.negative]);
    }
  }

  beforeAll(async () => {
    await useCpuBackend();
    withBatch((Dt) => {
      D = Dt.arraySync();
      Dflat = Dt.dataSync().slice() as Float32Array;
    });
  });

  it('labelMasks: same label and i≠j are positives, different labels negatives', () => {
    withBatch((_, masks) => {
      expect(masks.positive.arraySync()).toEqual(
        labels.map((a, i) => labels.map((b, j) => (i !== j && a === b ? 1 : 0))),
      );
      expect(masks.negative.arraySync()).toEqual(labels.map((a) => labels.map((b) => (a !== b ? 1 : 0))));
    });
    const anchors = tf.tensor1d([1, 2], 'int32');
    const candidates = tf.tensor1d([2, 1, 1], 'int32');
    const cross = labelMasks(anchors, candidates, false);
    expect(cross.positive.arraySync()).toEqual([
      [0, 1, 1],
      [1, 0, 0],
    ]);
    expect(cross.negative.arraySync()).toEqual([
      [1, 0, 0],
      [0, 1, 1],
    ]);
    const split = splitInputMasks(3);
    expect(split.positive.arraySync()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(split.negative.arraySync()).toEqual([
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
    ]);
    tf.dispose([anchors, candidates, cross.positive, cross.negative, split.positive, split.negative]);
    expect(() => labelMasks(tf.tensor1d([1]), tf.tensor1d([1, 2]), true)).toThrow(/as many anchors as candidates/);
  });

  for (const miner of DENSE) {
    it(`${miner}: tensor mask, JS miner and the brute-force definition select the same triplets`, () => {
      const expected = referenceTriplets(D, labels, margin).filter((r) => selectedBy(miner, r.category));
      expect(expected.length).toBeGreaterThan(0);
      withBatch((Dt, masks) => {
        const mined = mineTriplets(Dt, masks, miner, margin, 1);
        const tensorSet = maskTriplets(mined.mask).map(key).sort();
        expect(tensorSet).toEqual(expected.map((r) => key(r.t)).sort());
        const js = mineTripletsJs(Dflat, n, n, isPositive, isNegative, miner, margin, new Rng(1), Infinity);
        expect(js.map((t) => key([t.anchor, t.positive, t.negative])).sort()).toEqual(tensorSet);
        for (const t of js) {
          expect(miner === 'all' ? t.category !== 'easy' : t.category === miner).toBe(true);
          expect(t.loss).toBeCloseTo(Math.max(D[t.anchor][t.positive] - D[t.anchor][t.negative] + margin, 0), 6);
        }
        // The loss of the mined triplets equals the hinge mean over exactly the reference set.
        const losses = expected.map((r) => Math.max(-r.delta + margin, 0));
        const out = tripletLoss(mined.dAP, mined.dAN, mined.mask, { margin, softMargin: false, reduction: 'mean' });
        expect(out.loss.dataSync()[0]).toBeCloseTo(losses.reduce((s, v) => s + v, 0) / losses.length, 5);
        expect(out.mined.dataSync()[0]).toBe(expected.length);
        tf.dispose([mined.dAP, mined.dAN, mined.mask, out.loss, out.mined, out.nonZero]);
      });
    });
  }

  it('batch-hard: hardest positive and negative per anchor, tensor and JS alike; the singleton is no anchor', () => {
    const reference = referenceBatchHard(D, labels);
    expect(reference[0]).toBeNull(); // class 7 has one sample
    withBatch((Dt, masks) => {
      const mined = mineTriplets(Dt, masks, 'batch-hard', margin, 1);
      expect(mined.mask.shape).toEqual([n]);
      expect(Array.from(mined.mask.dataSync())).toEqual(reference.map((r) => (r ? 1 : 0)));
      const dAP = mined.dAP.dataSync();
      const dAN = mined.dAN.dataSync();
      reference.forEach((r, a) => {
        if (!r) return;
        expect(dAP[a]).toBeCloseTo(D[a][r.p], 6);
        expect(dAN[a]).toBeCloseTo(D[a][r.q], 6);
      });
      const js = mineTripletsJs(Dflat, n, n, isPositive, isNegative, 'batch-hard', margin, new Rng(1), Infinity);
      expect(js.map((t) => [t.anchor, t.positive, t.negative])).toEqual(
        reference.flatMap((r, a) => (r ? [[a, r.p, r.q]] : [])),
      );
      // The singleton is still a negative of the others.
      expect(js.some((t) => t.negative === 0)).toBe(true);
      tf.dispose([mined.dAP, mined.dAN, mined.mask]);
    });
  });

  it('random: one valid triplet per anchor, repeatable by seed', () => {
    withBatch((Dt, masks) => {
      const first = mineTriplets(Dt, masks, 'random', margin, 5);
      const again = mineTriplets(Dt, masks, 'random', margin, 5);
      const other = mineTriplets(Dt, masks, 'random', margin, 6);
      expect(Array.from(first.mask.dataSync())).toEqual(labels.map((_, a) => (a === 0 ? 0 : 1)));
      const dAP = first.dAP.dataSync();
      const dAN = first.dAN.dataSync();
      for (let a = 1; a < n; a++) {
        const positives = labels.flatMap((l, j) => (j !== a && l === labels[a] ? [D[a][j]] : []));
        const negatives = labels.flatMap((l, j) => (l !== labels[a] ? [D[a][j]] : []));
        expect(positives.some((d) => Math.abs(d - dAP[a]) < 1e-6)).toBe(true);
        expect(negatives.some((d) => Math.abs(d - dAN[a]) < 1e-6)).toBe(true);
      }
      expect(Array.from(again.dAP.dataSync())).toEqual(Array.from(dAP));
      expect(Array.from(other.dAN.dataSync())).not.toEqual(Array.from(dAN));
      tf.dispose([first, again, other].flatMap((t) => [t.dAP, t.dAN, t.mask]));
    });
    const js1 = mineTripletsJs(Dflat, n, n, isPositive, isNegative, 'random', margin, new Rng(3), Infinity);
    const js2 = mineTripletsJs(Dflat, n, n, isPositive, isNegative, 'random', margin, new Rng(3), Infinity);
    expect(js1).toEqual(js2);
    expect(js1.map((t) => t.anchor)).toEqual(labels.map((_, a) => a).slice(1));
    for (const t of js1) expect(isPositive(t.anchor, t.positive) && isNegative(t.anchor, t.negative)).toBe(true);
  });

  it('category counts match the definition, sum to the valid triplets, and agree with the JS count', () => {
    const reference = referenceTriplets(D, labels, margin);
    const expected = ['easy', 'semi-hard', 'hard'].map((c) => reference.filter((r) => r.category === c).length);
    expect(expected.every((c) => c > 0)).toBe(true);
    withBatch((Dt, masks) => {
      const counts = tripletCategoryCounts(Dt, masks, margin);
      expect(Array.from(counts.dataSync())).toEqual(expected);
      expect(expected[0] + expected[1] + expected[2]).toBe(reference.length);
      counts.dispose();
    });
    const js = countTripletCategories(buildTripletIndex(Dflat, n, n, isPositive, isNegative), margin);
    expect([js.easy, js.semiHard, js.hard]).toEqual(expected);
  });

  it('ties: δ = 0 is hard and δ = m is semi-hard on both paths; batch-hard takes the first of equal candidates', () => {
    // Anchor 0, positives 1 and 2 (both at 0.5), negatives 3..6 at δ = 0, m, 0.5 and 1/8 (all exact in float32).
    const m = 0.25;
    const row = [0, 0.5, 0.5, 0.5, 0.75, 1, 0.625];
    const size = row.length;
    const Dm = Array.from({ length: size }, (_, i) => (i === 0 ? row : Array.from({ length: size }, () => 0)));
    const pos = Array.from({ length: size }, (_, i) =>
      Array.from({ length: size }, (_, j) => (i === 0 && (j === 1 || j === 2) ? 1 : 0)),
    );
    const neg = Array.from({ length: size }, (_, i) =>
      Array.from({ length: size }, (_, j) => (i === 0 && j >= 3 ? 1 : 0)),
    );
    expect(classifyTriplet(0.5, 0.5, m)).toBe('hard');
    expect(classifyTriplet(0.5, 0.75, m)).toBe('semi-hard');
    expect(classifyTriplet(0.5, 1, m)).toBe('easy');
    const Dt = tf.tensor2d(Dm);
    const masks = { positive: tf.tensor2d(pos), negative: tf.tensor2d(neg) };
    const Dflat2 = Float32Array.from(Dm.flat());
    const jsPos = (i: number, j: number) => pos[i][j] === 1;
    const jsNeg = (i: number, j: number) => neg[i][j] === 1;
    const expectedByMiner: Record<(typeof DENSE)[number], number[]> = {
      hard: [3],
      'semi-hard': [4, 6],
      easy: [5],
      all: [3, 4, 6],
    };
    for (const miner of DENSE) {
      const mined = mineTriplets(Dt, masks, miner, m, 1);
      const expected = [1, 2].flatMap((p) => expectedByMiner[miner].map((q) => key([0, p, q]))).sort();
      expect(maskTriplets(mined.mask).map(key).sort()).toEqual(expected);
      const js = mineTripletsJs(Dflat2, size, size, jsPos, jsNeg, miner, m, new Rng(1), Infinity);
      expect(js.map((t) => key([t.anchor, t.positive, t.negative])).sort()).toEqual(expected);
      tf.dispose([mined.dAP, mined.dAN, mined.mask]);
    }
    const counts = tripletCategoryCounts(Dt, masks, m);
    expect(Array.from(counts.dataSync())).toEqual([2, 4, 2]);
    const hard = mineTriplets(Dt, masks, 'batch-hard', m, 1);
    expect(Array.from(hard.dAP.dataSync()).slice(0, 1)).toEqual([0.5]);
    expect(Array.from(hard.dAN.dataSync()).slice(0, 1)).toEqual([0.5]);
    const js = mineTripletsJs(Dflat2, size, size, jsPos, jsNeg, 'batch-hard', m, new Rng(1), Infinity);
    expect(js.map((t) => [t.anchor, t.positive, t.negative])).toEqual([[0, 1, 3]]);
    tf.dispose([Dt, masks.positive, masks.negative, counts, hard.dAP, hard.dAN, hard.mask]);
  });

  for (const [what, batchLabels] of [
    ['all one class', [4, 4, 4, 4, 4]],
    ['every class a single sample', [0, 1, 2, 3, 4]],
  ] as const) {
    it(`no valid triplet (${what}): loss 0, counts 0, never NaN, for every miner`, () => {
      const e = tf.tensor2d(x.slice(0, 5));
      const Dt = pairwiseDistances('euclidean', e, e);
      const y = tf.tensor1d([...batchLabels], 'int32');
      const masks = labelMasks(y, y, true);
      const counts = tripletCategoryCounts(Dt, masks, margin);
      expect(Array.from(counts.dataSync())).toEqual([0, 0, 0]);
      for (const miner of MINERS) {
        for (const reduction of ['mean', 'mean-non-zero'] as const) {
          const mined = mineTriplets(Dt, masks, miner, margin, 1);
          const out = tripletLoss(mined.dAP, mined.dAN, mined.mask, { margin, softMargin: false, reduction });
          expect(out.loss.dataSync()[0]).toBe(0);
          expect(out.mined.dataSync()[0]).toBe(0);
          tf.dispose([mined.dAP, mined.dAN, mined.mask, out.loss, out.mined, out.nonZero]);
        }
        const d = Dt.dataSync() as Float32Array;
        expect(
          mineTripletsJs(
            d,
            5,
            5,
            (i, j) => i !== j && batchLabels[i] === batchLabels[j],
            (i, j) => batchLabels[i] !== batchLabels[j],
            miner,
            margin,
            new Rng(1),
            100,
          ),
        ).toEqual([]);
      }
      tf.dispose([e, Dt, y, masks.positive, masks.negative, counts]);
    });
  }

  it('mineTripletsJs keeps at most `limit` triplets: a seeded subsample of the full set', () => {
    const all = mineTripletsJs(Dflat, n, n, isPositive, isNegative, 'all', margin, new Rng(1), Infinity).map((t) =>
      key([t.anchor, t.positive, t.negative]),
    );
    const some = mineTripletsJs(Dflat, n, n, isPositive, isNegative, 'all', margin, new Rng(9), 25);
    const again = mineTripletsJs(Dflat, n, n, isPositive, isNegative, 'all', margin, new Rng(9), 25);
    expect(some).toHaveLength(25);
    expect(again).toEqual(some);
    const keys = some.map((t) => key([t.anchor, t.positive, t.negative]));
    expect(new Set(keys).size).toBe(25);
    for (const k of keys) expect(all).toContain(k);
    expect(mineTripletsJs(Dflat, n, n, isPositive, isNegative, 'batch-hard', margin, new Rng(9), 4)).toHaveLength(4);
  });

  for (const miner of MINERS) {
    it(`minePairs ${miner}: the pairs of the triplets the miner picks`, () => {
      withBatch((Dt, masks) => {
        const { positiveWeights, negativeWeights } = minePairs(Dt, masks, miner, margin, 5);
        const pw = positiveWeights.arraySync();
        const nw = negativeWeights.arraySync();
        const expectedPos = labels.map(() => labels.map(() => 0));
        const expectedNeg = labels.map(() => labels.map(() => 0));
        if (miner === 'all') {
          labels.forEach((la, a) =>
            labels.forEach((lb, b) => {
              expectedPos[a][b] = isPositive(a, b) ? 1 : 0;
              expectedNeg[a][b] = la !== lb ? 1 : 0;
            }),
          );
        } else if (miner === 'batch-hard') {
          referenceBatchHard(D, labels).forEach((r, a) => {
            if (!r) return;
            expectedPos[a][r.p] = 1;
            expectedNeg[a][r.q] = 1;
          });
        } else if (miner === 'random') {
          // One valid positive and one valid negative per anchor that has both; which one is the seed's choice.
          pw.forEach((row, a) => {
            const chosen = row.flatMap((w, j) => (w === 1 ? [j] : []));
            expect(chosen.length).toBe(a === 0 ? 0 : 1);
            for (const j of chosen) expectedPos[a][j] = isPositive(a, j) ? 1 : -1;
            const negs = nw[a].flatMap((w, j) => (w === 1 ? [j] : []));
            expect(negs.length).toBe(a === 0 ? 0 : 1);
            for (const j of negs) expectedNeg[a][j] = isNegative(a, j) ? 1 : -1;
          });
        } else {
          for (const r of referenceTriplets(D, labels, margin)) {
            if (!selectedBy(miner, r.category)) continue;
            expectedPos[r.t[0]][r.t[1]] = 1;
            expectedNeg[r.t[0]][r.t[2]] = 1;
          }
        }
        expect(pw).toEqual(expectedPos);
        expect(nw).toEqual(expectedNeg);
        tf.dispose([positiveWeights, negativeWeights]);
      });
    });
  }

  it('gradients through distances, mining and the losses stay finite for identical embeddings', () => {
    // Rows 0–2 coincide (one class), rows 3–5 coincide (another): every distance in a class is 0.
    const batch = [
      [0.5, 0.5],
      [0.5, 0.5],
      [0.5, 0.5],
      [-0.5, 0.25],
      [-0.5, 0.25],
      [-0.5, 0.25],
    ];
    const y = tf.tensor1d([0, 0, 0, 1, 1, 1], 'int32');
    const masks = labelMasks(y, y, true);
    const w = tf.eye(2) as tf.Tensor2D;
    const e = tf.variable(tf.tensor2d(batch));
    for (const distance of DISTANCES) {
      for (const miner of MINERS) {
        const { value, grads } = tf.variableGrads(() => {
          const Dt = pairwiseDistances(distance, e, e, { whitening: w });
          const mined = mineTriplets(Dt, masks, miner as MinerName, 0.2, 3);
          const triplet = tripletLoss(mined.dAP, mined.dAN, mined.mask, {
            margin: 0.2,
            softMargin: false,
            reduction: 'mean-non-zero',
          }).loss;
          const pairs = minePairs(Dt, masks, miner as MinerName, 0.2, 3);
          const contrastive = contrastiveLoss(
            Dt,
            masks.positive,
            0.2,
            tf.add(pairs.positiveWeights, pairs.negativeWeights),
          );
          return tf.add(triplet, contrastive) as tf.Scalar;
        }, [e]);
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        for (const g of grads[e.name].dataSync()) expect(Number.isFinite(g)).toBe(true);
        tf.dispose([value, grads[e.name]]);
      }
    }
    tf.dispose([y, masks.positive, masks.negative, w, e]);
  });

  it('split-input masks: the positive of anchor i is candidate i, every other candidate a negative', () => {
    // Anchor 0: δ = −0.25 (hard) and 0.5 (semi-hard, m = 1); anchors 1 and 2: δ ≤ 0 (hard). Nothing is easy.
    const Dsplit = [
      [0.5, 0.25, 1],
      [0.25, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ];
    const Dt = tf.tensor2d(Dsplit);
    const masks = splitInputMasks(3);
    const mined = mineTriplets(Dt, masks, 'all', 1, 1);
    expect(maskTriplets(mined.mask).map(key).sort()).toEqual(['0,0,1', '0,0,2', '1,1,0', '1,1,2', '2,2,0', '2,2,1']);
    const counts = tripletCategoryCounts(Dt, masks, 1);
    expectAllClose(counts.dataSync(), [0, 1, 5]);
    tf.dispose([Dt, masks.positive, masks.negative, mined.dAP, mined.dAN, mined.mask, counts]);
  });

  it('leaks no tensors', async () => {
    const e = tf.tensor2d(x);
    const Dt = pairwiseDistances('euclidean', e, e);
    const y = tf.tensor1d(labels, 'int32');
    await expectNoLeakedTensors(() => {
      const masks = labelMasks(y, y, true);
      const split = splitInputMasks(4);
      for (const miner of MINERS) {
        const mined = mineTriplets(Dt, masks, miner, margin, 1);
        const pairs = minePairs(Dt, masks, miner, margin, 1);
        tf.dispose([mined.dAP, mined.dAN, mined.mask, pairs.positiveWeights, pairs.negativeWeights]);
      }
      tf.dispose([
        masks.positive,
        masks.negative,
        split.positive,
        split.negative,
        tripletCategoryCounts(Dt, masks, margin),
      ]);
    });
    tf.dispose([e, Dt, y]);
  });
});

describe('categoryCounts', () => {
  it('counts gaps by the definitions, boundaries included: δ ≤ 0 hard, 0 < δ ≤ m semi-hard, δ > m easy', async () => {
    await expectNoLeakedTensors(() => {
      const counts = tf.tidy(() => categoryCounts(tf.tensor1d([-0.5, 0, 0.25, 0.5, 0.75, 2]), 0.5));
      expect(Array.from(counts.dataSync())).toEqual([2, 2, 2]);
      // A mask leaves entries out: only the first, fourth and last gaps count.
      const masked = tf.tidy(() =>
        categoryCounts(tf.tensor1d([-0.5, 0, 0.25, 0.5, 0.75, 2]), 0.5, tf.tensor1d([1, 0, 0, 1, 0, 1])),
      );
      expect(Array.from(masked.dataSync())).toEqual([1, 1, 1]);
      tf.dispose([counts, masked]);
    });
  });
});

describe('miner names and the JS random miner', () => {
  beforeAll(async () => {
    await useCpuBackend();
  });

  const labels = [0, 0, 0, 1, 1, 1];
  const rng = new Rng(21);
  const points = labels.map((l) => [l + rng.normal(0, 0.4), rng.normal(0, 0.4)]);
  const n = labels.length;
  const Dflat = Float32Array.from(points.flatMap((p) => points.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1]))));
  const isPositive = (i: number, j: number) => i !== j && labels[i] === labels[j];
  const isNegative = (i: number, j: number) => labels[i] !== labels[j];

  it('every miner entry point refuses a name it does not know, naming it', () => {
    const bogus = 'hardest' as MinerName;
    expect(() => mineTripletsJs(Dflat, n, n, isPositive, isNegative, bogus, 0.2, new Rng(1), 10)).toThrow(
      'unknown miner "hardest"',
    );
    tf.tidy(() => {
      const D = tf.tensor2d(Dflat, [n, n]);
      const masks = labelMasks(tf.tensor1d(labels, 'int32'), tf.tensor1d(labels, 'int32'), true);
      expect(() => mineTriplets(D, masks, bogus, 0.2, 1)).toThrow('unknown miner "hardest"');
      expect(() => minePairs(D, masks, bogus, 0.2, 1)).toThrow('unknown miner "hardest"');
    });
  });

  it('buildTripletIndex refuses a distance matrix with fewer than n·m values', () => {
    expect(() => buildTripletIndex(new Float32Array(5), 2, 3, isPositive, isNegative)).toThrow(
      'expected an 2×3 distance matrix, got 5 values',
    );
  });

  it('the JS random miner draws positives and negatives other than the batch-hard ones', () => {
    const hardest = mineTripletsJs(Dflat, n, n, isPositive, isNegative, 'batch-hard', 0.2, new Rng(1), Infinity);
    const key = (t: { anchor: number; positive: number; negative: number }) =>
      `${t.anchor},${t.positive},${t.negative}`;
    const hardSet = new Set(hardest.map(key));
    const drawn = new Set<string>();
    for (let seed = 1; seed <= 20; seed++)
      for (const t of mineTripletsJs(Dflat, n, n, isPositive, isNegative, 'random', 0.2, new Rng(seed), Infinity))
        drawn.add(key(t));
    // 6 anchors × 2 positives × 3 negatives = 36 valid triplets; 20 draws of 6 reach far more than the 6 hardest.
    expect([...drawn].filter((k) => !hardSet.has(k)).length).toBeGreaterThan(12);
  });
});
