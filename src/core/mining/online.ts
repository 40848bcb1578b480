/**
 * Online mining inside a batch, on the tfjs backend, from the batch's distance matrix D [n,m] (anchors × candidates).
 *
 * Everything here runs inside `optimizer.minimize`. Masks are computed under `withoutGradient` (tfjs has no gradient
 * for comparisons, and backpropagating zeros through an [n,m,m] mask is as costly as the loss), so gradients reach D
 * only through the selected dAP/dAN entries.
 *
 * Categories with δ = d(a,n) − d(a,p) (docs/ARCHITECTURE.md, Definitions): hard δ ≤ 0, semi-hard 0 < δ ≤ m, easy δ > m, all δ ≤ m.
 * δ is computed in float32 exactly as `classifyTriplet` does in JS, so both paths put boundary cases alike.
 * Dense miners build [n,m,m] tensors: fine for the P×K batches of a playground (n = 64 → 262k entries), cubic beyond.
 */
import * as tf from '@tensorflow/tfjs';
import { type DenseMiner, isDenseMiner } from '../capabilities';
import type { MinerName } from '../config';
import { withoutGradient } from '../losses/reduce';
import type { PairMasks } from './masks';

/** Feed to tripletLoss: dAP, dAN and mask broadcast to one shape; mask 1 marks a mined triplet. */
export interface MinedTriplets {
  dAP: tf.Tensor;
  dAN: tf.Tensor;
  mask: tf.Tensor;
}

/** Pushes excluded entries out of an argMax/argMin without changing the included values. */
const EXCLUDED_SCORE = 1e30;

/**
 * Per-anchor outer product [n,m,m]: out[a,j,k] = u[a,j]·v[a,k]. A batched matMul with inner size 1 is exact and,
 * on the CPU backend, about 3× faster than a broadcasting [n,m,1] ⊙ [n,1,m] op (measured at n = m = 64).
 */
function outer(u: tf.Tensor2D, v: tf.Tensor2D): tf.Tensor3D {
  return tf.matMul(tf.expandDims(u, 2) as tf.Tensor3D, tf.expandDims(v, 1) as tf.Tensor3D);
}

/** [n,m,m] 1/0: positive (i,j) and negative (i,k) — every valid triplet (i, j, k). */
function validTriplets(masks: PairMasks): tf.Tensor3D {
  return outer(masks.positive, masks.negative);
}

/** Full [n,m,m] tensors: dAP[a,j,k] = D[a,j] (j the positive) and dAN[a,j,k] = D[a,k] (k the negative). */
function tripletDistances(D: tf.Tensor2D): { dAP: tf.Tensor3D; dAN: tf.Tensor3D } {
  const ones = tf.onesLike(D);
  return { dAP: outer(D, ones), dAN: outer(ones, D) };
}

/**
 * 1/0 mask of one category from δ [n,m,m]; only the steps that category needs (each costs a pass over n·m² on CPU).
 * step(x) = 1 if x > 0 else 0: δ > 0 is step(δ), δ > m is step(δ − m).
 */
function categoryMask(delta: tf.Tensor, margin: number, miner: DenseMiner): tf.Tensor {
  switch (miner) {
    case 'hard':
      return tf.sub(1, tf.step(delta)); // δ ≤ 0
    case 'easy':
      return tf.step(tf.sub(delta, margin)); // δ > m
    case 'semi-hard':
      return tf.sub(tf.step(delta), tf.step(tf.sub(delta, margin))); // 0 < δ ≤ m
    case 'all':
      return tf.sub(1, tf.step(tf.sub(delta, margin))); // δ ≤ m
  }
}

/** [n,m,m] 1/0: the valid triplets of the miner's category, gradient-free, from the full dAP/dAN tensors. */
function denseMask(
  dAP: tf.Tensor3D,
  dAN: tf.Tensor3D,
  masks: PairMasks,
  margin: number,
  miner: DenseMiner,
): tf.Tensor3D {
  return withoutGradient(
    [dAP, dAN],
    (ap, an) => tf.mul(validTriplets(masks), categoryMask(tf.sub(an, ap), margin, miner)) as tf.Tensor3D,
  );
}

/**
 * One positive and one negative per anchor: batch-hard takes the farthest positive and the closest negative (first
 * index on ties, like tf.argMax on the CPU); random takes a uniform one of each from `tf.randomUniform(seed)`.
 * `valid` [n] is 1 where the anchor has at least one positive and one negative.
 */
function perAnchorChoice(D: tf.Tensor2D, masks: PairMasks, miner: 'batch-hard' | 'random', seed: number) {
  const { positive, negative } = masks;
  const valid = tf.mul(tf.max(positive, 1), tf.max(negative, 1)) as tf.Tensor1D;
  const m = D.shape[1];
  // Both one-hot choices in one gradient-free [2,n,m] tensor: which entries are picked does not depend smoothly on D.
  const choices = withoutGradient(D, (d) => {
    let positiveIndex: tf.Tensor;
    let negativeIndex: tf.Tensor;
    if (miner === 'batch-hard') {
      positiveIndex = tf.argMax(tf.sub(d, tf.mul(tf.sub(1, positive), EXCLUDED_SCORE)), 1);
      negativeIndex = tf.argMin(tf.add(d, tf.mul(tf.sub(1, negative), EXCLUDED_SCORE)), 1);
    } else {
      // One uniform matrix serves both picks: positives and negatives are disjoint entries of it.
      // Stryker disable next-line StringLiteral: tfjs draws float32 values for any dtype but int32 and bool
      const u = tf.randomUniform(d.shape, 0, 1, 'float32', seed);
      positiveIndex = tf.argMax(tf.sub(tf.mul(u, positive), tf.sub(1, positive)), 1);
      negativeIndex = tf.argMax(tf.sub(tf.mul(u, negative), tf.sub(1, negative)), 1);
    }
    // oneHot(…, 'float32') returns all zeros on the tfjs 4.22 WASM backend; int32 then cast is right everywhere.
    return tf.cast(tf.stack([tf.oneHot(positiveIndex, m), tf.oneHot(negativeIndex, m)]), 'float32');
  });
  const [positiveOneHot, negativeOneHot] = tf.unstack(choices) as tf.Tensor2D[];
  return { valid, positiveOneHot, negativeOneHot };
}

/**
 * Online triplet mining inside a batch from its distance matrix D [n,m]. all/hard/semi-hard/easy: dense [n,m,m]
 * (anchor, positive, negative) tensors; batch-hard and random: one triplet per anchor ([n] tensors; anchors without a
 * positive or a negative get mask 0). `seed` drives the random miner (tf.randomUniform with a seed) so runs repeat.
 */
export function mineTriplets(
  D: tf.Tensor2D,
  masks: PairMasks,
  miner: MinerName,
  margin: number,
  seed: number,
): MinedTriplets {
  return tf.tidy(() => {
    if (isDenseMiner(miner)) {
      const { dAP, dAN } = tripletDistances(D);
      return { dAP, dAN, mask: denseMask(dAP, dAN, masks, margin, miner) };
    }
    if (miner !== 'batch-hard' && miner !== 'random') throw new Error(`unknown miner "${miner as string}"`);
    const { valid, positiveOneHot, negativeOneHot } = perAnchorChoice(D, masks, miner, seed);
    return { dAP: tf.sum(tf.mul(D, positiveOneHot), 1), dAN: tf.sum(tf.mul(D, negativeOneHot), 1), mask: valid };
  });
}

/**
 * Pair losses in a P×K batch: per-pair weights [n,m] (1/0) for positives and negatives. 'all' = every valid pair
 * (not only δ ≤ m: a pair loss has no triplet to measure δ on); otherwise the pairs that occur in at least one
 * triplet the same miner would pick: hard/semi-hard/easy — a positive (a,p) with at least one negative n making
 * (a,p,n) of that category, and a negative (a,n) with at least one such positive; batch-hard — the hardest positive
 * and the hardest negative pair of each anchor; random — one random positive and one random negative per anchor.
 * Anchors without a positive or a negative contribute no pair except under 'all'.
 */
export function minePairs(
  D: tf.Tensor2D,
  masks: PairMasks,
  miner: MinerName,
  margin: number,
  seed: number,
): { positiveWeights: tf.Tensor2D; negativeWeights: tf.Tensor2D } {
  return tf.tidy(() => {
    if (miner === 'all')
      return { positiveWeights: tf.clone(masks.positive), negativeWeights: tf.clone(masks.negative) };
    if (isDenseMiner(miner)) {
      const [n, m] = D.shape;
      // Pairs need only the mask: build it entirely off the tape.
      const mask = withoutGradient(D, (d) => {
        const { dAP, dAN } = tripletDistances(d as tf.Tensor2D);
        return denseMask(dAP, dAN, masks, margin, miner);
      });
      // Reducing over axis 1 transposes on the CPU backend; a batched matMul with a row of ones does not.
      const perNegative = tf.reshape(tf.matMul(tf.ones([n, 1, m]) as tf.Tensor3D, mask), [n, m]);
      return { positiveWeights: tf.max(mask, 2) as tf.Tensor2D, negativeWeights: tf.step(perNegative) as tf.Tensor2D };
    }
    if (miner !== 'batch-hard' && miner !== 'random') throw new Error(`unknown miner "${miner as string}"`);
    const { valid, positiveOneHot, negativeOneHot } = perAnchorChoice(D, masks, miner, seed);
    const perAnchor = tf.expandDims(valid, 1);
    return {
      positiveWeights: tf.mul(positiveOneHot, perAnchor) as tf.Tensor2D,
      negativeWeights: tf.mul(negativeOneHot, perAnchor) as tf.Tensor2D,
    };
  });
}

/**
 * [easy, semiHard, hard] of triplets with gaps δ = d(a,n) − d(a,p), as a float tensor of 3: the one tensor form of
 * the categories. `valid` (same shape, 1 = counted) masks out entries that are not triplets; without it, every entry
 * counts. Call inside a tidy.
 */
export function categoryCounts(delta: tf.Tensor, margin: number, valid?: tf.Tensor): tf.Tensor1D {
  const counted = (t: tf.Tensor) => tf.sum(valid ? tf.mul(valid, t) : t);
  const total = valid ? tf.sum(valid) : tf.scalar(delta.size);
  const notHard = counted(tf.step(delta)); // δ > 0
  const easy = counted(tf.step(tf.sub(delta, margin))); // δ > m
  return tf.stack([easy, tf.sub(notHard, easy), tf.sub(total, notHard)]) as tf.Tensor1D;
}

/** Counts over ALL valid triplets of the batch: [easy, semiHard, hard] as a float tensor of 3 (read back lazily). */
export function tripletCategoryCounts(D: tf.Tensor2D, masks: PairMasks, margin: number): tf.Tensor1D {
  return tf.tidy(() =>
    withoutGradient(D, (d) => {
      const { dAP, dAN } = tripletDistances(d as tf.Tensor2D);
      return categoryCounts(tf.sub(dAN, dAP), margin, validTriplets(masks));
    }),
  );
}
