/** Contrastive loss (Hadsell, Chopra & LeCun 2006) over pairs, label 1 = similar. */
import * as tf from '@tensorflow/tfjs';
import { weightedMean } from './reduce';

/**
 * y·d² + (1−y)·max(0, m − d)², averaged over pairs: similar pairs are pulled together, dissimilar ones pushed
 * until they are at least m apart. `d`, `similar` and `weights` have the same (broadcastable) shape.
 * weights: optional per-pair weights (0/1 masks from a miner); the mean is Σw·loss / Σw, and 0 (not NaN) when Σw = 0.
 */
export function contrastiveLoss(d: tf.Tensor, similar: tf.Tensor, margin: number, weights?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const y = tf.cast(similar, 'float32');
    const pull = tf.mul(y, tf.square(d));
    const push = tf.mul(tf.sub(1, y), tf.square(tf.relu(tf.sub(margin, d))));
    return weightedMean(tf.add(pull, push), weights);
  });
}
