import { describe, expect, it } from 'vitest';
import { lossRows, metricsRows, tripletRows } from '../../../src/ui/charts/series';
import type { MetricsPoint, ProgressPoint } from '../../../src/worker/protocol';

function metric(step: number, p1: number | null, val: number | null): MetricsPoint {
  return {
    step,
    precisionAt1: p1,
    rPrecision: null,
    mapAtR: p1 === null ? null : p1 / 2,
    pairAccuracy: 0.5,
    auc: null,
    validationLoss: val,
  };
}

describe('chart series builders', () => {
  it('lossRows merges training and validation loss by step, sorted, with non-finite losses as gaps', () => {
    const points: ProgressPoint[] = [1, 2, 3, 4].map((s) => ({ step: s, epoch: 0, loss: s === 3 ? NaN : 1 / s }));
    const rows = lossRows(points, [metric(2, 0.5, 0.7), metric(5, 0.6, 0.4), metric(6, 0.6, null)]);
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[1]).toEqual({ step: 2, loss: 0.5, validationLoss: 0.7 });
    expect(rows[2].loss).toBeUndefined();
    expect(rows[4]).toEqual({ step: 5, validationLoss: 0.4 });
  });

  it('lossRows stays within the cap on a 100,000-step history and keeps the last step', () => {
    const points: ProgressPoint[] = Array.from({ length: 100_000 }, (_, i) => ({
      step: i + 1,
      epoch: 0,
      loss: Math.exp(-i / 20_000),
    }));
    const rows = lossRows(points, []);
    expect(rows.length).toBeLessThanOrEqual(500);
    expect(rows[0].step).toBe(1);
    expect(rows[rows.length - 1].step).toBe(100_000);
  });

  it('metricsRows leaves null metrics out', () => {
    const rows = metricsRows([metric(10, null, null), metric(20, 0.8, null)]);
    expect(rows).toEqual([
      { step: 10, pairAccuracy: 0.5 },
      { step: 20, precisionAt1: 0.8, mapAtR: 0.4, pairAccuracy: 0.5 },
    ]);
  });

  it('tripletRows skips pair batches and fills missing counts with 0', () => {
    const rows = tripletRows([
      { step: 1, epoch: 0, loss: 1 },
      { step: 2, epoch: 0, loss: 1, easy: 3, hard: 1 },
    ]);
    expect(rows).toEqual([{ step: 2, easy: 3, semiHard: 0, hard: 1 }]);
  });
});
