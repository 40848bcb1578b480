/** Binary cross-entropy of a sigmoid "same class?" head. */
import * as tf from '@tensorflow/tfjs';
import { flatPair, weightedMean } from './reduce';

/** Probabilities are clipped to [ε, 1 − ε] (as Keras does) so that log(0) never occurs. */
export const PROBABILITY_EPSILON = 1e-7;

/**
 * −[t·log p + (1 − t)·log(1 − p)], averaged (weighted by `weights` when given; 0 when Σw = 0). Predictions of shape
 * [n] or [n,1] pair with targets of n values.
 */
export function binaryCrossEntropyLoss(probabilities: tf.Tensor, targets: tf.Tensor, weights?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const [p, t] = flatPair(probabilities, tf.cast(targets, 'float32'), 'binaryCrossEntropyLoss');
    const clipped = tf.clipByValue(p, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    const perPair = tf.neg(tf.add(tf.mul(t, tf.log(clipped)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, clipped)))));
    return weightedMean(perPair, weights ? tf.reshape(weights, [-1]) : undefined);
  });
}
