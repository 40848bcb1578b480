/**
 * One call that turns a held-out embedding readback into every number the playground and the CLI show:
 * retrieval (leave-one-out), verification (ROC, AUC, threshold), and embedding health checks.
 */
import * as tf from '@tensorflow/tfjs';
import type { DistanceName } from '../config';
import { pairwiseDistances } from '../distances';
import type { Rng } from '../rng';
import { collapseCheck, normStats, tripletViolationFraction, type CollapseCheck, type NormStats } from './embedding';
import { retrievalMetrics, type RetrievalMetrics } from './retrieval';
import { bestThreshold as findBestThreshold, downsampleRoc, rocCurve, verificationAt, type RocPoint, type VerificationAt } from './verification';

/** Everything measured on the evaluation set at one step. */
export interface Metrics extends RetrievalMetrics {
  /** Area under the ROC of the sampled pairs (NaN when one kind of pair is missing). */
  auc: number;
  /** Accuracy at `bestThreshold` on the balanced pair sample (so it does not depend on the configured threshold). */
  pairAccuracy: number;
  /** Distance threshold that maximises accuracy on the pair sample. */
  bestThreshold: number;
  /** At the configured threshold, or at the best one when none is configured. */
  thresholdMetrics: VerificationAt;
  /** ≤ 101 points, first and last kept. */
  roc: RocPoint[];
  /** Fraction of sampled valid triplets with a non-zero triplet loss at `margin` (NaN when none exist). */
  tripletViolation: number;
  norms: NormStats;
  collapse: CollapseCheck;
  /** Distances of the sampled positive / negative pairs (for histograms), each ≤ pairSamples/2 values. */
  positiveDistances: Float32Array;
  negativeDistances: Float32Array;
}

export interface EvaluateOptions {
  distance: DistanceName;
  /** Mahalanobis: the whitening matrix W, row-major dim×dim (see mahalanobisWhitening in ../distances). */
  whitening?: Float32Array;
  margin: number;
  /** Configured verification threshold; null = report at the best threshold. */
  threshold: number | null;
  rng: Rng;
  /** Verification pairs: at most half of these similar and half dissimilar. Default 20000. */
  pairSamples?: number;
  /** Recall@K values (default 1, 5, 10). */
  ks?: number[];
}

/** Default size of the balanced verification pair sample. */
export const DEFAULT_PAIR_SAMPLES = 20_000;
/** Largest ROC handed to charts. */
export const ROC_CHART_POINTS = 101;
/** The Manhattan kernel builds an [rows, n, dim] difference tensor, so its rows go in blocks of about this many values. */
const MANHATTAN_BLOCK_VALUES = 1 << 24;

/**
 * All metrics of an [n, dim] embedding readback with labels. The n×n distance matrix is computed on the tfjs
 * backend with the training distance and read back once. Verification uses a seeded balanced sample of pairs
 * (i < j): all similar pairs when there are at most pairSamples/2 of them, otherwise pairSamples/2 drawn without
 * replacement; the same for dissimilar pairs. The rng is forked once per consumer, so each part is reproducible
 * on its own.
 */
export function evaluateEmbeddings(
  embeddings: Float32Array,
  n: number,
  dim: number,
  labels: ArrayLike<number>,
  options: EvaluateOptions,
): Metrics {
  if (!Number.isInteger(n) || n < 2 || !Number.isInteger(dim) || dim < 1) throw new Error(`evaluateEmbeddings needs at least 2 embeddings of dimension ≥ 1, got [${n}, ${dim}]`);
  if (embeddings.length !== n * dim) throw new Error(`evaluateEmbeddings: expected ${n}×${dim} = ${n * dim} values, got ${embeddings.length}`);
  if (labels.length !== n) throw new Error(`evaluateEmbeddings: ${labels.length} labels for ${n} embeddings`);
  const pairSamples = options.pairSamples ?? DEFAULT_PAIR_SAMPLES;
  if (!Number.isInteger(pairSamples) || pairSamples < 2) throw new Error(`evaluateEmbeddings: pairSamples must be a whole number ≥ 2, got ${pairSamples}`);

  const pairRng = options.rng.fork();
  const tripletRng = options.rng.fork();
  const collapseRng = options.rng.fork();

  const distances = distanceMatrix(embeddings, n, dim, options.distance, options.whitening);
  const retrieval = retrievalMetrics(distances, n, labels, options.ks);

  const { positives, negatives } = samplePairs(n, labels, Math.floor(pairSamples / 2), pairRng);
  const positiveDistances = Float32Array.from(positives, (key) => distances[key]);
  const negativeDistances = Float32Array.from(negatives, (key) => distances[key]);
  const pairDistances = new Float32Array(positives.length + negatives.length);
  pairDistances.set(positiveDistances);
  pairDistances.set(negativeDistances, positives.length);
  const similar = new Uint8Array(pairDistances.length);
  similar.fill(1, 0, positives.length);

  const { points, auc } = rocCurve(pairDistances, similar);
  const best = findBestThreshold(pairDistances, similar, 'accuracy');
  const thresholdMetrics = options.threshold === null ? best : verificationAt(options.threshold, pairDistances, similar);

  return {
    ...retrieval,
    auc,
    pairAccuracy: best.accuracy,
    bestThreshold: best.threshold,
    thresholdMetrics,
    roc: downsampleRoc(points, ROC_CHART_POINTS),
    tripletViolation: tripletViolationFraction(distances, n, labels, options.margin, tripletRng),
    norms: normStats(embeddings, n, dim),
    collapse: collapseCheck(embeddings, n, dim, distances, collapseRng),
    positiveDistances,
    negativeDistances,
  };
}

/** n×n distances on the backend, one readback; Manhattan in row blocks to bound its [rows, n, dim] intermediate. */
function distanceMatrix(embeddings: Float32Array, n: number, dim: number, distance: DistanceName, whitening?: Float32Array): Float32Array {
  if (distance === 'mahalanobis' && whitening !== undefined && whitening.length !== dim * dim) {
    throw new Error(`evaluateEmbeddings: the whitening matrix must be ${dim}×${dim}, got ${whitening.length} values`);
  }
  const matrix = tf.tidy(() => {
    const x = tf.tensor2d(embeddings, [n, dim]);
    const ctx = whitening !== undefined ? { whitening: tf.tensor2d(whitening, [dim, dim]) } : {};
    const blockRows = distance === 'manhattan' ? Math.max(1, Math.floor(MANHATTAN_BLOCK_VALUES / (n * dim))) : n;
    if (blockRows >= n) return pairwiseDistances(distance, x, x, ctx);
    const blocks: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += blockRows) {
      const rows = Math.min(blockRows, n - start);
      // Inner tidy frees each block's large intermediate before the next one.
      blocks.push(tf.tidy(() => pairwiseDistances(distance, tf.slice(x, [start, 0], [rows, dim]), x, ctx)));
    }
    return tf.concat(blocks, 0);
  });
  try {
    return Float32Array.from(matrix.dataSync());
  } finally {
    matrix.dispose();
  }
}

/**
 * Flat indices i·n + j (i < j) of a balanced pair sample: per kind, every pair when there are at most `perKind`,
 * else `perKind` distinct pairs drawn uniformly. Sorted, so the result does not depend on draw order.
 */
function samplePairs(n: number, labels: ArrayLike<number>, perKind: number, rng: Rng): { positives: number[]; negatives: number[] } {
  const classSizes = new Map<number, number>();
  for (let i = 0; i < n; i++) classSizes.set(labels[i], (classSizes.get(labels[i]) ?? 0) + 1);
  let positiveTotal = 0;
  for (const size of classSizes.values()) positiveTotal += (size * (size - 1)) / 2;
  const negativeTotal = (n * (n - 1)) / 2 - positiveTotal;

  const enumerate = (wantSimilar: boolean): number[] => {
    const keys: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if ((labels[i] === labels[j]) === wantSimilar) keys.push(i * n + j);
    return keys;
  };
  const draw = (wantSimilar: boolean, total: number): number[] => {
    if (total <= perKind) return enumerate(wantSimilar);
    // Not much more than needed: draw from the full list. Otherwise draw random pairs, keep those of the wanted
    // kind and drop repeats (few repeats, since the kind has over 4× the pairs needed).
    if (total <= 4 * perKind) {
      const all = enumerate(wantSimilar);
      return rng.sampleWithoutReplacement(all.length, perKind).map((t) => all[t]).sort((a, b) => a - b);
    }
    const chosen = new Set<number>();
    while (chosen.size < perKind) {
      const a = rng.int(n);
      let b = rng.int(n - 1);
      if (b >= a) b++;
      if ((labels[a] === labels[b]) !== wantSimilar) continue;
      chosen.add(a < b ? a * n + b : b * n + a);
    }
    return [...chosen].sort((x, y) => x - y);
  };
  return { positives: draw(true, positiveTotal), negatives: draw(false, negativeTotal) };
}
