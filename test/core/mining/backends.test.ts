/**
 * The miners must pick the same triplets on the WASM backend (the browser's fallback and the CLI's default) as on
 * the CPU reference. tfjs 4.22's WASM oneHot with a float32 dtype returns zeros, which once silently turned
 * batch-hard and random mining into "no triplet" on WASM; this guards against that class of backend difference.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { MINERS } from '../../../src/core/config';
import { labelMasks, mineTriplets, minePairs, tripletCategoryCounts } from '../../../src/core/mining';
import { selectNodeBackend } from '../../../src/cli/backend';
import { Rng } from '../../../src/core/rng';

function run(miner: (typeof MINERS)[number]) {
  return tf.tidy(() => {
    const rng = new Rng(4);
    const n = 12;
    const points = Array.from({ length: n * 3 }, () => rng.normal());
    const e = tf.tensor2d(points, [n, 3]);
    const D = tf.sqrt(
      tf.maximum(tf.sum(tf.square(tf.sub(tf.expandDims(e, 1), tf.expandDims(e, 0))), 2), 1e-12),
    ) as tf.Tensor2D;
    const y = tf.tensor1d([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4], 'int32');
    const masks = labelMasks(y, y, true);
    const t = mineTriplets(D, masks, miner, 0.3, 7);
    const p = minePairs(D, masks, miner, 0.3, 7);
    return {
      dAP: Array.from(t.dAP.dataSync()),
      dAN: Array.from(t.dAN.dataSync()),
      mask: Array.from(t.mask.dataSync()),
      pairs: Array.from(tf.add(p.positiveWeights, tf.mul(p.negativeWeights, 2)).dataSync()),
      counts: Array.from(tripletCategoryCounts(D, masks, 0.3).dataSync()),
    };
  });
}

afterAll(async () => {
  await selectNodeBackend('cpu');
});

describe('miners agree across backends', () => {
  for (const miner of MINERS.filter((m) => m !== 'random')) {
    it(`${miner}: WASM picks what CPU picks`, async () => {
      await selectNodeBackend('cpu');
      const cpu = run(miner);
      await selectNodeBackend('wasm');
      const wasm = run(miner);
      expect(wasm.mask).toEqual(cpu.mask);
      expect(wasm.pairs).toEqual(cpu.pairs);
      expect(wasm.counts).toEqual(cpu.counts);
      wasm.dAP.forEach((v, i) => expect(v).toBeCloseTo(cpu.dAP[i], 4));
      wasm.dAN.forEach((v, i) => expect(v).toBeCloseTo(cpu.dAN[i], 4));
      // Batch-hard triplets must be real triplets: the positive and negative of an anchor differ.
      if (miner === 'batch-hard') expect(wasm.dAP.some((v, i) => v !== wasm.dAN[i])).toBe(true);
    });
  }
  it('random: on WASM every selected triplet is valid (positive ≠ negative distance source)', async () => {
    await selectNodeBackend('wasm');
    const r = run('random');
    expect(r.mask.filter((v) => v === 1).length).toBe(11);
    expect(r.dAP.some((v, i) => Math.abs(v - r.dAN[i]) > 1e-6)).toBe(true);
  });
});
