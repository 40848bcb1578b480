import { describe, expect, it } from 'vitest';
import { Cadence } from '../../src/worker/cadence';

/** Drives a view on an explicit clock: the loop checks every `tick` ms; a run costs `cost(k)` ms for run k. */
function simulate(cadence: Cadence, tick: number, until: number, cost: (k: number) => number) {
  const runs: { start: number; end: number }[] = [];
  let t = 0;
  while (t < until) {
    if (cadence.due(t)) {
      const start = t;
      t += cost(runs.length);
      cadence.ran(start, t);
      runs.push({ start, end: t });
    }
    t += tick;
  }
  const busy = runs.reduce((sum, r) => sum + (r.end - r.start), 0);
  // Each run is paid for by the wait that follows it, so the share is counted up to when the next may start.
  return { runs, share: busy / Math.max(t, cadence.next) };
}

describe('Cadence: a live view keeps to its minimum interval and its share of the time', () => {
  it('a cheap view runs at its minimum interval, measured from the end of the last run', () => {
    const { runs } = simulate(new Cadence(250, 0.1), 5, 10_000, () => 5);
    const gaps = runs.slice(1).map((r, i) => r.start - runs[i].end);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(250);
    for (const g of gaps) expect(g).toBeLessThan(250 + 5);
    expect(runs.length).toBeGreaterThanOrEqual(37);
  });

  it('a costly view thins out: it never takes more than its share of the time', () => {
    for (const [cost, share] of [
      [60, 0.06],
      [200, 0.1],
      [900, 0.1],
      [40, 0.5],
    ]) {
      const result = simulate(new Cadence(250, share), 5, 60_000, () => cost);
      expect(result.share).toBeLessThanOrEqual(share + 1e-9);
      // It still runs as often as the share and the minimum interval allow (within a run of it, the clock ticking).
      const period = cost + Math.max(250, (cost * (1 - share)) / share);
      const allowed = (60_000 / period) * (period / (period + 5));
      expect(result.runs.length).toBeGreaterThanOrEqual(Math.floor(allowed) - 1);
    }
  });

  it('the gap follows the last run: a slow run (a loaded machine) spaces the next one, a fast one brings it back', () => {
    const cadence = new Cadence(250, 0.1);
    expect(cadence.due(0)).toBe(true);
    cadence.ran(0, 300); // 300 ms: the next may start 2,700 ms after its end
    expect(cadence.next).toBe(300 + 2700);
    expect(cadence.due(2999)).toBe(false);
    expect(cadence.due(3000)).toBe(true);
    cadence.ran(3000, 3010); // 10 ms: the minimum interval rules again
    expect(cadence.next).toBe(3010 + 250);
    expect(cadence.totals).toEqual({ runs: 2, ms: 310 });
  });

  it('the maximum interval keeps a very costly view alive (it may then take more than its share)', () => {
    const cadence = new Cadence(250, 0.06, 3000);
    cadence.ran(0, 1000); // 1 s: its share would want 15.7 s of training before the next
    expect(cadence.next).toBe(1000 + 3000);
    cadence.ran(4000, 4020); // cheap again: the share and the minimum interval rule
    expect(cadence.next).toBe(4020 + (20 * 0.94) / 0.06);
  });

  it('refuses a share outside (0, 1] and a negative or non-finite interval', () => {
    expect(() => new Cadence(250, 0)).toThrow(/maxShare/);
    expect(() => new Cadence(250, 1.5)).toThrow(/maxShare/);
    expect(() => new Cadence(Number.NaN, 0.1)).toThrow(/minIntervalMs/);
    expect(() => new Cadence(-1, 0.1)).toThrow(/minIntervalMs/);
    expect(() => new Cadence(Number.POSITIVE_INFINITY, 0.1)).toThrow(/minIntervalMs/);
    expect(() => new Cadence(250, 0.1, 100)).toThrow(/maxIntervalMs/);
  });
});
