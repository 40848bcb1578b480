/**
 * The last training batch as the scatter draws it: its samples embedded in inference mode and projected with the
 * held-out points' PCA basis, and the triplets its miner picked, mined again in JS from the batch's own distances.
 */
import * as tf from '@tensorflow/tfjs';
import { mineTripletsJs } from '../mining';
import type { StableLda } from '../projection/lda';
import type { StablePca } from '../projection/pca';
import { Rng } from '../rng';
import type { BatchPlan, PlanContext } from './batchPlans';
import type { TrainingData } from './trainingData';
import type { Snapshot } from './types';

/** At most this many mined triplets are kept per snapshot (enough to draw, cheap to send). */
const SNAPSHOT_TRIPLETS = 256;

/** A training batch kept for the next snapshot: its plan and the distances its forward pass computed. */
export interface KeptBatch {
  plan: BatchPlan;
  distances: tf.Tensor2D;
}

/**
 * The snapshot's `batch` part, projected with `pca` (whose basis the held-out points have just set), and the same
 * samples in the LDA plane when the held-out points have set one (`lda` non-null).
 */
export function batchSnapshot(
  ctx: PlanContext,
  data: TrainingData,
  kept: KeptBatch,
  pca: StablePca,
  lda: StableLda | null,
  step: number,
): { batch: NonNullable<Snapshot['batch']>; ldaCoordinates: Float32Array | null } {
  const { plan, distances } = kept;
  const [rows, cols] = distances.shape;
  const d = distances.dataSync() as Float32Array;
  const positive = plan.split
    ? (i: number, j: number) => i === j
    : (i: number, j: number) => i !== j && plan.labels[i] === plan.labels[j];
  const negative = plan.split
    ? (i: number, j: number) => i !== j
    : (i: number, j: number) => plan.labels[i] !== plan.labels[j];
  const triplets = plan.hasTriplets
    ? mineTripletsJs(
        d,
        rows,
        cols,
        positive,
        negative,
        ctx.config.mining.miner,
        ctx.config.objective.margin,
        new Rng(step),
        SNAPSHOT_TRIPLETS,
      ).map((t) => ({ ...t }))
    : [];
  const embeddings = embedBatch(ctx, data, plan);
  const values = embeddings.dataSync() as Float32Array;
  const n = embeddings.shape[0];
  embeddings.dispose();
  const dim = ctx.config.model.embeddingDim;
  return {
    batch: {
      coordinates: pca.transform(values, n, dim),
      labels: plan.labels.slice(),
      sampleIndices: plan.sampleIndices.slice(),
      triplets,
    },
    ldaCoordinates: lda ? lda.transform(values, n, dim) : null,
  };
}

/** The batch's samples in inference mode, in batch positions (split-input: halves a, then halves b). */
function embedBatch(ctx: PlanContext, data: TrainingData, plan: BatchPlan): tf.Tensor2D {
  return tf.tidy(() => {
    const indices = tf.tensor1d(plan.sampleIndices, 'int32');
    if (data.kind === 'samples') return ctx.net.embed(tf.gather(data.train.x, indices), false);
    if (plan.split) {
      const [ea, eb] = ctx.net.embedPair(tf.gather(data.train.a, indices), tf.gather(data.train.b, indices), false);
      return tf.concat([ea, eb]) as tf.Tensor2D;
    }
    return ctx.net.embed(tf.gather(data.train.a, indices), false);
  });
}
