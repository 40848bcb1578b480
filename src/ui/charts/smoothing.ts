/**
 * Loss smoothing as TensorBoard does it: an exponential moving average with weight w in [0, 1), debiased so the
 * first points are not pulled towards 0 (the same correction as Adam's): s_t = a_t / (1 − w^k), where
 * a_t = w·a_{t−1} + (1 − w)·y_t over the k finite values seen so far (a_0 = 0). Non-finite values pass through
 * unchanged and do not enter the average; a constant series is returned as is. Pure: tested in Node.
 */
import { grown } from './progressColumns';

/** The smoothed series of `values` at weight w in [0, 1). */
export function smoothEma(values: ArrayLike<number>, weight: number): Float64Array {
  const n = values.length;
  return new SmoothedSeries().update(Float64Array.from(values), n, weight).slice(0, n);
}

/**
 * {@link smoothEma} kept for a growing series: extending it by new values continues the average where it stopped,
 * so a redraw of a long run smooths only the points added since the last. While the series is constant its values
 * are returned as they are; the first value that differs smooths everything from the beginning.
 */
export class SmoothedSeries {
  values: Float64Array = new Float64Array(0);
  private length = 0;
  private weight = Number.NaN;
  private revision = Number.NaN;
  private constant = true;
  private last = 0;
  /** w^k for the k finite values averaged so far. */
  private decay = 1;

  /**
   * The smoothed values of series[0..n) at `weight`, continuing from the values already smoothed when the series is
   * the same one grown (the same `revision`, see ProgressColumns) and the weight unchanged.
   */
  update(series: Float64Array, n: number, weight: number, revision: number = Number.NaN): Float64Array {
    if (!(weight >= 0 && weight < 1)) throw new Error(`the smoothing weight must be in [0, 1), got ${weight}`);
    if (weight !== this.weight || revision !== this.revision || n < this.length) this.restart(weight, revision);
    this.values = grown(this.values, this.length, n);
    for (let i = this.length; i < n; i++) {
      if (this.constant && i > 0 && series[i] !== series[0]) {
        // The series stops being constant here: everything before it is smoothed too.
        this.constant = false;
        for (let j = 0; j < i; j++) this.add(series, j);
      }
      this.add(series, i);
    }
    this.length = n;
    return this.values;
  }

  private restart(weight: number, revision: number): void {
    this.weight = weight;
    this.revision = revision;
    this.length = 0;
    this.constant = true;
    this.last = 0;
    this.decay = 1;
  }

  private add(series: Float64Array, i: number): void {
    const v = series[i];
    if (this.constant || !Number.isFinite(v)) {
      this.values[i] = v;
      return;
    }
    this.last = this.last * this.weight + (1 - this.weight) * v;
    this.decay *= this.weight;
    this.values[i] = this.last / (1 - this.decay);
  }
}
