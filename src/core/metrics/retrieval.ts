/**
 * Retrieval metrics over an evaluation set, as defined by Musgrave et al., "A Metric Learning Reality Check" (2020),
 * so that our numbers mean what the literature means.
 *
 * Leave-one-out: every item queries all OTHER items, ranked by distance (closest first). For a query q with label y,
 * R = number of other items labelled y. Query against reference: every query ranks all items of a separate
 * reference set and R = number of reference items labelled y (the same definitions otherwise).
 *  - P@1: 1 when the nearest other item shares y.
 *  - R-precision: fraction of the R nearest that share y.
 *  - MAP@R: (1/R) Σ_{i=1..R} P(i)·rel(i), where rel(i) = 1 when the i-th nearest shares y and P(i) is the
 *    precision of the i nearest.
 *  - Recall@K: 1 when at least one of the K nearest shares y (the "Recall@K" of the image-retrieval papers,
 *    e.g. Song et al. 2016 — not recall in the information-retrieval sense).
 * Each is averaged over queries. A query whose label has no other member (R = 0) cannot be scored: it is
 * excluded from the averages and counted in `excludedQueries`, but it stays a candidate for other queries.
 *
 * Ties: items at equal distance are ranked by ascending index, so results are deterministic. (An embedding
 * that maps everything to one point therefore scores by the data order, not 1.0.) NaN distances rank last.
 */
import { Rng } from '../rng';
import { createGramRowScanner, type GramRowScanner, kernelSupported } from './gramScan';
import { nearestKeys, orderedBits, sampledThreshold, sampleQuantile, THRESHOLD_SAMPLE } from './rankKeys';
import { sortRuns } from './sortRuns';

/**
 * A reordering of the candidate columns of a Gram row: column c holds item original[c], item j sits in column
 * position[j]. Only how fast a row is ranked depends on it, never the result.
 */
export interface ColumnOrder {
  original: Int32Array;
  position: Int32Array;
  /**
   * The columns of each label, [start, end), when the order groups them by label: a query's own label is then one
   * run, so a row splits by label without looking a label up.
   */
  runs?: ReadonlyMap<number, readonly [number, number]>;
}

/** Averages over the scored queries; every metric is NaN when no query could be scored (queries = 0). */
export interface RetrievalMetrics {
  precisionAt1: number;
  rPrecision: number;
  mapAtR: number;
  /** K → fraction of queries with at least one same-label item among their K nearest. */
  recallAtK: Record<number, number>;
  /** Queries that were scored (R ≥ 1). */
  queries: number;
  /** Queries skipped because no other item shares their label (R = 0). */
  excludedQueries: number;
}

/** The K values of Recall@K reported when the caller does not choose. */
export const DEFAULT_RECALL_KS: readonly number[] = [1, 5, 10];

/**
 * Leave-one-out P@1, R-precision, MAP@R and Recall@K.
 * `distances` is the row-major n×n matrix of distances (diagonal ignored; it need not be symmetric: row q is
 * what query q sees). Ties are broken by index, see the module comment.
 */
export function retrievalMetrics(
  distances: Float32Array,
  n: number,
  labels: ArrayLike<number>,
  ks: number[] = [...DEFAULT_RECALL_KS],
): RetrievalMetrics {
  // Stryker disable next-line ConditionalExpression: a negative n that passes here is refused by RetrievalRanking with the same message
  if (!Number.isInteger(n) || n < 0) throw new Error(`retrievalMetrics: n must be a whole number ≥ 0, got ${n}`);
  if (distances.length !== n * n)
    throw new Error(
      `retrievalMetrics: expected an ${n}×${n} distance matrix (${n * n} values), got ${distances.length}`,
    );
  const ranking = new RetrievalRanking(n, labels, ks);
  const bits = new Uint32Array(distances.buffer, distances.byteOffset, n * n);
  for (let q = 0; q < n; q++) ranking.addRow(q, distances, bits, q * n);
  return ranking.result();
}

/**
 * Query against reference: P@1, R-precision, MAP@R and Recall@K of n queries ranking all m reference items (none is
 * skipped: the sets are separate). `distances` is the row-major n×m matrix; R = the reference items of the query's
 * label, and a query whose label has none is excluded. Ties as in {@link retrievalMetrics}.
 */
export function retrievalMetricsAgainst(
  distances: Float32Array,
  labels: ArrayLike<number>,
  referenceLabels: ArrayLike<number>,
  ks: number[] = [...DEFAULT_RECALL_KS],
): RetrievalMetrics {
  const n = labels.length;
  const m = referenceLabels.length;
  if (distances.length !== n * m)
    throw new Error(
      `retrievalMetricsAgainst: expected an ${n}×${m} distance matrix (${n * m} values), got ${distances.length}`,
    );
  const ranking = new RetrievalRanking(n, labels, ks, referenceLabels);
  const bits = new Uint32Array(distances.buffer, distances.byteOffset, n * m);
  for (let q = 0; q < n; q++) ranking.addRow(q, distances, bits, q * m);
  return ranking.result();
}

/** Keys carry the candidate index in their low 21 bits: up to 2,097,152 items (an n×n float matrix far beyond memory). */
const RANK_INDEX_LIMIT = 2 ** 21;
/** The index bits of a key: ToUint32 keeps the key's low 32 bits (the integer modulo 2^32), the mask its low 21. */
const INDEX_MASK = RANK_INDEX_LIMIT - 1;
/** Most buckets of the candidate sort. */
const MAX_BUCKETS = 4096;
/** Seed of the sampled columns (fixed: the same rows rank the same way every time). */
const SAMPLE_SEED = 0x5a3b1e;

/**
 * The ranking behind {@link retrievalMetrics}, one query row at a time: a row of distances ({@link addRow}), or a row
 * of a Gram matrix ({@link addGramRow}, the evaluation's Euclidean family), of which only the nearest candidates are
 * ever converted to distances.
 *
 * Per row: a threshold from a sample of the row at fixed columns keeps only a little more candidates than the R (or K)
 * positions that matter; each becomes one exact double key = orderedBits(distance)·2^21 + index, ordered by a
 * stable bucket sort on the distance (buckets are nearly always single) finished by insertion sort on the keys —
 * together the tie rule (distance, then index) at a fraction of a comparison sort's cost. Rows the sample misjudges,
 * or that hold NaN or infinite values, rank every candidate with the built-in typed-array sort instead.
 */
export class RetrievalRanking {
  /** Candidates per row: the items themselves (leave-one-out) or the reference set. */
  private readonly columns: number;
  /** Candidates a query is ranked against: columns − 1 when a query skips itself (leave-one-out). */
  private readonly rowSize: number;
  /** Leave-one-out: row q's own column q is not a candidate. */
  private readonly selfExcluded: boolean;
  private readonly labels: ArrayLike<number>;
  private readonly candidateLabels: ArrayLike<number>;
  private readonly ks: number[];
  private readonly maxK: number;
  private readonly sameLabelCount = new Map<number, number>();
  private readonly recallHits: Map<number, number>;
  private scored = 0;
  private excluded = 0;
  /** Rows given to {@link addGramRow} that had to be converted whole (its candidates could not settle them). */
  wholeGramRows = 0;
  private sumP1 = 0;
  private sumRPrecision = 0;
  private sumMapAtR = 0;
  private readonly keys: Float64Array;
  private readonly candidateValues: Float32Array;
  private readonly sorted: Float64Array;
  /** The positions 0..count) of the candidates grouped by distance bucket, as the last {@link bucketed} left them. */
  private readonly members: Int32Array;
  /** rankGramCandidates: how many candidates of the query's label have c candidates of other labels ahead of them. */
  private readonly groups: Int32Array;
  private readonly bucketStarts = new Int32Array(MAX_BUCKETS + 1);
  private readonly sample = new Float64Array(THRESHOLD_SAMPLE + 1);
  /**
   * addGramRow: its scanner (made at the first Gram row; it holds the candidates' columns and d²), the float32
   * distances of the candidates of the query's own label, and one whole row of distances for the rows it cannot
   * narrow down.
   */
  private scanner: GramRowScanner | null = null;
  private readonly ownValues: Float32Array;
  /** The buckets of the last {@link bucketed}: how many, the lowest distance and buckets per unit distance. */
  private bucketCount = 0;
  private bucketLow = 0;
  private bucketScale = 0;
  private fullRow: Float32Array | null = null;
  private readonly boundary = new Float32Array(1);
  /** Where rows are sampled: fixed pseudo-random columns (a stride could line up with a periodic label order). */
  private readonly samplePositions: Int32Array;
  /** Whether Gram rows are scanned and ranked by the WebAssembly kernel (else by JS loops, with the same result). */
  private readonly useKernel: boolean;

  /**
   * n queries labelled `labels`. Without `referenceLabels` each query ranks the other n − 1 items (leave-one-out,
   * R = the other items of its label); with them it ranks every item of a separate reference set (query against
   * reference, R = the reference items of its label), as pytorch-metric-learning's `get_accuracy(query, reference)`.
   * `useKernel` false ranks Gram rows with the JS loops the kernel stands in for.
   */
  constructor(
    n: number,
    labels: ArrayLike<number>,
    ks: number[] = [...DEFAULT_RECALL_KS],
    referenceLabels?: ArrayLike<number>,
    useKernel: boolean = kernelSupported(),
  ) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`retrievalMetrics: n must be a whole number ≥ 0, got ${n}`);
    if (labels.length !== n) throw new Error(`retrievalMetrics: ${labels.length} labels for ${n} items`);
    for (const k of ks) {
      if (!Number.isInteger(k) || k < 1) throw new Error(`retrievalMetrics: Recall@K needs whole K ≥ 1, got ${k}`);
    }
    const candidates = referenceLabels ?? labels;
    const columns = candidates.length;
    if (columns > RANK_INDEX_LIMIT)
      throw new Error(`retrievalMetrics handles at most ${RANK_INDEX_LIMIT} items, got ${columns}`);
    this.columns = columns;
    this.useKernel = useKernel;
    this.selfExcluded = referenceLabels === undefined;
    // Stryker disable next-line ArithmeticOperator: ranks past the n − 1 real candidates only reach Recall@K with K ≥ n − 1, already 1 for every scored query
    this.rowSize = Math.max(0, this.selfExcluded ? columns - 1 : columns);
    this.labels = labels;
    this.candidateLabels = candidates;
    this.ks = ks;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: Math.max() of no K is −Infinity, which max(R, ·) ignores just like 0
    this.maxK = ks.length > 0 ? Math.max(...ks) : 0;
    // Stryker disable next-line EqualityOperator: candidates[columns] is undefined, a label no query has
    for (let i = 0; i < columns; i++)
      this.sameLabelCount.set(candidates[i], (this.sameLabelCount.get(candidates[i]) ?? 0) + 1);
    // Stryker disable next-line ArrayDeclaration: a missing count reads as 0 where it is used (`?? 0`)
    this.recallHits = new Map<number, number>(ks.map((k) => [k, 0]));
    const size = this.rowSize;
    this.keys = new Float64Array(size);
    this.candidateValues = new Float32Array(size);
    this.sorted = new Float64Array(size);
    this.members = new Int32Array(size);
    this.groups = new Int32Array(size + 1);
    this.ownValues = new Float32Array(size);
    this.samplePositions =
      // Stryker disable next-line EqualityOperator: the sampled threshold only decides how many candidates are ranked, never the ranking
      size > 4 * THRESHOLD_SAMPLE
        ? // Stryker disable next-line MethodExpression,ArithmeticOperator: the sampled columns' order and number only change how many candidates a row keeps
          Int32Array.from(new Rng(SAMPLE_SEED).sampleWithoutReplacement(columns, THRESHOLD_SAMPLE + 1)).sort()
        : new Int32Array(0);
  }

  /** R of a query labelled `label`: the candidates sharing its label, itself not counted. */
  private relevantCount(label: number): number {
    const count = this.sameLabelCount.get(label) ?? 0;
    return this.selfExcluded ? Math.max(0, count - 1) : count;
  }

  /** Scores query q from its row: values[offset + j] is d(q, j) and bits[offset + j] the same float's bits. */
  addRow(q: number, values: Float32Array, bits: Uint32Array, offset: number): void {
    const { columns: n, labels } = this;
    const label = labels[q];
    const r = this.relevantCount(label);
    const depth = this.depthOrExclude(r);
    if (depth === 0) return;
    const keys = this.keys;
    const self = this.selfExcluded ? q : -1;
    const threshold = sampledThreshold(values, offset, this.rowSize, this.samplePositions, self, depth, this.sample);
    let count = 0;
    let ranked: Float64Array;
    // Stryker disable next-line ConditionalExpression: without the sampled path every candidate is ranked, with the same result
    if (threshold < Infinity) {
      const candidateValues = this.candidateValues;
      let lowest = Infinity;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: a loop that keeps no candidate leaves fewer than the depth, and the row is ranked whole
      for (let j = 0; j < n; j++) {
        const v = values[offset + j];
        // Stryker disable next-line EqualityOperator: without the values at the threshold the kept ones are all strictly nearer than the rest, so if they reach the depth they hold the depth nearest (else the row is ranked whole)
        const kept = v <= threshold;
        if (kept && j !== self) {
          keys[count] = orderedBits(bits[offset + j]) * RANK_INDEX_LIMIT + j;
          // Stryker disable next-line UpdateOperator: a count that runs backwards stays below the depth, and the row is ranked whole
          candidateValues[count++] = v;
          // Stryker disable next-line EqualityOperator: the minimum is the same whether ties replace it
          if (v < lowest) lowest = v;
        }
      }
      // Stryker disable next-line EqualityOperator,UnaryOperator: at count = depth or with a −Infinity lowest the row is ranked whole, and a bucket sort over −Infinity puts every key in one bucket sorted exactly
      ranked = count >= depth && lowest > -Infinity ? this.bucketSorted(count, lowest, threshold) : keys;
    } else {
      ranked = keys;
    }
    // Stryker disable next-line ConditionalExpression: ranking every candidate gives the same depth nearest
    if (ranked === keys) {
      // The sample misjudged (or the row holds NaN or infinite values): rank every candidate.
      count = 0;
      // Stryker disable next-line EqualityOperator: keys holds one slot per candidate, and a write past its end is dropped
      for (let j = 0; j < n; j++) if (j !== self) keys[count++] = orderedBits(bits[offset + j]) * RANK_INDEX_LIMIT + j;
      ranked = nearestKeys(keys, count, depth);
    }

    this.score(label, r, depth, ranked);
  }

  /**
   * Scores query q from a row of a Gram matrix: d²(q, j) = norms[q] + norms[j] − 2·gram[offset + j] (in doubles)
   * and the distance is Math.fround(toDistance(d²)), a non-decreasing function of d² (a clamped square root, or a
   * clamp). The ranking is exactly the one {@link addRow} gives the row of those float32 distances, but the row is
   * read once and only the candidates at or below a sampled d² are converted. The whole row is converted only when
   * the sample misjudges twice, when a value is not finite, or when the depth-th candidate's distance equals the
   * distance at the cut (a tie with a value left out could then rank first by index).
   * `norms` are the candidates' squared norms; `queryNorm` the query's (its own entry of `norms` in leave-one-out).
   * With an `order`, the row's columns (and `norms`) are the candidates in that order (see ColumnOrder).
   */
  addGramRow(
    q: number,
    gram: Float32Array,
    offset: number,
    norms: Float64Array,
    toDistance: (squared: number) => number,
    queryNorm: number = norms[q],
    order?: ColumnOrder,
  ): void {
    const { columns: n, labels } = this;
    const label = labels[q];
    const r = this.relevantCount(label);
    const depth = this.depthOrExclude(r);
    if (depth === 0) return;
    const nq = queryNorm;
    const self = this.selfExcluded ? q : -1;
    // Column c of the row holds item original[c] (identity without an order); `self` is the query's column.
    const original = order?.original;
    const selfColumn = order && self >= 0 ? order.position[self] : self;
    const scanner = (this.scanner ??= createGramRowScanner(n, this.useKernel));
    scanner.load(gram, offset, norms);
    // The row as the scanner reads it (the kernel's copy, else the Gram block itself): entry c is row[at + c].
    const { values: row, offset: at } = scanner;
    const { samplePositions, sample } = this;
    let s = 0;
    // Stryker disable next-line LogicalOperator,ConditionalExpression,EqualityOperator: the sample only sets the cut, which decides how many candidates are kept, never the ranking
    for (let t = 0; t < samplePositions.length && s < THRESHOLD_SAMPLE; t++) {
      const j = samplePositions[t];
      const c = order ? order.position[j] : j;
      // Stryker disable next-line ConditionalExpression,ArithmeticOperator: the sample only sets the cut, which decides how many candidates are kept, never the ranking
      if (j !== self) sample[s++] = nq + norms[c] - 2 * row[at + c];
    }
    // A sampled cut that turns out too low is tried once more at twice the sampled quantile.
    for (let widen = 1; widen <= 2; widen++) {
      const cut = sampleQuantile(sample, s, depth, this.rowSize, widen);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: an infinite cut keeps every candidate, and breaking out ranks the row whole: both exact
      if (!(cut < Infinity)) break;
      let others: number;
      let own: number;
      // Stryker disable next-line OptionalChaining: every ColumnOrder made here has its runs
      const run = order?.runs?.get(label);
      // Stryker disable next-line ConditionalExpression: the scan that looks each label up finds the same candidates
      if (run) {
        // The query's own label is the run [start, end); its own column (leave-one-out) is skipped by splitting there.
        const [start, end] = run;
        const skip = selfColumn >= start ? selfColumn : end;
        others = scanner.scan(0, 0, start, nq, cut, 0);
        others = scanner.scan(0, end, n, nq, cut, others);
        own = scanner.scan(1, start, skip, nq, cut, 0);
        own = scanner.scan(1, skip + 1, end, nq, cut, own);
      } else {
        const labels = this.candidateLabels;
        const [otherIndex, ownIndex] = scanner.index;
        const [otherSquared, ownSquared] = scanner.squared;
        others = 0;
        own = 0;
        // Stryker disable next-line EqualityOperator: one step past the end reads norms[n] = undefined, so v is NaN and never a candidate
        for (let c = 0; c < n; c++) {
          const v = nq + norms[c] - 2 * row[at + c];
          // Stryker disable next-line EqualityOperator: leaving out candidates exactly at the cut is safe — only those strictly below the cut's distance are counted toward the depth
          if (v <= cut && c !== selfColumn) {
            if (labels[original ? original[c] : c] === label) {
              ownIndex[own] = c;
              ownSquared[own++] = v;
            } else {
              otherIndex[others] = c;
              otherSquared[others++] = v;
            }
          }
        }
      }
      // Stryker disable next-line EqualityOperator: retrying at count = depth only widens the cut
      if (others + own < depth) continue;
      if (this.rankGramCandidates(scanner, r, depth, others, own, cut, toDistance, original)) return;
      break;
    }
    this.wholeGramRows++;
    const whole = (this.fullRow ??= new Float32Array(n));
    // Stryker disable next-line EqualityOperator: one step past the end reads norms[n] = undefined, so it writes NaN to a slot no rank reads
    for (let c = 0; c < n; c++) whole[original ? original[c] : c] = toDistance(nq + norms[c] - 2 * gram[offset + c]);
    this.addRow(q, whole, new Uint32Array(whole.buffer, whole.byteOffset, n), 0);
  }

  /**
   * Scores a row from its candidates in the scanner's lists, given by column and d² — `others` of other labels (list 0),
   * `own` of the query's label (list 1), at least `depth` together; every other item has d² > cut — or returns
   * false when that cannot be exact: fewer than `depth` of them strictly below the cut's distance (the items left out
   * have distances at or above it, so they could rank among the depth nearest). A d² past float32's range gives a
   * distance of +∞, which ranks exactly too: it is never below the cut's distance (then +∞ as well), and buckets that
   * reach +∞ have scale 0, so their candidates are all compared one by one.
   *
   * The scores need only the rank of each candidate of the query's label, not a sorted row: a candidate of the label
   * with c candidates of other labels ahead of it and k − 1 of its own label ranks k − 1 + c. So the label's
   * candidates are only counted into groups by c — found from the bucket of the others their distance falls in,
   * comparing exact keys only inside that bucket; the g-th of group c ranks after all of the earlier groups, in the
   * order of the sorted row. That is the order {@link score} adds in, so the sums are the same. The kernel scanner
   * does all of this in WebAssembly, step for step (gramScan.wat).
   */
  private rankGramCandidates(
    scanner: GramRowScanner,
    r: number,
    depth: number,
    others: number,
    own: number,
    cut: number,
    toDistance: (squared: number) => number,
    original: Int32Array | undefined,
  ): boolean {
    const scores = scanner.rankCandidates(r, depth, others, own, cut, toDistance, original);
    if (scores === false) return false;
    if (scores) {
      this.addScores(r, scores.relevant, scores.averagePrecisionSum, scores.firstRelevantRank);
      return true;
    }
    const [candidateIndex, ownIndex] = scanner.index;
    const [candidateSquared, ownSquared] = scanner.squared;
    const { candidateValues, ownValues, groups } = this;
    this.boundary[0] = toDistance(cut);
    const boundary = this.boundary[0];
    let below = 0;
    let lowest = Infinity;
    // Stryker disable next-line UnaryOperator: a highest of +Infinity puts every other-label candidate in one bucket, compared one by one
    let highest = -Infinity;
    for (let t = 0; t < others; t++) {
      const v = Math.fround(toDistance(candidateSquared[t]));
      if (v < boundary) below++;
      // Stryker disable next-line EqualityOperator: the minimum is the same whether ties replace it
      if (v < lowest) lowest = v;
      // Stryker disable next-line EqualityOperator: the maximum is the same whether ties replace it
      if (v > highest) highest = v;
      candidateValues[t] = v;
    }
    for (let t = 0; t < own; t++) {
      const v = Math.fround(toDistance(ownSquared[t]));
      if (v < boundary) below++;
      ownValues[t] = v;
    }
    if (below < depth) return false;
    // Only how many candidates of other labels lie ahead of each candidate of the label matters, not their order: they
    // are put into buckets by distance, and only the bucket an own candidate falls in is compared one by one. The
    // distances are float32 values ≥ 0 (never NaN: a NaN d² is never at or below the cut), so comparing them is the
    // keys' order, and an exact tie falls to the item index.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: bucketing no candidates leaves every own candidate with none ahead, as without it
    const members = others > 0 ? this.bucketed(others, lowest, highest) : this.members;
    const { bucketStarts: ends, bucketCount, bucketLow, bucketScale } = this;
    groups.fill(0, 0, others + 1);
    for (let t = 0; t < own; t++) {
      const v = ownValues[t];
      let ahead: number;
      if (!(v >= lowest)) ahead = 0;
      else if (v > highest) ahead = others;
      else {
        // The bucket of v, by the arithmetic bucketed() used: the others in earlier buckets are nearer, in later ones
        // farther; in the same bucket each is compared.
        const b = Math.min(bucketCount - 1, ((v - bucketLow) * bucketScale) | 0);
        // Stryker disable next-line ConditionalExpression: counting from the first bucket adds only candidates of earlier buckets, all nearer, which start already counts
        const start = b > 0 ? ends[b - 1] : 0;
        ahead = start;
        for (let i = start; i < ends[b]; i++) {
          const other = members[i];
          const u = candidateValues[other];
          if (u < v) ahead++;
          else if (u === v) {
            const c = candidateIndex[other];
            const d = ownIndex[t];
            // Stryker disable next-line EqualityOperator: item indices differ, so they are never equal
            if ((original ? original[c] : c) < (original ? original[d] : d)) ahead++;
          }
        }
      }
      groups[ahead]++;
    }
    let relevantSoFar = 0;
    let averagePrecisionSum = 0;
    let firstRelevantRank = Infinity;
    let rank = 0;
    // The candidates number at least the depth, so the ranks reach it by group `others` at the latest.
    // Stryker disable next-line EqualityOperator: at rank = depth the inner loop adds nothing and the next step ends the loop
    for (let c = 0; rank < depth; c++, rank++) {
      // Group c (its candidates rank consecutively), then the c-th candidate of another label (rank + 1 above).
      for (let end = Math.min(depth, rank + groups[c]); rank < end; rank++) {
        if (rank < r) {
          relevantSoFar++;
          averagePrecisionSum += relevantSoFar / (rank + 1);
        }
        if (firstRelevantRank === Infinity) firstRelevantRank = rank;
      }
    }
    this.addScores(r, relevantSoFar, averagePrecisionSum, firstRelevantRank);
    return true;
  }

  /**
   * How many nearest a query with R = r others of its label depends on — max(R, largest K), at most n − 1 (only
   * those positions are ranked) — or 0 after counting the query as excluded when r = 0.
   */
  private depthOrExclude(r: number): number {
    if (r > 0) return Math.min(this.rowSize, Math.max(r, this.maxK));
    this.excluded++;
    return 0;
  }

  /** P@1, R-precision, MAP@R and Recall@K of one query from its `depth` nearest keys, added to the sums. */
  private score(label: number, r: number, depth: number, ranked: Float64Array): void {
    const labels = this.candidateLabels;
    let relevantSoFar = 0;
    let averagePrecisionSum = 0;
    let firstRelevantRank = Infinity;
    // Stryker disable next-line EqualityOperator: a hit first found at rank = depth counts for no K (every K ≤ depth) and for no R-precision or MAP@R term (rank ≥ R)
    for (let rank = 0; rank < depth; rank++) {
      if (labels[(ranked[rank] >>> 0) & INDEX_MASK] !== label) continue;
      if (rank < r) {
        relevantSoFar++;
        averagePrecisionSum += relevantSoFar / (rank + 1);
      }
      if (firstRelevantRank === Infinity) firstRelevantRank = rank;
    }
    this.addScores(r, relevantSoFar, averagePrecisionSum, firstRelevantRank);
  }

  /** Adds one query's scores to the sums. */
  private addScores(r: number, relevantSoFar: number, averagePrecisionSum: number, firstRelevantRank: number): void {
    this.scored++;
    this.sumP1 += firstRelevantRank === 0 ? 1 : 0;
    this.sumRPrecision += relevantSoFar / r;
    this.sumMapAtR += averagePrecisionSum / r;
    for (const k of this.ks) if (firstRelevantRank < k) this.recallHits.set(k, (this.recallHits.get(k) ?? 0) + 1);
  }

  /**
   * keys[0..count) in ascending order, given their distances (candidateValues, all in [lo, hi], finite): grouped into
   * buckets by distance ({@link bucketed}), then insertion sort on the exact keys inside each bucket.
   */
  private bucketSorted(count: number, lo: number, hi: number): Float64Array {
    const { keys, sorted } = this;
    const members = this.bucketed(count, lo, hi);
    for (let i = 0; i < count; i++) sorted[i] = keys[members[i]];
    sortRuns(sorted, this.bucketStarts, this.bucketCount);
    return sorted;
  }

  /**
   * The positions 0..count) grouped by their distance (candidateValues, all in [lo, hi]): a counting sort into about
   * 2·count buckets, so that the buckets hold one position or none nearly always. Afterwards bucketStarts[b] is the
   * end of bucket b, and bucketCount, bucketLow and bucketScale say how a distance maps to its bucket. Inside a bucket
   * the positions keep ascending order.
   */
  private bucketed(count: number, lo: number, hi: number): Int32Array {
    const { candidateValues, members, bucketStarts } = this;
    // Stryker disable next-line MethodExpression: fewer buckets (one at least) only leave more candidates to compare one by one
    const wanted = Math.max(1, 2 * count);
    const buckets = Math.min(MAX_BUCKETS, wanted);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: any non-negative scale maps distances to buckets in order, clamped to the last; equal values share a bucket and are compared exactly
    const scale = hi > lo ? buckets / (hi - lo) : 0;
    this.bucketCount = buckets;
    this.bucketLow = lo;
    this.bucketScale = scale;
    bucketStarts.fill(0, 0, buckets + 1);
    for (let t = 0; t < count; t++) {
      const b = Math.min(buckets - 1, ((candidateValues[t] - lo) * scale) | 0);
      bucketStarts[b + 1]++;
    }
    // Stryker disable next-line EqualityOperator: one step past the last bucket adds into a slot the next row's fill clears before reading
    for (let b = 0; b < buckets; b++) bucketStarts[b + 1] += bucketStarts[b];
    for (let t = 0; t < count; t++) {
      const b = Math.min(buckets - 1, ((candidateValues[t] - lo) * scale) | 0);
      members[bucketStarts[b]++] = t;
    }
    return members;
  }

  /** The averages over every row added so far. */
  result(): RetrievalMetrics {
    const { scored } = this;
    const recallAtK: Record<number, number> = {};
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with no query scored, 0 / 0 is the same NaN
    for (const k of this.ks) recallAtK[k] = scored > 0 ? (this.recallHits.get(k) ?? 0) / scored : NaN;
    return {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: with no query scored, 0 / 0 is the same NaN
      precisionAt1: scored > 0 ? this.sumP1 / scored : NaN,
      // Stryker disable next-line ConditionalExpression,EqualityOperator: with no query scored, 0 / 0 is the same NaN
      rPrecision: scored > 0 ? this.sumRPrecision / scored : NaN,
      // Stryker disable next-line ConditionalExpression,EqualityOperator: with no query scored, 0 / 0 is the same NaN
      mapAtR: scored > 0 ? this.sumMapAtR / scored : NaN,
      recallAtK,
      queries: scored,
      excludedQueries: this.excluded,
    };
  }
}
