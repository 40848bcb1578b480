/**
 * The key and selection helpers of RetrievalRanking (retrieval.ts): sampled cuts, order-preserving keys of float32
 * distances, and the selection of the nearest keys of a whole row.
 */

/** Row values sampled to pick a threshold a little above the depth-th smallest distance. */
export const THRESHOLD_SAMPLE = 128;

/**
 * A distance at or above the `depth`-th smallest of the row at `offset` (q excluded) in most rows, from the values
 * at `positions`; Infinity when there is no sample (small rows), the depth is too large to estimate, or a sampled
 * value is not finite. The caller then ranks every candidate, and also when fewer than `depth` values turn out to
 * lie at or below the threshold. It only decides how much work ranking does, never the result.
 */
// Stryker disable all: the sampled cut only decides how many candidates a row ranks — any value, NaN and ±Infinity included, gives the same ranking (a cut that keeps too few falls back to ranking every candidate)
export function sampledThreshold(
  values: Float32Array,
  offset: number,
  rowSize: number,
  positions: Int32Array,
  q: number,
  depth: number,
  sample: Float64Array,
): number {
  let s = 0;
  for (let t = 0; t < positions.length && s < THRESHOLD_SAMPLE; t++) {
    const j = positions[t];
    if (j !== q) sample[s++] = values[offset + j];
  }
  return sampleQuantile(sample, s, depth, rowSize, 1);
}

/**
 * The quantile of sample[0..s) at `widen` × 1.25× the fraction depth / rowSize (the candidates), plus two values — above the
 * depth-th smallest of the whole row in most rows. Reorders the sample (a later call with a larger `widen` still
 * works: quickselect only permutes). Infinity when there is no sample, the quantile is past the sample's end, or a
 * sampled value is not finite (NaN or ±Infinity somewhere: rank everything).
 */
export function sampleQuantile(sample: Float64Array, s: number, depth: number, rowSize: number, widen: number): number {
  if (s === 0) return Infinity;
  const want = Math.ceil((depth / rowSize) * s * 1.25 * widen) + 2;
  if (want >= s) return Infinity;
  for (let t = 0; t < s; t++) if (!(sample[t] < Infinity && sample[t] > -Infinity)) return Infinity;
  const sampled = sample.subarray(0, s);
  selectKth(sampled, want);
  return sampled[want];
}
// Stryker restore all

/**
 * The float32 whose bits are `b`, as an unsigned integer in the same order as the float values (NaN ranks with
 * +Infinity, last; −0 equals +0). 32 bits × 2^21 stays below 2^53, so the packed keys are exact doubles.
 */
export function orderedBits(b: number): number {
  if ((b & 0x7fffffff) > 0x7f800000)
    b = 0x7f800000; // NaN → +Infinity
  else if (b === 0x80000000) b = 0; // −0 → +0
  return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
}

/**
 * The `depth` smallest of `keys[0..m)` in ascending order: quickselect puts them first (linear time), then the
 * built-in typed-array sort orders only those — far cheaper than sorting the whole row for every query. When m is
 * at most twice the depth, one sort of all m is cheaper than the select.
 */
export function nearestKeys(keys: Float64Array, m: number, depth: number): Float64Array {
  // Stryker disable next-line ConditionalExpression: without it a depth of 0 still returns no keys (an empty subarray of the sorted or selected row)
  if (depth === 0) return keys.subarray(0, 0);
  const work = keys.subarray(0, m);
  // A candidate set barely larger than needed (the sampled threshold's usual case) is cheaper to sort whole.
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: both branches give the depth smallest keys in order; the test only picks the cheaper
  if (m <= 2 * depth) return work.sort().subarray(0, depth);
  selectKth(work, depth - 1);
  return work.subarray(0, depth).sort();
}

/**
 * Reorders `values` (no NaN; repeats allowed) so that the k smallest come first and values[k] is the k-th smallest
 * (0-based): Hoare quickselect with a median-of-three pivot (deterministic, safe on sorted input).
 */
function selectKth(values: Float64Array, k: number): void {
  let lo = 0;
  let hi = values.length - 1;
  // Stryker disable next-line EqualityOperator: a pass over a single value (lo = hi) swaps it with itself and moves on
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const a = values[lo];
    const b = values[mid];
    const c = values[hi];
    // Stryker disable next-line ConditionalExpression,EqualityOperator,MethodExpression: every form picks one of a, b, c, and any value of the range is a valid pivot (only the speed depends on it)
    const pivot = a < b ? (b < c ? b : Math.max(a, c)) : a < c ? a : Math.max(b, c);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const tmp = values[i];
        values[i] = values[j];
        values[j] = tmp;
        i++;
        j--;
      }
    }
    // Stryker disable next-line EqualityOperator: stopping at k = j leaves positions 0..k holding the k + 1 smallest (all that nearestKeys needs; sampleQuantile's cut only decides speed)
    if (k <= j) hi = j;
    // Stryker disable next-line ConditionalExpression: k between j and i sits on the pivot, already in place; moving lo past it only ends the loop later
    else if (k >= i) lo = i;
    else return;
  }
}
