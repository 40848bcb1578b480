import { describe, expect, it } from 'vitest';
import { RetrievalRanking, retrievalMetrics, retrievalMetricsAgainst } from '../../../src/core/metrics/retrieval';
import { Rng } from '../../../src/core/rng';
import { retrievalMetrics as oracleMetrics } from './oracle/retrievalOracle';

/**
 * The edges of the retrieval rules that the brute-force comparisons do not reach: empty sets, the signed zero and
 * −∞ in the tie rule, the largest supported set, and the wording of the errors. Expected values are worked by hand.
 */

const NAN_METRICS = { precisionAt1: NaN, rPrecision: NaN, mapAtR: NaN, queries: 0 };

describe('empty sets', () => {
  it('scores nothing, without failing, when there are no items at all', () => {
    const m = retrievalMetrics(new Float32Array(0), 0, []);
    expect(m).toMatchObject({ ...NAN_METRICS, excludedQueries: 0 });
    expect(m.recallAtK).toEqual({ 1: NaN, 5: NaN, 10: NaN });
  });

  it('excludes every query when the reference set is empty', () => {
    const m = retrievalMetricsAgainst(new Float32Array(0), [0, 1], [], [1]);
    expect(m).toMatchObject({ ...NAN_METRICS, excludedQueries: 2 });
    expect(m.recallAtK).toEqual({ 1: NaN });
  });

  it('reports no Recall@K when no K is asked for, and still ranks for R-precision and MAP@R', () => {
    // x = [0, 1, 3], labels A A B. q0 (R 1): 1 (A) → all 1. q1 (R 1): 0 (A) → all 1. q2 excluded.
    const x = [0, 1, 3];
    const d = Float32Array.from({ length: 9 }, (_, t) => Math.abs(x[Math.floor(t / 3)] - x[t % 3]));
    expect(retrievalMetrics(d, 3, [0, 0, 1], [])).toEqual({
      precisionAt1: 1,
      rPrecision: 1,
      mapAtR: 1,
      recallAtK: {},
      queries: 2,
      excludedQueries: 1,
    });
  });
});

describe('the tie rule on signed and infinite distances', () => {
  it('treats −0 as equal to +0, so the lower index ranks first', () => {
    // The query sees reference 0 (another label) at +0 and reference 1 (its label) at −0: a tie, reference 0 first →
    // P@1 0, and the hit comes second → Recall@2 1.
    const m = retrievalMetricsAgainst(Float32Array.of(0, -0), [7], [8, 7], [1, 2]);
    expect(m).toMatchObject({ precisionAt1: 0, rPrecision: 0, mapAtR: 0, recallAtK: { 1: 0, 2: 1 } });
    // The other way round: the same-label item at +0 with the lower index ranks first.
    const swapped = retrievalMetricsAgainst(Float32Array.of(-0, 0, 1), [7], [8, 7, 9], [1]);
    expect(swapped).toMatchObject({ precisionAt1: 0, recallAtK: { 1: 0 } });
    const first = retrievalMetricsAgainst(Float32Array.of(0, -0, 1), [7], [7, 8, 9], [1]);
    expect(first).toMatchObject({ precisionAt1: 1, recallAtK: { 1: 1 } });
  });

  it('ranks −∞ first and +∞ and NaN last, in index order among themselves', () => {
    // References labelled 8 7 8 7: distances 1, NaN, −∞, +∞ → order 2 (8), 0 (8), 1 (7, NaN ≙ +∞), 3 (7, +∞).
    const m = retrievalMetricsAgainst(Float32Array.of(1, NaN, -Infinity, Infinity), [7], [8, 7, 8, 7], [1, 2, 3]);
    // R = 2, hits at ranks 3 and 4: P@1 0, RP 0, MAP@R 0; Recall@3 1.
    expect(m).toMatchObject({ precisionAt1: 0, rPrecision: 0, mapAtR: 0, recallAtK: { 1: 0, 2: 0, 3: 1 } });
    // A −∞ of the query's own label ranks before a finite one of another label.
    const own = retrievalMetricsAgainst(Float32Array.of(0.5, -Infinity), [7], [8, 7], [1]);
    expect(own.precisionAt1).toBe(1);
  });
});

describe('the largest supported set', () => {
  it('accepts 2^21 candidates and refuses one more, naming the limit', () => {
    const limit = 2 ** 21;
    const most = new RetrievalRanking(0, [], [1], new Int32Array(limit));
    expect(most.result()).toMatchObject({ queries: 0, excludedQueries: 0 });
    expect(() => new RetrievalRanking(0, [], [1], new Int32Array(limit + 1))).toThrow(
      `retrievalMetrics handles at most ${limit} items, got ${limit + 1}`,
    );
  });
});

describe('errors', () => {
  it('refuses a count of items that is negative or fractional, with the count', () => {
    expect(() => retrievalMetrics(new Float32Array(1), -1, [])).toThrow(
      'retrievalMetrics: n must be a whole number ≥ 0, got -1',
    );
    expect(() => retrievalMetrics(new Float32Array(4), 2.5, [0, 0])).toThrow(
      'retrievalMetrics: n must be a whole number ≥ 0, got 2.5',
    );
    expect(() => new RetrievalRanking(-1, [])).toThrow('retrievalMetrics: n must be a whole number ≥ 0, got -1');
    expect(() => new RetrievalRanking(1.5, [0])).toThrow('retrievalMetrics: n must be a whole number ≥ 0, got 1.5');
  });

  it('names the shapes that do not fit', () => {
    expect(() => retrievalMetrics(new Float32Array(8), 3, [0, 0, 1])).toThrow(
      'retrievalMetrics: expected an 3×3 distance matrix (9 values), got 8',
    );
    expect(() => retrievalMetricsAgainst(new Float32Array(5), [0, 1], [0, 1, 1])).toThrow(
      'retrievalMetricsAgainst: expected an 2×3 distance matrix (6 values), got 5',
    );
    expect(() => new RetrievalRanking(2, [0])).toThrow('retrievalMetrics: 1 labels for 2 items');
    for (const k of [0, 1.5])
      expect(() => retrievalMetrics(new Float32Array(4), 2, [0, 0], [k])).toThrow(
        `retrievalMetrics: Recall@K needs whole K ≥ 1, got ${k}`,
      );
  });
});

describe('defaults and several queries against a reference', () => {
  it('reports Recall@1, @5 and @10 when no K is given, on every entry point', () => {
    const against = retrievalMetricsAgainst(Float32Array.of(1, 2), [0], [0, 1]);
    expect(Object.keys(against.recallAtK)).toEqual(['1', '5', '10']);
    const ranking = new RetrievalRanking(2, [0, 0]);
    ranking.addRow(0, Float32Array.of(0, 1), new Uint32Array(2), 0);
    expect(Object.keys(ranking.result().recallAtK)).toEqual(['1', '5', '10']);
  });

  it('reads row q of the query × reference matrix for query q', () => {
    // Query 0 (label 7) is nearest to reference 0 (label 7); query 1 (label 8) to reference 1 (label 8).
    const d = Float32Array.of(1, 5, 5, 1);
    expect(retrievalMetricsAgainst(d, [7, 8], [7, 8], [1]).precisionAt1).toBe(1);
    // The same matrix with the labels of the queries swapped: every nearest item has the other label.
    expect(retrievalMetricsAgainst(d, [8, 7], [7, 8], [1]).precisionAt1).toBe(0);
  });

  it('ranks NaN together with +∞ (by index) and a NaN with its sign bit set last as well', () => {
    // Reference 0 is NaN (the query's label), reference 1 is +∞: a tie, the lower index first → P@1 1.
    expect(retrievalMetricsAgainst(Float32Array.of(NaN, Infinity), [7], [7, 8], [1]).precisionAt1).toBe(1);
    // A negative NaN (sign bit set) still ranks last, behind a finite distance of another label.
    const negativeNaN = new Float32Array(new Uint32Array([0xffc00000, 0]).buffer);
    negativeNaN[1] = 3;
    expect(retrievalMetricsAgainst(negativeNaN, [7], [7, 8], [1]).precisionAt1).toBe(0);
    expect(retrievalMetricsAgainst(negativeNaN, [7], [7, 8], [2]).recallAtK[2]).toBe(1);
  });
});

describe('rows with thousands of candidates', () => {
  it('ranks rows whose candidates fill every bucket (over 2,048 of them) like the whole-matrix oracle', () => {
    // Two labels mixed at random: a query's R ≈ 2,100 nearest are about half the row, so its candidates run to
    // ~2,600 and the bucket sort uses its largest number of buckets.
    const n = 4200;
    const rng = new Rng(31);
    const labels = Array.from({ length: n }, () => rng.int(2));
    const distances = Float32Array.from({ length: n * n }, () => rng.next());
    expect(retrievalMetrics(distances, n, labels)).toEqual(oracleMetrics(distances, n, labels));
  });
});

describe('rows long enough for the sampled threshold, with only the nearest one needed', () => {
  it('never counts the query itself, even when a depth of 1 would be filled by it', () => {
    // Pairs of items (R = 1) and only Recall@1: the depth is 1, and the query's own distance (0) is always at or below
    // the sampled threshold.
    const rng = new Rng(12);
    const n = 600;
    const labels = Array.from({ length: n }, (_, i) => i >> 1);
    const d = Float32Array.from({ length: n * n }, (_, t) => (t % (n + 1) === 0 ? 0 : rng.next()));
    const m = retrievalMetrics(d, n, labels, [1]);
    expect(m).toEqual(oracleMetrics(d, n, labels, [1]));
    expect(m.precisionAt1).toBeLessThan(0.1); // random distances: the one other item of the label is rarely nearest
  });
});
