import { describe, expect, it } from 'vitest';
import { minMaxIndices } from '../../../src/ui/charts/downsample';
import { columnsOf, columnsSummary, lossColumns, stackColumns } from '../../../src/ui/charts/series';
import { smoothEma } from '../../../src/ui/charts/smoothing';
import type { MetricsPoint, ProgressPoint } from '../../../src/worker/protocol';

describe('smoothEma (TensorBoard’s debiased exponential moving average)', () => {
  it('matches the formula worked by hand on a known series', () => {
    // w = 0.5: a1 = 0.5 → 0.5 / (1 − 0.5) = 1; a2 = 0.25 + 1 = 1.25 → 1.25 / 0.75; a3 = 0.625 + 1.5 = 2.125 → / 0.875.
    const s = smoothEma([1, 2, 3], 0.5);
    expect(s[0]).toBeCloseTo(1, 12);
    expect(s[1]).toBeCloseTo(1.25 / 0.75, 12);
    expect(s[2]).toBeCloseTo(2.125 / 0.875, 12);
    // w = 0.6 on [10, 0, 10, 0]: debiasing keeps the first point at its value (no pull towards 0).
    const t = smoothEma([10, 0, 10, 0], 0.6);
    expect(t[0]).toBeCloseTo(10, 12);
    expect(t[1]).toBeCloseTo((0.6 * 4) / (1 - 0.36), 12);
    expect(t[2]).toBeCloseTo((0.6 * 2.4 + 4) / (1 - 0.216), 12);
  });

  it('weight 0 is the raw series; non-finite values pass through without entering the average; constants stay', () => {
    expect(Array.from(smoothEma([3, 1, 4], 0))).toEqual([3, 1, 4]);
    const s = smoothEma([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 5], 0.5);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[3]).toBe(Number.POSITIVE_INFINITY);
    // 1, 3, 5 averaged as if the gaps were absent.
    expect(s[4]).toBeCloseTo(smoothEma([1, 3, 5], 0.5)[2], 12);
    expect(Array.from(smoothEma([2, 2, 2], 0.9))).toEqual([2, 2, 2]);
    expect(() => smoothEma([1], 1)).toThrow(/\[0, 1\)/);
    expect(() => smoothEma([1], -0.1)).toThrow();
  });

  it('smooths noise: the smoothed curve of a noisy decay varies far less than the raw one', () => {
    const raw = Array.from({ length: 2000 }, (_, i) => Math.exp(-i / 500) + (i % 2 ? 0.2 : -0.2));
    const smooth = smoothEma(raw, 0.9);
    const wiggle = (v: ArrayLike<number>) => {
      let s = 0;
      for (let i = 1000; i < 1999; i++) s += Math.abs(v[i + 1] - v[i]);
      return s;
    };
    expect(wiggle(smooth)).toBeLessThan(wiggle(raw) / 5);
  });
});

describe('loss chart columns', () => {
  const metric = (step: number, validationLoss: number | null): MetricsPoint => ({
    step,
    precisionAt1: null,
    rPrecision: null,
    mapAtR: null,
    pairAccuracy: null,
    auc: null,
    validationLoss,
  });

  it('puts raw, smoothed and validation loss on one step axis, non-finite values as gaps', () => {
    const points: ProgressPoint[] = [1, 2, 3, 4].map((s) => ({ step: s, epoch: 0, loss: s === 3 ? Number.NaN : s }));
    const c = lossColumns(points, [metric(2, 0.7), metric(5, 0.4), metric(6, null)], 0.5);
    expect(c.steps).toEqual([1, 2, 3, 4, 5]);
    const [raw, smooth, validation] = c.series;
    expect(raw).toEqual([1, 2, null, 4, null]);
    expect(smooth[0]).toBeCloseTo(1, 12);
    expect(smooth[1]).toBeCloseTo(1.25 / 0.75, 12);
    expect(smooth[2]).toBeNull();
    expect(smooth[3]).toBeCloseTo(smoothEma([1, 2, 4], 0.5)[2], 12);
    expect(validation).toEqual([null, 0.7, null, null, 0.4]);
    expect(columnsSummary(c, ['raw', 'smoothed', 'validation'])).toBe('raw 4, smoothed 3, validation 0.4 (step 5)');
  });

  it('a 100,000-step history stays within the cap, keeps the last step and every spike', () => {
    const points: ProgressPoint[] = Array.from({ length: 100_000 }, (_, i) => ({
      step: i + 1,
      epoch: 0,
      loss: i === 54_321 ? 50 : 1 / (i + 1),
    }));
    const c = lossColumns(points, [], 0.6, 1000);
    expect(c.steps.length).toBeLessThanOrEqual(1000);
    expect(c.steps[c.steps.length - 1]).toBe(100_000);
    expect(c.series[0]).toContain(50);
    // The smoothed value at a kept step is the one computed over the whole history.
    const full = smoothEma(
      points.map((p) => p.loss),
      0.6,
    );
    const k = c.steps.indexOf(54_322);
    expect(c.series[1][k]).toBeCloseTo(full[54_321], 12);
  });

  it('minMaxIndices keeps first, last and each bucket’s extremes in order', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i / 7) + (i === 500 ? 9 : 0));
    const idx = minMaxIndices(values, 100);
    expect(idx.length).toBeLessThanOrEqual(100);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(999);
    expect(Array.from(idx)).toContain(500);
    for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    expect(Array.from(minMaxIndices(Float64Array.of(1, 2, 3), 10))).toEqual([0, 1, 2]);
  });

  it('columnsOf and stackColumns give uPlot columns and running sums', () => {
    const c = columnsOf(
      [
        { step: 1, a: 1, b: 2 },
        { step: 2, a: 3, b: Number.NaN },
      ],
      ['a', 'b'],
    );
    expect(c).toEqual({
      steps: [1, 2],
      series: [
        [1, 3],
        [2, null],
      ],
    });
    expect(stackColumns(c).series).toEqual([
      [1, 3],
      [3, 3],
    ]);
  });
});
