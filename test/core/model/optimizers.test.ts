import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OptimizerName } from '../../../src/core/config';
import { makeOptimizer } from '../../../src/core/model/optimizers';
import { useCpuBackend } from '../../helpers/tf';

beforeAll(async () => {
  await useCpuBackend();
});

/** One step on f(x) = x² from x0, returning x1. */
function oneStep(name: OptimizerName, learningRate: number, x0: number): number {
  const optimizer = makeOptimizer({ name, learningRate });
  const x = tf.variable(tf.scalar(x0));
  optimizer.minimize(() => tf.square(x), false, [x]);
  const x1 = x.dataSync()[0];
  x.dispose();
  optimizer.dispose();
  return x1;
}

describe('makeOptimizer', () => {
  const eps = 1e-7; // the CPU backend's epsilon, which tfjs Adam and RMSProp use by default
  const x0 = 3;
  const g = 2 * x0;
  const lr = 0.01;

  it('sgd takes x − lr·g', () => {
    expect(oneStep('sgd', lr, x0)).toBeCloseTo(x0 - lr * g, 6);
  });

  it('adam takes x − lr·ĝ/(sqrt(v̂)+ε) = x − lr·g/(|g|+ε) on its first step', () => {
    expect(oneStep('adam', lr, x0)).toBeCloseTo(x0 - (lr * g) / (Math.abs(g) + eps), 6);
  });

  it('rmsprop takes x − lr·g/sqrt(0.1·g² + ε) on its first step (ρ = 0.9)', () => {
    expect(oneStep('rmsprop', lr, x0)).toBeCloseTo(x0 - (lr * g) / Math.sqrt(0.1 * g * g + eps), 5);
  });

  it('rejects an unknown name, listing the known ones, and a non-positive learning rate', () => {
    expect(() => makeOptimizer({ name: 'adagrad' as OptimizerName, learningRate: 0.1 })).toThrow(
      'unknown optimizer "adagrad"; known optimizers: adam, sgd, rmsprop',
    );
    expect(() => makeOptimizer({ name: 'adam', learningRate: 0 })).toThrow(/positive/);
  });
});
