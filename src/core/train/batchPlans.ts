/**
 * The four kinds of batch a run trains on, each as a plan: which samples it holds and how its forward pass turns
 * them into a loss. Every plan gathers its batch on the backend from tensors uploaded once (trainingData.ts), runs
 * all its branches through the ONE tower in one call and returns the loss with the batch's triplet statistics.
 */
import * as tf from '@tensorflow/tfjs';
import { isDenseMiner } from '../capabilities';
import type { Config } from '../config';
import { type DistanceContext, pairwiseDistances, rowwiseDistances } from '../distances';
import { binaryCrossEntropyLoss, contrastiveLoss, cosineRegressionLoss, infoNceLoss, tripletLoss } from '../losses';
import {
  categoryCounts,
  labelMasks,
  minePairs,
  mineTriplets,
  type PairMasks,
  splitInputMasks,
  tripletCategoryCounts,
} from '../mining';
import { pairMaskValues } from '../mining/masks';
import { fusedTripletAvailable, fusedTripletLoss, tripletCountsJs } from '../mining/fusedTriplet';
import type { PairHead } from '../model/heads';
import type { TwinNetwork } from '../model/twin';

/** What one forward pass returns (all tensors, inside a tape or a tidy). */
export interface Forward {
  loss: tf.Scalar;
  /** [easy, semiHard, hard, mined]. */
  stats: tf.Tensor1D;
  /** Distances between the batch's embeddings, kept for the snapshot's mined triplets. */
  distances?: tf.Tensor2D;
}

/** One batch: its samples and its forward pass. */
export interface BatchPlan {
  forward(training: boolean): Forward;
  /** Positions → sample indices of the batch (for snapshots). */
  sampleIndices: Int32Array;
  labels: Int32Array;
  hasTriplets: boolean;
  /** Split-input batches embed halves a as anchors and halves b as candidates. */
  split: boolean;
}

/** What every plan reads: the network, the objective and the current distance context (Mahalanobis whitening). */
export interface PlanContext {
  readonly net: TwinNetwork;
  readonly config: Config;
  distanceContext(): DistanceContext;
}

/** The learned pair head of the binary and cosine-regression losses, which the trainer builds for them. */
function headOf(net: TwinNetwork, loss: string): PairHead {
  if (!net.head) throw new Error(`internal: the ${loss} loss needs a pair head, and this network has none`);
  return net.head;
}

/** P×K batch: one tower pass, all-pairs distances, masks from labels, mining inside the batch. */
export function pkPlan(
  ctx: PlanContext,
  idx: Int32Array,
  source: tf.Tensor,
  labelsTensor: tf.Tensor1D,
  labelArray: Int32Array,
  seed: number,
): BatchPlan {
  const plan: BatchPlan = {
    sampleIndices: idx,
    labels: Int32Array.from(idx, (i) => labelArray[i]),
    hasTriplets: true,
    split: false,
    forward: (training) => {
      const indices = tf.tensor1d(idx, 'int32');
      const x = tf.gather(source, indices);
      const e = ctx.net.embed(x, training);
      const D = pairwiseDistances(ctx.config.objective.distance, e, e, ctx.distanceContext());
      const masks = () => {
        const y = tf.gather(labelsTensor, indices) as tf.Tensor1D;
        return labelMasks(y, y, true);
      };
      return batchLoss(ctx, e, e, D, masks, plan.labels, seed, false);
    },
  };
  return plan;
}

/** Split-input batch: halves a are anchors, halves b candidates; the positive of a_i is b_i. */
export function splitPlan(
  ctx: PlanContext,
  idx: Int32Array,
  sourceA: tf.Tensor,
  sourceB: tf.Tensor,
  labelArray: Int32Array,
  seed: number,
): BatchPlan {
  return {
    sampleIndices: idx,
    labels: Int32Array.from(idx, (i) => labelArray[i]),
    hasTriplets: true,
    split: true,
    forward: (training) => {
      const indices = tf.tensor1d(idx, 'int32');
      const [ea, eb] = ctx.net.embedPair(tf.gather(sourceA, indices), tf.gather(sourceB, indices), training);
      const D = pairwiseDistances(ctx.config.objective.distance, ea, eb, ctx.distanceContext());
      return batchLoss(ctx, ea, eb, D, () => splitInputMasks(idx.length), idx, seed, true);
    },
  };
}

/**
 * The loss of an in-batch matrix of candidates: triplet (mined), InfoNCE, or a pair loss over the mined pairs
 * (positives and negatives weighted equally in total, so the many negatives of a batch do not drown the positives).
 * `makeMasks` builds the mask tensors, which only the tensor paths need; the JS paths take the same masks computed
 * from `labels` (split batches: anchor i's positive is candidate i).
 */
function batchLoss(
  ctx: PlanContext,
  ea: tf.Tensor2D,
  eb: tf.Tensor2D,
  D: tf.Tensor2D,
  makeMasks: () => PairMasks,
  labels: ArrayLike<number>,
  seed: number,
  split: boolean,
): Forward {
  const o = ctx.config.objective;
  const miner = ctx.config.mining.miner;
  // WASM/CPU: the dense miners' loss, counts and gradient in one JS pass over the batch (see fusedTriplet.ts).
  const fused = fusedTripletAvailable();
  if (fused && o.loss === 'triplet' && !o.softMargin && isDenseMiner(miner)) {
    const values = pairMaskValues(labels, split);
    const result = fusedTripletLoss(D, values, { miner, margin: o.margin, reduction: o.reduction });
    return { loss: result.loss, stats: result.stats, distances: D };
  }
  const masks = makeMasks();
  const counts = fused ? tripletCountsJs(D, masks, o.margin) : tripletCategoryCounts(D, masks, o.margin);
  if (o.loss === 'triplet') {
    const mined = mineTriplets(D, masks, miner, o.margin, seed);
    const result = tripletLoss(mined.dAP, mined.dAN, mined.mask, {
      margin: o.margin,
      softMargin: o.softMargin,
      reduction: o.reduction,
    });
    return { loss: result.loss, stats: tf.concat([counts, result.mined.reshape([1])]) as tf.Tensor1D, distances: D };
  }
  if (o.loss === 'infonce') {
    const n = D.shape[0];
    const valid = split ? tf.onesLike(D) : (tf.sub(1, tf.eye(n)) as tf.Tensor2D);
    const loss = infoNceLoss(D, masks.positive, valid, o.temperature);
    return { loss, stats: tf.concat([counts, tf.sum(masks.positive).reshape([1])]) as tf.Tensor1D, distances: D };
  }
  const { positiveWeights, negativeWeights } = minePairs(D, masks, miner, o.margin, seed);
  const balance = (w: tf.Tensor2D) => tf.div(w, tf.maximum(tf.mul(tf.sum(w), 2), 1e-12));
  const weights = tf.add(balance(positiveWeights), balance(negativeWeights));
  const minedCount = tf.add(tf.sum(positiveWeights), tf.sum(negativeWeights)).reshape([1]);
  const similar = masks.positive;
  let loss: tf.Scalar;
  if (o.loss === 'contrastive') {
    loss = contrastiveLoss(D, similar, o.margin, weights);
  } else {
    const [n, m] = D.shape;
    const dim = ea.shape[1];
    const rows = tf.reshape(tf.tile(tf.expandDims(ea, 1), [1, m, 1]), [n * m, dim]) as tf.Tensor2D;
    const cols = tf.reshape(tf.tile(tf.expandDims(eb, 0), [n, 1, 1]), [n * m, dim]) as tf.Tensor2D;
    const predictions = headOf(ctx.net, o.loss).apply(rows, cols);
    loss =
      o.loss === 'binary'
        ? binaryCrossEntropyLoss(predictions, similar.reshape([n * m]), weights.reshape([n * m]))
        : cosineRegressionLoss(predictions, similar.reshape([n * m]), weights.reshape([n * m]));
  }
  return { loss, stats: tf.concat([counts, minedCount]) as tf.Tensor1D, distances: D };
}

/** Explicit pairs (random balanced pairs, offline-mined pairs or a pair file; `labelArray` null for pair files). */
export function pairPlan(
  ctx: PlanContext,
  a: Int32Array,
  b: Int32Array,
  similar: Float32Array,
  sourceA: tf.Tensor,
  sourceB: tf.Tensor,
  labelArray: Int32Array | null,
): BatchPlan {
  const o = ctx.config.objective;
  return {
    sampleIndices: Int32Array.from([...a, ...b]),
    labels: labelArray ? Int32Array.from([...a, ...b], (i) => labelArray[i]) : new Int32Array(a.length * 2),
    hasTriplets: false,
    split: false,
    forward: (training) => {
      const [ea, eb] = ctx.net.embedPair(
        tf.gather(sourceA, tf.tensor1d(a, 'int32')),
        tf.gather(sourceB, tf.tensor1d(b, 'int32')),
        training,
      );
      const y = tf.tensor1d(similar);
      let loss: tf.Scalar;
      if (o.loss === 'contrastive')
        loss = contrastiveLoss(rowwiseDistances(o.distance, ea, eb, ctx.distanceContext()), y, o.margin);
      else if (o.loss === 'binary') loss = binaryCrossEntropyLoss(headOf(ctx.net, o.loss).apply(ea, eb), y);
      else loss = cosineRegressionLoss(headOf(ctx.net, o.loss).apply(ea, eb), y);
      return { loss, stats: tf.tensor1d([0, 0, 0, a.length]) };
    },
  };
}

/** Random or offline-mined triplets: three branches through the one tower. */
export function tripletPlan(
  ctx: PlanContext,
  anchor: Int32Array,
  positive: Int32Array,
  negative: Int32Array,
  source: tf.Tensor,
  labelArray: Int32Array,
): BatchPlan {
  const o = ctx.config.objective;
  const all = Int32Array.from([...anchor, ...positive, ...negative]);
  return {
    sampleIndices: all,
    labels: Int32Array.from(all, (i) => labelArray[i]),
    hasTriplets: true,
    split: false,
    forward: (training) => {
      const g = (idx: Int32Array) => tf.gather(source, tf.tensor1d(idx, 'int32'));
      const [ea, ep, en] = ctx.net.embedTriplet(g(anchor), g(positive), g(negative), training);
      const distanceContext = ctx.distanceContext();
      const dAP = rowwiseDistances(o.distance, ea, ep, distanceContext);
      const dAN = rowwiseDistances(o.distance, ea, en, distanceContext);
      const result = tripletLoss(dAP, dAN, tf.onesLike(dAP), {
        margin: o.margin,
        softMargin: o.softMargin,
        reduction: o.reduction,
      });
      const counts = categoryCounts(tf.sub(dAN, dAP), o.margin);
      const stats = tf.concat([counts, tf.reshape(result.mined, [1])]) as tf.Tensor1D;
      // Distances between every embedded sample of the triplet batch, so snapshots can draw the triplets.
      const e = tf.concat([ea, ep, en]) as tf.Tensor2D;
      return { loss: result.loss, stats, distances: pairwiseDistances(o.distance, e, e, distanceContext) };
    },
  };
}
