import { describe, expect, it } from 'vitest';
import { buildPointGrid, nearestPoint } from '../../../src/ui/scatter/hitTest';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Reference: scan every point; nearest within radius, ties to the lower index. */
function bruteForce(positions: Float32Array, x: number, y: number, radius: number): number {
  let best = -1;
  let bestD2 = radius * radius;
  for (let i = 0; 2 * i + 1 < positions.length; i++) {
    const dx = positions[2 * i] - x;
    const dy = positions[2 * i + 1] - y;
    const d2 = dx * dx + dy * dy;
    if (d2 < bestD2 || (d2 === bestD2 && best < 0)) {
      best = i;
      bestD2 = d2;
    }
  }
  return best;
}

describe('grid hit test', () => {
  it('matches brute force on random points and queries', () => {
    for (const [seed, n, cell, radius] of [
      [1, 3000, 8, 8],
      [2, 500, 5, 12],
      [3, 5000, 20, 6],
      [4, 50, 8, 30],
    ] as const) {
      const rand = lcg(seed);
      const positions = new Float32Array(2 * n);
      for (let i = 0; i < positions.length; i++) positions[i] = rand() * 800 - 50;
      const grid = buildPointGrid(positions, cell);
      let hits = 0;
      for (let q = 0; q < 2000; q++) {
        const x = Math.fround(rand() * 900 - 100);
        const y = Math.fround(rand() * 900 - 100);
        const expected = bruteForce(positions, x, y, radius);
        expect(nearestPoint(grid, x, y, radius)).toBe(expected);
        if (expected >= 0) hits++;
      }
      expect(hits).toBeGreaterThan(0);
    }
  });

  it('handles clustered points, duplicates, non-finite points and an empty set', () => {
    const positions = new Float32Array([10, 10, 10, 10, NaN, 5, 10.5, 10, 1e6, 1e6]);
    const grid = buildPointGrid(positions, 4);
    expect(nearestPoint(grid, 10, 10, 2)).toBe(0);
    expect(nearestPoint(grid, 10.4, 10, 2)).toBe(3);
    expect(nearestPoint(grid, 1e6 - 1, 1e6, 3)).toBe(4);
    expect(nearestPoint(grid, 500, 500, 5)).toBe(-1);
    expect(nearestPoint(buildPointGrid(new Float32Array(0), 4), 0, 0, 10)).toBe(-1);
  });
});
