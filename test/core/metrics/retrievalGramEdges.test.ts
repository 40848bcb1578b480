import { describe, expect, it } from 'vitest';
import { columnOrderByLabel } from '../../../src/core/metrics/blockedDistances';
import { clampAtZero, clampedSqrt } from '../../../src/core/metrics/gramScan';
import { RetrievalRanking, retrievalMetrics, retrievalMetricsAgainst } from '../../../src/core/metrics/retrieval';
import { Rng } from '../../../src/core/rng';
import { retrievalMetrics as oracleMetrics } from './oracle/retrievalOracle';

/**
 * Gram rows built to land on the edges of the candidate ranking: distances tied exactly with the nearest and the
 * farthest kept candidate of another label, ties that straddle the cut, and distances past float32's range. Each row
 * is written as a Gram row with chosen squared distances (d² = |q|² + |c|² − 2·G), and must rank exactly as the whole
 * row of float32 distances it implies.
 */

// The evaluation's own d²-to-distance functions: the ones the WebAssembly kernel ranks with.
const sqrtDistance = clampedSqrt;
const squaredDistance = clampAtZero;
const KS = [1, 5];

/**
 * Every query row through addGramRow, without and with the label-grouped column order, and the whole rows of float32
 * distances they imply, ranked by retrievalMetrics (leave-one-out, without `referenceLabels`) or
 * retrievalMetricsAgainst (queries against a reference). Gram rows are ranked by the WebAssembly kernel and, again,
 * by the JS loops it stands in for: both must give the same sums, bit for bit, and convert the same rows whole.
 */
function rankGramRows(
  gram: Float32Array,
  queryNorms: Float64Array,
  norms: Float64Array,
  labels: number[],
  referenceLabels: number[] | undefined,
  toDistance: (squared: number) => number,
) {
  const n = labels.length;
  const candidates = referenceLabels ?? labels;
  const m = candidates.length;
  const plain = new RetrievalRanking(n, labels, KS, referenceLabels);
  for (let q = 0; q < n; q++) plain.addGramRow(q, gram, q * m, norms, toDistance, queryNorms[q]);
  const plainLoops = new RetrievalRanking(n, labels, KS, referenceLabels, false);
  for (let q = 0; q < n; q++) plainLoops.addGramRow(q, gram, q * m, norms, toDistance, queryNorms[q]);
  const order = columnOrderByLabel(candidates);
  const grouped = new Float32Array(n * m);
  for (let q = 0; q < n; q++) for (let c = 0; c < m; c++) grouped[q * m + c] = gram[q * m + order.original[c]];
  const groupedNorms = Float64Array.from(order.original, (j) => norms[j]);
  const byLabel = new RetrievalRanking(n, labels, KS, referenceLabels);
  for (let q = 0; q < n; q++) byLabel.addGramRow(q, grouped, q * m, groupedNorms, toDistance, queryNorms[q], order);
  const byLabelLoops = new RetrievalRanking(n, labels, KS, referenceLabels, false);
  for (let q = 0; q < n; q++)
    byLabelLoops.addGramRow(q, grouped, q * m, groupedNorms, toDistance, queryNorms[q], order);
  for (const [kernel, loops] of [
    [plain, plainLoops],
    [byLabel, byLabelLoops],
  ]) {
    expect(kernel.result()).toEqual(loops.result());
    expect(kernel.wholeGramRows).toBe(loops.wholeGramRows);
  }
  const whole = new Float32Array(n * m);
  for (let q = 0; q < n; q++)
    for (let c = 0; c < m; c++) whole[q * m + c] = toDistance(queryNorms[q] + norms[c] - 2 * gram[q * m + c]);
  const viaRows = referenceLabels
    ? retrievalMetricsAgainst(whole, labels, referenceLabels, KS)
    : retrievalMetrics(whole, n, labels, KS);
  return { plain, byLabel, whole, viaRows };
}

describe('candidates tied with the nearest and the farthest kept candidate of another label', () => {
  // 600 references of labels 5 and 2 (so the label-grouped order puts the query's label second). In every row,
  // references 0–159 lie at distance 1, those of label 5 (0, 2, …, 18 and 158) among ones of label 2; references
  // 160–449, all of label 5, at distances √4 … √293; the last 150, of label 2, at 100. R = depth = 301, so the cut
  // falls among the 290 and the kept candidates of label 2 are exactly the 149 at distance 1: their nearest and
  // farthest distance both equal the distance of eleven candidates of label 5, whose places among them only their
  // index decides (reference 158 comes last but one). Every row is the same, so a count left from the row before
  // would show.
  const m = 600;
  const ownAtOne = new Set([...Array.from({ length: 10 }, (_, i) => 2 * i), 158]);
  const referenceLabels = Array.from({ length: m }, (_, c) => (c < 160 ? (ownAtOne.has(c) ? 5 : 2) : c < 450 ? 5 : 2));
  const squared = Array.from({ length: m }, (_, c) => (c < 160 ? 1 : c < 450 ? 4 + (c - 160) : 10_000));

  it('ranks each such candidate after exactly the other-label candidates of lower index', () => {
    const labels = [5, 5, 5];
    // Norms 0, G = −d²/2 (exact in float32): d² is the chosen value.
    const gram = new Float32Array(labels.length * m);
    for (let q = 0; q < labels.length; q++) for (let c = 0; c < m; c++) gram[q * m + c] = -squared[c] / 2;
    const { plain, byLabel, viaRows } = rankGramRows(
      gram,
      new Float64Array(labels.length),
      new Float64Array(m),
      labels,
      referenceLabels,
      sqrtDistance,
    );
    // By hand: the distances never decrease with the index, so the ranking is the index order. R = 301.
    const r = referenceLabels.filter((l) => l === 5).length;
    let ap = 0;
    let hits = 0;
    for (let rank = 0; rank < r; rank++) if (referenceLabels[rank] === 5) ap += ++hits / (rank + 1);
    expect(r).toBe(301);
    expect(viaRows).toMatchObject({ precisionAt1: 1, rPrecision: hits / r, recallAtK: { 1: 1, 5: 1 }, queries: 3 });
    expect(viaRows.mapAtR).toBeCloseTo(ap / r, 12);
    expect(plain.result()).toEqual(viaRows);
    expect(byLabel.result()).toEqual(viaRows);
    // The rows were ranked from their candidates, not converted whole: the case above is the one exercised.
    expect(plain.wholeGramRows).toBe(0);
    expect(byLabel.wholeGramRows).toBe(0);
  });
});

describe('ties that straddle the cut', () => {
  // d²(q, j) = |q|² + |j|² with |j|² = 1 + (a different amount below 10⁻⁹ for each j): every distance rounds to the
  // same float32 √2, so whole rows rank by index, while the cut on d² keeps candidates in no index order. A few
  // chosen pairs per row are nearer (G = ½, distance 1). Only candidates strictly below the cut's distance may count
  // toward the depth — those tied with it could be outranked, by index, by items the cut left out.
  function straddling(seed: number, classes: number, nearer: number) {
    const rng = new Rng(seed);
    const n = 600;
    const labels = Array.from({ length: n }, () => rng.int(classes));
    const norms = Float64Array.from({ length: n }, () => 1 + rng.next() * 1e-9);
    const gram = new Float32Array(n * n);
    for (let q = 0; q < n; q++) {
      for (let t = 0; t < nearer; t++) {
        const j = rng.int(n);
        // Nearer pairs of other labels only, so a row's depth is reached only together with ties at the cut.
        if (j !== q && labels[j] !== labels[q]) gram[q * n + j] = 0.5;
      }
    }
    return { labels, ...rankGramRows(gram, norms, norms, labels, undefined, sqrtDistance) };
  }

  it('does not count other-label candidates tied with the cut, even when they alone reach the depth', () => {
    // 100 classes: R ≈ 5, so the ~19 candidates the cut keeps are mostly of other labels, all tied with it.
    const { labels, plain, byLabel, whole, viaRows } = straddling(31, 100, 0);
    expect(plain.result()).toEqual(viaRows);
    expect(byLabel.result()).toEqual(viaRows);
    expect(viaRows).toEqual(oracleMetrics(whole, labels.length, labels, KS));
    expect(plain.wholeGramRows).toBe(labels.length);
  });

  it('does not count own-label candidates tied with the cut toward a depth the nearer ones almost reach', () => {
    // 20 classes (R ≈ 30): about 28 nearer pairs of other labels per row, so two or more tied candidates of the
    // query's label would complete the depth if they counted.
    const { labels, plain, byLabel, whole, viaRows } = straddling(32, 20, 30);
    expect(plain.result()).toEqual(viaRows);
    expect(byLabel.result()).toEqual(viaRows);
    expect(viaRows).toEqual(oracleMetrics(whole, labels.length, labels, KS));
  });
});

describe('distances past float32 range', () => {
  it('ranks candidates whose d² is finite but whose float32 distance is +∞ exactly, without converting rows whole', () => {
    // 600 references, every fourth of label 5: those at d² 1 … 150; of label 2, the first 10 at d² 0.5 … 9.5 and
    // 440 whose d² (finite in doubles) gives a float32 distance of +∞. R = 150, so the cut lies among the 440 and
    // keeps some of them.
    const m = 600;
    const referenceLabels = Array.from({ length: m }, (_, c) => (c % 4 === 1 ? 5 : 2));
    for (const [toDistance, big] of [
      [squaredDistance, 1e39],
      [sqrtDistance, 1e78],
    ] as const) {
      let own = 0;
      let near = 0;
      const norms = Float64Array.from(referenceLabels, (label, c) => {
        if (label === 5) return ++own;
        if (near < 10) return 0.5 + near++;
        return big * (1 + c / m);
      });
      const labels = [5, 5];
      const { plain, byLabel, whole, viaRows } = rankGramRows(
        new Float32Array(labels.length * m),
        new Float64Array(labels.length),
        norms,
        labels,
        referenceLabels,
        toDistance,
      );
      expect(whole.filter((v) => v === Infinity).length).toBe(2 * 440);
      expect(viaRows.queries).toBe(2);
      expect(plain.result()).toEqual(viaRows);
      expect(byLabel.result()).toEqual(viaRows);
      expect(plain.wholeGramRows).toBe(0);
      expect(byLabel.wholeGramRows).toBe(0);
    }
  });
});

describe('squared distances of points that coincide', () => {
  it('clamps a d² rounded below zero to 0, so such candidates tie with the exact zeros and rank by index', () => {
    // 600 references at d² 0 from the query: norms 0, and G = 0 for even references, a tiny positive G (d² = −2G < 0
    // after rounding) for odd ones. Squared distance clamps every one to 0: one big tie, ranked by index. Unclamped,
    // the odd references would all rank first.
    const m = 600;
    const referenceLabels = Array.from({ length: m }, (_, c) => (c % 3 === 0 ? 5 : 2));
    const labels = [5, 2, 5];
    const gram = new Float32Array(labels.length * m);
    for (let q = 0; q < labels.length; q++) for (let c = 1; c < m; c += 2) gram[q * m + c] = 1e-7;
    const { plain, byLabel, whole, viaRows } = rankGramRows(
      gram,
      new Float64Array(labels.length),
      new Float64Array(m),
      labels,
      referenceLabels,
      squaredDistance,
    );
    expect(whole.every((v) => v === 0)).toBe(true);
    // By index: reference 0 (label 5) is every query's nearest; 67 of the first 200 are of label 5, 266 of the
    // first 400 of label 2.
    expect(viaRows).toMatchObject({ precisionAt1: 2 / 3, queries: 3 });
    expect(viaRows.rPrecision).toBeCloseTo((2 * 67) / 200 / 3 + 266 / 400 / 3, 12);
    expect(plain.result()).toEqual(viaRows);
    expect(byLabel.result()).toEqual(viaRows);
  });
});

describe('rows with more kept candidates of other labels than there are buckets', () => {
  it('ranks rows that keep over 2,048 candidates of other labels (the most buckets, 4,096, are all in use)', () => {
    // 8,000 references, half of the query's label, at seeded random d² with many exact ties (whole numbers): R = 4,000,
    // so the cut keeps about 60% of each row, some 2,400 candidates of the other label.
    const rng = new Rng(41);
    const m = 8000;
    const referenceLabels = Array.from({ length: m }, () => rng.int(2));
    const labels = [0, 1, 0];
    const gram = new Float32Array(labels.length * m);
    for (let t = 0; t < gram.length; t++) gram[t] = -rng.int(5000) / 2;
    const { plain, byLabel, whole, viaRows } = rankGramRows(
      gram,
      new Float64Array(labels.length),
      new Float64Array(m),
      labels,
      referenceLabels,
      sqrtDistance,
    );
    expect(whole.length).toBe(3 * m);
    expect(viaRows.queries).toBe(3);
    expect(plain.result()).toEqual(viaRows);
    expect(byLabel.result()).toEqual(viaRows);
    expect(plain.wholeGramRows).toBe(0);
  });
});
