/**
 * Plain-JS mining over a read-back distance matrix (row-major n×m, anchors × candidates): for snapshots, slow
 * motion and offline mining. It selects exactly what the tensor miners of `online.ts` select (tested), except the
 * random miner, which draws from `Rng` instead of `tf.randomUniform`.
 *
 * For one anchor and one positive, every category is a contiguous range of the anchor's negatives sorted by
 * distance (δ = d(a,n) − d(a,p) grows with d(a,n)), so counting and sampling cost O(n·m·log m), not O(n·m²).
 */
import { type DenseMiner, isDenseMiner } from '../capabilities';
import type { MinerName } from '../config';
import type { Rng } from '../rng';

/** Category of a triplet by δ = d(a,n) − d(a,p); see docs/ARCHITECTURE.md, Definitions. */
export type TripletCategory = 'easy' | 'semi-hard' | 'hard';

/** One mined triplet, in positions of the distance matrix (anchor row, positive and negative columns). */
export interface MinedTriplet {
  anchor: number;
  positive: number;
  negative: number;
  dAP: number;
  dAN: number;
  category: TripletCategory;
  /** Hinge loss max(dAP − dAN + m, 0) of this triplet. */
  loss: number;
}

/**
 * hard δ ≤ 0, semi-hard 0 < δ ≤ m, easy δ > m. δ and m are rounded to float32 as the tensor path computes them,
 * so a triplet on a boundary lands in the same category on both paths.
 */
export function classifyTriplet(dAP: number, dAN: number, margin: number): TripletCategory {
  const delta = Math.fround(dAN - dAP);
  if (delta <= 0) return 'hard';
  return delta > Math.fround(margin) ? 'easy' : 'semi-hard';
}

/** First index in [lo, hi) where `inPrefix` is false, given it is true on a prefix of that range. */
function partitionPoint(lo: number, hi: number, inPrefix: (index: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (inPrefix(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Per anchor: its positives, and its negatives sorted by ascending distance (ties by index). */
export interface TripletIndex {
  n: number;
  m: number;
  D: Float32Array;
  positives: Int32Array[];
  sortedNegatives: Int32Array[];
}

/** Builds the per-anchor lists once; the predicates are called n·m times. */
export function buildTripletIndex(
  D: Float32Array,
  n: number,
  m: number,
  isPositive: (i: number, j: number) => boolean,
  isNegative: (i: number, j: number) => boolean,
): TripletIndex {
  if (D.length < n * m) throw new Error(`expected an ${n}×${m} distance matrix, got ${D.length} values`);
  const positives: Int32Array[] = [];
  const sortedNegatives: Int32Array[] = [];
  // Stryker disable next-line ArrayDeclaration: emptied (length = 0) at the top of every row before use
  const pos: number[] = [];
  // Stryker disable next-line ArrayDeclaration: emptied (length = 0) at the top of every row before use
  const neg: number[] = [];
  for (let a = 0; a < n; a++) {
    pos.length = 0;
    neg.length = 0;
    for (let j = 0; j < m; j++) {
      if (isPositive(a, j)) pos.push(j);
      if (isNegative(a, j)) neg.push(j);
    }
    const row = a * m;
    positives.push(Int32Array.from(pos));
    sortedNegatives.push(Int32Array.from(neg).sort((x, y) => D[row + x] - D[row + y] || x - y));
  }
  return { n, m, D, positives, sortedNegatives };
}

/**
 * Bounds within anchor a's sorted negatives for positive distance dAP: [0, hardEnd) hard, [hardEnd, semiHardEnd)
 * semi-hard, [semiHardEnd, count) easy.
 */
export function negativeBounds(
  index: TripletIndex,
  anchor: number,
  dAP: number,
  margin: number,
): { hardEnd: number; semiHardEnd: number } {
  const negatives = index.sortedNegatives[anchor];
  const row = anchor * index.m;
  const D = index.D;
  const m32 = Math.fround(margin);
  const hardEnd = partitionPoint(0, negatives.length, (k) => Math.fround(D[row + negatives[k]] - dAP) <= 0);
  const semiHardEnd = partitionPoint(hardEnd, negatives.length, (k) => Math.fround(D[row + negatives[k]] - dAP) <= m32);
  return { hardEnd, semiHardEnd };
}

/** The range of sorted negatives a dense miner takes for one (anchor, positive). */
function minerRange(
  miner: DenseMiner,
  bounds: { hardEnd: number; semiHardEnd: number },
  count: number,
): [number, number] {
  switch (miner) {
    case 'all':
      return [0, bounds.semiHardEnd];
    case 'hard':
      return [0, bounds.hardEnd];
    case 'semi-hard':
      return [bounds.hardEnd, bounds.semiHardEnd];
    case 'easy':
      return [bounds.semiHardEnd, count];
  }
}

/** Easy / semi-hard / hard counts over every valid triplet (the JS twin of tripletCategoryCounts). */
export function countTripletCategories(
  index: TripletIndex,
  margin: number,
): { easy: number; semiHard: number; hard: number } {
  let easy = 0;
  let semiHard = 0;
  let hard = 0;
  for (let a = 0; a < index.n; a++) {
    const negatives = index.sortedNegatives[a].length;
    // Stryker disable next-line ConditionalExpression: without negatives every bound is 0, so the anchor adds 0 anyway
    if (negatives === 0) continue;
    for (const p of index.positives[a]) {
      const b = negativeBounds(index, a, index.D[a * index.m + p], margin);
      hard += b.hardEnd;
      semiHard += b.semiHardEnd - b.hardEnd;
      easy += negatives - b.semiHardEnd;
    }
  }
  return { easy, semiHard, hard };
}

function makeTriplet(
  D: Float32Array,
  m: number,
  anchor: number,
  positive: number,
  negative: number,
  margin: number,
): MinedTriplet {
  const dAP = D[anchor * m + positive];
  const dAN = D[anchor * m + negative];
  return {
    anchor,
    positive,
    negative,
    dAP,
    dAN,
    category: classifyTriplet(dAP, dAN, margin),
    loss: Math.max(dAP - dAN + margin, 0),
  };
}

/** `limit` distinct ranks from [0, total), ascending (all of them when total ≤ limit). */
function chooseRanks(total: number, limit: number, rng: Rng): number[] {
  // Stryker disable next-line EqualityOperator: at total = limit the sample is every rank, sorted: the same list
  if (total <= limit) return Array.from({ length: total }, (_, i) => i);
  return rng.sampleWithoutReplacement(total, limit).sort((x, y) => x - y);
}

/** The triplets a miner picks from a prebuilt index; see {@link mineTripletsJs}. */
export function mineTripletsFromIndex(
  index: TripletIndex,
  miner: MinerName,
  margin: number,
  rng: Rng,
  limit: number,
): MinedTriplet[] {
  const { n, m, D } = index;
  const cap = Math.max(0, Math.floor(Math.min(limit, Number.MAX_SAFE_INTEGER)));
  if (miner === 'batch-hard' || miner === 'random') {
    const perAnchor: MinedTriplet[] = [];
    for (let a = 0; a < n; a++) {
      const positives = index.positives[a];
      const negatives = index.sortedNegatives[a];
      if (positives.length === 0 || negatives.length === 0) continue;
      let p: number;
      let q: number;
      if (miner === 'batch-hard') {
        // Farthest positive and closest negative, first index on ties (as tf.argMax / tf.argMin).
        p = positives[0];
        for (const j of positives) if (D[a * m + j] > D[a * m + p]) p = j;
        q = negatives[0]; // sorted by distance, then index
      } else {
        p = rng.pick(positives);
        q = rng.pick(negatives);
      }
      perAnchor.push(makeTriplet(D, m, a, p, q, margin));
    }
    return chooseRanks(perAnchor.length, cap, rng).map((r) => perAnchor[r]);
  }
  if (!isDenseMiner(miner)) throw new Error(`unknown miner "${miner as string}"`);

  // Pass 1: the range of negatives of every (anchor, positive) and a running total.
  const anchors: number[] = [];
  const positivesOf: number[] = [];
  const starts: number[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (let a = 0; a < n; a++) {
    const negatives = index.sortedNegatives[a];
    // Stryker disable next-line ConditionalExpression: without negatives every range is empty and skipped below
    if (negatives.length === 0) continue;
    for (const p of index.positives[a]) {
      const [lo, hi] = minerRange(miner, negativeBounds(index, a, D[a * m + p], margin), negatives.length);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty range adds no rank, and pass 2 walks past it
      if (hi <= lo) continue;
      anchors.push(a);
      positivesOf.push(p);
      starts.push(lo);
      total += hi - lo;
      cumulative.push(total);
    }
  }
  // Pass 2: map the chosen ranks (ascending) to triplets by walking the ranges.
  const out: MinedTriplet[] = [];
  let range = 0;
  for (const rank of chooseRanks(total, cap, rng)) {
    while (cumulative[range] <= rank) range++;
    const offset = rank - (range === 0 ? 0 : cumulative[range - 1]);
    const a = anchors[range];
    out.push(makeTriplet(D, m, a, positivesOf[range], index.sortedNegatives[a][starts[range] + offset], margin));
  }
  return out;
}

/**
 * The triplets `miner` picks from distance matrix D (row-major n×m), using boolean masks given as functions; at most
 * `limit` of them (a seeded uniform subsample, in anchor order, if more). Dense miners (all/hard/semi-hard/easy)
 * return the same set as mineTriplets' mask; batch-hard the same one triplet per anchor; random one random valid
 * triplet per anchor drawn from `rng`.
 */
export function mineTripletsJs(
  D: Float32Array,
  n: number,
  m: number,
  isPositive: (i: number, j: number) => boolean,
  isNegative: (i: number, j: number) => boolean,
  miner: MinerName,
  margin: number,
  rng: Rng,
  limit: number,
): MinedTriplet[] {
  return mineTripletsFromIndex(buildTripletIndex(D, n, m, isPositive, isNegative), miner, margin, rng, limit);
}
