/**
 * Query against reference (pytorch-metric-learning's `get_accuracy(query, reference)`): hand-worked answers, ties by
 * reference index, and the blocked evaluation against a brute-force ranking on exact integer distances.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateAgainstReference } from '../../../src/core/metrics/evaluate';
import { retrievalMetricsAgainst } from '../../../src/core/metrics/retrieval';
import { useCpuBackend } from '../../helpers/tf';

beforeAll(async () => {
  await useCpuBackend();
});

const A = 0;
const B = 1;
const C = 2;

/** |x − y| for 1-D queries x against 1-D references y, row-major. */
function absoluteDifferences(x: number[], y: number[]): Float32Array {
  return Float32Array.from(x.flatMap((a) => y.map((b) => Math.abs(a - b))));
}

describe('query against reference', () => {
  // Queries x = [0, 5, 9] labelled A, B, C; references y = [1, 4, 6, 10, 2] labelled A, B, A, B, B.
  // q0 (A, R = 2): r0 1 (A), r4 2 (B), r1 4 (B), r2 6 (A), r3 10 (B) → top 2 rel 1 0: P@1 1, RP 1/2, MAP@R 1/2.
  // q1 (B, R = 3): r1 1 (B) and r2 1 (A) tie → reference index order, r1 first; r4 3 (B), r0 4 (A), r3 5 (B)
  //   → top 3 rel 1 0 1: P@1 1, RP 2/3, MAP@R (1/1 + 2/3)/3 = 5/9.
  // q2 (C): no reference item is C → excluded (R = 0).
  // Averages over the 2 scored queries: P@1 1, RP (1/2 + 2/3)/2 = 7/12, MAP@R (1/2 + 5/9)/2 = 19/36.
  const x = [0, 5, 9];
  const queryLabels = [A, B, C];
  const y = [1, 4, 6, 10, 2];
  const referenceLabels = [A, B, A, B, B];

  it('matches a hand-worked example on a distance matrix', () => {
    const m = retrievalMetricsAgainst(absoluteDifferences(x, y), queryLabels, referenceLabels, [1, 2]);
    expect(m.queries).toBe(2);
    expect(m.excludedQueries).toBe(1);
    expect(m.precisionAt1).toBe(1);
    expect(m.rPrecision).toBeCloseTo(7 / 12, 12);
    expect(m.mapAtR).toBeCloseTo(19 / 36, 12);
    expect(m.recallAtK).toEqual({ 1: 1, 2: 1 });
  });

  it('matches the same example through the blocked evaluation (Euclidean in 1-D, one row per block)', () => {
    const before = tf.memory().numTensors;
    const m = evaluateAgainstReference(Float32Array.from(x), queryLabels, Float32Array.from(y), referenceLabels, 1, {
      distance: 'euclidean',
      ks: [1],
      blockValues: 1,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect([m.queries, m.excludedQueries, m.precisionAt1]).toEqual([2, 1, 1]);
    expect(m.rPrecision).toBeCloseTo(7 / 12, 12);
    expect(m.mapAtR).toBeCloseTo(19 / 36, 12);
  });

  it('breaks a tie by reference index: the earlier reference item ranks first', () => {
    // The references of r1 and r2 swapped: q1 now sees A (index 1) before B (index 2), both at distance 1.
    // q1 (B, R = 3): r1 1 (A), r2 1 (B), r4 3 (B), r0 4 (A), r3 5 (B) → rel 0 1 1: P@1 0, RP 2/3,
    //   MAP@R (1/2 + 2/3)/3 = 7/18. q0 is unchanged (P@1 1, RP 1/2, MAP@R 1/2).
    const swapped = [1, 6, 4, 10, 2];
    const m = retrievalMetricsAgainst(absoluteDifferences(x, swapped), queryLabels, [A, A, B, B, B], [1]);
    expect(m.precisionAt1).toBe(0.5);
    expect(m.rPrecision).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
    expect(m.mapAtR).toBeCloseTo((1 / 2 + 7 / 18) / 2, 12);
  });

  it('does not skip the query index in the reference (the sets are separate)', () => {
    // Query 0 and reference 0 are different items: reference 0 is a legitimate nearest neighbour.
    const m = retrievalMetricsAgainst(Float32Array.from([0, 5]), [A], [A, B], [1]);
    expect(m.precisionAt1).toBe(1);
  });

  it('equals a brute-force ranking on random integer embeddings, any block size', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 25 }),
          m: fc.integer({ min: 1, max: 40 }),
          dim: fc.integer({ min: 1, max: 4 }),
          classes: fc.integer({ min: 1, max: 5 }),
          blockValues: fc.integer({ min: 1, max: 400 }),
          seed: fc.integer({ min: 1, max: 1 << 30 }),
          distance: fc.constantFrom('squared-euclidean' as const, 'manhattan' as const),
        }),
        ({ n, m, dim, classes, blockValues, seed, distance }) => {
          let s = seed;
          const next = (k: number) => {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            return (s >>> 8) % k;
          };
          const q = Float32Array.from({ length: n * dim }, () => next(4));
          const r = Float32Array.from({ length: m * dim }, () => next(4));
          const ql = Int32Array.from({ length: n }, () => next(classes));
          const rl = Int32Array.from({ length: m }, () => next(classes));
          // Squared Euclidean and Manhattan on small integers are exact in every evaluation, so ties are real ties.
          const got = evaluateAgainstReference(q, ql, r, rl, dim, { distance, blockValues });
          const expected = bruteForce(q, ql, r, rl, dim, distance === 'manhattan');
          expect(got.queries).toBe(expected.queries);
          if (expected.queries === 0) {
            expect(got.precisionAt1).toBeNaN();
            return;
          }
          expect(got.precisionAt1).toBeCloseTo(expected.p1, 12);
          expect(got.rPrecision).toBeCloseTo(expected.rp, 12);
          expect(got.mapAtR).toBeCloseTo(expected.map, 12);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it('explains mismatched shapes', () => {
    expect(() =>
      evaluateAgainstReference(new Float32Array(3), [0, 1], new Float32Array(2), [0, 1], 1, { distance: 'euclidean' }),
    ).toThrow(/2 query labels need 2×1 values, got 3/);
    expect(() =>
      evaluateAgainstReference(new Float32Array(2), [0, 1], new Float32Array(3), [0], 1, { distance: 'euclidean' }),
    ).toThrow(/1 reference labels need 1×1 values, got 3/);
  });
});

/** The definitions, spelled out: sort every reference by (distance, index), then score the first R. */
function bruteForce(q: Float32Array, ql: Int32Array, r: Float32Array, rl: Int32Array, dim: number, manhattan: boolean) {
  let p1 = 0;
  let rp = 0;
  let map = 0;
  let queries = 0;
  for (let i = 0; i < ql.length; i++) {
    const order = Array.from(rl, (_, j) => j);
    const d = order.map((j) => {
      let sum = 0;
      for (let k = 0; k < dim; k++) {
        const diff = q[i * dim + k] - r[j * dim + k];
        sum += manhattan ? Math.abs(diff) : diff * diff;
      }
      return sum;
    });
    order.sort((a, b) => d[a] - d[b] || a - b);
    const relevant = order.map((j) => rl[j] === ql[i]);
    const big = relevant.filter(Boolean).length;
    if (big === 0) continue;
    queries++;
    p1 += relevant[0] ? 1 : 0;
    let hits = 0;
    let ap = 0;
    for (let t = 0; t < big; t++)
      if (relevant[t]) {
        hits++;
        ap += hits / (t + 1);
      }
    rp += hits / big;
    map += ap / big;
  }
  return { queries, p1: p1 / queries, rp: rp / queries, map: map / queries };
}
