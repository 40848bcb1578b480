/**
 * When a costly live view (a snapshot, an evaluation) may run again while training: after the last one ended, it
 * waits its minimum interval or, if longer, what its last cost allows within a share of the time. A view that took
 * `cost` ms waits `cost · (1 − share) / share` ms, so over any stretch of training it holds the thread for at most
 * `share` of the time (and the minimum interval keeps a cheap view from flooding the page). The maximum interval
 * keeps the view alive on a badly overloaded machine, where waiting for a core inflates every cost: there the view
 * may take more than its share rather than stand still. On a fast machine the minimum interval rules; on a slow or loaded one the views thin out instead of eating
 * the training time.
 */
export class Cadence {
  private nextAt = Number.NEGATIVE_INFINITY;
  private runs = 0;
  private totalMs = 0;

  constructor(
    readonly minIntervalMs: number,
    /** The most of the time this view may take, in (0, 1]. */
    readonly maxShare: number,
    /** The longest wait after a run, whatever it cost (≥ minIntervalMs; Infinity: none). */
    readonly maxIntervalMs = Number.POSITIVE_INFINITY,
  ) {
    if (!(minIntervalMs >= 0) || !Number.isFinite(minIntervalMs))
      throw new RangeError(`minIntervalMs must be a finite number ≥ 0 (got ${minIntervalMs})`);
    if (!(maxShare > 0 && maxShare <= 1)) throw new RangeError(`maxShare must be in (0, 1] (got ${maxShare})`);
    if (!(maxIntervalMs >= minIntervalMs))
      throw new RangeError(`maxIntervalMs must be ≥ minIntervalMs (got ${maxIntervalMs} < ${minIntervalMs})`);
  }

  /** Whether the view may run at `now`. */
  due(now: number): boolean {
    return now >= this.nextAt;
  }

  /** The view ran from `start` to `end` (the host's clock): sets when it may run next. */
  ran(start: number, end: number): void {
    const cost = Math.max(0, end - start);
    this.runs++;
    this.totalMs += cost;
    const wait = Math.max(this.minIntervalMs, (cost * (1 - this.maxShare)) / this.maxShare);
    this.nextAt = end + Math.min(this.maxIntervalMs, wait);
  }

  /** The earliest time of the next run (−∞ before the first). */
  get next(): number {
    return this.nextAt;
  }

  /** How often the view ran and the milliseconds it took in all (a debug counter the benchmark reads). */
  get totals(): { runs: number; ms: number } {
    return { runs: this.runs, ms: this.totalMs };
  }
}
