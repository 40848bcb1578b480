/**
 * The seeded balanced sample of held-out pairs behind the verification figures (ROC, AUC, threshold, pair accuracy):
 * pair keys i·n + j (i < j), drawn without ever listing all n² pairs when there are many.
 */
import type { Rng } from '../rng';
import { sortRuns } from './sortRuns';

/**
 * Flat indices i·n + j (i < j) of a balanced pair sample: per kind, every pair when there are at most `perKind`,
 * else `perKind` distinct pairs drawn uniformly. Sorted, so the result does not depend on draw order.
 */
export function samplePairs(
  n: number,
  labels: ArrayLike<number>,
  perKind: number,
  rng: Rng,
): { positives: ArrayLike<number>; negatives: ArrayLike<number>; similarTotal: number; dissimilarTotal: number } {
  const classSizes = new Map<number, number>();
  // Stryker disable next-line EqualityOperator: labels[n] is undefined, a class of one that adds no pair
  for (let i = 0; i < n; i++) classSizes.set(labels[i], (classSizes.get(labels[i]) ?? 0) + 1);
  let positiveTotal = 0;
  for (const size of classSizes.values()) positiveTotal += (size * (size - 1)) / 2;
  const negativeTotal = (n * (n - 1)) / 2 - positiveTotal;

  const enumerate = (wantSimilar: boolean): number[] => {
    const keys: number[] = [];
    if (wantSimilar) {
      // Through each class's members, in the same ascending order, without visiting the n² pairs.
      const members = membersByLabel(n, labels);
      for (let i = 0; i < n; i++) {
        const same = members.get(labels[i])!;
        for (const j of same) if (j > i) keys.push(i * n + j);
      }
      return keys;
    }
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (labels[i] !== labels[j]) keys.push(i * n + j);
    return keys;
  };
  const draw = (wantSimilar: boolean, total: number): ArrayLike<number> => {
    // Stryker disable next-line EqualityOperator: at total = perKind the other path draws a permutation of every pair, sorted into the same list
    if (total <= perKind) return enumerate(wantSimilar);
    // Not much more than needed: draw from the full list. Otherwise draw random pairs, keep those of the wanted
    // kind and drop repeats (few repeats, since the kind has over 4× the pairs needed).
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BlockStatement: both paths draw perKind distinct pairs uniformly; the bound only picks the cheaper
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
      const members = membersByLabel(n, labels);
      let largest = 0;
      for (const list of members.values()) largest = Math.max(largest, list.length);
      while (chosen.size < perKind) {
        const a = rng.int(n);
        const same = members.get(labels[a])!;
        if (same.length < 2 || rng.next() * (largest - 1) >= same.length - 1) continue;
        let b = same[rng.int(same.length - 1)];
        if (b === a) b = same[same.length - 1];
        // Stryker disable next-line EqualityOperator: b is never a (the anchor is replaced by the last member), so a = b never happens
        chosen.add(a < b ? a * n + b : b * n + a);
      }
      return sortPairKeys(chosen.values(), n);
    }
    while (chosen.size < perKind) {
      const a = rng.int(n);
      let b = rng.int(n - 1);
      if (b >= a) b++;
      if (labels[a] === labels[b]) continue;
      // Stryker disable next-line EqualityOperator: b is never a (it skips over a), so a = b never happens
      chosen.add(a < b ? a * n + b : b * n + a);
    }
    return sortPairKeys(chosen.values(), n);
  };
  return {
    positives: draw(true, positiveTotal),
    negatives: draw(false, negativeTotal),
    similarTotal: positiveTotal,
    dissimilarTotal: negativeTotal,
  };
}

/**
 * A set of whole numbers in [0, 2^53) with ascending read-out: open addressing in one Float64Array, several times
 * cheaper than a Set for the tens of thousands of pair keys a sample draws.
 */
export class KeySet {
  private readonly table: Float64Array;
  private readonly mask: number;
  size = 0;

  /** Room for `capacity` keys (the table is kept at most half full). */
  constructor(capacity: number) {
    let slots = 16;
    // Stryker disable next-line EqualityOperator: a table twice as large only makes collisions rarer
    while (slots < 2 * capacity) slots *= 2;
    this.table = new Float64Array(slots).fill(-1);
    this.mask = slots - 1;
  }

  add(key: number): void {
    const { table, mask } = this;
    // Mix both 32-bit halves of the key (ToInt32 keeps the low half of a large key).
    // Stryker disable next-line ArithmeticOperator: only the hash's spread changes; probing finds every key whatever slot it starts at
    let slot = (Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b)) & mask;
    while (table[slot] !== -1) {
      if (table[slot] === key) return;
      // Stryker disable next-line ArithmeticOperator: probing backwards (−1 & mask wraps to the end) visits every slot as well
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
    // Stryker disable next-line EqualityOperator: table[table.length] is undefined, and out[size] lies past the typed array's end, where a write is ignored
    for (let slot = 0; slot < table.length; slot++) if (table[slot] !== -1) out[i++] = table[slot];
    return out;
  }
}

/**
 * Pair keys i·n + j in ascending order: counted into rows by i, then each row's few keys ordered by insertion —
 * linear time, where a comparison sort of tens of thousands of keys costs several times more.
 */
export function sortPairKeys(keys: Float64Array, n: number): Float64Array {
  // Stryker disable next-line ArithmeticOperator: keys have i ≤ n − 2 (i < j ≤ n − 1), so the slots dropped from the end are never read
  const rowStarts = new Int32Array(n + 1);
  // Stryker disable next-line EqualityOperator: keys[keys.length] is undefined, so the extra step counts into rowStarts[NaN], which a typed array ignores
  for (let t = 0; t < keys.length; t++) rowStarts[Math.floor(keys[t] / n) + 1]++;
  // Stryker disable next-line EqualityOperator: rowStarts[n + 1] is past the typed array's end, where a write is ignored
  for (let i = 0; i < n; i++) rowStarts[i + 1] += rowStarts[i];
  const out = new Float64Array(keys.length);
  // Stryker disable next-line EqualityOperator: keys[keys.length] is undefined, so the extra step writes out[NaN], which a typed array ignores
  for (let t = 0; t < keys.length; t++) out[rowStarts[Math.floor(keys[t] / n)]++] = keys[t];
  // rowStarts[i] is now the end of row i.
  sortRuns(out, rowStarts, n);
  return out;
}

/** Each label's items, in ascending order. */
function membersByLabel(n: number, labels: ArrayLike<number>): Map<number, number[]> {
  const members = new Map<number, number[]>();
  // Stryker disable next-line EqualityOperator: labels[n] is undefined, a list of one under a key no caller asks for
  for (let i = 0; i < n; i++) {
    const list = members.get(labels[i]);
    if (list) list.push(i);
    else members.set(labels[i], [i]);
  }
  return members;
}
