/**
 * One call that turns a held-out embedding readback into every number the playground and the CLI show:
 * retrieval (leave-one-out), verification (ROC, AUC, threshold), and embedding health checks; and retrieval of
 * queries against a separate reference set.
 */
import type { DistanceName } from '../config';
import type { Rng } from '../rng';
import { columnOrderByLabel, forEachRowBlock } from './blockedDistances';
import { collapseCheck, normStats, tripletViolationFraction, type CollapseCheck, type NormStats } from './embedding';
import { samplePairs } from './pairSample';
import { RetrievalRanking, type RetrievalMetrics } from './retrieval';
import { verificationSummary, type RocPoint, type VerificationAt } from './verification';

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
  /** The pairs behind auc, pairAccuracy, bestThreshold, roc and the pair distances: how many of how many. */
  pairSample: PairSampleSize;
  /** Fraction of sampled valid triplets with a non-zero triplet loss at `margin` (NaN when none exist). */
  tripletViolation: number;
  norms: NormStats;
  collapse: CollapseCheck;
  /** Distances of the sampled positive / negative pairs (for histograms), each ≤ pairSamples/2 values. */
  positiveDistances: Float32Array;
  negativeDistances: Float32Array;
}

/**
 * The verification figures come from a seeded balanced sample of held-out pairs, not from all n(n − 1)/2: this many
 * similar and dissimilar pairs of the totals; `exhaustive` when the sample is every pair.
 */
export interface PairSampleSize {
  similar: number;
  dissimilar: number;
  similarTotal: number;
  dissimilarTotal: number;
  exhaustive: boolean;
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
  /** Most distances held at once (rows per block = this / n); the default suits every size, tests use tiny blocks. */
  blockValues?: number;
}

/** Default size of the balanced verification pair sample. */
export const DEFAULT_PAIR_SAMPLES = 20_000;
/** Largest ROC handed to charts. */
export const ROC_CHART_POINTS = 101;

/**
 * All metrics of an [n, dim] embedding readback with labels. Distances are computed on the tfjs backend with the
 * training distance in blocks of rows (blockedDistances.ts): each block is ranked at once and then dropped, so
 * memory grows with n, never with n². Verification uses a seeded balanced sample of pairs (i < j): all similar
 * pairs when there are at most pairSamples/2 of them, otherwise pairSamples/2 drawn without replacement; the same
 * for dissimilar pairs (`pairSample` says which). The rng is forked once per consumer, so each part is reproducible
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

  const { positives, negatives, similarTotal, dissimilarTotal } = samplePairs(
    n,
    labels,
    Math.floor(pairSamples / 2),
    pairRng,
  );
  // The sampled checks choose their pairs without looking at distances: a dry run on copies of their generators
  // lists every pair they will read, and the blocked pass below fills in just those distances.
  // Stryker disable next-line ArrayDeclaration: a stray entry becomes a NaN key, which sorts last, is never read and stops no search
  const requested: number[] = [];
  const record = (i: number, j: number): number => {
    requested.push(i * n + j);
    return 0;
  };
  tripletViolationFraction(record, n, labels, options.margin, tripletRng.clone());
  collapseCheck(embeddings, n, dim, record, collapseRng.clone());
  // Stryker disable next-line EqualityOperator: a stray entry becomes a NaN key, which sorts last, is never read and stops no search
  for (let t = 0; t < positives.length; t++) requested.push(positives[t]);
  // Stryker disable next-line EqualityOperator: a stray entry becomes a NaN key, which sorts last, is never read and stops no search
  for (let t = 0; t < negatives.length; t++) requested.push(negatives[t]);
  const keys = uniqueSorted(requested);
  const values = new Float32Array(keys.length);

  const ranking = new RetrievalRanking(n, labels, options.ks);
  let next = 0;
  const { distance: name, whitening } = options;
  forEachRowBlock(
    embeddings,
    n,
    null,
    n,
    dim,
    name,
    whitening,
    options.blockValues,
    (block) => {
      block.rank(ranking);
      const end = (block.start + block.rows) * n;
      // Past the last key keys[next] is undefined, which is never < end.
      for (; keys[next] < end; next++) {
        const i = Math.floor(keys[next] / n);
        values[next] = block.distance(i, keys[next] - i * n);
      }
    },
    columnOrderByLabel(labels),
  );
  const retrieval = ranking.result();
  const ofKey = (key: number): number => values[indexOfKey(keys, key)];
  const distance = (i: number, j: number): number => ofKey(i * n + j);

  const positiveDistances = Float32Array.from(positives, ofKey);
  const negativeDistances = Float32Array.from(negatives, ofKey);
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
    pairSample: {
      similar: positives.length,
      dissimilar: negatives.length,
      similarTotal,
      dissimilarTotal,
      exhaustive: positives.length === similarTotal && negatives.length === dissimilarTotal,
    },
    tripletViolation: tripletViolationFraction(distance, n, labels, options.margin, tripletRng),
    norms: normStats(embeddings, n, dim),
    collapse: collapseCheck(embeddings, n, dim, distance, collapseRng),
    positiveDistances,
    negativeDistances,
  };
}

/** What {@link evaluateAgainstReference} needs: the distance (and its whitening) and the Recall@K values. */
export interface ReferenceOptions {
  distance: DistanceName;
  whitening?: Float32Array;
  ks?: number[];
  blockValues?: number;
}

/**
 * Query against reference (pytorch-metric-learning's `get_accuracy(query, reference)`): every query row ranks all
 * m reference rows, R = the reference rows of its label, and a query whose label the reference lacks is excluded.
 * Blocked like {@link evaluateEmbeddings}: memory grows with n + m, never with n·m.
 */
export function evaluateAgainstReference(
  queries: Float32Array,
  queryLabels: ArrayLike<number>,
  reference: Float32Array,
  referenceLabels: ArrayLike<number>,
  dim: number,
  options: ReferenceOptions,
): RetrievalMetrics {
  const n = queryLabels.length;
  const m = referenceLabels.length;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`evaluateAgainstReference: dimension must be ≥ 1, got ${dim}`);
  if (queries.length !== n * dim)
    throw new Error(`evaluateAgainstReference: ${n} query labels need ${n}×${dim} values, got ${queries.length}`);
  if (reference.length !== m * dim)
    throw new Error(`evaluateAgainstReference: ${m} reference labels need ${m}×${dim} values, got ${reference.length}`);
  const ranking = new RetrievalRanking(n, queryLabels, options.ks, referenceLabels);
  // The guard skips the backend for an empty side, where the WASM matmul logs an XNNPACK error (with the same results).
  // Stryker disable next-line LogicalOperator: with an empty side the blocked pass ranks the same empty rows; the guard only skips the backend
  if (n > 0 && m > 0)
    forEachRowBlock(
      queries,
      n,
      reference,
      m,
      dim,
      options.distance,
      options.whitening,
      options.blockValues,
      (b) => b.rank(ranking),
      columnOrderByLabel(referenceLabels),
    );
  else for (let q = 0; q < n; q++) ranking.addRow(q, new Float32Array(0), new Uint32Array(0), 0);
  return ranking.result();
}

/** The ascending distinct values of `list`. */
function uniqueSorted(list: number[]): Float64Array {
  const sorted = Float64Array.from(list).sort();
  let kept = 0;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: keeping a repeat (or a NaN key, which sorts last, is never read and stops no search) only fills one distance twice
  for (let t = 0; t < sorted.length; t++) if (t === 0 || sorted[t] !== sorted[kept - 1]) sorted[kept++] = sorted[t];
  return sorted.subarray(0, kept);
}

/** Where `key` sits in the ascending `keys` (it is always there: every read pair was requested). */
function indexOfKey(keys: Float64Array, key: number): number {
  let lo = 0;
  // Stryker disable next-line ArithmeticOperator: a range past the end still ends on the first key ≥ the one sought (reads past the end are undefined, never below it)
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  // Stryker disable next-line ConditionalExpression,StringLiteral: every pair read was listed by the dry run, so this never throws
  if (keys[lo] !== key) throw new Error(`internal: the pair ${key} was read but never requested`);
  return lo;
}
