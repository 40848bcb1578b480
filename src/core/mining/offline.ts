/**
 * Offline mining: once per epoch, from the current embeddings of a pool of training samples (indices into the
 * training set, embeddings read back as pool×dim), pick this epoch's triplets or pairs by hardness with the
 * configured miner. When the miner finds fewer than asked, random valid ones fill the rest, and the result says
 * how many were mined and how many filled. Plain JS: the pool's distance matrix is at most a few thousand squared.
 */
import type { DistanceName, MinerName } from '../config';
import { pairwiseDistancesJs } from '../distances';
import type { Rng } from '../rng';
import {
  buildTripletIndex,
  countTripletCategories,
  mineTripletsFromIndex,
  negativeBounds,
  type TripletIndex,
} from './js';

function checkPool(
  poolEmbeddings: Float32Array,
  poolIndices: Int32Array,
  poolLabels: Int32Array,
  dim: number,
  count: number,
): number {
  const n = poolIndices.length;
  if (poolLabels.length !== n)
    throw new Error(`offline mining needs one label per pool sample, got ${poolLabels.length} labels for ${n} samples`);
  if (poolEmbeddings.length !== n * dim)
    throw new Error(`offline mining expected ${n}×${dim} pool embeddings, got ${poolEmbeddings.length} values`);
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`offline mining needs a whole, non-negative count, got ${count}`);
  return n;
}

/** Distance matrix of the pool plus, per anchor, its same-label positives and different-label negatives. */
function poolIndex(
  poolEmbeddings: Float32Array,
  poolLabels: Int32Array,
  n: number,
  dim: number,
  distance: DistanceName,
  whitening: Float32Array | undefined,
): TripletIndex {
  const D = pairwiseDistancesJs(distance, poolEmbeddings, n, dim, whitening);
  return buildTripletIndex(
    D,
    n,
    n,
    (i, j) => i !== j && poolLabels[i] === poolLabels[j],
    (i, j) => poolLabels[i] !== poolLabels[j],
  );
}

/** A random permutation of [0, length). */
function permutation(length: number, rng: Rng): Int32Array {
  return rng.shuffle(Int32Array.from({ length }, (_, i) => i));
}

/**
 * `count` triplets (anchor, positive, negative) as training-set indices, in random order. Miners as online
 * (all/hard/semi-hard/easy: uniform sample of the pool's triplets of that category; batch-hard: one per anchor of
 * the pool); "random" draws `count` random valid triplets, all counted as mined. Fill-ins are random valid triplets
 * (may repeat). `counts` are over ALL valid triplets of the pool, like tripletCategoryCounts for a batch.
 * A pool without any valid triplet (one class, or only singletons) returns empty arrays.
 */
export function offlineMineTriplets(
  poolEmbeddings: Float32Array,
  poolIndices: Int32Array,
  poolLabels: Int32Array,
  dim: number,
  distance: DistanceName,
  whitening: Float32Array | undefined,
  miner: MinerName,
  margin: number,
  count: number,
  rng: Rng,
): {
  anchor: Int32Array;
  positive: Int32Array;
  negative: Int32Array;
  mined: number;
  filled: number;
  counts: { easy: number; semiHard: number; hard: number };
} {
  const n = checkPool(poolEmbeddings, poolIndices, poolLabels, dim, count);
  const index = poolIndex(poolEmbeddings, poolLabels, n, dim, distance, whitening);
  const counts = countTripletCategories(index, margin);

  const anchors: number[] = [];
  const positives: number[] = [];
  const negatives: number[] = [];
  if (miner !== 'random') {
    for (const t of mineTripletsFromIndex(index, miner, margin, rng, count)) {
      anchors.push(t.anchor);
      positives.push(t.positive);
      negatives.push(t.negative);
    }
  }
  const mined = anchors.length;
  const usableAnchors: number[] = [];
  for (let a = 0; a < n; a++)
    if (index.positives[a].length > 0 && index.sortedNegatives[a].length > 0) usableAnchors.push(a);
  while (anchors.length < count && usableAnchors.length > 0) {
    const a = rng.pick(usableAnchors);
    anchors.push(a);
    positives.push(rng.pick(index.positives[a]));
    negatives.push(rng.pick(index.sortedNegatives[a]));
  }
  const total = anchors.length;
  const order = permutation(total, rng);
  const pick = (list: number[]) => Int32Array.from(order, (k) => poolIndices[list[k]]);
  return {
    anchor: pick(anchors),
    positive: pick(positives),
    negative: pick(negatives),
    mined: miner === 'random' ? total : mined,
    filled: miner === 'random' ? 0 : total - mined,
    counts,
  };
}

/** Pairs (a, b) of pool positions, as two parallel lists. */
interface PairList {
  a: number[];
  b: number[];
}

/**
 * The pairs a miner selects in the pool, the rule of minePairs: all — every valid pair; hard/semi-hard/easy — a
 * positive (a,p) with a negative making (a,p,n) of that category, and a negative (a,n) with such a positive;
 * batch-hard — the farthest positive and the closest negative of each anchor; random — every valid pair (sampled
 * afterwards).
 */
function minedPairs(index: TripletIndex, miner: MinerName, margin: number): { positive: PairList; negative: PairList } {
  const { n, m, D } = index;
  const positive: PairList = { a: [], b: [] };
  const negative: PairList = { a: [], b: [] };
  const m32 = Math.fround(margin);
  for (let a = 0; a < n; a++) {
    const pos = index.positives[a];
    const neg = index.sortedNegatives[a];
    const row = a * m;
    if (miner === 'all' || miner === 'random') {
      for (const p of pos) {
        positive.a.push(a);
        positive.b.push(p);
      }
      for (const q of neg) {
        negative.a.push(a);
        negative.b.push(q);
      }
      continue;
    }
    if (pos.length === 0 || neg.length === 0) continue;
    if (miner === 'batch-hard') {
      let p = pos[0];
      for (const j of pos) if (D[row + j] > D[row + p]) p = j;
      positive.a.push(a);
      positive.b.push(p);
      negative.a.push(a);
      negative.b.push(neg[0]);
      continue;
    }
    if (miner !== 'hard' && miner !== 'semi-hard' && miner !== 'easy')
      throw new Error(`unknown miner "${miner as string}"`);
    for (const p of pos) {
      const { hardEnd, semiHardEnd } = negativeBounds(index, a, D[row + p], margin);
      const size =
        miner === 'hard' ? hardEnd : miner === 'semi-hard' ? semiHardEnd - hardEnd : neg.length - semiHardEnd;
      if (size > 0) {
        positive.a.push(a);
        positive.b.push(p);
      }
    }
    // For a negative, δ falls as d(a,p) grows: over positives sorted by distance the categories are ranges too.
    const sortedPos = Int32Array.from(pos).sort((x, y) => D[row + x] - D[row + y] || x - y);
    for (const q of neg) {
      const dAN = D[row + q];
      let easyEnd = 0; // positives [0, easyEnd) make (a,p,q) easy: δ > m
      let semiEnd = 0; // [easyEnd, semiEnd) semi-hard: 0 < δ ≤ m; [semiEnd, P) hard
      let lo = 0;
      let hi = sortedPos.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (Math.fround(dAN - D[row + sortedPos[mid]]) > m32) lo = mid + 1;
        else hi = mid;
      }
      easyEnd = lo;
      hi = sortedPos.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (Math.fround(dAN - D[row + sortedPos[mid]]) > 0) lo = mid + 1;
        else hi = mid;
      }
      semiEnd = lo;
      const size = miner === 'easy' ? easyEnd : miner === 'semi-hard' ? semiEnd - easyEnd : sortedPos.length - semiEnd;
      if (size > 0) {
        negative.a.push(a);
        negative.b.push(q);
      }
    }
  }
  return { positive, negative };
}

/**
 * `count` pairs (training-set indices a, b and similar = 1/0), round(count·positiveFraction) of them positive, in
 * random order. Mined pairs follow minePairs' rule (see minedPairs); a uniform subsample is taken when the miner
 * finds more, random valid pairs of the same kind fill in when it finds fewer ("random" and "all" count every pair
 * as mined). When the pool has no pair of a kind at all (e.g. only singletons), fewer than `count` come back.
 */
export function offlineMinePairs(
  poolEmbeddings: Float32Array,
  poolIndices: Int32Array,
  poolLabels: Int32Array,
  dim: number,
  distance: DistanceName,
  whitening: Float32Array | undefined,
  miner: MinerName,
  margin: number,
  count: number,
  positiveFraction: number,
  rng: Rng,
): { a: Int32Array; b: Int32Array; similar: Float32Array; mined: number; filled: number } {
  const n = checkPool(poolEmbeddings, poolIndices, poolLabels, dim, count);
  if (!(positiveFraction >= 0 && positiveFraction <= 1))
    throw new Error(`positiveFraction must lie in [0, 1], got ${positiveFraction}`);
  const index = poolIndex(poolEmbeddings, poolLabels, n, dim, distance, whitening);
  const candidates = minedPairs(index, miner, margin);
  const wanted = { positive: Math.round(count * positiveFraction), negative: 0 };
  wanted.negative = count - wanted.positive;

  const a: number[] = [];
  const b: number[] = [];
  const similar: number[] = [];
  let mined = 0;
  for (const kind of ['positive', 'negative'] as const) {
    const list = candidates[kind];
    const take = Math.min(wanted[kind], list.a.length);
    for (const k of rng.sampleWithoutReplacement(list.a.length, take)) {
      a.push(list.a[k]);
      b.push(list.b[k]);
      similar.push(kind === 'positive' ? 1 : 0);
    }
    mined += take;
    const partners = kind === 'positive' ? index.positives : index.sortedNegatives;
    const usable: number[] = [];
    for (let i = 0; i < n; i++) if (partners[i].length > 0) usable.push(i);
    for (let k = take; k < wanted[kind] && usable.length > 0; k++) {
      const anchor = rng.pick(usable);
      a.push(anchor);
      b.push(rng.pick(partners[anchor]));
      similar.push(kind === 'positive' ? 1 : 0);
    }
  }
  const order = permutation(a.length, rng);
  return {
    a: Int32Array.from(order, (k) => poolIndices[a[k]]),
    b: Int32Array.from(order, (k) => poolIndices[b[k]]),
    similar: Float32Array.from(order, (k) => similar[k]),
    mined,
    filled: a.length - mined,
  };
}
