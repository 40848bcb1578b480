import { describe, expect, it } from 'vitest';
import { discMask, fillPixels, stampDisc, type PixelBuffer } from '../../../src/ui/scatter/pointSprite';

function buffer(width: number, height: number): PixelBuffer {
  const b = { data: new Uint8ClampedArray(width * height * 4), width, height };
  fillPixels(b, [255, 255, 255]);
  return b;
}
const pixel = (b: PixelBuffer, x: number, y: number) =>
  Array.from(b.data.subarray((y * b.width + x) * 4, (y * b.width + x) * 4 + 4));

describe('scatter point sprites', () => {
  it('a disc mask is full inside, empty outside, partial on the rim and symmetric', () => {
    const m = discMask(3);
    const side = 2 * m.reach + 1;
    const at = (dx: number, dy: number) => m.coverage[(dy + m.reach) * side + dx + m.reach];
    expect(at(0, 0)).toBe(1);
    expect(at(2, 0)).toBe(1);
    expect(at(m.reach, m.reach)).toBe(0);
    expect(at(3, 0)).toBeCloseTo(0.5, 6);
    expect(at(-1, 2)).toBe(at(2, -1));
  });

  it('stamps a colour at the given opacity over white, blends overlaps and leaves far pixels alone', () => {
    const b = buffer(20, 10);
    const mask = discMask(3);
    stampDisc(b, mask, 5.2, 4.7, [200, 0, 100], 0.5);
    expect(pixel(b, 5, 5)).toEqual([228, 128, 178, 255]); // 255 + (c − 255)·0.5, rounded
    expect(pixel(b, 15, 5)).toEqual([255, 255, 255, 255]);
    stampDisc(b, mask, 5, 5, [200, 0, 100], 0.5);
    expect(pixel(b, 5, 5)).toEqual([214, 64, 139, 255]);
  });

  it('clips at the edges and skips non-finite centres', () => {
    const b = buffer(4, 4);
    const mask = discMask(2);
    stampDisc(b, mask, 0, 0, [0, 0, 0], 1);
    expect(pixel(b, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(pixel(b, 3, 3)).toEqual([255, 255, 255, 255]);
    stampDisc(b, mask, -100, 2, [0, 0, 0], 1);
    stampDisc(b, mask, NaN, 2, [0, 0, 0], 1);
    expect(pixel(b, 3, 2)).toEqual([255, 255, 255, 255]);
  });
});
