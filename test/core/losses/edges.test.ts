/**
 * Edges of the loss functions that a run can reach: empty batches, refused settings, and the reductions' corner
 * cases (every triplet satisfied, weights that sum to zero). Each must give a finite, exact value or a clear error.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryCrossEntropyLoss,
  cosineRegressionLoss,
  infoNceLoss,
  tripletLoss,
  weightedMean,
  withoutGradient,
} from '../../../src/core/losses';
import { sumAll } from '../../../src/core/losses/reduce';
import { useCpuBackend } from '../../helpers/tf';

beforeAll(async () => {
  await useCpuBackend();
});

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('loss edges', () => {
  it('InfoNCE refuses a temperature that is not a positive number, naming it', () => {
    const d = tf.tensor2d([[0, 1]]);
    const m = tf.tensor2d([[0, 1]]);
    for (const tau of [0, -0.1, Number.NaN])
      expect(() => infoNceLoss(d, m, m, tau)).toThrow(`the InfoNCE temperature must be > 0, got ${tau}`);
    tf.dispose([d, m]);
  });

  it('reductions of an empty batch are exactly 0', () => {
    const empty = tf.tensor1d([]);
    expect(value(weightedMean(empty))).toBe(0);
    expect(value(weightedMean(empty, tf.tensor1d([])))).toBe(0);
    expect(value(sumAll(empty))).toBe(0);
    empty.dispose();
  });

  it('weightedMean without weights is the plain mean; with weights, Σw·v / Σw', () => {
    const v = tf.tensor1d([1, 2, 6]);
    expect(value(weightedMean(v))).toBeCloseTo(3, 6);
    expect(value(weightedMean(v, tf.tensor1d([1, 0, 1])))).toBeCloseTo(3.5, 6);
    expect(value(weightedMean(v, tf.tensor1d([0, 0, 0])))).toBe(0);
    expect(
      value(
        sumAll(
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    ).toBe(10);
    v.dispose();
  });

  it('mean-non-zero over triplets that are all satisfied is 0 with 0 non-zero triplets, not NaN', () => {
    const dAP = tf.tensor1d([0.1, 0.2]);
    const dAN = tf.tensor1d([1, 1]);
    const mask = tf.tensor1d([1, 1]);
    const out = tripletLoss(dAP, dAN, mask, { margin: 0.2, softMargin: false, reduction: 'mean-non-zero' });
    expect(value(out.loss)).toBe(0);
    expect(value(out.mined)).toBe(2);
    expect(value(out.nonZero)).toBe(0);
    // A triplet exactly at the margin has loss 0 and is not counted as non-zero.
    const atMargin = tripletLoss(tf.tensor1d([0.5]), tf.tensor1d([0.75]), tf.tensor1d([1]), {
      margin: 0.25,
      softMargin: false,
      reduction: 'mean-non-zero',
    });
    expect(value(atMargin.nonZero)).toBe(0);
    tf.dispose([dAP, dAN, mask, atMargin.loss, atMargin.mined]);
  });

  it('withoutGradient passes the value and a zero gradient, for one input and for several', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.tensor1d([4, 5, 6]);
    const gx = tf.grad((t: tf.Tensor) => withoutGradient(t, (a) => tf.sum(tf.square(a))))(x);
    expect(Array.from(gx.dataSync())).toEqual([0, 0, 0]);
    const [g1, g2] = tf.grads((a: tf.Tensor, b: tf.Tensor) => withoutGradient([a, b], (p, q) => tf.sum(tf.mul(p, q))))([
      x,
      y,
    ]);
    expect(Array.from(g1.dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(g2.dataSync())).toEqual([0, 0, 0]);
    expect(value(withoutGradient([x, y], (p, q) => tf.sum(tf.mul(p, q))))).toBe(32);
    tf.dispose([x, y, gx, g1, g2]);
  });

  it('binary cross-entropy refuses predictions and targets that do not pair up, naming both shapes', () => {
    expect(() => binaryCrossEntropyLoss(tf.tensor1d([0.5, 0.5]), tf.tensor1d([1]))).toThrow(
      'binaryCrossEntropyLoss needs one target per prediction, got 2 predictions [2] and 1 targets [1]',
    );
    expect(() => cosineRegressionLoss(tf.tensor1d([0.5, 0.5, 0.5]), tf.tensor1d([1, 0]))).toThrow(
      'cosineRegressionLoss needs one target per prediction, got 3 predictions [3] and 2 targets [2]',
    );
  });
});
