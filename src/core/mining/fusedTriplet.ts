/**
 * The triplet loss of the dense miners (all / hard / semi-hard / easy) and the batch's triplet counts in ONE pass,
 * for the backends whose tensors live in CPU memory (WASM, CPU).
 *
 * The tensor path (`mineTriplets` + `tripletLoss` + `tripletCategoryCounts`) builds about fifteen [n,m,m] tensors
 * and backpropagates through them; on WASM each costs a kernel launch and a pass over n·m² values, and on the CPU
 * backend a broadcasting op over them costs tens of milliseconds. Here the distance matrix (n×m, read back in
 * microseconds on these backends) is walked once over the batch's VALID triplets only (positives × negatives of
 * each anchor, about n·m²/P of them for P classes), giving the loss, the counts and the exact gradient dL/dD: the
 * loss is piecewise linear in D, so each active triplet adds +1/c to d(a,p) and −1/c to d(a,n), c being the
 * reduction's denominator. The result enters the tape as one op (`tf.customGrad`) whose gradient is that matrix.
 *
 * Same numbers as the tensor path: δ, δ − m and the hinge are rounded to float32 exactly as the tensor ops compute
 * them, so boundary triplets fall in the same category, and the relu's gradient is taken where the hinge is > 0,
 * as tf.relu's is (tested against the tensor path, values and gradients). WebGL keeps the tensor path: reading the
 * distances back mid-step would stall the GPU.
 */
import * as tf from '@tensorflow/tfjs';
import { valuesView } from '../tensorValues';
import type { DenseMiner } from '../capabilities';
import { NON_ZERO_LOSS_THRESHOLD } from '../losses/triplet';
import type { PairMaskValues, PairMasks } from './masks';

export interface FusedTripletOptions {
  miner: DenseMiner;
  margin: number;
  reduction: 'mean' | 'mean-non-zero';
}

/** Everything one pass gives: loss, counts over all valid triplets, mined triplets and dL/dD (row-major n×m). */
export interface FusedTripletResult {
  loss: number;
  easy: number;
  semiHard: number;
  hard: number;
  /** Triplets the miner selected (the mask sum of the tensor path). */
  mined: number;
  /** Mined triplets with a loss above NON_ZERO_LOSS_THRESHOLD. */
  nonZero: number;
  gradient: Float32Array;
}

/** Backends on which {@link fusedTripletLoss} walks the distances in JS; elsewhere it uses tensor ops. */
export const FUSED_TRIPLET_BACKENDS: readonly string[] = ['wasm', 'cpu'];

/** True when the active backend keeps its tensors in CPU memory, so a small readback mid-step is cheap. */
export function fusedTripletAvailable(): boolean {
  return FUSED_TRIPLET_BACKENDS.includes(tf.getBackend());
}

/**
 * Working arrays one pass can reuse: a new typed array costs tens of microseconds in a browser worker, where the
 * training step calls the pass once per step. The result's gradient is then `active`'s first n·m values.
 */
export interface FusedTripletScratch {
  active: Float32Array;
  positives: Int32Array;
  negatives: Int32Array;
}

/**
 * The pass itself, in plain JS. `distances`, `positive`, `negative`: row-major n×m (masks 1/0, anchors × candidates).
 * Loss = Σ over mined triplets of max(d(a,p) − d(a,n) + m, 0), divided by max(count, 1) with count = mined triplets
 * ('mean') or those with non-zero loss ('mean-non-zero'); 0 when nothing is mined, never NaN. With `scratch` the
 * gradient lives in it (valid until its next use), else in a new array.
 */
export function fusedTripletJs(
  distances: ArrayLike<number>,
  positive: ArrayLike<number>,
  negative: ArrayLike<number>,
  n: number,
  m: number,
  options: FusedTripletOptions,
  scratch?: FusedTripletScratch,
): FusedTripletResult {
  if (distances.length !== n * m || positive.length !== n * m || negative.length !== n * m) {
    throw new Error(
      `fusedTripletJs needs three ${n}×${m} matrices, got ${distances.length}, ${positive.length} and ${negative.length} values`,
    );
  }
  const margin = Math.fround(options.margin);
  const { miner } = options;
  // per (a, j): (#triplets where j is the positive) − (#… j the negative)
  const active = scratch ? scratch.active.subarray(0, n * m).fill(0) : new Float32Array(n * m);
  const positives = scratch ? scratch.positives : new Int32Array(m);
  const negatives = scratch ? scratch.negatives : new Int32Array(m);
  let total = 0;
  let notHard = 0;
  let easy = 0;
  let mined = 0;
  let nonZero = 0;
  let sum = 0;
  // Stryker disable next-line EqualityOperator: row n reads past the masks (undefined), finds no positive and is skipped
  for (let a = 0; a < n; a++) {
    const row = a * m;
    let np = 0;
    let nn = 0;
    for (let j = 0; j < m; j++) {
      if (positive[row + j] === 1) positives[np++] = j;
      if (negative[row + j] === 1) negatives[nn++] = j;
    }
    // Stryker disable next-line ConditionalExpression,LogicalOperator: an anchor without positives or negatives adds 0 to every sum
    if (np === 0 || nn === 0) continue;
    total += np * nn;
    for (let s = 0; s < np; s++) {
      const p = positives[s];
      const dp = distances[row + p];
      let perPositive = 0;
      for (let t = 0; t < nn; t++) {
        const k = negatives[t];
        const dn = distances[row + k];
        // δ > 0 ⇔ step(δ) = 1, δ > m ⇔ step(δ − m) = 1, both in float32 as the tensor ops round them.
        const delta = Math.fround(dn - dp);
        const above = delta > 0;
        const beyond = Math.fround(delta - margin) > 0;
        if (above) notHard++;
        if (beyond) easy++;
        const selected =
          miner === 'all' ? !beyond : miner === 'hard' ? !above : miner === 'easy' ? beyond : above && !beyond;
        if (!selected) continue;
        mined++;
        const hinge = Math.fround(Math.fround(dp - dn) + margin);
        if (hinge > 0) {
          sum += hinge;
          perPositive++;
          active[row + k]--;
          if (Math.fround(hinge - NON_ZERO_LOSS_THRESHOLD) > 0) nonZero++;
        }
      }
      active[row + p] += perPositive;
    }
  }
  const denominator = Math.max(options.reduction === 'mean' ? mined : nonZero, 1);
  // The counts become dL/dD in place (one n×m array fewer per step).
  // Stryker disable next-line EqualityOperator: a typed array ignores the write one past its end
  for (let i = 0; i < active.length; i++) active[i] /= denominator;
  return {
    loss: sum / denominator,
    easy,
    semiHard: notHard - easy,
    hard: total - notHard,
    mined,
    nonZero,
    gradient: active,
  };
}

let sharedScratch: FusedTripletScratch | null = null;

/** The module's scratch arrays, grown to n×m when needed (the gradient is copied into a tensor before reuse). */
function scratchFor(n: number, m: number): FusedTripletScratch {
  if (!sharedScratch || sharedScratch.active.length < n * m || sharedScratch.positives.length < m) {
    sharedScratch = { active: new Float32Array(n * m), positives: new Int32Array(m), negatives: new Int32Array(m) };
  }
  return sharedScratch;
}

/** The masks' values: read back from tensors, or as given. */
function maskValues(masks: PairMasks | PairMaskValues): PairMaskValues {
  return isMaskTensors(masks) ? { positive: masks.positive.dataSync(), negative: masks.negative.dataSync() } : masks;
}

function isMaskTensors(masks: PairMasks | PairMaskValues): masks is PairMasks {
  return masks.positive instanceof tf.Tensor;
}

/**
 * The dense-miner triplet loss of a batch from its distance matrix D [n,m] and masks (tensors, or their values),
 * with the stats the trainer reports, [easy, semiHard, hard, mined]. Differentiable with respect to D (one tape
 * op). Call only where {@link fusedTripletAvailable} is true; inside a tidy or a gradient scope.
 */
export function fusedTripletLoss(
  D: tf.Tensor2D,
  masks: PairMasks | PairMaskValues,
  options: FusedTripletOptions,
): { loss: tf.Scalar; stats: tf.Tensor1D } {
  const [n, m] = D.shape;
  const { positive, negative } = maskValues(masks);
  const result = fusedTripletJs(valuesView(D), positive, negative, n, m, options, scratchFor(n, m));
  const forward = (d: tf.Tensor, save: tf.GradSaveFunc) => {
    void d;
    // Saved tensors outlive the forward scope (kept by the engine until the backward pass has run).
    save([tf.tensor2d(result.gradient, [n, m])]);
    return { value: tf.scalar(result.loss), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) };
  };
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  const loss = op(D) as tf.Scalar;
  return { loss, stats: tf.tensor1d([result.easy, result.semiHard, result.hard, result.mined]) };
}

/** [easy, semiHard, hard] over every valid triplet of D, counted in JS (see {@link fusedTripletAvailable}). */
export function tripletCountsJs(D: tf.Tensor2D, masks: PairMasks | PairMaskValues, margin: number): tf.Tensor1D {
  const [n, m] = D.shape;
  const { positive, negative } = maskValues(masks);
  const r = fusedTripletJs(valuesView(D), positive, negative, n, m, {
    miner: 'all',
    margin,
    reduction: 'mean',
  });
  return tf.tensor1d([r.easy, r.semiHard, r.hard]);
}
