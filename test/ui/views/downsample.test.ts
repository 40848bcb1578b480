import { describe, expect, it } from 'vitest';
import { downsampleMinMax, downsampleMulti, MAX_CHART_POINTS } from '../../../src/ui/charts/downsample';

/** Deterministic pseudo-random values (a small LCG) so tests need no Math.random. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface P {
  step: number;
  v: number;
  w: number;
}

function series(n: number, seed: number): P[] {
  const rand = lcg(seed);
  return Array.from({ length: n }, (_, i) => ({ step: i, v: rand() * 10 - 5, w: Math.sin(i / 50) + rand() }));
}

describe('downsampleMinMax', () => {
  it('returns the same array when already small enough', () => {
    const pts = series(300, 1);
    expect(downsampleMinMax(pts, (p) => p.v)).toBe(pts);
    const exact = series(MAX_CHART_POINTS, 2);
    expect(downsampleMinMax(exact, (p) => p.v)).toBe(exact);
  });

  it('keeps first, last, global extremes, order, and at most maxPoints', () => {
    for (const n of [501, 1000, 12_345, 100_000]) {
      const pts = series(n, n);
      // plant spikes
      pts[Math.floor(n / 3)].v = 1000;
      pts[Math.floor((2 * n) / 3)].v = -1000;
      const out = downsampleMinMax(pts, (p) => p.v);
      expect(out.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
      expect(out.length).toBeGreaterThan(MAX_CHART_POINTS / 2);
      expect(out[0]).toBe(pts[0]);
      expect(out[out.length - 1]).toBe(pts[n - 1]);
      for (let i = 1; i < out.length; i++) expect(out[i].step).toBeGreaterThan(out[i - 1].step);
      let max = -Infinity;
      let min = Infinity;
      for (const p of pts) {
        max = Math.max(max, p.v);
        min = Math.min(min, p.v);
      }
      expect(out.some((p) => p.v === max)).toBe(true);
      expect(out.some((p) => p.v === min)).toBe(true);
    }
  });

  it('keeps the min and max of every bucket (no spike lost)', () => {
    const n = 20_000;
    const pts = series(n, 7);
    const maxPoints = 100;
    const out = downsampleMinMax(pts, (p) => p.v, maxPoints);
    expect(out.length).toBeLessThanOrEqual(maxPoints);
    // Reference: the same bucket boundaries computed independently; each bucket's extremes must survive.
    const buckets = Math.floor((maxPoints - 2) / 2);
    for (let b = 0; b < buckets; b++) {
      const start = 1 + Math.floor((b * (n - 2)) / buckets);
      const end = 1 + Math.floor(((b + 1) * (n - 2)) / buckets);
      const slice = pts.slice(start, end);
      const max = slice.reduce((a, p) => (p.v > a.v ? p : a));
      const min = slice.reduce((a, p) => (p.v < a.v ? p : a));
      expect(out).toContain(max);
      expect(out).toContain(min);
    }
  });

  it('ignores non-finite values as extremes but keeps endpoints', () => {
    const pts = series(2000, 3);
    pts[10].v = NaN;
    pts[1500].v = Infinity;
    const out = downsampleMinMax(pts, (p) => p.v, 50);
    expect(out).not.toContain(pts[10]);
    expect(out).not.toContain(pts[1500]);
    expect(out.length).toBeLessThanOrEqual(50);
  });
});

describe('downsampleMulti', () => {
  it('keeps the extremes of each series, stays within the cap, and preserves order', () => {
    const pts = series(50_000, 11);
    pts[123].w = 99;
    pts[40_000].v = -99;
    const out = downsampleMulti(pts, [(p) => p.v, (p) => p.w]);
    expect(out.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(out).toContain(pts[123]);
    expect(out).toContain(pts[40_000]);
    expect(out[0]).toBe(pts[0]);
    expect(out[out.length - 1]).toBe(pts[pts.length - 1]);
    for (let i = 1; i < out.length; i++) expect(out[i].step).toBeGreaterThan(out[i - 1].step);
  });

  it("keeps exactly the union of each series' own min/max picks, with gaps and ties", () => {
    const pts = series(7_001, 5);
    for (let i = 0; i < pts.length; i += 97) pts[i].v = Number.NaN;
    for (let i = 3_000; i < 3_400; i++) pts[i].w = 2; // a flat stretch: ties pick the first
    pts[5_000].w = Number.POSITIVE_INFINITY;
    const values = [(p: (typeof pts)[number]) => p.v, (p: (typeof pts)[number]) => p.w];
    for (const cap of [7, 300, 500]) {
      const share = Math.max(2, Math.floor(cap / values.length));
      const picked = new Set(values.flatMap((value) => [...downsampleMinMax(pts, value, share)]));
      expect(downsampleMulti(pts, values, cap)).toEqual(pts.filter((p) => picked.has(p)));
    }
  });
});
