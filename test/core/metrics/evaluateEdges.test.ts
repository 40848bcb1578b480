import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateAgainstReference, evaluateEmbeddings } from '../../../src/core/metrics/evaluate';
import { Rng } from '../../../src/core/rng';
import { useCpuBackend } from '../../helpers/tf';

/**
 * The edges of the evaluation entry points: every refused input with its message, the smallest accepted pair
 * sample, and query-against-reference with an empty side. Expected values are worked by hand.
 */

beforeAll(async () => {
  await useCpuBackend();
});

const options = { distance: 'euclidean' as const, margin: 0.2, threshold: null, rng: new Rng(1) };

describe('evaluateEmbeddings input checks', () => {
  it('refuses fewer than two embeddings, a fractional count and a dimension below 1, with the shape', () => {
    const message = (n: number, dim: number) =>
      `evaluateEmbeddings needs at least 2 embeddings of dimension ≥ 1, got [${n}, ${dim}]`;
    expect(() => evaluateEmbeddings(new Float32Array(3), 1, 3, [0], options)).toThrow(message(1, 3));
    expect(() => evaluateEmbeddings(new Float32Array(6), 2.5, 2, [0, 0], options)).toThrow(message(2.5, 2));
    expect(() => evaluateEmbeddings(new Float32Array(0), 2, 0, [0, 0], options)).toThrow(message(2, 0));
    expect(() => evaluateEmbeddings(new Float32Array(3), 2, 1.5, [0, 0], options)).toThrow(message(2, 1.5));
    expect(() => evaluateEmbeddings(new Float32Array(5), 2, 3, [0, 0], options)).toThrow(
      'evaluateEmbeddings: expected 2×3 = 6 values, got 5',
    );
    expect(() => evaluateEmbeddings(new Float32Array(6), 2, 3, [0, 0, 1], options)).toThrow(
      'evaluateEmbeddings: 3 labels for 2 embeddings',
    );
  });

  it('refuses a pair sample below 2 or fractional, and accepts 2: one pair of each kind', () => {
    const x = Float32Array.of(0, 1, 5, 6);
    for (const bad of [1, 2.5])
      expect(() => evaluateEmbeddings(x, 4, 1, [0, 0, 1, 1], { ...options, pairSamples: bad })).toThrow(
        `evaluateEmbeddings: pairSamples must be a whole number ≥ 2, got ${bad}`,
      );
    const m = evaluateEmbeddings(x, 4, 1, [0, 0, 1, 1], { ...options, rng: new Rng(2), pairSamples: 2 });
    expect(m.pairSample).toEqual({ similar: 1, dissimilar: 1, similarTotal: 2, dissimilarTotal: 4, exhaustive: false });
    // Similar pairs are 1 apart, dissimilar ones 4 to 6: the one sampled pair of each kind is separated.
    expect(m.positiveDistances[0]).toBeCloseTo(1, 5);
    expect(m.negativeDistances[0]).toBeGreaterThanOrEqual(4 - 1e-5);
    expect(m.auc).toBe(1);
  });

  it('refuses a block size below one value and a whitening matrix of the wrong size', () => {
    const x = Float32Array.of(0, 1, 5, 6);
    for (const bad of [0, Number.NaN])
      expect(() => evaluateEmbeddings(x, 4, 1, [0, 0, 1, 1], { ...options, blockValues: bad })).toThrow(
        `blockValues must be ≥ 1, got ${bad}`,
      );
    expect(() =>
      evaluateEmbeddings(x, 2, 2, [0, 1], { ...options, distance: 'mahalanobis', whitening: new Float32Array(3) }),
    ).toThrow('evaluateEmbeddings: the whitening matrix must be 2×2, got 3 values');
    // Any other distance ignores a whitening matrix, whatever its size.
    const m = evaluateEmbeddings(x, 2, 2, [0, 0], { ...options, whitening: new Float32Array(3) });
    expect(m.queries).toBe(2);
    expect(m.precisionAt1).toBe(1);
  });
});

describe('the pair sample it reports', () => {
  it('is exhaustive only when both kinds of pair are complete', () => {
    const x = Float32Array.of(0, 1, 5, 6, 10, 11);
    // 3 similar pairs (all fit in 4 per kind), 12 dissimilar (4 drawn).
    const similarComplete = evaluateEmbeddings(x, 6, 1, [0, 0, 1, 1, 2, 2], { ...options, pairSamples: 8 });
    expect(similarComplete.pairSample).toEqual({
      similar: 3,
      dissimilar: 4,
      similarTotal: 3,
      dissimilarTotal: 12,
      exhaustive: false,
    });
    // 6 similar pairs (4 drawn), 4 dissimilar (all fit).
    const dissimilarComplete = evaluateEmbeddings(x.subarray(0, 5), 5, 1, [0, 0, 0, 0, 1], {
      ...options,
      pairSamples: 8,
    });
    expect(dissimilarComplete.pairSample).toMatchObject({ similar: 4, dissimilar: 4, exhaustive: false });
    const both = evaluateEmbeddings(x.subarray(0, 5), 5, 1, [0, 0, 0, 0, 1], { ...options, pairSamples: 12 });
    expect(both.pairSample.exhaustive).toBe(true);
  });
});

describe('evaluateAgainstReference', () => {
  it('excludes every query when the reference set is empty, and scores nothing without queries', () => {
    const none = evaluateAgainstReference(Float32Array.of(1, 2), [0, 1], new Float32Array(0), [], 1, {
      distance: 'euclidean',
    });
    expect(none).toMatchObject({ queries: 0, excludedQueries: 2, precisionAt1: NaN });
    const noQueries = evaluateAgainstReference(new Float32Array(0), [], Float32Array.of(1, 2), [0, 1], 1, {
      distance: 'euclidean',
    });
    expect(noQueries).toMatchObject({ queries: 0, excludedQueries: 0, mapAtR: NaN });
  });

  it('refuses a dimension below 1 or fractional', () => {
    for (const dim of [0, 1.5])
      expect(() =>
        evaluateAgainstReference(new Float32Array(0), [], new Float32Array(0), [], dim, { distance: 'euclidean' }),
      ).toThrow(`evaluateAgainstReference: dimension must be ≥ 1, got ${dim}`);
  });
});
