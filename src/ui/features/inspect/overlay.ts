/**
 * Inspect marks drawn over the scatter: the selected sample (ring), sample B of a comparison (square ring and a line
 * to A), the listed neighbours (thin rings and spokes from the selection), and a query by example (a star at its
 * place on the map, with spokes to its neighbours). Pure canvas drawing from pixel positions the scatter computed.
 */
import type { ViewTransform } from '../../scatter/interpolate';
import { toPixel } from '../../scatter/interpolate';

/** What the scatter hands an overlay each frame. */
export interface OverlayFrame {
  transform: ViewTransform;
  /** Pixel positions of the points as drawn this frame (n × 2). */
  pixels: Float32Array;
}

/** A function the scatter calls after drawing its points. */
export type ScatterOverlay = (ctx: CanvasRenderingContext2D, frame: OverlayFrame) => void;

/** The marks to draw (point numbers of the shown snapshot; query position in data coordinates). */
export interface InspectMarks {
  selected: number | null;
  compareWith: number | null;
  neighbours: readonly number[];
  query: { x: number; y: number; neighbours: readonly number[] } | null;
}

export const MARK_COLOURS = {
  selected: '#111111',
  neighbour: '#0b6bcb',
  query: '#b8008a',
  compare: '#c45a00',
} as const;

/** An overlay drawing `marks`; null when there is nothing to mark. */
export function inspectOverlay(marks: InspectMarks): ScatterOverlay | null {
  if (marks.selected === null && marks.compareWith === null && marks.neighbours.length === 0 && marks.query === null)
    return null;
  return (ctx, { transform, pixels }) => {
    const n = pixels.length / 2;
    const at = (i: number): [number, number] | null =>
      i >= 0 && i < n && Number.isFinite(pixels[2 * i]) ? [pixels[2 * i], pixels[2 * i + 1]] : null;
    ctx.save();
    ctx.lineWidth = 1.5;
    const selected = marks.selected === null ? null : at(marks.selected);
    for (const i of marks.neighbours) {
      const p = at(i);
      if (!p) continue;
      ctx.strokeStyle = MARK_COLOURS.neighbour;
      if (selected) line(ctx, selected, p);
      ring(ctx, p, 6);
    }
    if (marks.compareWith !== null) {
      const b = at(marks.compareWith);
      if (b) {
        ctx.strokeStyle = MARK_COLOURS.compare;
        ctx.setLineDash([4, 3]);
        if (selected) line(ctx, selected, b);
        ctx.setLineDash([]);
        ctx.lineWidth = 2;
        ctx.strokeRect(b[0] - 6, b[1] - 6, 12, 12);
      }
    }
    if (selected) {
      ctx.strokeStyle = MARK_COLOURS.selected;
      ctx.lineWidth = 2.5;
      ring(ctx, selected, 8);
    }
    if (marks.query) {
      const q = toPixel(transform, marks.query.x, marks.query.y);
      ctx.strokeStyle = MARK_COLOURS.query;
      ctx.lineWidth = 1;
      for (const i of marks.query.neighbours) {
        const p = at(i);
        if (p) line(ctx, q, p);
      }
      star(ctx, q, 9);
    }
    ctx.restore();
  };
}

function ring(ctx: CanvasRenderingContext2D, [x, y]: [number, number], r: number): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.stroke();
}

function line(ctx: CanvasRenderingContext2D, [x0, y0]: [number, number], [x1, y1]: [number, number]): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

/** A filled five-pointed star with a white edge, so it shows on any point colour. */
function star(ctx: CanvasRenderingContext2D, [x, y]: [number, number], r: number): void {
  ctx.beginPath();
  for (let k = 0; k < 10; k++) {
    const radius = k % 2 === 0 ? r : r * 0.45;
    const angle = -Math.PI / 2 + (k * Math.PI) / 5;
    const px = x + radius * Math.cos(angle);
    const py = y + radius * Math.sin(angle);
    if (k === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  }
  ctx.closePath();
  ctx.fillStyle = MARK_COLOURS.query;
  ctx.fill();
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 1.5;
  ctx.stroke();
}
