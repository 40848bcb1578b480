/**
 * ConstantScalarsAdam (adam.ts) must be tf.train.adam step for step — bit-identical weights and moments over many
 * updates, on WASM and on the CPU backend, through minimize() and applyGradients() with a list — keep Adam's class
 * name, config and weights (checkpoints), and free its constants with itself.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectNodeBackend } from '../../../src/cli/backend';
import { ConstantScalarsAdam } from '../../../src/core/model/adam';
import { makeOptimizer } from '../../../src/core/model/optimizers';
import { Rng } from '../../../src/core/rng';

/** 40 updates of two variables on a non-convex loss; the variables' values and the optimizer's weights after. */
async function run(optimizer: tf.Optimizer, tag: string): Promise<number[][]> {
  const rng = new Rng(11);
  const w = tf.variable(
    tf.tensor2d(
      Array.from({ length: 12 }, () => rng.normal()),
      [3, 4],
    ),
    true,
    `w-${tag}`,
  );
  const b = tf.variable(tf.tensor1d([0.5, -2, 1e-3, 7]), true, `b-${tag}`);
  const x = tf.tensor2d(
    Array.from({ length: 15 }, () => rng.normal()),
    [5, 3],
  );
  const loss = () => tf.mean(tf.square(tf.sin(tf.add(tf.matMul(x, w), b)))) as tf.Scalar;
  for (let step = 0; step < 40; step++) {
    if (step % 2 === 0) optimizer.minimize(loss);
    else {
      const { grads } = tf.variableGrads(loss);
      optimizer.applyGradients([
        { name: w.name, tensor: grads[w.name] },
        { name: b.name, tensor: grads[b.name] },
      ]);
      tf.dispose(grads);
    }
  }
  const weights = await optimizer.getWeights();
  const out = [w, b, ...weights.map((n) => n.tensor)].map((t) => Array.from(t.dataSync()));
  tf.dispose([w, b, x, weights[0].tensor]); // the first weight is a new tensor of the iteration count
  return out;
}

describe('ConstantScalarsAdam', () => {
  afterAll(async () => {
    await selectNodeBackend('cpu');
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`is tf.train.adam bit for bit over 40 updates on ${backend}`, async () => {
      await selectNodeBackend(backend);
      const stock = tf.train.adam(0.05);
      const expected = await run(stock, `stock-${backend}`);
      const lean = makeOptimizer({ name: 'adam', learningRate: 0.05 });
      expect(lean).toBeInstanceOf(ConstantScalarsAdam);
      const got = await run(lean, `lean-${backend}`);
      expect(got).toEqual(expected);
      // The updates moved the weights: an optimizer that did nothing would not pass as Adam.
      const start = new Rng(11);
      expect(got[0]).not.toEqual(Array.from({ length: 12 }, () => Math.fround(start.normal())));
      stock.dispose();
      lean.dispose();
    });
  }

  it('keeps Adam’s class name and config, and frees its constants with itself', async () => {
    await selectNodeBackend('cpu');
    const before = tf.memory().numTensors;
    const adam = new ConstantScalarsAdam(0.01);
    expect(adam.getClassName()).toBe('Adam');
    const stock = tf.train.adam(0.01);
    expect(adam.getConfig()).toEqual(stock.getConfig());
    stock.dispose();
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
