import { describe, expect, it } from 'vitest';
import {
  easeInOutCubic,
  fitBounds,
  fromPixel,
  lerp,
  lerpBounds,
  lerpCoordinates,
  toPixel,
  viewTransform,
} from '../../../src/ui/scatter/interpolate';

describe('easing and lerp', () => {
  it('easing hits its endpoints, is symmetric, clamps and is monotone', () => {
    expect(easeInOutCubic(0)).toBe(0);
    expect(easeInOutCubic(1)).toBe(1);
    expect(easeInOutCubic(0.5)).toBeCloseTo(0.5, 12);
    expect(easeInOutCubic(-1)).toBe(0);
    expect(easeInOutCubic(2)).toBe(1);
    let prev = -Infinity;
    for (let i = 0; i <= 1000; i++) {
      const t = i / 1000;
      const e = easeInOutCubic(t);
      expect(e).toBeGreaterThanOrEqual(prev);
      expect(e + easeInOutCubic(1 - t)).toBeCloseTo(1, 12);
      prev = e;
    }
  });

  it('lerp and lerpCoordinates hit their endpoints and midpoint', () => {
    expect(lerp(2, 6, 0)).toBe(2);
    expect(lerp(2, 6, 1)).toBe(6);
    expect(lerp(2, 6, 0.25)).toBe(3);
    const a = new Float32Array([0, 0, 2, -4]);
    const b = new Float32Array([4, 2, 2, 4]);
    expect([...lerpCoordinates(a, b, 0)]).toEqual([...a]);
    expect([...lerpCoordinates(a, b, 1)]).toEqual([...b]);
    expect([...lerpCoordinates(a, b, 0.5)]).toEqual([2, 1, 2, 0]);
    const out = new Float32Array(4);
    expect(lerpCoordinates(a, b, 0.5, out)).toBe(out);
  });

  it('lerpCoordinates jumps to the target when there is nothing to morph from', () => {
    const b = new Float32Array([1, 2, 3, 4]);
    expect([...lerpCoordinates(null, b, 0.1)]).toEqual([1, 2, 3, 4]);
    expect([...lerpCoordinates(new Float32Array(2), b, 0.1)]).toEqual([1, 2, 3, 4]);
  });

  it('lerpBounds interpolates every side', () => {
    const m = lerpBounds({ minX: 0, maxX: 2, minY: -2, maxY: 0 }, { minX: 2, maxX: 4, minY: 0, maxY: 4 }, 0.5);
    expect(m).toEqual({ minX: 1, maxX: 3, minY: -1, maxY: 2 });
  });
});

describe('axis fitting and view transform', () => {
  it('fits the data range with padding on every side', () => {
    const coords = new Float32Array([1, 10, 3, 20, 2, 15, NaN, 100]);
    const b = fitBounds(coords, 0.1);
    expect(b.minX).toBeCloseTo(1 - 0.2, 6);
    expect(b.maxX).toBeCloseTo(3 + 0.2, 6);
    expect(b.minY).toBeCloseTo(10 - 1, 6);
    expect(b.maxY).toBeCloseTo(20 + 1, 6);
  });

  it('gives a usable box for degenerate data', () => {
    const b = fitBounds(new Float32Array([5, 5, 5, 5]));
    expect(b.maxX - b.minX).toBeGreaterThan(0);
    expect((b.minX + b.maxX) / 2).toBeCloseTo(5, 9);
    expect(fitBounds(new Float32Array(0))).toEqual({ minX: -1, maxX: 1, minY: -1, maxY: 1 });
  });

  it('maps the bounds inside the canvas with uniform scale, y up, and round-trips', () => {
    const bounds = { minX: -2, maxX: 2, minY: -1, maxY: 1 };
    const t = viewTransform(bounds, 400, 300, 10);
    // x span 4 → 380 px limits: scale = min(380/4, 280/2) = 95
    expect(t.scale).toBeCloseTo(95, 9);
    const [lx, ly] = toPixel(t, -2, -1);
    const [hx, hy] = toPixel(t, 2, 1);
    expect(lx).toBeCloseTo(10, 9);
    expect(hx).toBeCloseTo(390, 9);
    expect(ly).toBeGreaterThan(hy); // y up in data is smaller pixel y
    expect((ly + hy) / 2).toBeCloseTo(150, 9);
    const [x, y] = fromPixel(t, 123, 77);
    const [px, py] = toPixel(t, x, y);
    expect(px).toBeCloseTo(123, 9);
    expect(py).toBeCloseTo(77, 9);
  });
});
