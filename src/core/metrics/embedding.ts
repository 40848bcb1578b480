/**
 * Health checks of an embedding space that tell a learner WHY the retrieval numbers look the way they do:
 * norms drifting, everything collapsing to one point, and how many triplets still violate the margin.
 */
import type { Rng } from '../rng';

/**
 * Pairwise distances as the row-major n×n matrix, or as a lookup d(i, j) (the evaluation computes the few distances
 * these checks sample on demand instead of materialising all n² of them).
 */
export type DistanceTable = Float32Array | ((i: number, j: number) => number);

function lookup(distances: DistanceTable, n: number, what: string): (i: number, j: number) => number {
  if (typeof distances === 'function') return distances;
  if (distances.length !== n * n)
    throw new Error(`${what}: expected an ${n}×${n} distance matrix, got ${distances.length} values`);
  return (i, j) => distances[i * n + j];
}

/** Summary of the L2 norms of the embedding rows (population std). All NaN when n = 0. */
export interface NormStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** L2 norm statistics of n embeddings of size dim (row-major). */
export function normStats(embeddings: Float32Array, n: number, dim: number): NormStats {
  checkShape(embeddings, n, dim, 'normStats');
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN };
  let sum = 0;
  let sumSquares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    let squared = 0;
    for (let k = i * dim; k < (i + 1) * dim; k++) squared += embeddings[k] * embeddings[k];
    const norm = Math.sqrt(squared);
    sum += norm;
    sumSquares += norm * norm;
    // Stryker disable next-line EqualityOperator: an equal norm replaces the minimum by the same value
    if (norm < min) min = norm;
    // Stryker disable next-line EqualityOperator: an equal norm replaces the maximum by the same value
    if (norm > max) max = norm;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sumSquares / n - mean * mean)), min, max };
}

/** Result of the collapse check; `message` is set only when collapsed. */
export interface CollapseCheck {
  collapsed: boolean;
  /** Mean distance (in the configured distance) between sampled pairs of different rows. NaN when n < 2. */
  meanPairDistance: number;
  meanNorm: number;
  message?: string;
}

/** Pairs sampled by collapseCheck (all pairs when there are fewer). */
export const COLLAPSE_PAIR_SAMPLES = 2000;
/** Collapsed when the mean pair distance is below this fraction of the mean norm… */
export const COLLAPSE_RELATIVE_TOLERANCE = 1e-3;
/** …or below this absolute value (above the 1e-6 floor that the ε-guarded Euclidean distance gives at 0)… */
export const COLLAPSE_ABSOLUTE_TOLERANCE = 1e-5;

/**
 * Warns when the embeddings have collapsed to (nearly) one point — the usual failure of hard-negative mining
 * early in training, where the loss settles at the margin and retrieval becomes a coin toss. Collapsed when the
 * mean distance between sampled pairs is tiny relative to the mean norm, absolutely tiny, or when every
 * embedding is (nearly) the zero vector. `distances` (matrix or lookup) is in the configured distance.
 */
export function collapseCheck(
  embeddings: Float32Array,
  n: number,
  dim: number,
  distances: DistanceTable,
  rng: Rng,
): CollapseCheck {
  checkShape(embeddings, n, dim, 'collapseCheck');
  const distance = lookup(distances, n, 'collapseCheck');
  // Stryker disable next-line ConditionalExpression,EqualityOperator: normStats of no row has a NaN mean too
  const meanNorm = n > 0 ? normStats(embeddings, n, dim).mean : NaN;
  if (n < 2) return { collapsed: false, meanPairDistance: NaN, meanNorm };

  const totalPairs = (n * (n - 1)) / 2;
  let sum = 0;
  let counted = 0;
  const add = (i: number, j: number): void => {
    const d = distance(i, j);
    if (!Number.isNaN(d)) {
      sum += d;
      counted++;
    }
  };
  if (totalPairs <= COLLAPSE_PAIR_SAMPLES) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) add(i, j);
  } else {
    for (let s = 0; s < COLLAPSE_PAIR_SAMPLES; s++) {
      const i = rng.int(n);
      let j = rng.int(n - 1);
      if (j >= i) j++;
      add(i, j);
    }
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: with nothing counted, 0 / 0 is the same NaN
  const meanPairDistance = counted > 0 ? sum / counted : NaN;

  let reason: string | null = null;
  if (meanNorm < COLLAPSE_ABSOLUTE_TOLERANCE) {
    reason = `every embedding is (nearly) the zero vector (mean norm ${fmt(meanNorm)})`;
  } else if (
    meanPairDistance < COLLAPSE_ABSOLUTE_TOLERANCE ||
    meanPairDistance < COLLAPSE_RELATIVE_TOLERANCE * meanNorm
  ) {
    reason = `random pairs of samples are on average only ${fmt(meanPairDistance)} apart while the embeddings lie ${fmt(meanNorm)} from the origin`;
  }
  if (reason === null) return { collapsed: false, meanPairDistance, meanNorm };
  return {
    collapsed: true,
    meanPairDistance,
    meanNorm,
    message:
      `The embedding has collapsed: ${reason}, so the network maps every sample to (nearly) the same point and ` +
      'cannot tell them apart. This often happens with hard-negative mining early in training; try semi-hard or ' +
      'batch-all mining, a smaller learning rate, or a smaller margin, then reset.',
  };
}

/**
 * Fraction of valid triplets (a, p, n) — p ≠ a with a's label, n with another label — for which
 * d(a,p) − d(a,n) + margin > 0, i.e. the triplet loss is still non-zero. Exact (every triplet enumerated) when
 * there are at most `samples` valid triplets; otherwise `samples` triplets drawn uniformly with replacement
 * (anchor weighted by its number of triplets). NaN when no valid triplet exists.
 */
export function tripletViolationFraction(
  distances: DistanceTable,
  n: number,
  labels: ArrayLike<number>,
  margin: number,
  rng: Rng,
  samples = 10_000,
): number {
  const distance = lookup(distances, n, 'tripletViolationFraction');
  if (labels.length !== n) throw new Error(`tripletViolationFraction: ${labels.length} labels for ${n} items`);
  const members = new Map<number, number[]>();
  // Stryker disable next-line EqualityOperator: labels[n] is undefined, and a member list under that key is never read
  for (let i = 0; i < n; i++) {
    const list = members.get(labels[i]);
    if (list) list.push(i);
    else members.set(labels[i], [i]);
  }
  // Triplets per anchor: (class size − 1) positives × (n − class size) negatives.
  const perAnchor = new Float64Array(n);
  let total = 0;
  for (let a = 0; a < n; a++) {
    const size = members.get(labels[a])!.length;
    perAnchor[a] = (size - 1) * (n - size);
    total += perAnchor[a];
  }
  // Stryker disable next-line ConditionalExpression: without a valid triplet the exhaustive count is 0 / 0, the same NaN
  if (total === 0) return NaN;
  const violates = (a: number, p: number, neg: number): boolean => distance(a, p) - distance(a, neg) + margin > 0;

  let violations = 0;
  if (total <= samples) {
    for (let a = 0; a < n; a++) {
      for (const p of members.get(labels[a])!) {
        if (p === a) continue;
        for (let neg = 0; neg < n; neg++) if (labels[neg] !== labels[a] && violates(a, p, neg)) violations++;
      }
    }
    return violations / total;
  }

  const cumulative = new Float64Array(n);
  let running = 0;
  // Stryker disable next-line EqualityOperator: cumulative[n] is past the typed array's end, where a write is ignored
  for (let a = 0; a < n; a++) {
    running += perAnchor[a];
    cumulative[a] = running;
  }
  for (let s = 0; s < samples; s++) {
    const a = upperBound(cumulative, rng.next() * total);
    const same = members.get(labels[a])!;
    let p = same[rng.int(same.length - 1)];
    if (p === a) p = same[same.length - 1]; // skip the anchor itself, uniformly over the others
    let neg: number;
    do neg = rng.int(n);
    while (labels[neg] === labels[a]);
    if (violates(a, p, neg)) violations++;
  }
  return violations / samples;
}

/** First index whose cumulative weight exceeds `value`. */
function upperBound(cumulative: Float64Array, value: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function checkShape(embeddings: Float32Array, n: number, dim: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(dim) || dim < 1)
    throw new Error(`${what}: bad shape [${n}, ${dim}]`);
  if (embeddings.length !== n * dim)
    throw new Error(`${what}: expected ${n}×${dim} = ${n * dim} values, got ${embeddings.length}`);
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(3) : x.toExponential(2);
}

/** Result of the scale-collapse check; `message` is set only when squeezed. */
export interface ScaleCollapseCheck {
  squeezed: boolean;
  /** Fraction of the sampled held-out pairs (same-class and different-class together) closer than `limit`. */
  fractionBelow: number;
  /** The distance the pairs are compared with: the smaller of the margin and the scale limits that apply. */
  limit: number;
  /** Median distance of the sampled same-class / different-class pairs (NaN when none). */
  medianPositive: number;
  medianNegative: number;
  message?: string;
}

/** Squeezed when at least this fraction of the sampled held-out pairs is closer than the limit… */
export const SCALE_COLLAPSE_PAIR_FRACTION = 0.95;
/** …where the limit is this fraction of the margin (a triplet or contrastive loss wants negatives at least m away)… */
export const SCALE_COLLAPSE_MARGIN_FRACTION = 0.5;
/** …or this fraction of the largest distance the embedding's scale allows (2 on the unit sphere). */
export const SCALE_COLLAPSE_SCALE_FRACTION = 0.05;

/** What scaleCollapseCheck compares the held-out pair distances with. */
export interface ScaleCollapseReference {
  /** The margin of a hinge loss (contrastive, triplet), or null when the loss has none. */
  margin: number | null;
  /** The largest distance the embedding's scale allows (e.g. 2 for unit vectors), or null when it has no bound. */
  scale: number | null;
  /** Named in the message, e.g. "the unit sphere's diameter". */
  scaleName?: string;
  /** Whether the embeddings are L2-normalised (the advice differs). */
  l2Normalized?: boolean;
}

/**
 * Warns when the embedding has kept its ranking but lost its scale: nearly all held-out pair distances, of the same
 * class and of different classes, are a small fraction of the margin (or of the largest distance the embedding
 * allows). Then every triplet sits inside the margin, the loss stays near m, and a distance threshold or the margin
 * means nothing — a milder form of collapse that collapseCheck does not see, since the points still differ. The
 * distances are the evaluation's balanced sample of same-class and different-class pairs.
 */
export function scaleCollapseCheck(
  positiveDistances: ArrayLike<number>,
  negativeDistances: ArrayLike<number>,
  reference: ScaleCollapseReference,
): ScaleCollapseCheck {
  const limits: number[] = [];
  if (reference.margin !== null && reference.margin > 0) limits.push(SCALE_COLLAPSE_MARGIN_FRACTION * reference.margin);
  if (reference.scale !== null && reference.scale > 0) limits.push(SCALE_COLLAPSE_SCALE_FRACTION * reference.scale);
  const medianPositive = median(positiveDistances);
  const medianNegative = median(negativeDistances);
  const total = positiveDistances.length + negativeDistances.length;
  if (limits.length === 0 || total === 0)
    return { squeezed: false, fractionBelow: NaN, limit: NaN, medianPositive, medianNegative };
  // The larger limit: the warning fires when the distances are small by either yardstick.
  const limit = Math.max(...limits);
  let below = 0;
  for (const list of [positiveDistances, negativeDistances])
    for (let i = 0; i < list.length; i++) if (list[i] < limit) below++;
  const fractionBelow = below / total;
  const squeezed = fractionBelow >= SCALE_COLLAPSE_PAIR_FRACTION;
  if (!squeezed) return { squeezed, fractionBelow, limit, medianPositive, medianNegative };
  const yardsticks: string[] = [];
  if (reference.margin !== null && reference.margin > 0) yardsticks.push(`the margin is ${fmt(reference.margin)}`);
  if (reference.scale !== null && reference.scale > 0)
    yardsticks.push(`${reference.scaleName ?? 'the largest distance the embedding allows'} is ${fmt(reference.scale)}`);
  return {
    squeezed,
    fractionBelow,
    limit,
    medianPositive,
    medianNegative,
    message:
      `The embedding has shrunk: ${(fractionBelow * 100).toFixed(0)}% of held-out pairs are closer than ` +
      `${fmt(limit)} (median distance ${fmt(medianPositive)} within a class, ${fmt(medianNegative)} between ` +
      `classes), while ${yardsticks.join(' and ')}. Nearly every triplet is inside the margin, so the loss sits near ` +
      'the margin and distances say little even if the neighbours keep their order. Try semi-hard or batch-all ' +
      'mining instead of hard mining, a smaller learning rate' +
      (reference.l2Normalized === false ? ', L2 normalisation' : '') +
      ' or a smaller margin, and train again.',
  };
}

/** Median of the finite values (NaN when there are none). */
function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).filter((v) => Number.isFinite(v));
  if (sorted.length === 0) return NaN;
  sorted.sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
