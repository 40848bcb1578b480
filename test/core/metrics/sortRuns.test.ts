import { describe, expect, it } from 'vitest';
import { sortRuns } from '../../../src/core/metrics/sortRuns';
import { Rng } from '../../../src/core/rng';

describe('sortRuns', () => {
  it('sorts each run in place, ascending, and leaves the runs where they are', () => {
    const values = Float64Array.of(3, 1, 2, 9, 5, 5, 4, 0, 7, 6);
    //                             run 0 ───┘  run 1 (empty)  run 2 ─────┘ run 3 ──┘
    sortRuns(values, Int32Array.of(3, 3, 7, 10), 4);
    expect(Array.from(values)).toEqual([1, 2, 3, 4, 5, 5, 9, 0, 6, 7]);
  });

  it('touches nothing past the last of the `count` runs', () => {
    const values = Float64Array.of(2, 1, 4, 3);
    sortRuns(values, Int32Array.of(2, 4), 1);
    expect(Array.from(values)).toEqual([1, 2, 4, 3]);
    sortRuns(values, Int32Array.of(2, 4), 0);
    expect(Array.from(values)).toEqual([1, 2, 4, 3]);
  });

  it('equals a plain sort of every run on random runs with repeats', () => {
    const rng = new Rng(8);
    const ends: number[] = [];
    let at = 0;
    for (let g = 0; g < 40; g++) ends.push((at += rng.int(6)));
    const values = Float64Array.from({ length: at }, () => rng.int(10) - 3);
    const expected: number[] = [];
    let start = 0;
    for (const end of ends) {
      expected.push(...Array.from(values.subarray(start, end)).sort((a, b) => a - b));
      start = end;
    }
    sortRuns(values, Int32Array.from(ends), ends.length);
    expect(Array.from(values)).toEqual(expected);
  });
});
