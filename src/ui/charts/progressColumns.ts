/**
 * The training history as typed columns, extended as points arrive. The loss and triplet charts redraw on every
 * progress event, and reading every point object of a long run again each time (60,000 of them after five minutes)
 * made those redraws grow with the run; with the columns kept, a redraw reads only the points added since the last,
 * then downsamples plain arrays.
 */
import type { ProgressPoint } from '../../worker/protocol';

/** `from` with room for `needed` entries, its first `length` kept. */
export function grown(from: Float64Array, length: number, needed: number): Float64Array {
  if (needed <= from.length) return from;
  const to = new Float64Array(Math.max(needed, 2 * from.length, 256));
  to.set(from.subarray(0, length));
  return to;
}

/**
 * Every point's step and loss, and the steps and easy / semi-hard / hard counts of the points that have counts (pair
 * batches have none; a missing count of a triplet batch is 0).
 */
export class ProgressColumns {
  steps: Float64Array = new Float64Array(0);
  loss: Float64Array = new Float64Array(0);
  length = 0;
  countSteps: Float64Array = new Float64Array(0);
  easy: Float64Array = new Float64Array(0);
  semiHard: Float64Array = new Float64Array(0);
  hard: Float64Array = new Float64Array(0);
  counted = 0;
  /** Changes whenever the columns are read again from scratch (a new history): what was derived from them is stale. */
  revision = 0;
  /** The history last read, and its last point read: a history the columns can extend has both where they were. */
  private source: readonly ProgressPoint[] | null = null;
  private lastPoint: ProgressPoint | undefined = undefined;

  /** The columns of `points`, from scratch. */
  static of(points: readonly ProgressPoint[]): ProgressColumns {
    return new ProgressColumns().sync(points);
  }

  /**
   * Makes the columns those of `points`: only the new points are read when `points` is the history read last, grown
   * since (the page's history grows in place), else every point.
   */
  sync(points: readonly ProgressPoint[]): this {
    const extends_ =
      points === this.source &&
      points.length >= this.length &&
      (this.length === 0 || points[this.length - 1] === this.lastPoint);
    if (!extends_) {
      this.length = 0;
      this.counted = 0;
      this.revision++;
    }
    const n = points.length;
    this.steps = grown(this.steps, this.length, n);
    this.loss = grown(this.loss, this.length, n);
    for (let i = this.length; i < n; i++) {
      const p = points[i];
      this.steps[i] = p.step;
      this.loss[i] = p.loss;
      if (p.easy !== undefined || p.semiHard !== undefined || p.hard !== undefined) {
        const k = this.counted++;
        this.countSteps = grown(this.countSteps, k, k + 1);
        this.easy = grown(this.easy, k, k + 1);
        this.semiHard = grown(this.semiHard, k, k + 1);
        this.hard = grown(this.hard, k, k + 1);
        this.countSteps[k] = p.step;
        this.easy[k] = p.easy ?? 0;
        this.semiHard[k] = p.semiHard ?? 0;
        this.hard[k] = p.hard ?? 0;
      }
    }
    this.length = n;
    this.source = points;
    this.lastPoint = points[n - 1];
    return this;
  }
}
