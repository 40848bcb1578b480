/**
 * Learned heads on top of the twin embeddings, for the losses that score a pair with a small network instead of
 * a distance. Plain variables (not layers): the head sees two embeddings at once, which a Sequential cannot.
 */
import * as tf from '@tensorflow/tfjs';
import type { HeadCombine } from '../config';
import { L2_NORM_EPSILON } from './layers';

/** A head maps two batches of embeddings (same length) to one score per pair. */
export interface PairHead {
  readonly kind: 'binary' | 'cosine-regression';
  /** Trainable variables of the head, handed to the optimiser with the tower's. */
  readonly variables: tf.Variable[];
  /** One score per pair: a probability for 'binary', a similarity estimate for 'cosine-regression'. */
  apply(ea: tf.Tensor2D, eb: tf.Tensor2D): tf.Tensor1D;
  dispose(): void;
}

function assertSameBatch(ea: tf.Tensor2D, eb: tf.Tensor2D, head: string): void {
  if (ea.rank !== 2 || eb.rank !== 2 || ea.shape[0] !== eb.shape[0] || ea.shape[1] !== eb.shape[1]) {
    throw new Error(
      `the ${head} head needs two [batch, dim] embeddings of the same shape, got [${ea.shape}] and [${eb.shape}]`,
    );
  }
}

/** A variable whose initial tensor is freed at once (the variable keeps its own reference to the data). */
function trainableVariable(initial: () => tf.Tensor): tf.Variable {
  return tf.tidy(() => tf.variable(initial(), true));
}

class DenseOnPairHead implements PairHead {
  readonly variables: tf.Variable[];
  private disposed = false;

  constructor(
    readonly kind: PairHead['kind'],
    private readonly kernel: tf.Variable,
    private readonly bias: tf.Variable,
    private readonly features: (ea: tf.Tensor2D, eb: tf.Tensor2D) => tf.Tensor2D,
    private readonly outputActivation: (z: tf.Tensor) => tf.Tensor,
  ) {
    this.variables = [kernel, bias];
  }

  apply(ea: tf.Tensor2D, eb: tf.Tensor2D): tf.Tensor1D {
    if (this.disposed) throw new Error(`the ${this.kind} head has been disposed`);
    assertSameBatch(ea, eb, this.kind);
    return tf.tidy(() => {
      const z = tf.add(tf.matMul(this.features(ea, eb), this.kernel), this.bias);
      return tf.reshape(this.outputActivation(z), [-1]) as tf.Tensor1D;
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.kernel.dispose();
    this.bias.dispose();
  }
}

/**
 * |a−b| (symmetric: the order of a pair does not matter) or [a, b] → Dense(1, sigmoid): the probability that the
 * pair is similar, trained with binary cross-entropy. Kernel Glorot-uniform from `seed`, bias 0.
 */
export function buildBinaryHead(embeddingDim: number, combine: HeadCombine, seed: number): PairHead {
  if (!Number.isInteger(embeddingDim) || embeddingDim < 1)
    throw new Error(`embedding size must be a positive whole number, got ${embeddingDim}`);
  let features: (ea: tf.Tensor2D, eb: tf.Tensor2D) => tf.Tensor2D;
  let width: number;
  if (combine === 'abs-diff') {
    features = (ea, eb) => tf.abs(tf.sub(ea, eb)) as tf.Tensor2D;
    width = embeddingDim;
  } else if (combine === 'concat') {
    features = (ea, eb) => tf.concat([ea, eb], 1) as tf.Tensor2D;
    width = 2 * embeddingDim;
  } else {
    throw new Error(`unknown head combination "${String(combine)}"; known: abs-diff, concat`);
  }
  const kernel = trainableVariable(() => tf.initializers.glorotUniform({ seed }).apply([width, 1]));
  const bias = trainableVariable(() => tf.zeros([1]));
  return new DenseOnPairHead('binary', kernel, bias, features, tf.sigmoid);
}

/** cos(a, b) with each norm floored like the L2 layer, as a [batch, 1] column. */
function cosineColumn(ea: tf.Tensor2D, eb: tf.Tensor2D): tf.Tensor2D {
  const dot = tf.sum(tf.mul(ea, eb), 1, true);
  const normA = tf.sqrt(tf.maximum(tf.sum(tf.square(ea), 1, true), L2_NORM_EPSILON));
  const normB = tf.sqrt(tf.maximum(tf.sum(tf.square(eb), 1, true), L2_NORM_EPSILON));
  return tf.div(dot, tf.mul(normA, normB)) as tf.Tensor2D;
}

/**
 * cos(a, b) → Dense(1): a learned scale and bias on the cosine similarity, trained with MSE against the pair's
 * score. It starts as the identity (scale 1, bias 0) so the first predictions are the plain cosine; `seed` is
 * accepted for symmetry with the other heads and does not change that start.
 */
export function buildCosineHead(seed: number): PairHead {
  void seed;
  const kernel = trainableVariable(() => tf.ones([1, 1]));
  const bias = trainableVariable(() => tf.zeros([1]));
  return new DenseOnPairHead('cosine-regression', kernel, bias, cosineColumn, (z) => z);
}
