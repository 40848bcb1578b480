/**
 * The triplet inspector's highlight on the scatter: the selected triplet drawn boldly, its anchor ringed, and two
 * circles around the anchor at radius d(a,p) and d(a,p) + m. The radii are true embedding-space distances drawn in
 * the 2-D projection's units, so they are exact only for a 2-D Euclidean embedding (the projection is then a
 * rotation); otherwise they illustrate the idea and the listed numbers are what counts.
 */
import { toPixel, type ViewTransform } from './interpolate';
import { TRIPLET_COLOURS } from './palette';

/** Rows of `batch.coordinates` (anchor, positive, negative) and the two radii in data units. */
export interface ScatterFocus {
  anchor: number;
  positive: number;
  negative: number;
  category: keyof typeof TRIPLET_COLOURS;
  /** d(a,p): the positive's distance. */
  positiveRadius: number;
  /** d(a,p) + m: where a negative stops counting (the margin ring). */
  marginRadius: number;
}

/** Pixel geometry of a focus (pure, so tests can check the ring radius without a canvas). */
export function focusGeometry(
  focus: ScatterFocus,
  batchCoordinates: Float32Array,
  transform: ViewTransform,
): {
  anchor: [number, number];
  positive: [number, number];
  negative: [number, number];
  positiveRadius: number;
  marginRadius: number;
} | null {
  const rows = batchCoordinates.length / 2;
  if (
    Math.max(focus.anchor, focus.positive, focus.negative) >= rows ||
    Math.min(focus.anchor, focus.positive, focus.negative) < 0
  )
    return null;
  const at = (k: number) => toPixel(transform, batchCoordinates[2 * k], batchCoordinates[2 * k + 1]);
  return {
    anchor: at(focus.anchor),
    positive: at(focus.positive),
    negative: at(focus.negative),
    positiveRadius: Math.max(0, focus.positiveRadius * transform.scale),
    marginRadius: Math.max(0, focus.marginRadius * transform.scale),
  };
}

/** Draws the focus on top of a scatter frame. */
export function drawFocus(
  ctx: CanvasRenderingContext2D,
  focus: ScatterFocus,
  batchCoordinates: Float32Array,
  transform: ViewTransform,
): void {
  const g = focusGeometry(focus, batchCoordinates, transform);
  if (!g) return;
  const colour = TRIPLET_COLOURS[focus.category];
  ctx.save();
  // Margin ring (solid) and positive-distance ring (dotted) around the anchor.
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.arc(g.anchor[0], g.anchor[1], g.marginRadius, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.setLineDash([2, 3]);
  ctx.beginPath();
  ctx.arc(g.anchor[0], g.anchor[1], g.positiveRadius, 0, 2 * Math.PI);
  ctx.stroke();
  // The triplet's links, bold.
  ctx.lineWidth = 3;
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(g.anchor[0], g.anchor[1]);
  ctx.lineTo(g.positive[0], g.positive[1]);
  ctx.stroke();
  ctx.setLineDash([6, 4]);
  ctx.beginPath();
  ctx.moveTo(g.anchor[0], g.anchor[1]);
  ctx.lineTo(g.negative[0], g.negative[1]);
  ctx.stroke();
  ctx.setLineDash([]);
  // Anchor: a large black ring with a white halo; positive and negative: smaller rings.
  const ring = (x: number, y: number, r: number, stroke: string, width: number) => {
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = width + 2;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.strokeStyle = stroke;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.stroke();
  };
  ring(g.positive[0], g.positive[1], 5, '#111111', 1.5);
  ring(g.negative[0], g.negative[1], 5, '#111111', 1.5);
  ring(g.anchor[0], g.anchor[1], 8, '#111111', 3);
  ctx.restore();
}
