/**
 * Margins and thresholds: everything the "Distances and threshold" view shows, computed from the held-out pair
 * distances of one evaluation (positive = same class, negative = different class). Pure JS, no tensors.
 *
 * Verification follows metrics/verification.ts: a pair is called similar when its distance ≤ threshold; a NaN
 * distance is never called similar. The pairs are sorted once, so moving the threshold costs two binary searches.
 */
import { confusion, downsampleRoc, type RocPoint, type VerificationAt } from '../metrics/verification';

/** Held-out pair distances of one evaluation. */
export interface PairDistances {
  positive: ArrayLike<number>;
  negative: ArrayLike<number>;
}

/** Pair distances sorted ascending (finite and infinite values), NaNs counted apart. */
export interface SortedPairDistances {
  positive: Float64Array;
  negative: Float64Array;
  positiveNaN: number;
  negativeNaN: number;
}

function sortedWithoutNaN(values: ArrayLike<number>): { sorted: Float64Array; nan: number } {
  const kept: number[] = [];
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) nan++;
    else kept.push(v);
  }
  return { sorted: Float64Array.from(kept).sort(), nan };
}

/** Sorts both kinds of pairs once (O(n log n)); every threshold query afterwards is O(log n). */
export function sortPairDistances(pairs: PairDistances): SortedPairDistances {
  const p = sortedWithoutNaN(pairs.positive);
  const n = sortedWithoutNaN(pairs.negative);
  return { positive: p.sorted, negative: n.sorted, positiveNaN: p.nan, negativeNaN: n.nan };
}

/** How many values of an ascending array are ≤ x. */
export function countAtMost(sorted: ArrayLike<number>, x: number): number {
  if (Number.isNaN(x)) return 0;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Accuracy, precision, recall and F1 when pairs at distance ≤ threshold are called similar — the same numbers as
 * verificationAt over the unsorted pairs, from two binary searches.
 */
export function metricsAtThreshold(sorted: SortedPairDistances, threshold: number): VerificationAt {
  const positives = sorted.positive.length + sorted.positiveNaN;
  const negatives = sorted.negative.length + sorted.negativeNaN;
  const tp = countAtMost(sorted.positive, threshold);
  const fp = countAtMost(sorted.negative, threshold);
  return confusion(threshold, tp, fp, negatives - fp, positives - tp);
}

/** Equal-width histogram of `values` over [lo, hi] in `bins` bins; values outside go to the end bins, NaN nowhere. */
export function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogram: bins must be a whole number ≥ 1, got ${bins}`);
  if (!(hi > lo)) throw new Error(`histogram: the range [${lo}, ${hi}] is empty`);
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    const k = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[k]++;
  }
  return counts;
}

/** The view's summary of one evaluation's pairs: ROC (≤ maxRocPoints), AUC, best threshold and the x-axis range. */
export interface PairSummary {
  sorted: SortedPairDistances;
  roc: RocPoint[];
  auc: number;
  /** The accuracy-maximising threshold and its metrics (null when no pair has a finite distance). */
  best: VerificationAt | null;
  /** Largest finite distance of any pair (0 when none), the right end of the histogram and slider. */
  maxDistance: number;
  positiveCount: number;
  negativeCount: number;
}

/** One distinct distance value with how many positive and negative pairs have it, in ascending order. */
interface DistanceGroup {
  value: number;
  positives: number;
  negatives: number;
}

/** Merges the two sorted arrays into groups of equal distance (NaNs excluded). */
function distanceGroups(sorted: SortedPairDistances): DistanceGroup[] {
  const { positive: p, negative: n } = sorted;
  const groups: DistanceGroup[] = [];
  let i = 0;
  let j = 0;
  while (i < p.length || j < n.length) {
    const value = j >= n.length || (i < p.length && p[i] <= n[j]) ? p[i] : n[j];
    let positives = 0;
    let negatives = 0;
    while (i < p.length && p[i] === value) {
      positives++;
      i++;
    }
    while (j < n.length && n[j] === value) {
      negatives++;
      j++;
    }
    groups.push({ value, positives, negatives });
  }
  return groups;
}

/**
 * The ROC, AUC and accuracy-best threshold of the pairs, with exactly the conventions of verification.ts
 * (`rocCurve`: one point per distinct distance after a (0, 0) start, NaN pairs last at threshold Infinity, ties
 * stepping diagonally, AUC NaN when a kind is missing; `bestThreshold`: midpoints between adjacent distinct
 * distances, the extremes, ties to the smaller threshold) — but from one merge of the sorted arrays, so a fresh
 * evaluation costs two numeric sorts instead of two comparator sorts of all pairs (it runs on the page).
 */
export function summarisePairs(pairs: PairDistances, maxRocPoints = 101): PairSummary {
  const sorted = sortPairDistances(pairs);
  const positives = pairs.positive.length;
  const negatives = pairs.negative.length;
  const groups = distanceGroups(sorted);
  const tprOf = (tp: number): number => (positives > 0 ? tp / positives : 0);
  const fprOf = (fp: number): number => (negatives > 0 ? fp / negatives : 0);

  const points: RocPoint[] = [{ threshold: -Infinity, truePositiveRate: 0, falsePositiveRate: 0 }];
  let tp = 0;
  let fp = 0;
  let area = 0;
  const step = (threshold: number, addTp: number, addFp: number): void => {
    area += (addFp * (2 * tp + addTp)) / 2;
    tp += addTp;
    fp += addFp;
    points.push({ threshold, truePositiveRate: tprOf(tp), falsePositiveRate: fprOf(fp) });
  };
  for (const g of groups) step(g.value, g.positives, g.negatives);
  if (sorted.positiveNaN + sorted.negativeNaN > 0) step(Infinity, sorted.positiveNaN, sorted.negativeNaN);
  const auc = positives > 0 && negatives > 0 ? area / (positives * negatives) : NaN;

  let best: VerificationAt | null = null;
  if (groups.length > 0) {
    // Correct calls with groups 0..k called similar (NaN pairs never are); the count ranks as accuracy does.
    let bestCorrect = negatives; // nothing called similar: every negative is right
    let bestCut = -1;
    let correct = negatives;
    for (let k = 0; k < groups.length; k++) {
      correct += groups[k].positives - groups[k].negatives;
      if (correct > bestCorrect) {
        bestCorrect = correct;
        bestCut = k;
      }
    }
    let threshold: number;
    if (bestCut === -1) {
      const halfGap = groups.length > 1 ? (groups[1].value - groups[0].value) / 2 : 1;
      threshold = groups[0].value - halfGap;
    } else if (bestCut === groups.length - 1) {
      threshold = groups[bestCut].value;
    } else {
      const lower = groups[bestCut].value;
      const upper = groups[bestCut + 1].value;
      threshold = (lower + upper) / 2;
      if (!(threshold < upper)) threshold = lower;
    }
    best = metricsAtThreshold(sorted, threshold);
  }
  let maxDistance = 0;
  for (let k = groups.length - 1; k >= 0; k--) {
    if (Number.isFinite(groups[k].value)) {
      maxDistance = Math.max(0, groups[k].value);
      break;
    }
  }
  return {
    sorted,
    roc: downsampleRoc(points, maxRocPoints),
    auc,
    best,
    maxDistance,
    positiveCount: positives,
    negativeCount: negatives,
  };
}
