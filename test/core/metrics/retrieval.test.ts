import { describe, expect, it } from 'vitest';
import { columnOrderByLabel } from '../../../src/core/metrics/blockedDistances';
import { clampAtZero, clampedSqrt } from '../../../src/core/metrics/gramScan';
import { RetrievalRanking, retrievalMetrics } from '../../../src/core/metrics/retrieval';
import { Rng } from '../../../src/core/rng';

/** Plain reference straight from the definitions: full sort of the other items by (distance, index). */
function referenceMetrics(distances: Float32Array, n: number, labels: number[], ks: number[]) {
  let p1 = 0;
  let rPrecision = 0;
  let mapAtR = 0;
  let queries = 0;
  let excluded = 0;
  const recallHits = ks.map(() => 0);
  for (let q = 0; q < n; q++) {
    const others = [...Array(n).keys()].filter((j) => j !== q);
    const r = others.filter((j) => labels[j] === labels[q]).length;
    if (r === 0) {
      excluded++;
      continue;
    }
    queries++;
    others.sort((a, b) => distances[q * n + a] - distances[q * n + b] || a - b);
    const rel = others.map((j) => (labels[j] === labels[q] ? 1 : 0));
    p1 += rel[0];
    rPrecision += rel.slice(0, r).reduce((s: number, x) => s + x, 0) / r;
    let ap = 0;
    for (let i = 1; i <= r; i++) {
      const precisionAtI = rel.slice(0, i).reduce((s: number, x) => s + x, 0) / i;
      ap += precisionAtI * rel[i - 1];
    }
    mapAtR += ap / r;
    ks.forEach((k, t) => {
      if (rel.slice(0, k).some((x) => x === 1)) recallHits[t]++;
    });
  }
  return {
    precisionAt1: p1 / queries,
    rPrecision: rPrecision / queries,
    mapAtR: mapAtR / queries,
    recallAtK: Object.fromEntries(ks.map((k, t) => [k, recallHits[t] / queries])),
    queries,
    excludedQueries: excluded,
  };
}

function matrixFrom(n: number, distance: (i: number, j: number) => number): Float32Array {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = i === j ? 0 : distance(i, j);
  return m;
}

function expectMatches(
  actual: ReturnType<typeof retrievalMetrics>,
  expected: ReturnType<typeof referenceMetrics>,
): void {
  expect(actual.queries).toBe(expected.queries);
  expect(actual.excludedQueries).toBe(expected.excludedQueries);
  expect(actual.precisionAt1).toBeCloseTo(expected.precisionAt1, 12);
  expect(actual.rPrecision).toBeCloseTo(expected.rPrecision, 12);
  expect(actual.mapAtR).toBeCloseTo(expected.mapAtR, 12);
  for (const k of Object.keys(expected.recallAtK))
    expect(actual.recallAtK[Number(k)]).toBeCloseTo(expected.recallAtK[k], 12);
}

describe('retrievalMetrics', () => {
  it('matches a hand-worked 6-point example with a tie and a singleton class', () => {
    // 1-D points x = [0, 2, 1, 4, 10, 11], labels [0, 0, 1, 1, 0, 2], distance |xi − xj|.
    // q0 (R=2): ranking 2(1) 1(2) 3(4) 4(10) 5(11) → rel 0 1 0 1 0: P@1 0, RP 1/2, MAP@R (0 + 1/2)/2 = 1/4
    // q1 (R=2): 2(1), then 0 and 3 tie at 2 → index order 0 before 3: rel 0 1 0 1 0: P@1 0, RP 1/2, MAP 1/4
    // q2 (R=1): 0(1) 1(1) 3(3) → rel 0 0 1: all 0; first hit at rank 3
    // q3 (R=1): 1(2) 2(3) → rel 0 1: all 0; first hit at rank 2
    // q4 (R=2): 5(1) 3(6) 1(8) 2(9) 0(10) → rel 0 0 1 0 1: all 0; first hit at rank 3
    // q5: label 2 has no other member → excluded (but it is still a candidate, see q4).
    // P@1 = 0, RP = (1/2 + 1/2)/5 = 0.2, MAP@R = (1/4 + 1/4)/5 = 0.1,
    // Recall@1 = 0, Recall@2 = 3/5 (q0, q1, q3), Recall@3 = 1.
    const x = [0, 2, 1, 4, 10, 11];
    const labels = [0, 0, 1, 1, 0, 2];
    const m = retrievalMetrics(
      matrixFrom(6, (i, j) => Math.abs(x[i] - x[j])),
      6,
      labels,
      [1, 2, 3],
    );
    expect(m.queries).toBe(5);
    expect(m.excludedQueries).toBe(1);
    expect(m.precisionAt1).toBe(0);
    expect(m.rPrecision).toBeCloseTo(0.2, 12);
    expect(m.mapAtR).toBeCloseTo(0.1, 12);
    expect(m.recallAtK).toEqual({ 1: 0, 2: 0.6, 3: 1 });
  });

  it('breaks ties by index, whatever the order of equal distances', () => {
    // Query 0 sees items 1 (other class) and 2 (same class) at the same distance: item 1 ranks first.
    const labels = [0, 1, 0];
    const m = retrievalMetrics(
      matrixFrom(3, () => 1),
      3,
      labels,
      [1],
    );
    // q0: R=1, ranking 1, 2 → P@1 0. q2: R=1, ranking 0, 1 → P@1 1. q1 excluded.
    expect(m.precisionAt1).toBe(0.5);
    expect(m.excludedQueries).toBe(1);
  });

  it('gives 1.0 everywhere for a perfect embedding', () => {
    const rng = new Rng(3);
    const n = 60;
    const labels = Array.from({ length: n }, (_, i) => i % 4);
    const centres = [0, 100, 200, 300];
    const x = labels.map((l) => centres[l] + rng.uniform(0, 1));
    const m = retrievalMetrics(
      matrixFrom(n, (i, j) => Math.abs(x[i] - x[j])),
      n,
      labels,
      [1, 5],
    );
    expect(m).toEqual({
      precisionAt1: 1,
      rPrecision: 1,
      mapAtR: 1,
      recallAtK: { 1: 1, 5: 1 },
      queries: n,
      excludedQueries: 0,
    });
  });

  it('matches the brute-force reference on seeded random 2-D data', () => {
    const rng = new Rng(11);
    const n = 80;
    const labels = Array.from({ length: n }, () => rng.int(5));
    const points = Array.from({ length: n }, (_, i) => [labels[i] * 0.7 + rng.normal(), rng.normal()]);
    const d = matrixFrom(n, (i, j) => Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]));
    const ks = [1, 3, 10];
    const actual = retrievalMetrics(d, n, labels, ks);
    const expected = referenceMetrics(d, n, labels, ks);
    expectMatches(actual, expected);
    // The data is neither perfect nor random, so the metrics sit strictly between 0 and 1.
    expect(actual.mapAtR).toBeGreaterThan(0);
    expect(actual.mapAtR).toBeLessThan(1);
  });

  it('matches the reference with many ties (integer distances) and very different class sizes', () => {
    const rng = new Rng(12);
    // Sizes 1, 2, 3, 40 and 1: two singletons are excluded as queries but stay candidates.
    const labels = [0, 1, 1, 2, 2, 2, ...Array(40).fill(3), 4];
    rng.shuffle(labels);
    const n = labels.length;
    const raw = Array.from({ length: n * n }, () => rng.int(4));
    const d = matrixFrom(n, (i, j) => raw[Math.min(i, j) * n + Math.max(i, j)]);
    const ks = [1, 2, 5, 100];
    const actual = retrievalMetrics(d, n, labels, ks);
    expectMatches(actual, referenceMetrics(d, n, labels, ks));
    expect(actual.excludedQueries).toBe(2);
  });

  it('matches the reference on rows long enough for the sampled threshold (ties, negative zero, NaN and ∞ rows)', () => {
    // n > 513 takes the path that ranks only what lies under a sampled threshold; the special rows force its fallback.
    const rng = new Rng(14);
    const n = 700;
    const labels = Array.from({ length: n }, (_, i) => (i < 300 ? i % 3 : 3 + rng.int(20)));
    const points = labels.map((l) => [(l % 5) * 0.8 + rng.normal(), Math.floor(l / 5) + rng.normal()]);
    const d = matrixFrom(n, (i, j) => {
      const exact = Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]);
      return (i + j) % 7 === 0 ? Math.round(exact * 4) / 4 : exact; // many exact ties
    });
    d[5 * n + 9] = -0;
    d[6 * n + 100] = NaN;
    d[7 * n + 3] = Infinity;
    const ks = [1, 10];
    // NaN ranks last, like +∞ (ties among them by index): the reference sees it as +∞.
    const asInfinity = d.map((v) => (Number.isNaN(v) ? Infinity : v));
    expectMatches(retrievalMetrics(d, n, labels, ks), referenceMetrics(asInfinity, n, labels, ks));
  });

  it('uses row q for query q when the matrix is not symmetric', () => {
    const rng = new Rng(13);
    const n = 30;
    const labels = Array.from({ length: n }, () => rng.int(3));
    const d = matrixFrom(n, () => rng.next());
    expectMatches(retrievalMetrics(d, n, labels, [1, 4]), referenceMetrics(d, n, labels, [1, 4]));
  });

  it('reports NaN and counts every query as excluded when no label repeats', () => {
    const m = retrievalMetrics(
      matrixFrom(3, () => 1),
      3,
      [0, 1, 2],
    );
    expect(m.queries).toBe(0);
    expect(m.excludedQueries).toBe(3);
    expect(m.precisionAt1).toBeNaN();
    expect(m.mapAtR).toBeNaN();
  });

  it('explains shape errors', () => {
    expect(() => retrievalMetrics(new Float32Array(8), 3, [0, 0, 1])).toThrow(/3×3 distance matrix/);
    expect(() => retrievalMetrics(new Float32Array(9), 3, [0, 0])).toThrow(/2 labels for 3 items/);
    expect(() => retrievalMetrics(new Float32Array(9), 3, [0, 0, 1], [0])).toThrow(/K ≥ 1/);
  });
});

describe('RetrievalRanking.addGramRow', () => {
  // The evaluation's own d²-to-distance functions: the ones the WebAssembly kernel ranks with.
  const sqrtDistance = clampedSqrt;
  const squaredDistance = clampAtZero;

  /** The float32 Gram matrix of x and its squared norms (in doubles). */
  function gramOf(x: Float32Array, n: number, dim: number): { gram: Float32Array; norms: Float64Array } {
    const gram = new Float32Array(n * n);
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < dim; k++) norms[i] += x[i * dim + k] * x[i * dim + k];
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < dim; k++) dot += x[i * dim + k] * x[j * dim + k];
        gram[i * n + j] = dot;
      }
    }
    return { gram, norms };
  }

  /**
   * Ranks every row from a Gram matrix and from the whole rows of float32 distances it implies. Gram rows are ranked
   * by the WebAssembly kernel and, again, by the JS loops it stands in for: both must give the same sums, bit for bit,
   * and convert the same rows whole.
   */
  function rankBothWays(
    { gram, norms }: { gram: Float32Array; norms: Float64Array },
    n: number,
    labels: number[],
    toDistance: (squared: number) => number,
  ) {
    const fromGram = new RetrievalRanking(n, labels, [1, 5]);
    for (let i = 0; i < n; i++) fromGram.addGramRow(i, gram, i * n, norms, toDistance);
    const fromGramLoops = new RetrievalRanking(n, labels, [1, 5], undefined, false);
    for (let i = 0; i < n; i++) fromGramLoops.addGramRow(i, gram, i * n, norms, toDistance);
    // The same rows with their columns grouped by label, as the evaluation hands them over: the query's own label is
    // then one run of columns, scanned apart from the rest.
    const order = columnOrderByLabel(labels);
    const grouped = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let c = 0; c < n; c++) grouped[i * n + c] = gram[i * n + order.original[c]];
    const groupedNorms = Float64Array.from(order.original, (j) => norms[j]);
    const byLabel = new RetrievalRanking(n, labels, [1, 5]);
    for (let i = 0; i < n; i++) byLabel.addGramRow(i, grouped, i * n, groupedNorms, toDistance, norms[i], order);
    const byLabelLoops = new RetrievalRanking(n, labels, [1, 5], undefined, false);
    for (let i = 0; i < n; i++) byLabelLoops.addGramRow(i, grouped, i * n, groupedNorms, toDistance, norms[i], order);
    for (const [kernel, loops] of [
      [fromGram, fromGramLoops],
      [byLabel, byLabelLoops],
    ]) {
      expect(kernel.result()).toEqual(loops.result());
      expect(kernel.wholeGramRows).toBe(loops.wholeGramRows);
    }
    const whole = new Float32Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) whole[i * n + j] = toDistance(norms[i] + norms[j] - 2 * gram[i * n + j]);
    // NaN ranks last, like +∞ (ties among them by index): the reference sees it as +∞.
    const asInfinity = whole.map((v) => (Number.isNaN(v) ? Infinity : v));
    return {
      fromGram,
      byLabel,
      expected: referenceMetrics(asInfinity, n, labels, [1, 5]),
      viaRows: retrievalMetrics(whole, n, labels, [1, 5]),
    };
  }

  it('ranks sampled rows exactly like their whole rows, converting few of them whole', () => {
    const rng = new Rng(21);
    const n = 700;
    const dim = 6;
    const labels = Array.from({ length: n }, () => rng.int(8));
    const x = Float32Array.from(
      { length: n * dim },
      (_, t) => rng.normal() + (t % dim === labels[Math.floor(t / dim)] % dim ? 2 : 0),
    );
    for (const toDistance of [sqrtDistance, squaredDistance]) {
      const { fromGram, byLabel, expected, viaRows } = rankBothWays(gramOf(x, n, dim), n, labels, toDistance);
      const result = fromGram.result();
      expect(result).toEqual(viaRows); // the same sums in the same order: equal, not just close
      expect(byLabel.result()).toEqual(viaRows);
      expectMatches(result, expected);
      expect(fromGram.wholeGramRows).toBeLessThan(n * 0.05);
      expect(byLabel.wholeGramRows).toBeLessThan(n * 0.05);
    }
  });

  it('ranks classes smaller than the largest K, with item 0 not first in its label, exactly like whole rows', () => {
    // R below the largest K (5) ranks past R for Recall@K only; rows differ in how many candidates of other labels
    // they keep, so counts left from an earlier row would show; item 0 has the largest label, so its column in the
    // label-grouped order is not 0.
    const rng = new Rng(24);
    const n = 640;
    const dim = 4;
    const labels = Array.from({ length: n }, () => rng.int(160));
    labels[0] = 160;
    labels[1] = 160;
    const x = Float32Array.from(
      { length: n * dim },
      (_, t) => rng.normal() * (1 + (Math.floor(t / dim) % 7)) + labels[Math.floor(t / dim)] * 0.05,
    );
    for (const toDistance of [sqrtDistance, squaredDistance]) {
      const { fromGram, byLabel, expected, viaRows } = rankBothWays(gramOf(x, n, dim), n, labels, toDistance);
      expect(fromGram.result()).toEqual(viaRows);
      expect(byLabel.result()).toEqual(viaRows);
      expectMatches(viaRows, expected);
      expect(byLabel.wholeGramRows).toBeLessThan(n * 0.5);
    }
  });

  it('falls back to whole rows on ties at the cut, NaN rows and classes too large to sample, and still matches', () => {
    const rng = new Rng(22);
    const n = 640;
    const dim = 3;
    // Coordinates in {0, 1, 2}: only a few distinct distances, so ties straddle every cut.
    const labels = Array.from({ length: n }, (_, i) => (i < 400 ? 0 : i === n - 1 ? 9 : 1 + rng.int(4)));
    const x = Float32Array.from({ length: n * dim }, () => rng.int(3));
    x.fill(NaN, 5 * dim, 6 * dim); // row and column 5 are NaN: it ranks last everywhere
    const { fromGram, byLabel, expected, viaRows } = rankBothWays(gramOf(x, n, dim), n, labels, sqrtDistance);
    const result = fromGram.result();
    expect(result).toEqual(viaRows);
    expect(byLabel.result()).toEqual(viaRows);
    expectMatches(result, expected);
    expect(result.excludedQueries).toBe(1); // the singleton class
    expect(fromGram.wholeGramRows).toBeGreaterThan(0);
    expect(byLabel.wholeGramRows).toBeGreaterThan(0);
  });

  it('ranks by index among squared distances that differ but round to the same float32 distance', () => {
    // d²(q, j) = 2 + (a different tiny amount for each pair): every distance rounds to the same float32 √2, so every
    // row is one big tie ranked by index, while a cut on d² picks candidates in no index order. Only the check at the
    // cut can tell; without it the nearest by index would be missed.
    const rng = new Rng(23);
    const n = 600;
    const labels = Array.from({ length: n }, () => rng.int(3));
    const norms = Float64Array.from({ length: n }, () => 1 + rng.next() * 1e-9);
    const gram = new Float32Array(n * n);
    const { fromGram, byLabel, expected, viaRows } = rankBothWays({ gram, norms }, n, labels, sqrtDistance);
    const result = fromGram.result();
    expect(result).toEqual(viaRows);
    expect(byLabel.result()).toEqual(viaRows);
    expectMatches(result, expected);
    expect(fromGram.wholeGramRows).toBe(n);
    expect(byLabel.wholeGramRows).toBe(n);
  });
});
