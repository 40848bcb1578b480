import { describe, expect, it } from 'vitest';
import {
  bestThreshold,
  downsampleRoc,
  rocCurve,
  verificationAt,
  verificationSummary,
} from '../../../src/core/metrics/verification';

/**
 * The edges of the verification rules that a user reads off directly: the label cut at 0.5, NaN distances, the
 * threshold the scan reports on its boundaries, and the argument checks. Expected values are worked by hand.
 */

describe('similar/dissimilar labels given as floats', () => {
  it('counts a label of exactly 0.5 as similar and anything below as dissimilar', () => {
    // d: 0.1 0.2 0.3, labels 0.5 0.4999 1 at threshold 0.25 → tp 1 (0.1), fp 1 (0.2), fn 1 (0.3), tn 0.
    const v = verificationAt(0.25, [0.1, 0.2, 0.3], [0.5, 0.4999, 1]);
    expect([v.truePositives, v.falsePositives, v.falseNegatives, v.trueNegatives]).toEqual([1, 1, 1, 0]);
    // The ROC sees two similar pairs (0.1, 0.3) around one dissimilar (0.2): AUC = P(similar closer) = 1/2.
    const roc = rocCurve([0.1, 0.2, 0.3], [0.5, 0.4999, 1]);
    expect(roc.auc).toBe(0.5);
    expect(roc.points.map((p) => [p.truePositiveRate, p.falsePositiveRate])).toEqual([
      [0, 0],
      [0.5, 0],
      [0.5, 1],
      [1, 1],
    ]);
  });
});

describe('ROC with one kind of pair missing', () => {
  it('has rates of 0, not NaN, for the missing kind, and a NaN AUC', () => {
    const allSimilar = rocCurve([0.2, 0.1], [1, 1]);
    expect(allSimilar.points.map((p) => [p.truePositiveRate, p.falsePositiveRate])).toEqual([
      [0, 0],
      [0.5, 0],
      [1, 0],
    ]);
    expect(allSimilar.auc).toBeNaN();
    const allDissimilar = rocCurve([0.2, 0.1], [0, 0]);
    expect(allDissimilar.points.map((p) => [p.truePositiveRate, p.falsePositiveRate])).toEqual([
      [0, 0],
      [0, 0.5],
      [0, 1],
    ]);
    expect(rocCurve([], []).points).toEqual([{ threshold: -Infinity, truePositiveRate: 0, falsePositiveRate: 0 }]);
  });
});

describe('NaN distances', () => {
  it('enter the ROC last, at threshold +Infinity, as one group of both kinds', () => {
    // Finite: similar 0.1, dissimilar 0.5; NaN: one similar and one dissimilar, tied with each other.
    const { points, auc } = rocCurve([NaN, 0.1, 0.5, NaN], [1, 1, 0, 0]);
    expect(points).toEqual([
      { threshold: -Infinity, truePositiveRate: 0, falsePositiveRate: 0 },
      { threshold: 0.1, truePositiveRate: 0.5, falsePositiveRate: 0 },
      { threshold: 0.5, truePositiveRate: 0.5, falsePositiveRate: 0.5 },
      { threshold: Infinity, truePositiveRate: 1, falsePositiveRate: 1 },
    ]);
    // Mann–Whitney with NaN as +∞: similar {0.1, ∞} vs dissimilar {0.5, ∞}: wins 1 + 1 + 0 + ½ over 4.
    expect(auc).toBe(2.5 / 4);
  });

  it('are never called similar, so they count against the scan as missed or rejected pairs', () => {
    // Cuts: none → tn 1, fn 2 (acc 1/3); after 0.1 → tp 1, tn 1, fn 1 (2/3); after 0.9 → tp 1, fp 1, fn 1 (1/3).
    const best = bestThreshold([0.1, NaN, 0.9], [1, 1, 0]);
    expect(best.threshold).toBeCloseTo(0.5, 12);
    expect(best.accuracy).toBeCloseTo(2 / 3, 12);
    expect([best.truePositives, best.falsePositives, best.falseNegatives, best.trueNegatives]).toEqual([1, 0, 1, 1]);
    expect(best.recall).toBe(0.5);
    // A dissimilar NaN pair is a true negative at every threshold: calling everything finite similar is then best.
    const all = bestThreshold([0.1, 0.2, NaN], [1, 1, 0]);
    expect(all.threshold).toBe(0.2);
    expect(all.accuracy).toBe(1);
    expect(() => bestThreshold([NaN, NaN], [1, 0])).toThrow(/no pair with a finite distance/);
    // Calling the NaN pairs similar would be best (2 of 3), but no threshold does that: nothing similar is best.
    expect(bestThreshold([0.5, NaN, NaN], [0, 1, 1]).threshold).toBeCloseTo(-0.5, 12);
  });

  it('count similar NaN pairs as missed in F1, which moves the best cut', () => {
    // Finite: 0.1 (similar), 0.2, 0.3, 0.4 (dissimilar), 0.5 (similar); three similar pairs at NaN (always missed).
    // F1 after 0.1: 2·1 / (2·1 + 0 + 4) = 1/3; after 0.5: 2·2 / (2·2 + 3 + 3) = 2/5, the best. (Without the NaN pairs
    // the first cut would win: 2/3 against 4/7.)
    const best = bestThreshold([0.1, 0.2, 0.3, 0.4, 0.5, NaN, NaN, NaN], [1, 0, 0, 0, 1, 1, 1, 1], 'f1');
    expect(best.threshold).toBe(0.5);
    expect(best.f1).toBeCloseTo(0.4, 12);
  });
});

describe('the threshold bestThreshold reports', () => {
  it('stays on the lower distance when two adjacent doubles have no midpoint between them', () => {
    // 1 + 2⁻⁵² and 1 + 2⁻⁵¹ are adjacent doubles; their midpoint rounds (to even) up to the larger one, which would
    // call the dissimilar pair similar.
    const lower = 1 + 2 ** -52;
    const upper = 1 + 2 ** -51;
    const best = bestThreshold([lower, upper], [1, 0]);
    expect(best.threshold).toBe(lower);
    expect(best.accuracy).toBe(1);
    expect([best.truePositives, best.trueNegatives]).toEqual([1, 1]);
  });

  it('puts "nothing similar" half the first gap below the smallest distance, or 1 below when all distances tie', () => {
    // Two distinct distances, all dissimilar: 0.2 − (0.6 − 0.2)/2 = 0.
    expect(bestThreshold([0.2, 0.6], [0, 0]).threshold).toBeCloseTo(0, 12);
    // One distinct distance: 0.3 − 1.
    const tied = bestThreshold([0.3, 0.3], [0, 0]);
    expect(tied.threshold).toBeCloseTo(-0.7, 12);
    expect(tied.accuracy).toBe(1);
  });

  it('calls everything similar at the largest distance when that is best', () => {
    const best = bestThreshold([0.4, 0.1, 0.7], [1, 1, 1]);
    expect(best.threshold).toBe(0.7);
    expect(best.accuracy).toBe(1);
    // Also for negative scores with ties (a midpoint with whatever follows the last group would lie above it).
    expect(bestThreshold([-2, -1, -1], [1, 1, 1]).threshold).toBe(-1);
  });

  it('keeps the smaller threshold when two cuts score the same, by accuracy and by F1', () => {
    // Accuracy of 0.1(sim) 0.2(dis) 0.3(sim) 0.4(dis): 3/4 after 0.1 and again after 0.3.
    const byAccuracy = bestThreshold([0.1, 0.2, 0.3, 0.4], [1, 0, 1, 0], 'accuracy');
    expect(byAccuracy.threshold).toBeCloseTo(0.15, 12);
    expect(byAccuracy.accuracy).toBe(0.75);
    // F1 of 0.1(sim) 0.2(dis) 0.3(dis) 0.4(sim): 2/3 after 0.1 (tp 1, fn 1) and again after 0.4 (tp 2, fp 2).
    const byF1 = bestThreshold([0.1, 0.2, 0.3, 0.4], [1, 0, 0, 1], 'f1');
    expect(byF1.threshold).toBeCloseTo(0.15, 12);
    expect(byF1.f1).toBeCloseTo(2 / 3, 12);
  });
});

describe('confusion rates with nothing to count', () => {
  it('gives NaN accuracy with no pairs and 0 (not NaN) precision, recall and F1', () => {
    const v = verificationAt(1, [], []);
    expect(v.accuracy).toBeNaN();
    expect([v.precision, v.recall, v.f1]).toEqual([0, 0, 0]);
  });

  it('gives recall 0 when there is no similar pair, and precision 0 when nothing is called similar', () => {
    const noSimilar = verificationAt(1, [0.5, 2], [0, 0]);
    expect(noSimilar).toMatchObject({ recall: 0, precision: 0, f1: 0, accuracy: 0.5 });
    const allCalled = verificationAt(1, [0.5, 0.7], [1, 0]);
    expect(allCalled).toMatchObject({ precision: 0.5, recall: 1 });
    expect(allCalled.f1).toBeCloseTo(2 / 3, 12);
  });
});

describe('argument checks', () => {
  it('refuses a chart size that is not a whole number of at least 2, and accepts 2', () => {
    for (const bad of [1, 2.5, Number.NaN]) {
      expect(() => verificationSummary([0.1, 0.2], [1, 0], null, bad)).toThrow(
        `rocPoints must be a whole number ≥ 2, got ${bad}`,
      );
      expect(() => downsampleRoc([], bad)).toThrow(`maxPoints must be a whole number ≥ 2, got ${bad}`);
    }
    const { roc } = verificationSummary([0.1, 0.2, 0.3], [1, 0, 1], null, 2);
    expect(roc).toEqual([
      { threshold: -Infinity, truePositiveRate: 0, falsePositiveRate: 0 },
      { threshold: 0.3, truePositiveRate: 1, falsePositiveRate: 1 },
    ]);
  });

  it('names the function whose distances and labels differ in length', () => {
    expect(() => rocCurve([0.1], [1, 0])).toThrow('rocCurve: 1 distances but 2 similar/dissimilar labels');
    expect(() => verificationSummary([0.1], [1, 0], null, 101)).toThrow('verificationSummary: 1 distances but 2');
    expect(() => verificationAt(1, [0.1], [1, 0])).toThrow(
      'verificationAt: 1 distances but 2 similar/dissimilar labels',
    );
    expect(() => bestThreshold([0.1], [1, 0])).toThrow('bestThreshold: 1 distances but 2');
  });

  it('keeps just the first and last point when asked for 2', () => {
    const { points } = rocCurve([0.1, 0.2, 0.3], [1, 0, 1]);
    expect(downsampleRoc(points, 2)).toEqual([points[0], points[3]]);
  });

  it('returns a copy, not the caller array, when nothing needs to be dropped', () => {
    const { points } = rocCurve([0.1, 0.2], [1, 0]);
    const same = downsampleRoc(points, points.length);
    expect(same).toEqual(points);
    expect(same).not.toBe(points);
  });
});

describe('verificationSummary against its parts', () => {
  it('keeps every point when the chart has room for exactly all of them', () => {
    const d = [0.3, 0.1, 0.2, 0.5];
    const s = [1, 1, 0, 0];
    const { points } = rocCurve(d, s);
    expect(verificationSummary(d, s, 0.25, points.length).roc).toEqual(points);
    expect(verificationSummary(d, s, 0.25, points.length - 1).roc).toEqual(downsampleRoc(points, points.length - 1));
  });
});
