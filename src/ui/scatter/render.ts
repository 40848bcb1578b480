/**
 * Canvas drawing of one scatter frame: held-out points coloured by class, the last batch's mined triplets as
 * anchor→positive (solid) and anchor→negative (dashed) links, and the hovered point's ring. Kept free of React so
 * the animation loop calls it directly.
 */
import type { SnapshotTripletMessage } from '../../worker/protocol';
import { toPixel, type ViewTransform } from './interpolate';
import { classColour, TRIPLET_COLOURS } from './palette';

/** Everything one frame needs, in CSS pixels (the context is already scaled by devicePixelRatio). */
export interface ScatterFrame {
  width: number;
  height: number;
  transform: ViewTransform;
  coordinates: Float32Array;
  labels: Int32Array;
  batch: { coordinates: Float32Array; triplets: readonly SnapshotTripletMessage[] } | null;
  showTriplets: boolean;
  hovered: number;
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

/** Draws one frame; points are batched by class into one path each so thousands stay at 60 fps. */
export function drawScatter(ctx: CanvasRenderingContext2D, frame: ScatterFrame, pixels: Float32Array): void {
  const { width, height, labels } = frame;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);

  const n = Math.min(labels.length, Math.floor(pixels.length / 2));
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i);
    else byClass.set(labels[i], [i]);
  }
  ctx.globalAlpha = 0.85;
  for (const [label, indices] of byClass) {
    ctx.fillStyle = classColour(label);
    ctx.beginPath();
    for (const i of indices) {
      const x = pixels[2 * i];
      const y = pixels[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      ctx.moveTo(x + POINT_RADIUS, y);
      ctx.arc(x, y, POINT_RADIUS, 0, 2 * Math.PI);
    }
    ctx.fill();
  }
  ctx.globalAlpha = 1;

  if (frame.showTriplets && frame.batch) {
    const bc = frame.batch.coordinates;
    const at = (k: number) => toPixel(frame.transform, bc[2 * k], bc[2 * k + 1]);
    ctx.lineWidth = 1.25;
    for (const t of frame.batch.triplets) {
      if (2 * Math.max(t.anchor, t.positive, t.negative) + 1 >= bc.length) continue;
      const [ax, ay] = at(t.anchor);
      const [px, py] = at(t.positive);
      const [nx, ny] = at(t.negative);
      ctx.strokeStyle = TRIPLET_COLOURS[t.category];
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.moveTo(ax, ay);
      ctx.lineTo(px, py);
      ctx.stroke();
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(ax, ay);
      ctx.lineTo(nx, ny);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }

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
