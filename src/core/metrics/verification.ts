/**
 * Verification: decide "same" or "different" for a pair by thresholding its distance — similar when
 * distance ≤ threshold. `similar` holds the pair labels of docs/ARCHITECTURE.md (Definitions): 1 = similar, 0 = dissimilar (any value
 * ≥ 0.5 counts as similar, so float label arrays work too).
 */

/** One operating point: pairs at distance ≤ threshold are called similar. */
export interface RocPoint {
  threshold: number;
  truePositiveRate: number;
  falsePositiveRate: number;
}

/** The confusion counts and rates at one threshold. */
export interface VerificationAt {
  threshold: number;
  accuracy: number;
  /** tp / (tp + fp); 0 when nothing is called similar. */
  precision: number;
  /** tp / (tp + fn); 0 when there is no similar pair. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when tp = 0. */
  f1: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

function checkPairs(distances: ArrayLike<number>, similar: ArrayLike<number>, what: string): void {
  if (distances.length !== similar.length) {
    throw new Error(`${what}: ${distances.length} distances but ${similar.length} similar/dissimilar labels`);
  }
}

const isSimilar = (label: number): boolean => label >= 0.5;

/**
 * Pairs grouped by distance, ascending, each group with its counts of similar and dissimilar pairs; NaN distances
 * form the last group. The shared first step of the ROC and the threshold scan: both only ever look at whole groups
 * of equal distance, so the two kinds are sorted apart with the built-in numeric sort of a Float64Array (no
 * comparator, native speed) and merged.
 */
interface DistanceGroups {
  distance: Float64Array;
  similar: Int32Array;
  dissimilar: Int32Array;
  count: number;
}

function groupByDistance(distances: ArrayLike<number>, similar: ArrayLike<number>): DistanceGroups {
  let positives = 0;
  // Stryker disable next-line EqualityOperator: one read past the end is undefined, which is never a similar label
  for (let i = 0; i < similar.length; i++) if (isSimilar(similar[i])) positives++;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(distances.length - positives);
  // Stryker disable next-line EqualityOperator: one step past the end reads undefined (dissimilar) and writes past `neg`, which a typed array ignores
  for (let i = 0, p = 0, q = 0; i < distances.length; i++) {
    if (isSimilar(similar[i])) pos[p++] = distances[i];
    else neg[q++] = distances[i];
  }
  pos.sort(); // typed-array sort: ascending, NaN last
  neg.sort();
  const size = distances.length;
  const groups: DistanceGroups = {
    distance: new Float64Array(size),
    similar: new Int32Array(size),
    dissimilar: new Int32Array(size),
    count: 0,
  };
  let i = 0;
  let j = 0;
  while (i < pos.length || j < neg.length) {
    const a = i < pos.length ? pos[i] : NaN;
    const b = j < neg.length ? neg[j] : NaN;
    // The smaller of the two heads (a NaN head only when both are NaN or the other side is empty).
    // Stryker disable next-line ConditionalExpression,BooleanLiteral,EqualityOperator: the inner test is never true where it is reached (b is NaN or a < b), and a = b names the same distance
    const d = Number.isNaN(b) || a < b ? (Number.isNaN(a) && !Number.isNaN(b) ? b : a) : b;
    let tp = 0;
    let fp = 0;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: pos[pos.length] is undefined, which equals no distance, so the loop stops there anyway
    while (i < pos.length && sameDistance(pos[i], d)) {
      tp++;
      i++;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: neg[neg.length] is undefined, which equals no distance, so the loop stops there anyway
    while (j < neg.length && sameDistance(neg[j], d)) {
      fp++;
      j++;
    }
    const g = groups.count++;
    groups.distance[g] = d;
    groups.similar[g] = tp;
    groups.dissimilar[g] = fp;
  }
  return groups;
}

/**
 * ROC of "similar if distance ≤ threshold", one point per distinct distance plus the starting point
 * (threshold −Infinity: nothing called similar, (0, 0)). Pairs at equal distance enter together, so the curve
 * takes a diagonal step across ties, and the trapezoid area equals the Mann–Whitney probability that a
 * random similar pair is closer than a random dissimilar one, ties counting ½.
 * AUC is NaN when either kind of pair is missing (the question has no answer); rates are then 0.
 */
export function rocCurve(
  distances: ArrayLike<number>,
  similar: ArrayLike<number>,
): { points: RocPoint[]; auc: number } {
  checkPairs(distances, similar, 'rocCurve');
  return rocOfGroups(groupByDistance(distances, similar), Infinity);
}

/**
 * The ROC of {@link rocCurve} from grouped pairs, keeping only the points {@link downsampleRoc} would keep out of
 * `maxPoints` (Infinity: all), without building the others.
 */
function rocOfGroups(groups: DistanceGroups, maxPoints: number): { points: RocPoint[]; auc: number } {
  let positives = 0;
  let negatives = 0;
  for (let g = 0; g < groups.count; g++) {
    positives += groups.similar[g];
    negatives += groups.dissimilar[g];
  }
  const tprOf = (tp: number): number => (positives > 0 ? tp / positives : 0);
  const fprOf = (fp: number): number => (negatives > 0 ? fp / negatives : 0);
  // Point p is the start (p = 0) or the curve after group p − 1; keep the ones downsampleRoc keeps.
  const last = groups.count;
  const kept =
    // Stryker disable next-line EqualityOperator: with exactly maxPoints points the kept indices are round(i · last / last) = i, every point
    last + 1 <= maxPoints
      ? null
      : Array.from({ length: maxPoints }, (_, i) => Math.round((i * last) / (maxPoints - 1)));
  const points: RocPoint[] = [];
  let next = 0;
  const visit = (p: number, threshold: number, tp: number, fp: number): void => {
    if (kept === null) {
      points.push({ threshold, truePositiveRate: tprOf(tp), falsePositiveRate: fprOf(fp) });
      return;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: kept[kept.length] is undefined, which equals no point index, so the loop stops there anyway
    for (; next < kept.length && kept[next] === p; next++)
      points.push({ threshold, truePositiveRate: tprOf(tp), falsePositiveRate: fprOf(fp) });
  };
  visit(0, -Infinity, 0, 0);
  let tp = 0;
  let fp = 0;
  let area = 0;
  // Equal distances (and all NaNs, which sort last) form one group.
  for (let g = 0; g < groups.count; g++) {
    const d = groups.distance[g];
    const prevTp = tp;
    const prevFp = fp;
    tp += groups.similar[g];
    fp += groups.dissimilar[g];
    area += ((fp - prevFp) * (tp + prevTp)) / 2;
    visit(g + 1, Number.isNaN(d) ? Infinity : d, tp, fp);
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: with no pair of one kind the area is 0, and 0 / 0 is the same NaN
  const auc = positives > 0 && negatives > 0 ? area / (positives * negatives) : NaN;
  return { points, auc };
}

function sameDistance(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Confusion counts and rates when pairs at distance ≤ threshold are called similar. */
export function verificationAt(
  threshold: number,
  distances: ArrayLike<number>,
  similar: ArrayLike<number>,
): VerificationAt {
  checkPairs(distances, similar, 'verificationAt');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < distances.length; i++) {
    const calledSimilar = distances[i] <= threshold; // NaN distances are never called similar
    if (isSimilar(similar[i])) {
      if (calledSimilar) tp++;
      else fn++;
    } else if (calledSimilar) fp++;
    else tn++;
  }
  return confusion(threshold, tp, fp, tn, fn);
}

/** Accuracy, precision, recall and F1 at `threshold` from the confusion counts (0, never NaN, when undefined; accuracy NaN with no pairs). */
export function confusion(threshold: number, tp: number, fp: number, tn: number, fn: number): VerificationAt {
  const total = tp + fp + tn + fn;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    threshold,
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with no pair, (0 + 0) / 0 is the same NaN
    accuracy: total > 0 ? (tp + tn) / total : NaN,
    precision,
    recall,
    f1: tp > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
  };
}

/**
 * The threshold that maximises accuracy (or F1). Candidates are one cut between each pair of adjacent distinct
 * distances, placed at their midpoint so that the choice generalises to unseen pairs, plus the two extremes:
 * the largest distance (everything similar) and, below the smallest, the smallest distance minus half the first
 * gap (1 when all distances are equal; nothing similar). Ties go to the smaller threshold.
 */
export function bestThreshold(
  distances: ArrayLike<number>,
  similar: ArrayLike<number>,
  by: 'accuracy' | 'f1' = 'accuracy',
): VerificationAt {
  checkPairs(distances, similar, 'bestThreshold');
  return verificationAt(bestThresholdOfGroups(groupByDistance(distances, similar), by), distances, similar);
}

/** The threshold {@link bestThreshold} picks, from grouped pairs. */
function bestThresholdOfGroups(groups: DistanceGroups, by: 'accuracy' | 'f1'): number {
  // The finite groups: NaN, if any, is the last group.
  // Stryker disable next-line EqualityOperator: with no group, distance[−1] is undefined, not NaN, so `>= 0` gives the same 0 finite groups
  const finite = groups.count > 0 && Number.isNaN(groups.distance[groups.count - 1]) ? groups.count - 1 : groups.count;
  if (finite === 0) throw new Error('bestThreshold: no pair with a finite distance to choose a threshold from');

  let positives = 0;
  let negatives = 0;
  for (let g = 0; g < finite; g++) {
    positives += groups.similar[g];
    negatives += groups.dissimilar[g];
  }
  const nanPositives = finite < groups.count ? groups.similar[finite] : 0;
  // Stryker disable next-line ConditionalExpression: NaN-distance dissimilar pairs add the same count to tn at every cut, so the best cut does not move
  const nanNegatives = finite < groups.count ? groups.dissimilar[finite] : 0;
  // NaN-distance pairs are never called similar: they add to fn / tn whatever the threshold.
  const score = (tp: number, fp: number): number => {
    const fn = positives - tp + nanPositives;
    const tn = negatives - fp + nanNegatives;
    if (by === 'accuracy') return (tp + tn) / (tp + fp + tn + fn);
    return tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
  };

  let bestScore = score(0, 0);
  let bestCut = -1; // index of the last group called similar; -1 = none
  let tp = 0;
  let fp = 0;
  for (let g = 0; g < finite; g++) {
    tp += groups.similar[g];
    fp += groups.dissimilar[g];
    const s = score(tp, fp);
    if (s > bestScore) {
      bestScore = s;
      bestCut = g;
    }
  }

  let threshold: number;
  if (bestCut === -1) {
    const first = groups.distance[0];
    const halfGap = finite < 2 ? 1 : (groups.distance[1] - first) / 2;
    threshold = first - halfGap;
  } else if (bestCut === finite - 1) {
    threshold = groups.distance[bestCut];
  } else {
    const lower = groups.distance[bestCut];
    const upper = groups.distance[bestCut + 1];
    threshold = (lower + upper) / 2;
    // Adjacent doubles have no midpoint: fall back to the lower value, which gives the same split.
    if (!(threshold < upper)) threshold = lower;
  }
  return threshold;
}

/** Everything the evaluation reports about verification, from one grouping (one sort) of the pairs. */
export interface VerificationSummary {
  /** The ROC, downsampled to at most `rocPoints` points (first and last kept). */
  roc: RocPoint[];
  auc: number;
  /** At the accuracy-maximising threshold of {@link bestThreshold}. */
  best: VerificationAt;
  /** At `threshold`, or the best one when it is null. */
  at: VerificationAt;
}

/**
 * {@link rocCurve} (downsampled as {@link downsampleRoc} does), {@link bestThreshold} by accuracy and
 * {@link verificationAt} the configured threshold, sorting the pairs once instead of once each.
 */
export function verificationSummary(
  distances: ArrayLike<number>,
  similar: ArrayLike<number>,
  threshold: number | null,
  rocPoints: number,
): VerificationSummary {
  checkPairs(distances, similar, 'verificationSummary');
  if (!Number.isInteger(rocPoints) || rocPoints < 2)
    throw new Error(`verificationSummary: rocPoints must be a whole number ≥ 2, got ${rocPoints}`);
  const groups = groupByDistance(distances, similar);
  const { points, auc } = rocOfGroups(groups, rocPoints);
  const best = verificationAt(bestThresholdOfGroups(groups, 'accuracy'), distances, similar);
  return { roc: points, auc, best, at: threshold === null ? best : verificationAt(threshold, distances, similar) };
}

/**
 * At most `maxPoints` points, evenly spread along the curve and keeping the first and last, so that charts
 * stay light; the curve's shape survives because points are taken in order.
 */
export function downsampleRoc(points: RocPoint[], maxPoints: number): RocPoint[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2)
    throw new Error(`downsampleRoc: maxPoints must be a whole number ≥ 2, got ${maxPoints}`);
  // Stryker disable next-line EqualityOperator: with exactly maxPoints points the evenly spread indices are 0, 1, …, so the copy is the same
  if (points.length <= maxPoints) return points.slice();
  const kept: RocPoint[] = [];
  const last = points.length - 1;
  for (let i = 0; i < maxPoints; i++) kept.push(points[Math.round((i * last) / (maxPoints - 1))]);
  return kept;
}
