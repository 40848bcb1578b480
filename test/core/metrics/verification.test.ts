import { describe, expect, it } from 'vitest';
import {
  bestThreshold,
  downsampleRoc,
  rocCurve,
  verificationAt,
  verificationSummary,
} from '../../../src/core/metrics/verification';
import { Rng } from '../../../src/core/rng';

/** P(similar pair closer than dissimilar pair), ties counting ½, by comparing every pair of pairs. */
function mannWhitney(distances: number[], similar: number[]): number {
  let wins = 0;
  let count = 0;
  for (let i = 0; i < distances.length; i++) {
    if (similar[i] !== 1) continue;
    for (let j = 0; j < distances.length; j++) {
      if (similar[j] !== 0) continue;
      count++;
      if (distances[i] < distances[j]) wins += 1;
      else if (distances[i] === distances[j]) wins += 0.5;
    }
  }
  return wins / count;
}

/** Plain confusion counts for "similar if d ≤ t". */
function counts(t: number, distances: number[], similar: number[]) {
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0;
  distances.forEach((d, i) => {
    if (d <= t) similar[i] ? tp++ : fp++;
    else similar[i] ? fn++ : tn++;
  });
  return { tp, fp, tn, fn };
}

/** Every distinct split of the sorted distances (nothing similar, then up to each distinct value). */
function bruteForceScores(distances: number[], similar: number[], by: 'accuracy' | 'f1') {
  const cuts = [-Infinity, ...[...new Set(distances)].sort((a, b) => a - b)];
  return cuts.map((cut) => {
    const { tp, fp, tn, fn } = counts(cut, distances, similar);
    const score = by === 'accuracy' ? (tp + tn) / distances.length : tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
    return { cut, score };
  });
}

function randomPairs(seed: number, count: number, levels?: number) {
  const rng = new Rng(seed);
  const similar = Array.from({ length: count }, () => (rng.next() < 0.4 ? 1 : 0));
  // Similar pairs closer on average; integer levels give many ties.
  const distances = similar.map((s) => {
    const d = rng.normal(s ? 1 : 1.8, 0.6);
    return levels ? Math.round(d * levels) / levels : d;
  });
  return { distances, similar };
}

describe('rocCurve', () => {
  it('has an AUC equal to the Mann–Whitney statistic, with and without ties', () => {
    for (const levels of [undefined, 4, 1]) {
      const { distances, similar } = randomPairs(5, 300, levels);
      const { auc } = rocCurve(distances, similar);
      expect(auc).toBeCloseTo(mannWhitney(distances, similar), 10);
      expect(auc).toBeGreaterThan(0.5);
    }
  });

  it('is 1 for perfectly separated pairs, 0 for reversed ones and 0.5 when every distance ties', () => {
    expect(rocCurve([0.1, 0.2, 0.9, 1.0], [1, 1, 0, 0]).auc).toBe(1);
    expect(rocCurve([0.1, 0.2, 0.9, 1.0], [0, 0, 1, 1]).auc).toBe(0);
    expect(rocCurve([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]).auc).toBe(0.5);
  });

  it('starts at (0, 0), ends at (1, 1) and has one point per distinct distance', () => {
    const { points } = rocCurve([0.3, 0.1, 0.3, 0.7], [1, 1, 0, 0]);
    expect(points).toEqual([
      { threshold: -Infinity, truePositiveRate: 0, falsePositiveRate: 0 },
      { threshold: 0.1, truePositiveRate: 0.5, falsePositiveRate: 0 },
      { threshold: 0.3, truePositiveRate: 1, falsePositiveRate: 0.5 },
      { threshold: 0.7, truePositiveRate: 1, falsePositiveRate: 1 },
    ]);
  });

  it('returns NaN AUC when one kind of pair is missing', () => {
    expect(rocCurve([0.1, 0.2], [1, 1]).auc).toBeNaN();
    expect(() => rocCurve([0.1], [1, 0])).toThrow(/1 distances but 2/);
  });
});

describe('verificationAt', () => {
  it('counts pairs at distance ≤ threshold as similar', () => {
    // d:   0.1 0.2 0.3 0.4 0.5 0.6   threshold 0.3 (inclusive)
    // y:   1   0   1   1   0   0     → tp 2 (0.1, 0.3), fp 1 (0.2), fn 1 (0.4), tn 2
    const v = verificationAt(0.3, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [1, 0, 1, 1, 0, 0]);
    expect(v).toMatchObject({
      threshold: 0.3,
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 1,
      trueNegatives: 2,
    });
    expect(v.accuracy).toBeCloseTo(4 / 6, 12);
    expect(v.precision).toBeCloseTo(2 / 3, 12);
    expect(v.recall).toBeCloseTo(2 / 3, 12);
    expect(v.f1).toBeCloseTo(2 / 3, 12);
  });

  it('has precision and F1 of 0 when nothing is called similar', () => {
    const v = verificationAt(-1, [0.1, 0.2], [1, 0]);
    expect(v).toMatchObject({ precision: 0, recall: 0, f1: 0, accuracy: 0.5 });
  });
});

describe('bestThreshold', () => {
  for (const by of ['accuracy', 'f1'] as const) {
    it(`finds the ${by} of a brute-force scan, at the smallest best split, mid-way between distances`, () => {
      for (const [seed, levels] of [
        [21, undefined],
        [22, 3],
        [23, 1],
      ] as const) {
        const { distances, similar } = randomPairs(seed, 200, levels);
        const best = bestThreshold(distances, similar, by);
        const scan = bruteForceScores(distances, similar, by);
        const top = Math.max(...scan.map((s) => s.score));
        expect(best[by]).toBeCloseTo(top, 12);
        // The returned threshold reproduces its counts and sits after the FIRST best cut, before the next distance.
        const { tp, fp, tn, fn } = counts(best.threshold, distances, similar);
        expect([best.truePositives, best.falsePositives, best.trueNegatives, best.falseNegatives]).toEqual([
          tp,
          fp,
          tn,
          fn,
        ]);
        const firstBest = scan.findIndex((s) => s.score === top);
        expect(best.threshold).toBeGreaterThanOrEqual(scan[firstBest].cut);
        if (firstBest + 1 < scan.length) {
          expect(best.threshold).toBeLessThan(scan[firstBest + 1].cut);
          if (firstBest > 0)
            expect(best.threshold).toBeCloseTo((scan[firstBest].cut + scan[firstBest + 1].cut) / 2, 12);
        }
      }
    });
  }

  it('places the threshold between the clusters for separable pairs', () => {
    const best = bestThreshold([0.1, 0.2, 0.8, 1.0], [1, 1, 0, 0]);
    expect(best.threshold).toBeCloseTo(0.5, 12);
    expect(best.accuracy).toBe(1);
  });

  it('calls nothing similar, below the smallest distance, when that is best', () => {
    const best = bestThreshold([0.2, 0.4, 0.9], [0, 0, 0]);
    expect(best.threshold).toBeCloseTo(0.1, 12); // 0.2 − (0.4 − 0.2)/2
    expect(best.accuracy).toBe(1);
  });

  it('refuses an empty set of pairs', () => {
    expect(() => bestThreshold([], [])).toThrow(/no pair/);
  });
});

describe('downsampleRoc', () => {
  it('keeps first and last, in order, and at most maxPoints', () => {
    const { distances, similar } = randomPairs(31, 1000);
    const { points } = rocCurve(distances, similar);
    const small = downsampleRoc(points, 101);
    expect(small.length).toBe(101);
    expect(small[0]).toBe(points[0]);
    expect(small[100]).toBe(points[points.length - 1]);
    for (let i = 1; i < small.length; i++) expect(small[i].threshold).toBeGreaterThan(small[i - 1].threshold);
    expect(downsampleRoc(points.slice(0, 5), 101)).toEqual(points.slice(0, 5));
  });
});

describe('verificationSummary', () => {
  it('equals the ROC (downsampled), best threshold and metrics at a threshold computed one by one', () => {
    const rng = new Rng(31);
    for (const size of [40, 5000]) {
      // Rounded distances (ties inside and across kinds) and a few NaNs.
      const distances = Array.from({ length: size }, (_, i) =>
        i % 97 === 0 ? NaN : Math.round(rng.next() * 200) / 100,
      );
      const similar = distances.map((d) => (rng.next() < (Number.isNaN(d) ? 0.5 : 1 - d / 2) ? 1 : 0));
      for (const threshold of [null, 0.7]) {
        const summary = verificationSummary(distances, similar, threshold, 101);
        const { points, auc } = rocCurve(distances, similar);
        expect(summary.auc).toBe(auc);
        expect(summary.roc).toEqual(downsampleRoc(points, 101));
        expect(summary.best).toEqual(bestThreshold(distances, similar));
        expect(summary.at).toEqual(threshold === null ? summary.best : verificationAt(threshold, distances, similar));
      }
    }
    expect(() => verificationSummary([1], [1], null, 1)).toThrow(/rocPoints/);
    expect(() => verificationSummary([1, 2], [1], null, 101)).toThrow(/2 distances but 1/);
  });
});
