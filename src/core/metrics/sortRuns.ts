/**
 * The last step of a counting sort into groups: values[0..ends[count − 1]) hold `count` consecutive runs, run g
 * ending (exclusive) at ends[g]; each run is put in ascending order in place by insertion sort, which is the
 * fastest there is for the few values a run holds when the groups were chosen well (distance buckets, pair rows).
 */
export function sortRuns(values: Float64Array, ends: Int32Array, count: number): void {
  let start = 0;
  for (let g = 0; g < count; g++) {
    const end = ends[g];
    // Stryker disable next-line ArithmeticOperator: starting at start − 1 only adds steps that put a value back where it is
    for (let i = start + 1; i < end; i++) {
      const value = values[i];
      let j = i - 1;
      // Stryker disable next-line EqualityOperator: moving a value past an equal one changes nothing, as equal keys are the same number (callers' keys are non-negative integers)
      while (j >= start && values[j] > value) {
        values[j + 1] = values[j];
        j--;
      }
      values[j + 1] = value;
    }
    start = end;
  }
}
