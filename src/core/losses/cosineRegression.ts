/** Regression of a similarity score (e.g. an STS score or a 0/1 label) from the cosine head. */
import * as tf from '@tensorflow/tfjs';
import { flatPair, weightedMean } from './reduce';

/** Mean squared error (weighted when `weights` is given; 0 when Σw = 0); shapes [n] or [n,1]. */
export function cosineRegressionLoss(predictions: tf.Tensor, targets: tf.Tensor, weights?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const [p, t] = flatPair(predictions, tf.cast(targets, 'float32'), 'cosineRegressionLoss');
    return weightedMean(tf.squaredDifference(p, t), weights ? tf.reshape(weights, [-1]) : undefined);
  });
}
