/**
 * The charts' kept history columns: extended point by point as a run grows, they must give the loss and triplet
 * charts exactly the columns a redraw from the whole history gives, and start again whenever the history is not the
 * one they read grown.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { downsampleMulti, minMaxIndices } from '../../../src/ui/charts/downsample';
import { ProgressColumns } from '../../../src/ui/charts/progressColumns';
import { columnsOf, lossColumns, lossColumnsOf, tripletColumns, tripletRows } from '../../../src/ui/charts/series';
import { SmoothedSeries, smoothEma } from '../../../src/ui/charts/smoothing';
import type { MetricsPoint, ProgressPoint } from '../../../src/worker/protocol';

/** The debiased EMA written out as its definition reads (smoothing.ts), for the kept series to match bit for bit. */
function emaByDefinition(values: readonly number[], weight: number): number[] {
  const constant = values.every((v) => v === values[0]);
  let last = 0;
  let decay = 1;
  return values.map((v) => {
    if (constant || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    decay *= weight;
    return last / (1 - decay);
  });
}

/** The loss chart's columns (no validation points) read straight off the point objects, as their definition says. */
function lossColumnsByDefinition(points: readonly ProgressPoint[], smoothing: number, maxPoints: number) {
  const losses = Float64Array.from(points, (p) => p.loss);
  const smoothed = emaByDefinition(Array.from(losses), smoothing);
  const kept = Array.from(minMaxIndices(losses, maxPoints));
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    steps: kept.map((i) => points[i].step),
    series: [kept.map((i) => finite(losses[i])), kept.map((i) => finite(smoothed[i])), kept.map(() => null)],
  };
}

/** The triplet chart's columns read straight off the point objects: counted points, each category's extremes kept. */
function tripletColumnsByDefinition(points: readonly ProgressPoint[], maxPoints: number) {
  const counted = points.filter((p) => p.easy !== undefined || p.semiHard !== undefined || p.hard !== undefined);
  const kept = downsampleMulti(counted, [(p) => p.easy ?? 0, (p) => p.semiHard ?? 0, (p) => p.hard ?? 0], maxPoints);
  return {
    steps: kept.map((p) => p.step),
    series: [kept.map((p) => p.hard ?? 0), kept.map((p) => p.semiHard ?? 0), kept.map((p) => p.easy ?? 0)],
  };
}

const lossValue = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 5, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1) },
);

const pointArbitrary = fc.record({
  loss: lossValue,
  counts: fc.option(
    fc.record({
      easy: fc.option(fc.nat(40), { nil: undefined }),
      semiHard: fc.option(fc.nat(40), { nil: undefined }),
      hard: fc.option(fc.nat(40), { nil: undefined }),
    }),
    { nil: undefined },
  ),
});

interface RawPoint {
  loss: number;
  counts?: { easy?: number; semiHard?: number; hard?: number };
}

function pointsOf(raw: readonly RawPoint[]): ProgressPoint[] {
  return raw.map((r, i) => {
    const p: ProgressPoint = { step: i + 1, epoch: 0, loss: r.loss };
    const counts = r.counts;
    if (counts) {
      if (counts.easy !== undefined) p.easy = counts.easy;
      if (counts.semiHard !== undefined) p.semiHard = counts.semiHard;
      if (counts.hard !== undefined) p.hard = counts.hard;
    }
    return p;
  });
}

const validation: MetricsPoint[] = [];

describe('SmoothedSeries', () => {
  it('extended in pieces, gives the bits of the definition on the whole series (constant stretches included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(lossValue, fc.constant(2)), { maxLength: 120 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom(0, 0.5, 0.9, 0.99),
        (values, pieces, weight) => {
          const series = Float64Array.from(values);
          const kept = new SmoothedSeries();
          let n = 0;
          for (const piece of [...pieces, values.length]) {
            n = Math.min(values.length, n + piece);
            const got = Array.from(kept.update(series, n, weight, 1).subarray(0, n));
            expect(got).toStrictEqual(emaByDefinition(values.slice(0, n), weight));
          }
          expect(Array.from(smoothEma(values, weight))).toStrictEqual(emaByDefinition(values, weight));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('starts again for another weight, another revision or a shorter series', () => {
    const kept = new SmoothedSeries();
    const a = Float64Array.of(1, 2, 3, 4);
    kept.update(a, 4, 0.5, 1);
    expect(Array.from(kept.update(a, 4, 0.9, 1).subarray(0, 4))).toStrictEqual(emaByDefinition([1, 2, 3, 4], 0.9));
    const b = Float64Array.of(4, 3, 2, 1, 0);
    expect(Array.from(kept.update(b, 5, 0.9, 2).subarray(0, 5))).toStrictEqual(emaByDefinition([4, 3, 2, 1, 0], 0.9));
    expect(Array.from(kept.update(a, 2, 0.9, 2).subarray(0, 2))).toStrictEqual(emaByDefinition([1, 2], 0.9));
    expect(() => kept.update(a, 4, 1, 2)).toThrow(/\[0, 1\)/);
  });
});

describe('ProgressColumns', () => {
  it('synced after each arrival, the loss and triplet columns equal those of the whole history', () => {
    fc.assert(
      fc.property(
        fc.array(pointArbitrary, { maxLength: 700 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(0, 0.6, 0.9),
        fc.constantFrom(8, 50, 500),
        (raw, pieces, smoothing, maxPoints) => {
          const all = pointsOf(raw);
          // The page's history: one array grown in place.
          const history: ProgressPoint[] = [];
          const columns = new ProgressColumns();
          const smoothed = new SmoothedSeries();
          for (const piece of [...pieces, all.length]) {
            history.push(...all.slice(history.length, history.length + piece));
            columns.sync(history);
            const loss = lossColumnsOf(
              columns,
              smoothed.update(columns.loss, columns.length, smoothing, columns.revision),
              validation,
              maxPoints,
            );
            expect(loss).toStrictEqual(lossColumnsByDefinition(history, smoothing, maxPoints));
            expect(lossColumns(history, validation, smoothing, maxPoints)).toStrictEqual(loss);
            const triplets = tripletColumns(columns, maxPoints);
            expect(triplets).toStrictEqual(tripletColumnsByDefinition(history, maxPoints));
            expect(columnsOf(tripletRows(history, maxPoints), ['hard', 'semiHard', 'easy'])).toStrictEqual(triplets);
          }
          expect(columns.revision).toBe(1);
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });

  it('reads every point again for another history, and for one rewritten where it was last read', () => {
    const first = pointsOf([
      { loss: 1, counts: { easy: 1 } },
      { loss: 2, counts: undefined },
    ]);
    const columns = new ProgressColumns().sync(first);
    expect(columns.revision).toBe(1);
    const other = pointsOf([
      { loss: 5, counts: undefined },
      { loss: 6, counts: { hard: 2 } },
      { loss: 7, counts: undefined },
    ]);
    columns.sync(other);
    expect(columns.revision).toBe(2);
    expect(Array.from(columns.loss.subarray(0, columns.length))).toEqual([5, 6, 7]);
    expect(columns.counted).toBe(1);
    expect(columns.hard[0]).toBe(2);
    // The same array, cut back and grown again with other points: its last read point is no longer there.
    other.length = 1;
    other.push({ step: 2, epoch: 0, loss: 9 }, { step: 3, epoch: 0, loss: 10, easy: 4 });
    columns.sync(other);
    expect(columns.revision).toBe(3);
    expect(Array.from(columns.loss.subarray(0, columns.length))).toEqual([5, 9, 10]);
    expect(columns.counted).toBe(1);
    expect(columns.easy[0]).toBe(4);
    // Grown in place from where it was read: extended, not read again.
    other.push({ step: 4, epoch: 0, loss: 11 });
    columns.sync(other);
    expect(columns.revision).toBe(3);
    expect(Array.from(columns.steps.subarray(0, columns.length))).toEqual([1, 2, 3, 4]);
  });
});
