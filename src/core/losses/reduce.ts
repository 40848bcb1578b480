/** Shared reductions of the losses: weighted means that are 0, never NaN, when nothing is weighted. */
import * as tf from '@tensorflow/tfjs';

/**
 * Floor under a sum of weights before dividing by it. Weights are 0/1 masks or normalised masks, so a positive
 * sum is far above it, and a zero sum gives 0 / floor = 0 (a plain division would give NaN, and `divNoNan` has no
 * gradient in tfjs because it compares).
 */
export const WEIGHT_SUM_FLOOR = 1e-12;

/**
 * Σ w·v / Σ w (plain mean without weights); weights broadcast against `values`. 0 for an empty tensor or when
 * Σ w = 0. Call inside a tidy.
 */
export function weightedMean(values: tf.Tensor, weights?: tf.Tensor): tf.Scalar {
  // Stryker disable next-line ConditionalExpression: tfjs-cpu's mean of nothing is 0 already; kept for the other backends
  if (values.size === 0) return tf.scalar(0);
  if (!weights) return tf.mean(values);
  const fullWeights = tf.mul(weights, tf.onesLike(values));
  return tf.div(tf.sum(tf.mul(values, fullWeights)), tf.maximum(tf.sum(fullWeights), WEIGHT_SUM_FLOOR));
}

/** Flattens predictions/targets of shape [n] or [n,1] alike, and checks that they pair up one to one. */
export function flatPair(predictions: tf.Tensor, targets: tf.Tensor, what: string): [tf.Tensor1D, tf.Tensor1D] {
  if (predictions.size !== targets.size) {
    throw new Error(
      `${what} needs one target per prediction, got ${predictions.size} predictions [${predictions.shape}] and ${targets.size} targets [${targets.shape}]`,
    );
  }
  return [tf.reshape(predictions, [-1]) as tf.Tensor1D, tf.reshape(targets, [-1]) as tf.Tensor1D];
}

/**
 * `compute(x)` with a zero gradient to x, and none of compute's ops on the tape. For masks and counts derived from
 * distances inside `optimizer.minimize`: tfjs has no gradient for comparisons, and backpropagating zeros through
 * a step()-built [n,m,m] mask would cost as much as the loss itself.
 */
export function withoutGradient<T extends tf.Tensor>(x: tf.Tensor, compute: (input: tf.Tensor) => T): T;
export function withoutGradient<T extends tf.Tensor>(xs: tf.Tensor[], compute: (...inputs: tf.Tensor[]) => T): T;
export function withoutGradient<T extends tf.Tensor>(
  x: tf.Tensor | tf.Tensor[],
  compute: (...inputs: tf.Tensor[]) => T,
): T {
  const xs = Array.isArray(x) ? x : [x];
  const shapes = xs.map((t) => t.shape);
  const cut = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: compute(...(inputs.slice(0, xs.length) as tf.Tensor[])),
    gradFunc: () => shapes.map((shape) => tf.zeros(shape)),
  }));
  return cut(...xs) as T;
}

/**
 * Σ of every element, as a matMul with a column of ones. Same value as tf.sum; its backward pass is a matMul too,
 * where tf.sum's is a broadcasting multiply that is slow on the CPU backend for the [n,m,m] triplet tensors.
 */
export function sumAll(x: tf.Tensor): tf.Scalar {
  // Stryker disable next-line ConditionalExpression: a [1,0]·[0,1] matMul is already 0; the guard skips building it
  if (x.size === 0) return tf.scalar(0);
  return tf.reshape(tf.matMul(tf.reshape(x, [1, x.size]) as tf.Tensor2D, tf.ones([x.size, 1])), []) as tf.Scalar;
}
