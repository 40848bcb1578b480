import { describe, expect, it } from 'vitest';
import { formatTick, nearestRow, niceTicks, valueRange, type ChartRow } from '../../../src/ui/charts/axes';
import { chartSummary } from '../../../src/ui/charts/CanvasChart';

describe('canvas chart axes', () => {
  it('niceTicks: round steps of 1, 2 or 5 × 10^k inside the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 1000, 4)).toEqual([500, 1000]);
    expect(niceTicks(1, 1000, 10)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(niceTicks(-3, 3, 3)).toEqual([-2, 0, 2]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });

  it('formatTick: integers plainly, others with 3 significant digits or in exponent form', () => {
    expect(formatTick(1200)).toBe('1200');
    expect(formatTick(0.123456)).toBe('0.123');
    expect(formatTick(0.00012345)).toBe('1.23e-4');
    expect(formatTick(0.6000000000000001)).toBe('0.6');
  });

  it('valueRange: finite values only, stacked sums from 0, flat series padded, null when empty', () => {
    const rows: ChartRow[] = [
      { step: 1, a: 2, b: 1 },
      { step: 2, a: NaN, b: 3 },
      { step: 3, b: 5 },
    ];
    expect(valueRange(rows, ['a', 'b'], false)).toEqual([1, 5]);
    expect(valueRange(rows, ['a', 'b'], true)).toEqual([0, 5]);
    expect(valueRange([{ step: 1, a: 2 }], ['a'], false)).toEqual([1.9, 2.1]);
    expect(valueRange([{ step: 1 }], ['a'], false)).toBeNull();
  });

  it('nearestRow finds the row closest to a step (ties to the earlier one)', () => {
    const rows: ChartRow[] = [{ step: 1 }, { step: 5 }, { step: 9 }];
    expect(nearestRow(rows, -4)).toBe(0);
    expect(nearestRow(rows, 3)).toBe(0);
    expect(nearestRow(rows, 4)).toBe(1);
    expect(nearestRow(rows, 100)).toBe(2);
    expect(nearestRow([], 1)).toBe(-1);
  });

  it('chartSummary reads the latest finite value of every series for the canvas label', () => {
    const rows: ChartRow[] = [
      { step: 10, loss: 0.5, validationLoss: 0.7 },
      { step: 20, loss: 0.25 },
      { step: 30, loss: NaN },
    ];
    const series = [
      { key: 'loss', name: 'Training loss', colour: '#000' },
      { key: 'validationLoss', name: 'Validation loss', colour: '#f00' },
    ];
    expect(chartSummary(rows, series)).toBe('Training loss 0.25, Validation loss 0.7 (step 20)');
    expect(chartSummary([], series)).toBe('no values yet');
  });
});
