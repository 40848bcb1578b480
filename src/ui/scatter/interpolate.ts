/**
 * Snapshot-to-snapshot animation maths: easing, position interpolation, axis fitting and the data→pixel transform.
 * The axis range eases along with the points, so points only appear to move when the network changed them.
 */

/** An axis-aligned data range. */
export interface Bounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** Duration of one snapshot transition in milliseconds. */
export const TRANSITION_MS = 400;

/** Cubic ease-in-out on [0,1] (clamped): gentle start and stop, monotone increasing. */
export function easeInOutCubic(t: number): number {
  const x = Math.min(1, Math.max(0, t));
  return x < 0.5 ? 4 * x * x * x : 1 - (-2 * x + 2) ** 3 / 2;
}

/** Linear interpolation between a and b. */
export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/**
 * Interpolates two flat n×2 coordinate arrays into `out` (allocated if absent). When the lengths differ (a new run),
 * the target is returned unchanged in a copy: there is nothing meaningful to morph from.
 */
export function lerpCoordinates(
  from: Float32Array | null,
  to: Float32Array,
  t: number,
  out?: Float32Array,
): Float32Array {
  const result = out && out.length === to.length ? out : new Float32Array(to.length);
  if (!from || from.length !== to.length) {
    result.set(to);
    return result;
  }
  for (let i = 0; i < to.length; i++) result[i] = from[i] + (to[i] - from[i]) * t;
  return result;
}

/** Interpolates two bounds. */
export function lerpBounds(a: Bounds, b: Bounds, t: number): Bounds {
  return {
    minX: lerp(a.minX, b.minX, t),
    maxX: lerp(a.maxX, b.maxX, t),
    minY: lerp(a.minY, b.minY, t),
    maxY: lerp(a.maxY, b.maxY, t),
  };
}

/**
 * The data range of flat n×2 coordinates (non-finite values ignored), widened by `padding` (fraction of the span)
 * on every side; a degenerate span (all points equal or none) becomes a unit-wide box around the centre.
 */
export function fitBounds(coordinates: Float32Array, padding = 0.05): Bounds {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < coordinates.length; i += 2) {
    const x = coordinates[i];
    const y = coordinates[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (minX > maxX) return { minX: -1, maxX: 1, minY: -1, maxY: 1 };
  const widen = (lo: number, hi: number): [number, number] => {
    const span = hi - lo;
    if (span <= 1e-12) return [lo - 0.5, hi + 0.5];
    return [lo - span * padding, hi + span * padding];
  };
  const [x0, x1] = widen(minX, maxX);
  const [y0, y1] = widen(minY, maxY);
  return { minX: x0, maxX: x1, minY: y0, maxY: y1 };
}

/** Maps data coordinates to canvas pixels (y up in data, down on screen) and back. */
export interface ViewTransform {
  scale: number;
  offsetX: number;
  offsetY: number;
}

/**
 * A uniform-scale transform that fits `bounds` into a `width`×`height` canvas with `margin` pixels on each side,
 * centred; uniform so distances look the same in both directions.
 */
export function viewTransform(bounds: Bounds, width: number, height: number, margin = 8): ViewTransform {
  const spanX = Math.max(bounds.maxX - bounds.minX, 1e-12);
  const spanY = Math.max(bounds.maxY - bounds.minY, 1e-12);
  const innerW = Math.max(1, width - 2 * margin);
  const innerH = Math.max(1, height - 2 * margin);
  const scale = Math.min(innerW / spanX, innerH / spanY);
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cy = (bounds.minY + bounds.maxY) / 2;
  return { scale, offsetX: width / 2 - cx * scale, offsetY: height / 2 + cy * scale };
}

/** Data x,y → pixel. */
export function toPixel(t: ViewTransform, x: number, y: number): [number, number] {
  return [t.offsetX + x * t.scale, t.offsetY - y * t.scale];
}

/** Pixel → data x,y. */
export function fromPixel(t: ViewTransform, px: number, py: number): [number, number] {
  return [(px - t.offsetX) / t.scale, (t.offsetY - py) / t.scale];
}
