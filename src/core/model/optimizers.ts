/** Optimiser registry: config name → tfjs optimiser; an unknown name is an error listing the known ones. */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig, OptimizerName } from '../config';
import { ConstantScalarsAdam } from './adam';

/**
 * Builders by name; hyper-parameters other than the learning rate are the tfjs (Keras) defaults. Adam is
 * `tf.train.adam`'s update with its scalar constants made once (adam.ts; bit-identical updates).
 */
export const OPTIMIZER_BUILDERS: Readonly<Record<OptimizerName, (learningRate: number) => tf.Optimizer>> = {
  adam: (learningRate) => new ConstantScalarsAdam(learningRate),
  sgd: (learningRate) => tf.train.sgd(learningRate),
  rmsprop: (learningRate) => tf.train.rmsprop(learningRate),
};

/** A fresh optimiser for one run (its slot variables belong to that run: dispose it with the run). */
export function makeOptimizer(config: OptimizerConfig): tf.Optimizer {
  const build = (OPTIMIZER_BUILDERS as Record<string, ((lr: number) => tf.Optimizer) | undefined>)[config.name];
  if (!build)
    throw new Error(
      `unknown optimizer "${config.name}"; known optimizers: ${Object.keys(OPTIMIZER_BUILDERS).join(', ')}`,
    );
  if (!(Number.isFinite(config.learningRate) && config.learningRate > 0)) {
    throw new Error(`the learning rate must be a positive number, got ${config.learningRate}`);
  }
  return build(config.learningRate);
}
