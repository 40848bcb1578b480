import { describe, expect, it } from 'vitest';
import { toPixel, viewTransform } from '../../../src/ui/scatter/interpolate';
import { projectToPixels, sampleToRgba } from '../../../src/ui/scatter/render';

describe('scatter render helpers', () => {
  it('projectToPixels agrees with toPixel point by point', () => {
    const t = viewTransform({ minX: -3, maxX: 5, minY: -1, maxY: 2 }, 300, 200, 10);
    const coords = new Float32Array([-3, -1, 5, 2, 0.25, 0.5]);
    const px = projectToPixels(coords, t);
    for (let i = 0; i < 3; i++) {
      const [x, y] = toPixel(t, coords[2 * i], coords[2 * i + 1]);
      expect(px[2 * i]).toBeCloseTo(x, 3);
      expect(px[2 * i + 1]).toBeCloseTo(y, 3);
    }
  });

  it('sampleToRgba expands greyscale and copies RGB, clamped to [0,255]', () => {
    // two 1×2 greyscale samples
    const grey = sampleToRgba(new Float32Array([0, 1, 0.5, 2]), [1, 2, 1], 1);
    expect([...grey]).toEqual([128, 128, 128, 255, 255, 255, 255, 255]);
    const rgb = sampleToRgba(new Float32Array([0.2, 0.4, 0.6]), [1, 1, 3], 0);
    expect([...rgb]).toEqual([Math.round(0.2 * 255), Math.round(0.4 * 255), Math.round(0.6 * 255), 255]);
  });
});
