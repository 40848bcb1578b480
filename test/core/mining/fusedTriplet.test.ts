/**
 * The fused JS pass (loss + counts + dL/dD of the dense triplet miners) must give what the tensor path gives —
 * `mineTriplets` + `tripletLoss` + `tripletCategoryCounts`, differentiated by tfjs — on values, counts and
 * gradients, including triplets sitting exactly on the category boundaries (δ = 0 and δ = m).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectNodeBackend } from '../../../src/cli/backend';
import { pairwiseDistances } from '../../../src/core/distances';
import { tripletLoss } from '../../../src/core/losses';
import {
  labelMasks,
  mineTriplets,
  splitInputMasks,
  tripletCategoryCounts,
  type PairMasks,
} from '../../../src/core/mining';
import { pairMaskValues } from '../../../src/core/mining/masks';
import type { DenseMiner } from '../../../src/core/capabilities';
import {
  fusedTripletAvailable,
  fusedTripletJs,
  fusedTripletLoss,
  tripletCountsJs,
} from '../../../src/core/mining/fusedTriplet';
import { Rng } from '../../../src/core/rng';
import { expectAllClose, expectNoLeakedTensors, useBackendInSuite } from '../../helpers/tf';

const MINERS: DenseMiner[] = ['all', 'hard', 'semi-hard', 'easy'];
const REDUCTIONS = ['mean', 'mean-non-zero'] as const;
const MARGIN = 0.25;

/** Uneven classes (a singleton, a pair, bigger groups), random embeddings, plus exact δ = 0 and δ = m triplets. */
function batch(seed: number): { D: number[][]; labels: number[] } {
  const rng = new Rng(seed);
  const labels = [0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4];
  const x = labels.map((l) => Array.from({ length: 4 }, () => rng.normal(l * 0.2, 0.7)));
  const D = tf.tidy(() => {
    const e = tf.tensor2d(x);
    return pairwiseDistances('euclidean', e, e).arraySync();
  });
  // Boundary cases, written as float32 values: anchor 3 (class 2) with positive 4 and negatives 7 and 8.
  D[3][4] = Math.fround(0.5);
  D[3][7] = Math.fround(0.5); // δ = 0 → hard
  D[3][8] = Math.fround(Math.fround(0.5) + Math.fround(MARGIN)); // δ = m (in float32) → semi-hard
  return { D, labels };
}

function withMasks<T>(labels: number[], fn: (masks: PairMasks) => T): T {
  const y = tf.tensor1d(labels, 'int32');
  const masks = labelMasks(y, y, true);
  try {
    return fn(masks);
  } finally {
    tf.dispose([y, masks.positive, masks.negative]);
  }
}

/** Loss, [easy, semi-hard, hard, mined] and dL/dD by the tensor path, differentiated by tfjs. */
function tensorPath(D: number[][], masks: PairMasks, miner: DenseMiner, reduction: 'mean' | 'mean-non-zero') {
  return tf.tidy(() => {
    const d = tf.tensor2d(D);
    const loss = (t: tf.Tensor2D) => {
      const mined = mineTriplets(t, masks, miner, MARGIN, 1);
      return tripletLoss(mined.dAP, mined.dAN, mined.mask, { margin: MARGIN, softMargin: false, reduction });
    };
    const out = loss(d);
    const stats = [...tripletCategoryCounts(d, masks, MARGIN).dataSync(), out.mined.dataSync()[0]];
    const gradient = tf.grad((t: tf.Tensor) => loss(t as tf.Tensor2D).loss)(d);
    return { loss: out.loss.dataSync()[0], stats, gradient: Array.from(gradient.dataSync()) };
  });
}

function fusedPath(D: number[][], masks: PairMasks, miner: DenseMiner, reduction: 'mean' | 'mean-non-zero') {
  return tf.tidy(() => {
    const d = tf.tensor2d(D);
    const out = fusedTripletLoss(d as tf.Tensor2D, masks, { miner, margin: MARGIN, reduction });
    const gradient = tf.grad(
      (t: tf.Tensor) => fusedTripletLoss(t as tf.Tensor2D, masks, { miner, margin: MARGIN, reduction }).loss,
    )(d);
    return {
      loss: out.loss.dataSync()[0],
      stats: Array.from(out.stats.dataSync()),
      gradient: Array.from(gradient.dataSync()),
    };
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused dense-miner triplet loss (${backend})`, () => {
    useBackendInSuite(backend);

    it('is used on this backend', () => {
      expect(fusedTripletAvailable()).toBe(true);
    });

    for (const miner of MINERS) {
      for (const reduction of REDUCTIONS) {
        it(`${miner}, ${reduction}: same loss, counts and gradient as the tensor path`, () => {
          for (const seed of [3, 8]) {
            const { D, labels } = batch(seed);
            withMasks(labels, (masks) => {
              const expected = tensorPath(D, masks, miner, reduction);
              const actual = fusedPath(D, masks, miner, reduction);
              expect(actual.stats).toEqual(expected.stats);
              expect(actual.loss).toBeCloseTo(expected.loss, 5);
              expectAllClose(actual.gradient, expected.gradient, 1e-5);
              if (miner !== 'easy') expect(actual.gradient.some((g) => g !== 0)).toBe(true);
            });
          }
        });
      }
    }

    it('puts the boundary triplets where the definitions say: δ = 0 is hard, δ = m is semi-hard', () => {
      const { D, labels } = batch(3);
      withMasks(labels, (masks) => {
        const n = labels.length;
        // Only anchor 3's row, with only positive 4 and negatives 7, 8.
        const flat = new Float32Array(n * n);
        const pos = new Float32Array(n * n);
        const neg = new Float32Array(n * n);
        flat.set(D[3], 3 * n);
        pos[3 * n + 4] = 1;
        neg[3 * n + 7] = 1;
        neg[3 * n + 8] = 1;
        const r = fusedTripletJs(flat, pos, neg, n, n, { miner: 'all', margin: MARGIN, reduction: 'mean' });
        expect([r.easy, r.semiHard, r.hard, r.mined]).toEqual([0, 1, 1, 2]);
        void masks;
      });
    });

    it('no valid triplet: loss 0, counts 0, zero gradient, never NaN', () => {
      withMasks([0, 1, 2, 3], (masks) => {
        const D = [
          [0, 1, 1, 1],
          [1, 0, 1, 1],
          [1, 1, 0, 1],
          [1, 1, 1, 0],
        ];
        const out = fusedPath(D, masks, 'all', 'mean-non-zero');
        expect(out.loss).toBe(0);
        expect(out.stats).toEqual([0, 0, 0, 0]);
        expect(out.gradient.every((g) => g === 0)).toBe(true);
      });
    });

    it('leaks no tensor, forward or backward', async () => {
      const { D, labels } = batch(5);
      const y = tf.tensor1d(labels, 'int32');
      const masks = labelMasks(y, y, true);
      await expectNoLeakedTensors(() => {
        const d = tf.tensor2d(D);
        const g = tf.grad(
          (t: tf.Tensor) =>
            fusedTripletLoss(t as tf.Tensor2D, masks, { miner: 'all', margin: MARGIN, reduction: 'mean-non-zero' })
              .loss,
        )(d);
        tf.dispose([d, g]);
      });
      tf.dispose([y, masks.positive, masks.negative]);
    });

    it('rejects matrices of the wrong size', () => {
      expect(() =>
        fusedTripletJs(new Float32Array(6), new Float32Array(6), new Float32Array(4), 2, 3, {
          miner: 'all',
          margin: 0.2,
          reduction: 'mean',
        }),
      ).toThrow(/three 2×3 matrices/);
    });
  });
}

describe('fused triplet pass, JS details', () => {
  beforeAll(async () => {
    await selectNodeBackend('cpu');
  });

  it("tripletCountsJs gives the tensor path's [easy, semi-hard, hard] over every valid triplet", () => {
    const { D, labels } = batch(5);
    withMasks(labels, (masks) => {
      const [js, tensor] = tf.tidy(() => {
        const d = tf.tensor2d(D);
        return [
          Array.from(tripletCountsJs(d, masks, MARGIN).dataSync()),
          Array.from(tripletCategoryCounts(d, masks, MARGIN).dataSync()),
        ];
      });
      expect(js).toEqual(tensor);
      expect(Math.min(...js)).toBeGreaterThan(0);
    });
  });

  it('a hinge above 0 but not above the non-zero threshold (1e-16) is mined yet not counted as non-zero', () => {
    // One triplet with d(a,p) = d(a,n) and a margin of 1e-20: hinge 1e-20 in float32.
    const out = fusedTripletJs([0, 0.5, 0.5], [0, 1, 0], [0, 0, 1], 1, 3, {
      miner: 'all',
      margin: 1e-20,
      reduction: 'mean-non-zero',
    });
    expect([out.mined, out.nonZero]).toEqual([1, 0]);
    expect(out.loss).toBe(Math.fround(1e-20));
    const clear = fusedTripletJs([0, 0.5, 0.5], [0, 1, 0], [0, 0, 1], 1, 3, {
      miner: 'all',
      margin: 0.25,
      reduction: 'mean-non-zero',
    });
    expect([clear.mined, clear.nonZero]).toEqual([1, 1]);
  });

  it('pairMaskValues are the mask tensors as arrays (labels, and split batches), and fusedTripletLoss takes either', () => {
    const { D, labels } = batch(6);
    const read = (m: PairMasks) => [Array.from(m.positive.dataSync()), Array.from(m.negative.dataSync())];
    const asArrays = (m: { positive: ArrayLike<number>; negative: ArrayLike<number> }) => [
      Array.from(m.positive),
      Array.from(m.negative),
    ];
    const [fromLabels, split] = tf.tidy(() => {
      const y = tf.tensor1d(labels, 'int32');
      return [read(labelMasks(y, y, true)), read(splitInputMasks(5))];
    });
    expect(asArrays(pairMaskValues(labels, false))).toEqual(fromLabels);
    expect(asArrays(pairMaskValues([7, 7, 7, 7, 7], true))).toEqual(split);
    const [fromValues, fromTensors] = tf.tidy(() => {
      const d = tf.tensor2d(D) as tf.Tensor2D;
      const y = tf.tensor1d(labels, 'int32');
      const options = { miner: 'semi-hard' as const, margin: MARGIN, reduction: 'mean' as const };
      const a = fusedTripletLoss(d, pairMaskValues(labels, false), options);
      const b = fusedTripletLoss(d, labelMasks(y, y, true), options);
      return [
        [a.loss.dataSync()[0], ...a.stats.dataSync()],
        [b.loss.dataSync()[0], ...b.stats.dataSync()],
      ];
    });
    expect(fromValues).toEqual(fromTensors);
  });

  it('pairMaskValues reuses the last masks only for the same label pattern, and is right either way', () => {
    const fromTensors = (labels: number[], split: boolean) =>
      tf.tidy(() => {
        const y = tf.tensor1d(labels, 'int32');
        const m = split ? splitInputMasks(labels.length) : labelMasks(y, y, true);
        return [Array.from(m.positive.dataSync()), Array.from(m.negative.dataSync())];
      });
    const asArrays = (m: { positive: ArrayLike<number>; negative: ArrayLike<number> }) => [
      Array.from(m.positive),
      Array.from(m.negative),
    ];
    const pk = [3, 3, 8, 8, 1, 1];
    const first = pairMaskValues(pk, false);
    // Other classes in the same P×K layout: the same pattern, the same (read-only) masks.
    expect(pairMaskValues([5, 5, 0, 0, 9, 9], false)).toBe(first);
    // Each change of pattern, size or mode gives the right masks, and going back rebuilds them correctly.
    const sequence: [number[], boolean][] = [
      [[3, 8, 3, 8, 1, 1], false],
      [[3, 3, 8, 8, 1, 1], false],
      [[3, 3, 8, 8, 1, 1], true],
      [[3, 3, 8, 8, 1], false],
      [[2, 2, 2, 2, 2, 2], false],
      [[3, 3, 8, 8, 1, 1], false],
    ];
    for (const [labels, split] of sequence) {
      expect(asArrays(pairMaskValues(labels, split))).toEqual(fromTensors(labels, split));
    }
    expect(pairMaskValues(pk, false)).not.toBe(first);
  });

  it('names the sizes of all three matrices when any one is wrong', () => {
    const opts = { miner: 'all', margin: 0.2, reduction: 'mean' } as const;
    const six = new Float32Array(6);
    for (const [d, p, q] of [
      [new Float32Array(5), six, six],
      [six, new Float32Array(7), six],
      [six, six, new Float32Array(4)],
    ])
      expect(() => fusedTripletJs(d, p, q, 2, 3, opts)).toThrow(
        `fusedTripletJs needs three 2×3 matrices, got ${d.length}, ${p.length} and ${q.length} values`,
      );
  });

  it('with reused scratch arrays, every pass equals a pass with fresh arrays, whatever the previous pass left', () => {
    const scratch = {
      active: new Float32Array(16 * 16).fill(7),
      positives: new Int32Array(16).fill(5),
      negatives: new Int32Array(16).fill(9),
    };
    // A big batch, then a smaller one inside the same arrays, then the big one again.
    for (const [seed, size] of [
      [4, 16],
      [5, 9],
      [4, 16],
    ]) {
      const { D, labels } = batch(seed);
      const n = size;
      const flat = Float32Array.from(D.slice(0, n).flatMap((row) => row.slice(0, n)));
      const values = pairMaskValues(labels.slice(0, n), false);
      for (const miner of MINERS) {
        const opts = { miner, margin: MARGIN, reduction: 'mean-non-zero' } as const;
        const fresh = fusedTripletJs(flat, values.positive, values.negative, n, n, opts);
        const reused = fusedTripletJs(flat, values.positive, values.negative, n, n, opts, scratch);
        expect({ ...reused, gradient: Array.from(reused.gradient) }).toEqual({
          ...fresh,
          gradient: Array.from(fresh.gradient),
        });
        expect(reused.gradient.buffer).toBe(scratch.active.buffer);
        expect(fresh.mined).toBeGreaterThan(0);
      }
    }
  });
});
