import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pairwiseDistances, rowwiseDistances } from '../../../src/core/distances';
import {
  binaryCrossEntropyLoss,
  contrastiveLoss,
  cosineRegressionLoss,
  infoNceLoss,
  tripletLoss,
} from '../../../src/core/losses';
import { Rng } from '../../../src/core/rng';
import { expectAllClose, expectNoLeakedTensors, useCpuBackend } from '../../helpers/tf';

/** float32 tensors vs double references. */
const TOLERANCE = 1e-5;

const scalar = (t: tf.Tensor): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

function allFinite(t: tf.Tensor): boolean {
  return Array.from(t.dataSync()).every(Number.isFinite);
}

describe('losses', () => {
  beforeAll(async () => {
    await useCpuBackend();
  });

  const rng = new Rng(7);
  const n = 12;
  const distances = Array.from({ length: n }, () => rng.uniform(0, 2));
  const labels: number[] = Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
  const weights: number[] = Array.from({ length: n }, () => (rng.next() < 0.6 ? 1 : 0));
  const margin = 1;

  function contrastiveReference(w?: number[]): number {
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const d = distances[i];
      const per = labels[i] * d * d + (1 - labels[i]) * Math.max(0, margin - d) ** 2;
      const wi = w ? w[i] : 1;
      num += wi * per;
      den += wi;
    }
    return den === 0 ? 0 : num / den;
  }

  describe('contrastive', () => {
    it('matches y·d² + (1−y)·max(0, m − d)², plain and weighted means', () => {
      const d = tf.tensor1d(distances);
      const y = tf.tensor1d(labels);
      const w = tf.tensor1d(weights);
      expect(scalar(contrastiveLoss(d, y, margin))).toBeCloseTo(contrastiveReference(), 5);
      expect(scalar(contrastiveLoss(d, y, margin, w))).toBeCloseTo(contrastiveReference(weights), 5);
      tf.dispose([d, y, w]);
    });

    it('is 0, not NaN, when every weight is 0', () => {
      const d = tf.tensor1d(distances);
      const y = tf.tensor1d(labels);
      const w = tf.zeros([n]);
      expect(scalar(contrastiveLoss(d, y, margin, w))).toBe(0);
      tf.dispose([d, y, w]);
    });

    it('has finite gradients for identical embeddings (zero euclidean distance)', () => {
      const x = tf.variable(
        tf.tensor2d([
          [0.2, 0.4, -1],
          [0.2, 0.4, -1],
          [1, 0, 0],
        ]),
      );
      const y = tf.tensor2d([
        [0, 1, 0],
        [1, 0, 0],
        [0, 0, 0],
      ]);
      const { value, grads } = tf.variableGrads(
        () => contrastiveLoss(pairwiseDistances('euclidean', x, x), y, 0.5),
        [x],
      );
      expect(allFinite(value)).toBe(true);
      expect(allFinite(grads[x.name])).toBe(true);
      tf.dispose([x, y, value, grads[x.name]]);
    });
  });

  describe('triplet', () => {
    const dAP = Array.from({ length: n }, () => rng.uniform(0, 1.5));
    const dAN = Array.from({ length: n }, () => rng.uniform(0, 1.5));
    const mask = Array.from({ length: n }, () => (rng.next() < 0.7 ? 1 : 0));
    const tripletMargin = 0.3;

    function reference(soft: boolean): { sum: number; mined: number; nonZero: number } {
      let sum = 0;
      let mined = 0;
      let nonZero = 0;
      for (let i = 0; i < n; i++) {
        if (!mask[i]) continue;
        const l = soft ? Math.log(1 + Math.exp(dAP[i] - dAN[i])) : Math.max(dAP[i] - dAN[i] + tripletMargin, 0);
        sum += l;
        mined++;
        if (l > 1e-16) nonZero++;
      }
      return { sum, mined, nonZero };
    }

    for (const softMargin of [false, true]) {
      for (const reduction of ['mean', 'mean-non-zero'] as const) {
        it(`${softMargin ? 'soft margin' : 'hinge'}, ${reduction}: loss and counts match the reference`, () => {
          const ref = reference(softMargin);
          const expected = ref.sum / (reduction === 'mean' ? ref.mined : ref.nonZero);
          const out = tripletLoss(tf.tensor1d(dAP), tf.tensor1d(dAN), tf.tensor1d(mask), {
            margin: tripletMargin,
            softMargin,
            reduction,
          });
          expect(scalar(out.loss)).toBeCloseTo(expected, 5);
          expect(scalar(out.mined)).toBe(ref.mined);
          expect(scalar(out.nonZero)).toBe(ref.nonZero);
          // The hinge has zeros among these triplets, so the two reductions differ (the test can tell them apart).
          if (!softMargin) expect(ref.nonZero).toBeLessThan(ref.mined);
        });
      }
    }

    it('broadcasts [n,m,1] against [n,1,m] like the dense miners', () => {
      const D = [
        [0.1, 0.5, 0.9],
        [0.4, 0.2, 0.3],
      ];
      const m = 0.25;
      let sum = 0;
      let nonZero = 0;
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++)
          for (let k = 0; k < 3; k++) {
            const l = Math.max(D[i][j] - D[i][k] + m, 0);
            sum += l;
            if (l > 1e-16) nonZero++;
          }
      const d = tf.tensor2d(D);
      const out = tripletLoss(tf.expandDims(d, 2), tf.expandDims(d, 1), tf.ones([2, 3, 3]), {
        margin: m,
        softMargin: false,
        reduction: 'mean-non-zero',
      });
      expect(scalar(out.mined)).toBe(18);
      expect(scalar(out.nonZero)).toBe(nonZero);
      expect(scalar(out.loss)).toBeCloseTo(sum / nonZero, 5);
      d.dispose();
    });

    it('with no mined triplet: loss 0 and counts 0, never NaN', () => {
      for (const reduction of ['mean', 'mean-non-zero'] as const) {
        const out = tripletLoss(tf.tensor1d([0.5, 1]), tf.tensor1d([0.1, 0.2]), tf.zeros([2]), {
          margin: 0.2,
          softMargin: false,
          reduction,
        });
        expect(scalar(out.loss)).toBe(0);
        expect(scalar(out.mined)).toBe(0);
        expect(scalar(out.nonZero)).toBe(0);
      }
      // Mined triplets that are all easy: mean-non-zero has nothing to average either.
      const easy = tripletLoss(tf.tensor1d([0.1]), tf.tensor1d([1]), tf.ones([1]), {
        margin: 0.2,
        softMargin: false,
        reduction: 'mean-non-zero',
      });
      expect(scalar(easy.loss)).toBe(0);
      expect(scalar(easy.mined)).toBe(1);
      expect(scalar(easy.nonZero)).toBe(0);
    });

    it('has finite gradients when anchor, positive and negative coincide', () => {
      const x = tf.variable(
        tf.tensor2d([
          [0.3, -0.3],
          [0.3, -0.3],
          [0.3, -0.3],
        ]),
      );
      for (const softMargin of [false, true]) {
        const { value, grads } = tf.variableGrads(() => {
          const a = tf.slice(x, [0, 0], [1, 2]) as tf.Tensor2D;
          const p = tf.slice(x, [1, 0], [1, 2]) as tf.Tensor2D;
          const q = tf.slice(x, [2, 0], [1, 2]) as tf.Tensor2D;
          return tripletLoss(rowwiseDistances('euclidean', a, p), rowwiseDistances('euclidean', a, q), tf.ones([1]), {
            margin: 0.2,
            softMargin,
            reduction: 'mean-non-zero',
          }).loss;
        }, [x]);
        expect(value.dataSync()[0]).toBeCloseTo(softMargin ? Math.log(2) : 0.2, 5);
        expect(allFinite(grads[x.name])).toBe(true);
        tf.dispose([value, grads[x.name]]);
      }
      x.dispose();
    });
  });

  describe('binary cross-entropy and cosine regression', () => {
    const p = Array.from({ length: n }, () => rng.uniform(0.01, 0.99));
    const t = labels;

    it('binary cross-entropy matches the reference, [n] and [n,1] predictions, with weights', () => {
      const per = p.map((pi, i) => -(t[i] * Math.log(pi) + (1 - t[i]) * Math.log(1 - pi)));
      const mean = per.reduce((s, v) => s + v, 0) / n;
      const weighted = per.reduce((s, v, i) => s + v * weights[i], 0) / weights.reduce((s, v) => s + v, 0);
      expect(scalar(binaryCrossEntropyLoss(tf.tensor1d(p), tf.tensor1d(t)))).toBeCloseTo(mean, 5);
      expect(scalar(binaryCrossEntropyLoss(tf.tensor2d(Float32Array.from(p), [n, 1]), tf.tensor1d(t)))).toBeCloseTo(
        mean,
        5,
      );
      expect(scalar(binaryCrossEntropyLoss(tf.tensor1d(p), tf.tensor1d(t), tf.tensor1d(weights)))).toBeCloseTo(
        weighted,
        5,
      );
    });

    it('binary cross-entropy clips p = 0 and p = 1: finite loss and gradients', () => {
      const probabilities = tf.variable(tf.tensor1d([0, 1, 0, 1]));
      const targets = tf.tensor1d([1, 0, 0, 1]);
      const { value, grads } = tf.variableGrads(() => binaryCrossEntropyLoss(probabilities, targets), [probabilities]);
      // Clipped to [ε, 1 − ε] in float32: two confident mistakes cost about −log(ε) each, two hits about ε.
      const lo = Math.fround(1e-7);
      const hi = Math.fround(1 - 1e-7);
      const expected = (-Math.log(lo) - Math.log(1 - hi) - Math.log(1 - lo) - Math.log(hi)) / 4;
      expect(value.dataSync()[0]).toBeCloseTo(expected, 4);
      expect(allFinite(grads[probabilities.name])).toBe(true);
      tf.dispose([probabilities, targets, value, grads[probabilities.name]]);
    });

    it('cosine regression is the (weighted) mean squared error', () => {
      const scores = t.map((v) => v * 0.8 + 0.1);
      const mse = p.reduce((s, v, i) => s + (v - scores[i]) ** 2, 0) / n;
      const weighted =
        p.reduce((s, v, i) => s + weights[i] * (v - scores[i]) ** 2, 0) / weights.reduce((s, v) => s + v, 0);
      expect(scalar(cosineRegressionLoss(tf.tensor2d(Float32Array.from(p), [n, 1]), tf.tensor1d(scores)))).toBeCloseTo(
        mse,
        6,
      );
      expect(scalar(cosineRegressionLoss(tf.tensor1d(p), tf.tensor1d(scores), tf.tensor1d(weights)))).toBeCloseTo(
        weighted,
        6,
      );
      expect(scalar(cosineRegressionLoss(tf.tensor1d(p), tf.tensor1d(scores), tf.zeros([n])))).toBe(0);
      expect(() => cosineRegressionLoss(tf.tensor1d([1, 2]), tf.tensor1d([1]))).toThrow(/one target per prediction/);
    });
  });

  describe('InfoNCE', () => {
    /** Plain-JS log-softmax over the valid entries of each row, −mean over positives, mean over anchors with one. */
    function reference(D: number[][], positive: number[][], valid: number[][], tau: number): number {
      let total = 0;
      let anchors = 0;
      D.forEach((row, i) => {
        const logits = row.map((d) => -d / tau);
        const included = logits.filter((_, j) => valid[i][j] === 1);
        const max = Math.max(...included);
        const lse = max + Math.log(included.reduce((s, l) => s + Math.exp(l - max), 0));
        let sum = 0;
        let count = 0;
        row.forEach((_, j) => {
          if (valid[i][j] === 1 && positive[i][j] === 1) {
            sum += logits[j] - lse;
            count++;
          }
        });
        if (count > 0) {
          total += -sum / count;
          anchors++;
        }
      });
      return anchors === 0 ? 0 : total / anchors;
    }

    const size = 8;
    const classes = [0, 0, 0, 1, 1, 2, 3, 3]; // class 2 has one sample: that anchor has no positive
    const D = Array.from({ length: size }, () => Array.from({ length: size }, () => rng.uniform(0, 2)));
    const valid = D.map((row, i) => row.map((_, j) => (i === j ? 0 : 1)));
    const positive = D.map((row, i) => row.map((_, j) => (i !== j && classes[i] === classes[j] ? 1 : 0)));

    for (const tau of [0.1, 1]) {
      it(`supervised (several positives), τ = ${tau}, matches the plain-JS log-softmax reference`, () => {
        const loss = infoNceLoss(tf.tensor2d(D), tf.tensor2d(positive), tf.tensor2d(valid), tau);
        expect(scalar(loss)).toBeCloseTo(reference(D, positive, valid, tau), 4);
      });
    }

    it('split input (one positive per anchor on the diagonal, every entry valid) matches the reference', () => {
      const eye = D.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
      const ones = D.map((row) => row.map(() => 1));
      expect(scalar(infoNceLoss(tf.tensor2d(D), tf.tensor2d(eye), tf.tensor2d(ones), 0.5))).toBeCloseTo(
        reference(D, eye, ones, 0.5),
        5,
      );
    });

    it('normalises each anchor over its own row: n anchors against m ≠ n candidates, one-sided positives', () => {
      // A square batch with class-symmetric positives cannot tell row i's log-sum-exp from column i's (the sums over
      // positive pairs coincide); anchors against a longer candidate list, with positives that are not mirrored, can.
      const Dnm = [
        [0.2, 1.5, 0.9, 1.1, 0.4],
        [1.3, 0.1, 0.7, 1.9, 1.2],
        [0.8, 1.6, 0.3, 0.5, 1.7],
      ];
      const pos = [
        [1, 0, 0, 0, 1],
        [0, 1, 0, 0, 0],
        [0, 0, 0, 1, 0],
      ];
      const val = [
        [1, 1, 1, 1, 1],
        [1, 1, 0, 1, 1],
        [1, 1, 1, 1, 0],
      ];
      for (const tau of [0.1, 0.7]) {
        const loss = infoNceLoss(tf.tensor2d(Dnm), tf.tensor2d(pos), tf.tensor2d(val), tau);
        expect(scalar(loss)).toBeCloseTo(reference(Dnm, pos, val, tau), 4);
      }
    });

    it('is 0 when no anchor has a positive', () => {
      const none = D.map((row) => row.map(() => 0));
      expect(scalar(infoNceLoss(tf.tensor2d(D), tf.tensor2d(none), tf.tensor2d(valid), 0.1))).toBe(0);
    });

    it('has finite gradients for identical embeddings', () => {
      const x = tf.variable(
        tf.tensor2d([
          [1, 0],
          [1, 0],
          [0, 1],
          [0, 1],
        ]),
      );
      const pos = tf.tensor2d([
        [0, 1, 0, 0],
        [1, 0, 0, 0],
        [0, 0, 0, 1],
        [0, 0, 1, 0],
      ]);
      const val = tf.sub(1, tf.eye(4)) as tf.Tensor2D;
      const { value, grads } = tf.variableGrads(
        () => infoNceLoss(pairwiseDistances('euclidean', x, x), pos, val, 0.1),
        [x],
      );
      expect(allFinite(value)).toBe(true);
      expect(allFinite(grads[x.name])).toBe(true);
      tf.dispose([x, pos, val, value, grads[x.name]]);
    });
  });

  it('no loss leaks tensors', async () => {
    const d = tf.tensor1d(distances);
    const y = tf.tensor1d(labels);
    const w = tf.tensor1d(weights);
    const D = tf.randomUniform([5, 5], 0, 2, 'float32', 3) as tf.Tensor2D;
    const pos = tf.eye(5) as tf.Tensor2D;
    const valid = tf.ones([5, 5]) as tf.Tensor2D;
    const probabilities = tf.sigmoid(d);
    await expectNoLeakedTensors(() => {
      contrastiveLoss(d, y, 1, w).dispose();
      const t = tripletLoss(d, y, w, { margin: 0.2, softMargin: false, reduction: 'mean-non-zero' });
      tf.dispose([t.loss, t.mined, t.nonZero]);
      binaryCrossEntropyLoss(probabilities, y, w).dispose();
      cosineRegressionLoss(d, y).dispose();
      infoNceLoss(D, pos, valid, 0.1).dispose();
    });
    tf.dispose([d, y, w, D, pos, valid, probabilities]);
  });
});

// Keep expectAllClose in use for vector comparisons of per-element values.
describe('loss helpers', () => {
  it('weighted mean of a [n,1] prediction against [n] targets is element-wise', async () => {
    await useCpuBackend();
    const p = [0.2, 0.4, 0.9];
    const q = [0, 1, 1];
    const expected = p.map((v, i) => (v - q[i]) ** 2);
    const perElement = expected.map((_, i) => scalar(cosineRegressionLoss(tf.tensor1d([p[i]]), tf.tensor1d([q[i]]))));
    expectAllClose(perElement, expected, TOLERANCE);
  });
});
