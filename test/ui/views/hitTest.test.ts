import { describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../../src/cli/assets';
import { loadBuiltinDataset } from '../../../src/core/data/builtin';
import { pca2 } from '../../../src/core/projection/pca';
import { buildPointGrid, nearestPoint } from '../../../src/ui/scatter/hitTest';
import { TRANSITION_MS } from '../../../src/ui/scatter/interpolate';
import { HOVER_RADIUS, ScatterModel } from '../../../src/ui/scatter/scatterModel';

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

describe('hover on 10,000 real points', () => {
  it('finds the nearest point on a Fashion-MNIST PCA picture, as a scan of every point does', async () => {
    // Real data: the first 10,000 images of the shipped Fashion-MNIST, projected on their two principal axes, so the
    // points form the dense, overlapping clusters a trained scatter shows.
    const ds = await loadBuiltinDataset('fashion-mnist', nodeAssetReader());
    const n = 10_000;
    const dim = 784;
    const features = ds.features.subarray(0, n * dim);
    const { mean, components } = pca2(features, n, dim);
    const coordinates = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      let x = 0;
      let y = 0;
      for (let k = 0; k < dim; k++) {
        const v = features[i * dim + k] - mean[k];
        x += v * components[2 * k];
        y += v * components[2 * k + 1];
      }
      coordinates[2 * i] = x;
      coordinates[2 * i + 1] = y;
    }
    const model = new ScatterModel();
    model.setSnapshot({ step: 1, coordinates, labels: ds.labels.slice(0, n), batch: null, lda: null }, 0);
    const options = { showTriplets: false, linkLimit: 12, hovered: -1, hoveredBatch: -1, focus: null };
    const { pixels } = model.frame(TRANSITION_MS, 900, 600, options)!;
    const rand = lcg(11);
    let hits = 0;
    for (let q = 0; q < 4000; q++) {
      // Half the queries a little off a real point, half anywhere on the canvas.
      let x: number;
      let y: number;
      if (q % 2 === 0) {
        const i = Math.floor(rand() * n);
        x = pixels[2 * i] + (rand() - 0.5) * 6;
        y = pixels[2 * i + 1] + (rand() - 0.5) * 6;
      } else {
        x = rand() * 900;
        y = rand() * 600;
      }
      const expected = bruteForce(pixels, x, y, HOVER_RADIUS);
      const found = model.pointAt(x, y);
      expect(found).toBe(expected);
      if (expected >= 0) hits++;
    }
    expect(hits).toBeGreaterThan(2000);
    // A point is found under its own centre.
    for (const i of [0, 1234, 9999]) {
      const found = model.pointAt(pixels[2 * i], pixels[2 * i + 1]);
      expect(Math.hypot(pixels[2 * found] - pixels[2 * i], pixels[2 * found + 1] - pixels[2 * i + 1])).toBe(0);
    }
  }, 60_000);
});
