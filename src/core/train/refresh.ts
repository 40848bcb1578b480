/**
 * State a run re-estimates from its current embeddings as it trains: the Mahalanobis whitening (every
 * MAHALANOBIS_REFRESH steps) and the offline miner's pool of pairs or triplets (once per pass over the data).
 */
import * as tf from '@tensorflow/tfjs';
import type { Config } from '../config';
import { PrecomputedPairSampler, PrecomputedTripletSampler } from '../data/samplers';
import { type DistanceContext, mahalanobisWhiteningJs } from '../distances';
import { offlineMinePairs, offlineMineTriplets } from '../mining';
import type { TwinNetwork } from '../model/twin';
import { Rng } from '../rng';
import type { BatchSource } from './batchSource';

/** Samples drawn from the training set to estimate the Mahalanobis covariance and to mine offline. */
export const POOL_SIZE = 1024;
/** How often (in steps) the Mahalanobis covariance is re-estimated from current embeddings. */
export const MAHALANOBIS_REFRESH = 50;

/** Up to POOL_SIZE training inputs (sorted indices drawn by `rng`), embedded in inference mode and read back. */
function embedPool(
  net: TwinNetwork,
  inputs: tf.Tensor,
  rng: Rng,
): { values: Float32Array; n: number; indices: Int32Array } {
  const total = inputs.shape[0];
  const indices = Int32Array.from(rng.sampleWithoutReplacement(total, Math.min(POOL_SIZE, total))).sort();
  const e = tf.tidy(() => net.embedAll(tf.gather(inputs, tf.tensor1d(indices, 'int32'))));
  const values = e.dataSync() as Float32Array;
  e.dispose();
  return { values, n: indices.length, indices };
}

/** Mahalanobis runs: (cov + λI)^-1 = W·Wᵀ, as data (metrics, inspect answers) and on the backend (losses). */
export class Whitening {
  private matrix: Float32Array | undefined;
  private tensor: tf.Tensor2D | undefined;

  constructor(private readonly config: Config) {}

  /** W, row-major dim × dim; undefined for other distances. */
  get values(): Float32Array | undefined {
    return this.matrix;
  }

  /** What the distance functions need: W for Mahalanobis, nothing otherwise. */
  context(): DistanceContext {
    return this.tensor ? { whitening: this.tensor } : {};
  }

  /** Whether `step` (about to be taken) is one where the estimate is renewed. */
  due(step: number): boolean {
    return this.config.objective.distance === 'mahalanobis' && step > 0 && step % MAHALANOBIS_REFRESH === 0;
  }

  /** Re-estimates W from a pool of current training embeddings (a no-op for other distances). */
  refresh(net: TwinNetwork, trainInputs: tf.Tensor, step: number): void {
    const c = this.config;
    if (c.objective.distance !== 'mahalanobis') return;
    const { values, n } = embedPool(net, trainInputs, new Rng(c.seed + step));
    const dim = c.model.embeddingDim;
    this.matrix = mahalanobisWhiteningJs(values, n, dim, c.objective.mahalanobisRegularization);
    this.tensor?.dispose();
    this.tensor = tf.tensor2d(this.matrix, [dim, dim]);
  }

  dispose(): void {
    this.tensor?.dispose();
    this.tensor = undefined;
  }
}

/** Offline mining: once per epoch, pick this epoch's pairs or triplets from current embeddings by hardness. */
export class OfflinePool {
  private epoch = -1;

  constructor(private readonly config: Config) {}

  /** Refills the source's pool when a new pass begins (and before the first step); other sources are left alone. */
  refresh(source: BatchSource, net: TwinNetwork, whitening: Float32Array | undefined, step: number): void {
    if (source.kind !== 'pairs' && source.kind !== 'triplets') return;
    const sampler = source.sampler;
    if (!(sampler instanceof PrecomputedPairSampler) && !(sampler instanceof PrecomputedTripletSampler)) return;
    const epoch = step === 0 ? -1 : sampler.epoch;
    if (epoch === this.epoch && step > 0) return;
    this.epoch = epoch;
    const c = this.config;
    const rng = new Rng(c.seed + 7919 * (step + 1));
    const { values, n, indices } = embedPool(net, source.data.train.x, rng);
    const labels = Int32Array.from(indices, (i) => source.data.train.labels[i]);
    const o = c.objective;
    const dim = c.model.embeddingDim;
    const count = Math.max(c.batch.size * 8, n);
    const miner = c.mining.miner;
    if (sampler instanceof PrecomputedTripletSampler) {
      const t = offlineMineTriplets(values, indices, labels, dim, o.distance, whitening, miner, o.margin, count, rng);
      sampler.setPool(t.anchor, t.positive, t.negative);
    } else {
      const p = offlineMinePairs(
        values,
        indices,
        labels,
        dim,
        o.distance,
        whitening,
        miner,
        o.margin,
        count,
        c.batch.positiveFraction,
        rng,
      );
      sampler.setPool(p.a, p.b, p.similar);
    }
    if (step === 0) this.epoch = sampler.epoch;
  }
}
