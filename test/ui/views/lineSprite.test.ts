import { describe, expect, it } from 'vitest';
import { fillPixels, type PixelBuffer } from '../../../src/ui/scatter/pointSprite';
import { strokeSegment, type LineStyle } from '../../../src/ui/scatter/lineSprite';
import { drawScatter } from '../../../src/ui/scatter/render';
import { viewTransform } from '../../../src/ui/scatter/interpolate';
import { parseHex, TRIPLET_COLOURS } from '../../../src/ui/scatter/palette';

function buffer(width: number, height: number): PixelBuffer {
  const b = { data: new Uint8ClampedArray(width * height * 4), width, height };
  fillPixels(b, [255, 255, 255]);
  return b;
}
const pixel = (b: PixelBuffer, x: number, y: number) =>
  Array.from(b.data.subarray((y * b.width + x) * 4, (y * b.width + x) * 4 + 4));
/** How much black ink a pixel holds (0 = white, 1 = black), for black lines on white. */
const ink = (b: PixelBuffer, x: number, y: number) => (255 - b.data[(y * b.width + x) * 4]) / 255;
const totalInk = (b: PixelBuffer) => {
  let sum = 0;
  for (let y = 0; y < b.height; y++) for (let x = 0; x < b.width; x++) sum += ink(b, x, y);
  return sum;
};
const BLACK: LineStyle = { rgb: [0, 0, 0], alpha: 1, width: 1, dash: null };
const WHITE_PIXEL = [255, 255, 255, 255];

describe('scatter line sprites', () => {
  it('a one-pixel horizontal line through pixel centres fills exactly its pixels, butt ends', () => {
    const b = buffer(12, 8);
    strokeSegment(b, 2, 5.5, 8, 5.5, BLACK);
    for (let x = 2; x < 8; x++) expect(pixel(b, x, 5)).toEqual([0, 0, 0, 255]);
    expect(pixel(b, 1, 5)).toEqual(WHITE_PIXEL);
    expect(pixel(b, 8, 5)).toEqual(WHITE_PIXEL);
    expect(pixel(b, 4, 4)).toEqual(WHITE_PIXEL);
    expect(pixel(b, 4, 6)).toEqual(WHITE_PIXEL);
  });

  it('anti-aliases: a line between two rows shares its ink between them, and the ink is its area', () => {
    const b = buffer(12, 8);
    strokeSegment(b, 2, 5, 8, 5, BLACK);
    expect(ink(b, 4, 4)).toBeCloseTo(0.5, 1);
    expect(ink(b, 4, 5)).toBeCloseTo(0.5, 1);
    expect(totalInk(b)).toBeCloseTo(6, 1);
    const d = buffer(30, 30);
    strokeSegment(d, 3, 4, 23, 19, { ...BLACK, width: 1.25 });
    expect(totalInk(d)).toBeCloseTo(Math.hypot(20, 15) * 1.25, 0);
  });

  it('steep lines are the transpose of shallow ones, and direction does not matter', () => {
    const shallow = buffer(20, 20);
    const steep = buffer(20, 20);
    const reversed = buffer(20, 20);
    strokeSegment(shallow, 2.3, 4.1, 17.2, 9.6, { ...BLACK, width: 1.5 });
    strokeSegment(steep, 4.1, 2.3, 9.6, 17.2, { ...BLACK, width: 1.5 });
    strokeSegment(reversed, 17.2, 9.6, 2.3, 4.1, { ...BLACK, width: 1.5 });
    // Equal up to rounding (the reversed walk sums the same coverage in another order).
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 20; x++) {
        expect(Math.abs(ink(steep, y, x) - ink(shallow, x, y))).toBeLessThanOrEqual(1 / 255);
        expect(Math.abs(ink(reversed, x, y) - ink(shallow, x, y))).toBeLessThanOrEqual(1 / 255);
      }
    }
    expect(totalInk(shallow)).toBeGreaterThan(10);
  });

  it('dashes start "on" at the first end, like a canvas sub-path', () => {
    const b = buffer(20, 4);
    strokeSegment(b, 0, 2.5, 14, 2.5, { ...BLACK, dash: [4, 3] });
    const row = Array.from({ length: 15 }, (_, x) => Math.round(ink(b, x, 2)));
    expect(row).toEqual([1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
    const back = buffer(20, 4);
    strokeSegment(back, 14, 2.5, 0, 2.5, { ...BLACK, dash: [4, 3] });
    expect(Array.from({ length: 15 }, (_, x) => Math.round(ink(back, x, 2)))).toEqual([
      0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0,
    ]);
  });

  it('blends at the given opacity, clips at the edges and skips degenerate segments', () => {
    const b = buffer(10, 10);
    strokeSegment(b, 0, 3.5, 10, 3.5, { rgb: [200, 0, 100], alpha: 0.5, width: 1, dash: null });
    expect(pixel(b, 5, 3)).toEqual([228, 128, 178, 255]);
    const c = buffer(10, 10);
    strokeSegment(c, -50, -50, 60, 60, BLACK);
    expect(ink(c, 0, 0)).toBeGreaterThan(0.5);
    expect(ink(c, 9, 9)).toBeGreaterThan(0.5);
    expect(ink(c, 9, 0)).toBe(0);
    const before = totalInk(c);
    strokeSegment(c, NaN, 2, 5, 5, BLACK);
    strokeSegment(c, 3, 3, 3, 3, BLACK);
    strokeSegment(c, 1, 1, 8, 8, { ...BLACK, alpha: 0 });
    expect(totalInk(c)).toBe(before);
  });
});

describe('drawScatter paints the triplet links into its pixel buffer', () => {
  /** The parts of a 2-D context drawScatter uses, recording what it is asked to do. */
  function fakeContext(width: number, height: number) {
    const calls: string[] = [];
    let put: ImageData | null = null;
    const ctx = {
      canvas: { width, height },
      createImageData: (w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4), width: w, height: h }),
      putImageData: (image: ImageData) => {
        put = image;
        calls.push('putImageData');
      },
      stroke: () => calls.push('stroke'),
      fill: () => calls.push('fill'),
      beginPath: () => undefined,
      moveTo: () => undefined,
      lineTo: () => undefined,
      arc: () => undefined,
      setLineDash: () => undefined,
    };
    return { ctx: ctx as unknown as CanvasRenderingContext2D, calls, image: () => put! };
  }

  it('solid anchor→positive and dashed anchor→negative links in their category colours, no canvas strokes', () => {
    const { ctx, calls, image } = fakeContext(200, 100);
    const transform = viewTransform({ minX: 0, maxX: 10, minY: 0, maxY: 10 }, 200, 100, 0);
    // Batch rows: 0 anchor at the left, 1 positive and 2 negative far to the right on the same height.
    const batch = {
      coordinates: new Float32Array([1, 5, 9, 5, 9, 2]),
      triplets: [{ anchor: 0, positive: 1, negative: 2, category: 'hard' as const, loss: 0.1, dAP: 0.8, dAN: 0.9 }],
    };
    const frame = {
      width: 200,
      height: 100,
      transform,
      coordinates: new Float32Array(0),
      labels: new Int32Array(0),
      batch,
      showTriplets: true,
      hovered: -1,
    };
    drawScatter(ctx, frame as Parameters<typeof drawScatter>[1], new Float32Array(0));
    expect(calls).toEqual(['putImageData']);
    const img = image();
    const hard = parseHex(TRIPLET_COLOURS.hard);
    // Anchor (1,5) → pixel (60, 50), positive (9,5) → (140, 50), negative (9,2) → (140, 80).
    const at = (x: number, y: number) =>
      Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3));
    /** Share of the link colour in a pixel (0 white … 1 the colour), from the green channel. */
    const share = (x: number, y: number) => (255 - at(x, y)[1]) / (255 - hard[1]);
    for (let x = 75; x < 134; x++) {
      // The solid link (away from the dashed one near the anchor): 1 px of colour at opacity 0.6 across rows
      // 49–50 in every column (thin and translucent), red staying above green.
      expect(share(x, 48) + share(x, 49) + share(x, 50) + share(x, 51)).toBeCloseTo(0.6, 1);
      expect(at(x, 49)[0]).toBeGreaterThan(at(x, 49)[1]);
    }
    // The dashed link to the negative: ink along it comes and goes (on 4 px, off 3 px, stretched by its slope).
    const dashed = Array.from({ length: 70 }, (_, k) => {
      const x = 65 + k;
      const y = 50 + ((x - 60) * 30) / 80;
      return share(x, Math.floor(y) - 1) + share(x, Math.floor(y)) + share(x, Math.floor(y) + 1);
    });
    expect(dashed.filter((v) => v > 0.5).length).toBeGreaterThan(25);
    expect(dashed.filter((v) => v < 0.1).length).toBeGreaterThan(15);
    // Hidden links: nothing but white.
    const { ctx: ctx2, image: image2 } = fakeContext(200, 100);
    drawScatter(ctx2, { ...frame, showTriplets: false } as Parameters<typeof drawScatter>[1], new Float32Array(0));
    expect(image2().data.every((v) => v === 255)).toBe(true);
  });
});
