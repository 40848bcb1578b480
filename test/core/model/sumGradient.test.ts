/**
 * The Sum gradient made with `onesLike` (sumGradient.ts) must give exactly what tfjs-core's own gradient gives —
 * every axis form, kept dimensions, int32 inputs — on WASM and on the CPU backend, and free what it makes.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectNodeBackend } from '../../../src/cli/backend';
import { registerSumGradient } from '../../../src/core/model/sumGradient';
import { Rng } from '../../../src/core/rng';

// Captured before anything in this file registers the replacement.
const stock = tf.getGradient('Sum')!;

const CASES: { shape: number[]; axis?: number | number[]; keepDims?: boolean; dtype?: 'int32' }[] = [
  { shape: [4, 3] },
  { shape: [4, 3], axis: 1 },
  { shape: [4, 3], axis: 0, keepDims: true },
  { shape: [2, 3, 4], axis: [0, 2] },
  { shape: [2, 3, 4], axis: -1, keepDims: true },
  { shape: [5], axis: 0 },
  { shape: [3, 4], axis: 1, dtype: 'int32' },
];

/** d/dx of Σ w ⊙ sum(x, axis) for each case: the weights w broadcast back over the summed axes. */
function gradients(): { shape: number[]; dtype: string; values: number[] }[] {
  const rng = new Rng(3);
  return CASES.map(({ shape, axis, keepDims, dtype }) =>
    tf.tidy(() => {
      const size = shape.reduce((p, s) => p * s, 1);
      const x = tf.tensor(
        Array.from({ length: size }, () => rng.int(9) - 4),
        shape,
        dtype ?? 'float32',
      );
      const summed = tf.sum(x, axis, keepDims);
      const w = tf.tensor(
        Array.from({ length: summed.size }, () => rng.normal()),
        summed.shape,
      );
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sum(t, axis, keepDims), w)))(x);
      return { shape: g.shape, dtype: g.dtype, values: Array.from(g.dataSync()) };
    }),
  );
}

describe('Sum gradient without a JS array of ones', () => {
  afterAll(async () => {
    registerSumGradient();
    await selectNodeBackend('cpu');
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`equals tfjs-core's own gradient exactly on ${backend}, and frees what it makes`, async () => {
      await selectNodeBackend(backend);
      tf.registerGradient(stock);
      const expected = gradients();
      registerSumGradient();
      expect(tf.getGradient('Sum')!.gradFunc).not.toBe(stock.gradFunc);
      const before = tf.memory().numTensors;
      const got = gradients();
      expect(tf.memory().numTensors).toBe(before);
      expect(got).toEqual(expected);
      // The weights reach the gradient unchanged: not all equal, so a wrong broadcast would show.
      expect(new Set(got[1].values).size).toBeGreaterThan(1);
    });
  }
});
