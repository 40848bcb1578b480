/** Triplet loss max(d(a,p) − d(a,n) + m, 0) with the reductions of pytorch-metric-learning. */
import * as tf from '@tensorflow/tfjs';
import { sumAll, withoutGradient } from './reduce';

/** How the per-triplet losses are reduced; see docs/ARCHITECTURE.md, Definitions. */
export interface TripletLossOptions {
  margin: number;
  /** log(1 + exp(d(a,p) − d(a,n))) instead of the hinge: no margin, never exactly 0. */
  softMargin: boolean;
  /** mean: over all mined triplets; mean-non-zero: over mined triplets whose loss is > 0 (PML's AvgNonZeroReducer). */
  reduction: 'mean' | 'mean-non-zero';
}

/** A per-triplet loss at or below this counts as zero for "mean-non-zero" (float32 hinge noise). */
export const NON_ZERO_LOSS_THRESHOLD = 1e-16;

/**
 * dAP, dAN, mask: same (broadcastable) shape; mask 1 marks a mined triplet. Returns the loss and how many triplets
 * were mined (mask sum) and how many had non-zero loss. No triplet → loss 0, counts 0, never NaN.
 * Divisions use max(count, 1): counts are whole numbers, so this only changes the 0/0 case.
 */
export function tripletLoss(
  dAP: tf.Tensor,
  dAN: tf.Tensor,
  mask: tf.Tensor,
  opts: TripletLossOptions,
): { loss: tf.Scalar; mined: tf.Scalar; nonZero: tf.Scalar } {
  return tf.tidy(() => {
    const gap = tf.sub(dAP, dAN);
    const perTriplet = opts.softMargin ? tf.softplus(gap) : tf.relu(tf.add(gap, opts.margin));
    const floatMask = tf.cast(mask, 'float32');
    const fullMask = tf.util.arraysEqual(mask.shape, perTriplet.shape)
      ? floatMask
      : tf.mul(floatMask, tf.onesLike(perTriplet));
    // Counts carry no gradient: computing them off the tape keeps the backward pass to the loss itself.
    const mined = withoutGradient(fullMask, (w) => tf.sum(w)) as tf.Scalar;
    const nonZero = withoutGradient([perTriplet, fullMask], (loss, w) =>
      tf.sum(tf.mul(w, tf.step(tf.sub(loss, NON_ZERO_LOSS_THRESHOLD)))),
    ) as tf.Scalar;
    const denominator = opts.reduction === 'mean' ? mined : nonZero;
    const loss = tf.div(sumAll(tf.mul(perTriplet, fullMask)), tf.maximum(denominator, 1)) as tf.Scalar;
    return { loss, mined, nonZero };
  });
}
