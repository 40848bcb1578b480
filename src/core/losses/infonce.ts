/** InfoNCE / NT-Xent / supervised-contrastive (SupCon) loss over a batch's distance matrix. */
import * as tf from '@tensorflow/tfjs';

/** Added to the logits of excluded entries (self, padding): exp() of it is exactly 0 in float32. */
const EXCLUDED_LOGIT = -1e9;

/**
 * logits = −D/τ over `valid` entries (self excluded); per anchor −mean over its positives of log-softmax;
 * averaged over anchors that have ≥ 1 positive; 0 if none has. All masks are 1/0 floats of D's shape [n,m].
 * With one positive per anchor (split input) this is InfoNCE / NT-Xent; with several, SupCon's "L_out".
 */
export function infoNceLoss(
  distances: tf.Tensor2D,
  positiveMask: tf.Tensor2D,
  validMask: tf.Tensor2D,
  temperature: number,
): tf.Scalar {
  if (!(temperature > 0)) throw new Error(`the InfoNCE temperature must be > 0, got ${temperature}`);
  return tf.tidy(() => {
    const valid = tf.cast(validMask, 'float32');
    const positives = tf.mul(tf.cast(positiveMask, 'float32'), valid);
    const logits = tf.add(tf.div(tf.neg(distances), temperature), tf.mul(tf.sub(1, valid), EXCLUDED_LOGIT));
    const logProbabilities = tf.sub(logits, tf.logSumExp(logits, 1, true));
    const positivesPerAnchor = tf.sum(positives, 1);
    const perAnchor = tf.div(tf.neg(tf.sum(tf.mul(positives, logProbabilities), 1)), tf.maximum(positivesPerAnchor, 1));
    const hasPositive = tf.minimum(positivesPerAnchor, 1);
    return tf.div(tf.sum(tf.mul(perAnchor, hasPositive)), tf.maximum(tf.sum(hasPositive), 1)) as tf.Scalar;
  });
}
