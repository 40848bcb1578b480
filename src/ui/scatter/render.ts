/**
 * Canvas drawing of one scatter frame: held-out points coloured by class, the last batch's mined triplets as
 * anchor→positive (solid) and anchor→negative (dashed) links, and the hovered point's ring. Kept free of React so
 * the animation loop calls it directly.
 */
import type { SnapshotTripletMessage } from '../../worker/protocol';
import { toPixel, type ViewTransform } from './interpolate';
import { classColour, parseHex, TRIPLET_COLOURS } from './palette';
import { discMask, fillPixels, stampDisc } from './pointSprite';
import { drawFocus, type ScatterFocus } from './focus';

/** Everything one frame needs, in CSS pixels (the context is already scaled by devicePixelRatio). */
export interface ScatterFrame {
  width: number;
  height: number;
  transform: ViewTransform;
  coordinates: Float32Array;
  labels: Int32Array;
  /** candidateOffset: coordinate row of column j is offset + j (split-input batches: n; see teachProtocol.ts). */
  batch: { coordinates: Float32Array; triplets: readonly SnapshotTripletMessage[]; candidateOffset?: number } | null;
  showTriplets: boolean;
  hovered: number;
  /** The triplet inspector's selected triplet (rows of batch.coordinates), drawn on top. */
  focus?: ScatterFocus | null;
}

/** Point radius in CSS pixels. */
export const POINT_RADIUS = 3;

/** Flat n×2 pixel positions of data coordinates (for drawing and the hover grid). */
export function projectToPixels(coordinates: Float32Array, transform: ViewTransform, out?: Float32Array): Float32Array {
  const result = out && out.length === coordinates.length ? out : new Float32Array(coordinates.length);
  for (let i = 0; i + 1 < coordinates.length; i += 2) {
    result[i] = transform.offsetX + coordinates[i] * transform.scale;
    result[i + 1] = transform.offsetY - coordinates[i + 1] * transform.scale;
  }
  return result;
}

/** One reusable pixel buffer per canvas (reallocated only when the canvas is resized). */
const buffers = new WeakMap<HTMLCanvasElement, ImageData>();
const WHITE: readonly [number, number, number] = [255, 255, 255];

/**
 * Draws one frame. The points go into a pixel buffer (pointSprite.ts) copied to the canvas with one putImageData:
 * software-rendered canvases (no GPU) paid for one anti-aliased arc per point on every animation frame. The links,
 * the focus and the hover ring are drawn on top with the canvas API, links batched into one path per colour and
 * dash style.
 */
export function drawScatter(ctx: CanvasRenderingContext2D, frame: ScatterFrame, pixels: Float32Array): void {
  const { width, height, labels } = frame;
  const canvas = ctx.canvas;
  const n = Math.min(labels.length, Math.floor(pixels.length / 2));
  if (canvas.width > 0 && canvas.height > 0 && typeof ctx.createImageData === 'function') {
    let image = buffers.get(canvas);
    if (!image || image.width !== canvas.width || image.height !== canvas.height) {
      image = ctx.createImageData(canvas.width, canvas.height);
      buffers.set(canvas, image);
    }
    const ratio = canvas.width / Math.max(1, width);
    fillPixels(image, WHITE);
    const mask = discMask(POINT_RADIUS * ratio);
    const colours = new Map<number, [number, number, number]>();
    for (let i = 0; i < n; i++) {
      let rgb = colours.get(labels[i]);
      if (!rgb) {
        rgb = parseHex(classColour(labels[i]));
        colours.set(labels[i], rgb);
      }
      stampDisc(image, mask, pixels[2 * i] * ratio, pixels[2 * i + 1] * ratio, rgb, 0.85);
    }
    ctx.putImageData(image, 0, 0);
  } else {
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
  }

  if (frame.showTriplets && frame.batch) {
    const bc = frame.batch.coordinates;
    const at = (k: number) => toPixel(frame.transform, bc[2 * k], bc[2 * k + 1]);
    ctx.lineWidth = 1.25;
    // With a triplet picked in the inspector, the others fade so it stands out.
    ctx.globalAlpha = frame.focus ? 0.15 : 1;
    const off = frame.batch.candidateOffset ?? 0;
    for (const category of Object.keys(TRIPLET_COLOURS) as (keyof typeof TRIPLET_COLOURS)[]) {
      const triplets = frame.batch.triplets.filter((t) => t.category === category && 2 * Math.max(t.anchor, t.positive + off, t.negative + off) + 1 < bc.length);
      if (triplets.length === 0) continue;
      ctx.strokeStyle = TRIPLET_COLOURS[category];
      for (const dashed of [false, true]) {
        ctx.setLineDash(dashed ? [4, 3] : []);
        ctx.beginPath();
        for (const t of triplets) {
          const [ax, ay] = at(t.anchor);
          const [ox, oy] = at((dashed ? t.negative : t.positive) + off);
          ctx.moveTo(ax, ay);
          ctx.lineTo(ox, oy);
        }
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
  }

  if (frame.focus && frame.batch) drawFocus(ctx, frame.focus, frame.batch.coordinates, frame.transform);

  if (frame.hovered >= 0 && frame.hovered < n) {
    const x = pixels[2 * frame.hovered];
    const y = pixels[2 * frame.hovered + 1];
    ctx.strokeStyle = '#111111';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, POINT_RADIUS + 3, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

/**
 * Writes sample `index` of an image preview (values in [0,1], h×w×c with c = 1 or 3+) as RGBA bytes, for the hover
 * thumbnail.
 */
export function sampleToRgba(values: Float32Array, shape: readonly number[], index: number): Uint8ClampedArray {
  const [h, w, c = 1] = shape;
  const size = h * w * c;
  const out = new Uint8ClampedArray(h * w * 4);
  const base = index * size;
  for (let p = 0; p < h * w; p++) {
    const v = (k: number) => Math.round(Math.min(1, Math.max(0, values[base + p * c + k])) * 255);
    const r = v(0);
    out[4 * p] = r;
    out[4 * p + 1] = c >= 3 ? v(1) : r;
    out[4 * p + 2] = c >= 3 ? v(2) : r;
    out[4 * p + 3] = 255;
  }
  return out;
}
