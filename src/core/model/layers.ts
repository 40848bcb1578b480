/**
 * Custom tfjs layers of the towers. Both are registered with `tf.serialization.registerClass` when this module is
 * imported, so that a tower saved in the Layers format (model.json + weights) loads back with `tf.loadLayersModel`.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Kwargs = Record<string, unknown>;

/** Floor under Σx² so that the zero vector divides by 1e-6 instead of 0 (finite value and gradient). */
export const L2_NORM_EPSILON = 1e-12;

function singleTensor(inputs: tf.Tensor | tf.Tensor[], layerName: string): tf.Tensor {
  if (!Array.isArray(inputs)) return inputs;
  if (inputs.length !== 1) throw new Error(`${layerName} takes one input tensor, got ${inputs.length}`);
  return inputs[0];
}

/**
 * Puts every embedding on the unit sphere: x / sqrt(max(Σx², 1e-12)) along the last axis. The floor keeps the
 * gradient finite at x = 0, where a plain norm would give NaN.
 */
export class L2Normalization extends tf.layers.Layer {
  static className = 'L2Normalization';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, 'L2Normalization');
      const squaredNorm = tf.sum(tf.square(x), -1, true);
      return tf.div(x, tf.sqrt(tf.maximum(squaredNorm, L2_NORM_EPSILON)));
    });
  }
}

/** Arguments of {@link SeededDropout}. */
export interface SeededDropoutArgs extends LayerArgs {
  /** Fraction of units zeroed in training. (0 ≤ rate < 1) */
  rate: number;
  /** Seed of the stream that draws one fresh mask seed per training call. */
  seed: number;
}

/**
 * Dropout whose masks come from a seeded stream. tfjs's own Dropout either draws from the global unseeded
 * generator (not reproducible) or, given a seed, draws the SAME mask on every call (always dropping the same
 * units). This layer draws a new seed
 * from an `Rng` per training call: a different mask every step, the same sequence of masks for the same seed.
 * Identity outside training.
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private readonly maskSeeds: Rng;

  constructor(args: SeededDropoutArgs) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed;
    this.maskSeeds = new Rng(args.seed);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = singleTensor(inputs, 'SeededDropout');
    if (kwargs?.training !== true || this.rate === 0) return tf.clone(x);
    const seed = this.maskSeeds.nextSeed();
    return tf.tidy(() => {
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), this.rate), 'float32');
      return tf.mul(x, tf.mul(keep, 1 / (1 - this.rate)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(L2Normalization);
tf.serialization.registerClass(SeededDropout);

/**
 * A rows × cols matrix with orthonormal rows (rows ≤ cols) or columns (rows > cols), from a seeded Gaussian by
 * Gram–Schmidt: the Keras "orthogonal" recurrent initialiser, computed in plain JS because tfjs's QR version warns
 * and is slow on matrices over 2000 elements (every LSTM with 23+ units).
 */
export function orthogonalMatrix(rows: number, cols: number, rng: Rng): Float32Array {
  const count = Math.min(rows, cols);
  const length = Math.max(rows, cols);
  const vectors: Float64Array[] = [];
  while (vectors.length < count) {
    const v = Float64Array.from({ length }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) {
      // Two passes of modified Gram–Schmidt keep the result orthogonal to float precision.
      for (const u of vectors) {
        let dot = 0;
        for (let i = 0; i < length; i++) dot += u[i] * v[i];
        for (let i = 0; i < length; i++) v[i] -= dot * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < length; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm < 1e-6) continue; // a draw (almost) in the span of the others: draw again
    for (let i = 0; i < length; i++) v[i] /= norm;
    vectors.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < length; i++) {
      if (rows <= cols) out[k * cols + i] = vectors[k][i];
      else out[i * cols + k] = vectors[k][i];
    }
  }
  return out;
}
