/**
 * Anti-aliased line segments painted straight into an RGBA pixel buffer, next to the points of pointSprite.ts, so a
 * scatter frame reaches the canvas as one putImageData and nothing else for the browser to rasterise.
 *
 * Why (measured with a Chrome trace of `npm run bench`): as canvas strokes, the mined-triplet links — 256 triplets,
 * so 512 anti-aliased lines of 1.25 px, half of them dashed, across the scatter — cost 20–45 ms per scatter frame:
 * a canvas only records strokes, and without a GPU Chromium rasterises them in software on the main thread when the
 * frame is committed (`Canvas2DResourceProviderSharedImage::ProduceCanvasResource`), making main-thread tasks of
 * 50 ms and more while the scatter eases between snapshots. Painting the same segments here costs a few
 * milliseconds of plain typed-array work. Pure (no DOM): tested in Node.
 */
import type { PixelBuffer } from './pointSprite';

/** How a segment is painted, in device pixels. */
export interface LineStyle {
  rgb: readonly [number, number, number];
  /** Opacity 0–1 (the canvas's globalAlpha). */
  alpha: number;
  /** Line width (the canvas's lineWidth times the device pixel ratio). */
  width: number;
  /** [on, off] lengths as in setLineDash (already in device pixels), or null for a solid line. */
  dash: readonly [number, number] | null;
}

/** Length of the "on" parts of the dash pattern over [0, s] (the pattern starts "on" at the segment's start). */
function onLength(s: number, on: number, period: number): number {
  const whole = Math.floor(s / period);
  const rest = s - whole * period;
  return whole * on + Math.min(rest, on);
}

/**
 * Paints the segment (x0, y0) → (x1, y1) with butt ends, blended "source over" onto what is there. Each pixel is
 * covered by the share of it inside the line (so the line is anti-aliased and a width below one pixel just gets
 * fainter), dashes start "on" at (x0, y0) like a canvas sub-path, and pixels outside the buffer are clipped.
 * Non-finite or zero-length segments paint nothing (a canvas draws nothing for them either).
 *
 * One pass along the major axis, one pixel column at a time, covering the line's span of the minor axis (two or
 * three pixels for thin lines); kept to plain arithmetic on the byte array, as it runs for hundreds of segments on
 * every animation frame.
 */
export function strokeSegment(
  buffer: PixelBuffer,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  style: LineStyle,
): void {
  if (!Number.isFinite(x0) || !Number.isFinite(y0) || !Number.isFinite(x1) || !Number.isFinite(y1)) return;
  const opacity = style.alpha;
  if (!(opacity > 0) || !(style.width > 0)) return;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const length = Math.hypot(dx, dy);
  if (length < 1e-9) return;
  const { data, width, height } = buffer;
  // "a" is the major axis (one step per pixel column), "b" the minor one.
  const steep = Math.abs(dy) > Math.abs(dx);
  const a0 = steep ? y0 : x0;
  const b0 = steep ? x0 : y0;
  const da = steep ? dy : dx;
  const slope = (steep ? dx : dy) / da;
  /** Distance along the line per unit of the major axis (1 to √2). */
  const stretch = length / Math.abs(da);
  /** Half the line's extent along the minor axis: half its width over the cosine of its angle to the major axis. */
  const half = (style.width / 2) * stretch;
  const aMin = da > 0 ? a0 : a0 + da;
  const aMax = da > 0 ? a0 + da : a0;
  const majorSize = steep ? height : width;
  const minorLast = (steep ? width : height) - 1;
  /** Byte steps between neighbouring pixels along each axis. */
  const majorStep = steep ? 4 * width : 4;
  const minorStep = steep ? 4 : 4 * width;
  const r = style.rgb[0];
  const g = style.rgb[1];
  const b = style.rgb[2];
  const dashed = style.dash !== null && style.dash[0] > 0 && style.dash[1] > 0;
  const on = dashed ? style.dash![0] : 0;
  const period = dashed ? style.dash![0] + style.dash![1] : 0;
  const first = Math.max(0, Math.floor(aMin));
  const last = Math.min(majorSize - 1, Math.ceil(aMax) - 1);
  for (let i = first; i <= last; i++) {
    // The part of this pixel column the segment spans along its major axis (less than 1 only at the ends).
    const lo = Math.max(i, aMin);
    const hi = Math.min(i + 1, aMax);
    let alpha = opacity * (hi - lo);
    if (dashed) {
      const s0 = (lo > a0 ? lo - a0 : a0 - lo) * stretch;
      const s1 = (hi > a0 ? hi - a0 : a0 - hi) * stretch;
      alpha *=
        (s1 > s0
          ? onLength(s1, on, period) - onLength(s0, on, period)
          : onLength(s0, on, period) - onLength(s1, on, period)) / (s1 > s0 ? s1 - s0 : s0 - s1);
    }
    if (!(alpha > 0)) continue;
    const centre = b0 + slope * ((lo + hi) / 2 - a0);
    const top = centre - half;
    const bottom = centre + half;
    let j = Math.floor(top);
    const jLast = Math.ceil(bottom) - 1;
    if (jLast < 0 || j > minorLast) continue;
    let p = i * majorStep + j * minorStep;
    for (; j <= jLast; j++, p += minorStep) {
      if (j < 0 || j > minorLast) continue;
      // Share of pixel row j inside [top, bottom]: partial on the two edge rows, whole in between.
      const cover = Math.min(j + 1, bottom) - Math.max(j, top);
      const a = alpha * cover;
      data[p] += (r - data[p]) * a;
      data[p + 1] += (g - data[p + 1]) * a;
      data[p + 2] += (b - data[p + 2]) * a;
    }
  }
}
