/**
 * One call that turns a held-out embedding readback into every number the playground and the CLI show:
 * retrieval (leave-one-out), verification (ROC, AUC, threshold), and embedding health checks.
 */
import * as tf from '@tensorflow/tfjs';
import type { DistanceName } from '../../../../src/core/config';
import { DISTANCE_EPSILON, pairwiseDistances } from '../../../../src/core/distances';
import type { Rng } from '../../../../src/core/rng';
import {
  collapseCheck,
  normStats,
  tripletViolationFraction,
  type CollapseCheck,
  type NormStats,
} from '../../../../src/core/metrics/embedding';
import { RetrievalRanking, retrievalMetrics, type RetrievalMetrics } from './retrievalOracle';
import { sortRuns } from '../../../../src/core/metrics/sortRuns';
import { verificationSummary, type RocPoint, type VerificationAt } from '../../../../src/core/metrics/verification';

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
  if (!Number.isInteger(n) || n < 2 || !Number.isInteger(dim) || dim < 1)
    throw new Error(`evaluateEmbeddings needs at least 2 embeddings of dimension ≥ 1, got [${n}, ${dim}]`);
  if (embeddings.length !== n * dim)
    throw new Error(`evaluateEmbeddings: expected ${n}×${dim} = ${n * dim} values, got ${embeddings.length}`);
  if (labels.length !== n) throw new Error(`evaluateEmbeddings: ${labels.length} labels for ${n} embeddings`);
  const pairSamples = options.pairSamples ?? DEFAULT_PAIR_SAMPLES;
  if (!Number.isInteger(pairSamples) || pairSamples < 2)
    throw new Error(`evaluateEmbeddings: pairSamples must be a whole number ≥ 2, got ${pairSamples}`);

  const pairRng = options.rng.fork();
  const tripletRng = options.rng.fork();
  const collapseRng = options.rng.fork();

  const gram =
    options.distance === 'euclidean' || options.distance === 'squared-euclidean' || options.distance === 'mahalanobis'
      ? GramDistances.compute(embeddings, n, dim, options.distance, options.whitening)
      : null;
  try {
    let distance: (i: number, j: number) => number;
    let retrieval: RetrievalMetrics;
    if (gram) {
      // Euclidean family: rank every row from the Gram matrix; only what is sampled below gets a distance.
      const ranking = new RetrievalRanking(n, labels, options.ks);
      gram.rankRows(ranking);
      retrieval = ranking.result();
      distance = (i, j) => gram.distance(i, j);
    } else {
      const matrix = distanceMatrix(embeddings, n, dim, options.distance, options.whitening);
      retrieval = retrievalMetrics(matrix, n, labels, options.ks);
      distance = (i, j) => matrix[i * n + j];
    }

    const { positives, negatives } = samplePairs(n, labels, Math.floor(pairSamples / 2), pairRng);
    const ofKey = (key: number) => {
      const i = Math.floor(key / n);
      return distance(i, key - i * n);
    };
    const positiveDistances = new Float32Array(positives.length);
    for (let t = 0; t < positives.length; t++) positiveDistances[t] = ofKey(positives[t]);
    const negativeDistances = new Float32Array(negatives.length);
    for (let t = 0; t < negatives.length; t++) negativeDistances[t] = ofKey(negatives[t]);
    const pairDistances = new Float32Array(positives.length + negatives.length);
    pairDistances.set(positiveDistances);
    pairDistances.set(negativeDistances, positives.length);
    const similar = new Uint8Array(pairDistances.length);
    similar.fill(1, 0, positives.length);

    const {
      roc,
      auc,
      best,
      at: thresholdMetrics,
    } = verificationSummary(pairDistances, similar, options.threshold, ROC_CHART_POINTS);

    return {
      ...retrieval,
      auc,
      pairAccuracy: best.accuracy,
      bestThreshold: best.threshold,
      thresholdMetrics,
      roc,
      tripletViolation: tripletViolationFraction(distance, n, labels, options.margin, tripletRng),
      norms: normStats(embeddings, n, dim),
      collapse: collapseCheck(embeddings, n, dim, distance, collapseRng),
      positiveDistances,
      negativeDistances,
    };
  } finally {
    gram?.dispose();
  }
}

/** n×n distances on the backend, one readback; Manhattan in row blocks to bound its [rows, n, dim] intermediate. */
function distanceMatrix(
  embeddings: Float32Array,
  n: number,
  dim: number,
  distance: DistanceName,
  whitening?: Float32Array,
): Float32Array {
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
    // dataSync hands over a copy (WASM, WebGL) or an array the disposed tensor no longer uses (CPU): no second copy.
    return matrix.dataSync() as Float32Array;
  } finally {
    matrix.dispose();
  }
}

/**
 * Euclidean-family distances from one backend matmul: the Gram matrix G = X·Xᵀ (X whitened first for Mahalanobis),
 * read in place (no copy on WASM), and the squared norms. d²(i, j) = |xi|² + |xj|² − 2·Gij; the distance follows
 * the ε rules of distances.ts (Euclidean and Mahalanobis sqrt(max(d², ε)), squared max(d², 0), NaN stays NaN),
 * rounded to float32 like a tensor. Nothing n×n is built in JS: the ranking reads each row of G once and converts
 * only its nearest to distances, and the sampled checks (verification pairs, triplet violations, collapse) ask for single
 * distances. The view stays valid because nothing calls tfjs until dispose().
 */
class GramDistances {
  private constructor(
    private readonly gram: tf.Tensor2D,
    private readonly rows: tf.Tensor2D,
    private readonly g: Float32Array,
    private readonly norms: Float64Array,
    private readonly n: number,
    readonly toDistance: (squared: number) => number,
  ) {}

  static compute(
    embeddings: Float32Array,
    n: number,
    dim: number,
    distance: 'euclidean' | 'squared-euclidean' | 'mahalanobis',
    whitening: Float32Array | undefined,
  ): GramDistances {
    if (distance === 'mahalanobis' && whitening !== undefined && whitening.length !== dim * dim) {
      throw new Error(`evaluateEmbeddings: the whitening matrix must be ${dim}×${dim}, got ${whitening.length} values`);
    }
    const [gram, rows] = tf.tidy(() => {
      let x = tf.tensor2d(embeddings, [n, dim]);
      if (distance === 'mahalanobis') {
        if (whitening === undefined) pairwiseDistances(distance, x, x); // throws the usual "needs a whitening matrix" error
        x = tf.matMul(x, tf.tensor2d(whitening!, [dim, dim]));
      }
      // Explicit transpose: matMul's transpose flags are slow on the WASM backend.
      return [tf.matMul(x, tf.transpose(x)), x] as [tf.Tensor2D, tf.Tensor2D];
    });
    try {
      const g = valuesView(gram);
      const source = distance === 'mahalanobis' ? valuesView(rows) : embeddings;
      const norms = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let k = i * dim; k < (i + 1) * dim; k++) sum += source[k] * source[k];
        norms[i] = sum;
      }
      const toDistance = distance === 'squared-euclidean' ? clampAtZero : clampedSqrt;
      return new GramDistances(gram, rows, g, norms, n, toDistance);
    } catch (error) {
      tf.dispose([gram, rows]);
      throw error;
    }
  }

  /** d(i, j) as a float32 value. */
  distance(i: number, j: number): number {
    return Math.fround(this.toDistance(this.norms[i] + this.norms[j] - 2 * this.g[i * this.n + j]));
  }

  /** Every row of the Gram matrix to the ranking, which converts only each row's nearest to distances. */
  rankRows(ranking: RetrievalRanking): void {
    const { n, norms, g } = this;
    for (let i = 0; i < n; i++) ranking.addGramRow(i, g, i * n, norms, this.toDistance);
  }

  dispose(): void {
    tf.dispose([this.gram, this.rows]);
  }
}

/** sqrt(max(d², ε)), the Euclidean and Mahalanobis distance of a squared one. */
function clampedSqrt(squared: number): number {
  return Math.sqrt(Math.max(squared, DISTANCE_EPSILON));
}

/** max(d², 0), the squared-Euclidean distance (rounding can make a d² slightly negative). */
function clampAtZero(squared: number): number {
  return Math.max(squared, 0);
}

/**
 * The float values of `t` without a copy where the backend allows — a view of the WASM heap, the CPU backend's own
 * array — else a copy (WebGL reads back). Valid until `t` is disposed or the next tfjs call (the WASM heap may grow).
 */
function valuesView(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (info: tf.TensorInfo) => Float32Array };
  if (tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function' && t.dtype === 'float32') {
    return backend.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
  }
  return t.dataSync() as Float32Array;
}

/**
 * Flat indices i·n + j (i < j) of a balanced pair sample: per kind, every pair when there are at most `perKind`,
 * else `perKind` distinct pairs drawn uniformly. Sorted, so the result does not depend on draw order.
 */
function samplePairs(
  n: number,
  labels: ArrayLike<number>,
  perKind: number,
  rng: Rng,
): { positives: ArrayLike<number>; negatives: ArrayLike<number> } {
  const classSizes = new Map<number, number>();
  for (let i = 0; i < n; i++) classSizes.set(labels[i], (classSizes.get(labels[i]) ?? 0) + 1);
  let positiveTotal = 0;
  for (const size of classSizes.values()) positiveTotal += (size * (size - 1)) / 2;
  const negativeTotal = (n * (n - 1)) / 2 - positiveTotal;

  const enumerate = (wantSimilar: boolean): number[] => {
    const keys: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) if ((labels[i] === labels[j]) === wantSimilar) keys.push(i * n + j);
    return keys;
  };
  const draw = (wantSimilar: boolean, total: number): ArrayLike<number> => {
    if (total <= perKind) return enumerate(wantSimilar);
    // Not much more than needed: draw from the full list. Otherwise draw random pairs, keep those of the wanted
    // kind and drop repeats (few repeats, since the kind has over 4× the pairs needed).
    if (total <= 4 * perKind) {
      const all = enumerate(wantSimilar);
      return sortPairKeys(
        Float64Array.from(rng.sampleWithoutReplacement(all.length, perKind), (t) => all[t]),
        n,
      );
    }
    const chosen = new KeySet(perKind);
    if (wantSimilar) {
      // Uniform over similar pairs without rejecting ~90% of random pairs: an anchor is kept with probability
      // (its class size − 1) / (largest class size − 1) — every similar pair then has the same chance — and its
      // partner is drawn among the other members of its class.
      const members = new Map<number, number[]>();
      for (let i = 0; i < n; i++) {
        const list = members.get(labels[i]);
        if (list) list.push(i);
        else members.set(labels[i], [i]);
      }
      let largest = 0;
      for (const list of members.values()) largest = Math.max(largest, list.length);
      while (chosen.size < perKind) {
        const a = rng.int(n);
        const same = members.get(labels[a])!;
        if (same.length < 2 || rng.next() * (largest - 1) >= same.length - 1) continue;
        let b = same[rng.int(same.length - 1)];
        if (b === a) b = same[same.length - 1];
        chosen.add(a < b ? a * n + b : b * n + a);
      }
      return sortPairKeys(chosen.values(), n);
    }
    while (chosen.size < perKind) {
      const a = rng.int(n);
      let b = rng.int(n - 1);
      if (b >= a) b++;
      if (labels[a] === labels[b]) continue;
      chosen.add(a < b ? a * n + b : b * n + a);
    }
    return sortPairKeys(chosen.values(), n);
  };
  return { positives: draw(true, positiveTotal), negatives: draw(false, negativeTotal) };
}

/**
 * A set of whole numbers in [0, 2^53) with ascending read-out: open addressing in one Float64Array, several times
 * cheaper than a Set for the tens of thousands of pair keys a sample draws.
 */
class KeySet {
  private readonly table: Float64Array;
  private readonly mask: number;
  size = 0;

  /** Room for `capacity` keys (the table is kept at most half full). */
  constructor(capacity: number) {
    let slots = 16;
    while (slots < 2 * capacity) slots *= 2;
    this.table = new Float64Array(slots).fill(-1);
    this.mask = slots - 1;
  }

  add(key: number): void {
    const { table, mask } = this;
    // Mix both 32-bit halves of the key (ToInt32 keeps the low half of a large key).
    let slot = (Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b)) & mask;
    while (table[slot] !== -1) {
      if (table[slot] === key) return;
      slot = (slot + 1) & mask;
    }
    table[slot] = key;
    this.size++;
  }

  /** The keys, in no particular order. */
  values(): Float64Array {
    const { table } = this;
    const out = new Float64Array(this.size);
    let i = 0;
    for (let slot = 0; slot < table.length; slot++) if (table[slot] !== -1) out[i++] = table[slot];
    return out;
  }
}

/**
 * Pair keys i·n + j in ascending order: counted into rows by i, then each row's few keys ordered by insertion —
 * linear time, where a comparison sort of tens of thousands of keys costs several times more.
 */
function sortPairKeys(keys: Float64Array, n: number): Float64Array {
  const rowStarts = new Int32Array(n + 1);
  for (let t = 0; t < keys.length; t++) rowStarts[Math.floor(keys[t] / n) + 1]++;
  for (let i = 0; i < n; i++) rowStarts[i + 1] += rowStarts[i];
  const out = new Float64Array(keys.length);
  for (let t = 0; t < keys.length; t++) out[rowStarts[Math.floor(keys[t] / n)]++] = keys[t];
  // rowStarts[i] is now the end of row i.
  sortRuns(out, rowStarts, n);
  return out;
}
