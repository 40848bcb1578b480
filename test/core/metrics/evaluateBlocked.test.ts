/**
 * The blocked evaluation against the whole-matrix one it replaces (kept as an oracle in ./oracle): the same numbers,
 * bit for bit, on random embeddings of every distance, with blocks of one row up to the whole matrix, on the CPU and
 * WASM backends.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISTANCES, type DistanceName } from '../../../src/core/config';
import { mahalanobisWhiteningJs } from '../../../src/core/distances';
import { evaluateEmbeddings, type Metrics } from '../../../src/core/metrics/evaluate';
import { Rng } from '../../../src/core/rng';
import { useBackendInSuite, useCpuBackend } from '../../helpers/tf';
import { evaluateEmbeddings as oracleEvaluate, type Metrics as OracleMetrics } from './oracle/evaluateOracle';

interface Case {
  n: number;
  dim: number;
  classes: number;
  seed: number;
  /** Integer coordinates: many exactly equal distances, so the tie rule is exercised. */
  integers: boolean;
  distance: DistanceName;
  blockRows: number;
}

function embeddingsOf(c: Case) {
  const rng = new Rng(c.seed);
  const labels = Int32Array.from({ length: c.n }, () => rng.int(c.classes));
  const x = new Float32Array(c.n * c.dim);
  for (let i = 0; i < c.n; i++)
    for (let k = 0; k < c.dim; k++)
      x[i * c.dim + k] = c.integers ? rng.int(3) : rng.normal() + (k === labels[i] % c.dim ? 1.5 : 0);
  const whitening = c.distance === 'mahalanobis' ? mahalanobisWhiteningJs(x, c.n, c.dim, 0.1) : undefined;
  return { x, labels, whitening };
}

/** Both evaluations of one case; the new one in blocks of `blockRows` rows. */
function both(c: Case): { blocked: Metrics; whole: OracleMetrics } {
  const { x, labels, whitening } = embeddingsOf(c);
  const common = { distance: c.distance, whitening, margin: 0.3, threshold: null, pairSamples: 40, ks: [1, 3] };
  const blocked = evaluateEmbeddings(x, c.n, c.dim, labels, {
    ...common,
    rng: new Rng(c.seed + 1),
    blockValues: c.blockRows * c.n,
  });
  const whole = oracleEvaluate(x, c.n, c.dim, labels, { ...common, rng: new Rng(c.seed + 1) });
  return { blocked, whole };
}

/** Everything the oracle reports, compared with Object.is semantics (NaN equals NaN, bits must match). */
function expectSame(blocked: Metrics, whole: OracleMetrics): void {
  const { pairSample, ...rest } = blocked;
  expect(rest).toStrictEqual(whole);
  expect(pairSample.similar).toBe(whole.positiveDistances.length);
  expect(pairSample.dissimilar).toBe(whole.negativeDistances.length);
}

const caseArbitrary = fc.record({
  n: fc.integer({ min: 2, max: 70 }),
  dim: fc.integer({ min: 1, max: 6 }),
  classes: fc.integer({ min: 1, max: 8 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  integers: fc.boolean(),
  distance: fc.constantFrom(...DISTANCES),
  blockRows: fc.integer({ min: 1, max: 80 }),
});

describe('blocked evaluateEmbeddings equals the whole-matrix oracle', () => {
  describe('CPU backend', () => {
    beforeAll(async () => {
      await useCpuBackend();
    });

    it('on random embeddings of every distance, ties included, any block size', () => {
      fc.assert(
        fc.property(caseArbitrary, (c) => {
          const { blocked, whole } = both(c);
          expectSame(blocked, whole);
        }),
        { numRuns: 120, seed: 14 },
      );
    });

    it('on rows long enough for the sampled ranking threshold, in blocks of 7 rows', () => {
      for (const distance of DISTANCES) {
        const { blocked, whole } = both({
          n: 700,
          dim: 8,
          classes: 10,
          seed: 5,
          integers: false,
          distance,
          blockRows: 7,
        });
        expectSame(blocked, whole);
        expect(blocked.queries).toBe(700);
      }
    });

    it('says the pair sample is exhaustive only when it holds every pair', () => {
      const small = both({ n: 8, dim: 2, classes: 2, seed: 3, integers: false, distance: 'euclidean', blockRows: 3 });
      expect(small.blocked.pairSample.exhaustive).toBe(true);
      expect(small.blocked.pairSample.similarTotal + small.blocked.pairSample.dissimilarTotal).toBe(28);
      const large = both({ n: 60, dim: 2, classes: 3, seed: 3, integers: false, distance: 'euclidean', blockRows: 9 });
      expect(large.blocked.pairSample).toMatchObject({ similar: 20, dissimilar: 20, exhaustive: false });
      expect(large.blocked.pairSample.similarTotal + large.blocked.pairSample.dissimilarTotal).toBe(1770);
    });

    it('leaks no tensors, also when the distance cannot be computed', () => {
      const { x, labels } = embeddingsOf({
        n: 30,
        dim: 3,
        classes: 3,
        seed: 1,
        integers: false,
        distance: 'euclidean',
        blockRows: 4,
      });
      const before = tf.memory().numTensors;
      for (const distance of DISTANCES.filter((d) => d !== 'mahalanobis'))
        evaluateEmbeddings(x, 30, 3, labels, {
          distance,
          margin: 0.2,
          threshold: null,
          rng: new Rng(1),
          blockValues: 120,
        });
      expect(() =>
        evaluateEmbeddings(x, 30, 3, labels, {
          distance: 'mahalanobis',
          margin: 0.2,
          threshold: null,
          rng: new Rng(1),
        }),
      ).toThrow(/whitening matrix/);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('WASM backend', () => {
    useBackendInSuite('wasm');

    it('on random embeddings of every distance, any block size', () => {
      fc.assert(
        fc.property(caseArbitrary, (c) => {
          const { blocked, whole } = both(c);
          expectSame(blocked, whole);
        }),
        { numRuns: 60, seed: 41 },
      );
    });

    it('on 1,500 × 32 embeddings in blocks of 97 rows', () => {
      for (const distance of ['euclidean', 'cosine'] as const) {
        const { blocked, whole } = both({
          n: 1500,
          dim: 32,
          classes: 10,
          seed: 9,
          integers: false,
          distance,
          blockRows: 97,
        });
        expectSame(blocked, whole);
      }
    });
  });
});
