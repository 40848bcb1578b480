/**
 * Canvas drawing of one scatter frame: held-out points coloured by class, the last batch's mined triplets as
 * anchor→positive (solid) and anchor→negative (dashed) links, and the hovered point's ring. Kept free of React so
 * the animation loop calls it directly.
 */
import type { SnapshotTripletMessage } from '../../worker/protocol';
import type { ViewTransform } from './interpolate';
import { classColour, parseHex, TRIPLET_COLOURS } from './palette';
import { discMask, fillPixels, stampDisc, type PixelBuffer } from './pointSprite';
import { strokeSegment, type LineStyle } from './lineSprite';
import { drawFocus, type ScatterFocus } from './focus';
import { DEFAULT_LINK_COUNT, linkEnds, pointStyle, selectLinks, tripletsOfRow } from './links';

/** Everything one frame needs, in CSS pixels (the context is already scaled by devicePixelRatio). */
export interface ScatterFrame {
  width: number;
  height: number;
  transform: ViewTransform;
  coordinates: Float32Array;
  labels: Int32Array;
  /** candidateOffset: coordinate row of column j is offset + j (split-input batches: n; see teachProtocol.ts). */
  batch: {
    coordinates: Float32Array;
    triplets: readonly SnapshotTripletMessage[];
    candidateOffset?: number;
    /** One label per anchor row (colours the links' ends). */
    labels?: Int32Array;
  } | null;
  showTriplets: boolean;
  /** How many links to draw (the most informative first, links.ts); Infinity draws every mined triplet. */
  linkLimit?: number;
  /** A hovered batch row (link end): only its triplets are drawn; -1 or absent for none. */
  hoveredBatch?: number;
  hovered: number;
  /** The triplet inspector's selected triplet (rows of batch.coordinates), drawn on top. */
  focus?: ScatterFocus | null;
}

/** Point radius in CSS pixels for a typical held-out set (2,000 points); see pointStyle for the rule. */
export const POINT_RADIUS = pointStyle(2000).radius;

/** Flat n×2 pixel positions of data coordinates (for drawing and the hover grid). */
export function projectToPixels(coordinates: Float32Array, transform: ViewTransform, out?: Float32Array): Float32Array {
  const result = out && out.length === coordinates.length ? out : new Float32Array(coordinates.length);
  for (let i = 0; i + 1 < coordinates.length; i += 2) {
    result[i] = transform.offsetX + coordinates[i] * transform.scale;
    result[i + 1] = transform.offsetY - coordinates[i + 1] * transform.scale;
  }
  return result;
}

/** Triplet links: thin and translucent (they must not hide the clusters); width and dash in CSS pixels. */
const LINK_WIDTH = 1;
const LINK_ALPHA = 0.6;
const LINK_DASH = [4, 3] as const;
/** The batch samples at the ends of the drawn links: a dark rim around their class colour. */
const LINK_END_RIM: readonly [number, number, number] = [34, 34, 34];
/** With a triplet picked in the inspector, the other links fade so it stands out. */
const LINK_FADED_ALPHA = 0.15;
const linkColours = Object.fromEntries(
  Object.entries(TRIPLET_COLOURS).map(([category, hex]) => [category, parseHex(hex)]),
) as Record<keyof typeof TRIPLET_COLOURS, [number, number, number]>;

/** The links of one colour and dash style: flat [x0, y0, x1, y1, …] in CSS pixels, each drawn once. */
interface LinkGroup {
  category: keyof typeof TRIPLET_COLOURS;
  dashed: boolean;
  ends: number[];
}

/**
 * The frame's drawable links in painting order: per category (easy, semi-hard, hard) the solid anchor→positive
 * links, then the dashed anchor→negative ones. A link mined in several triplets is listed once (a canvas path
 * would have merged the repeats too).
 */
/**
 * The triplets a frame draws: those of the hovered batch row when one is hovered, else the `linkLimit` most
 * informative ones (links.ts), leaving out any whose rows are missing from the batch coordinates.
 */
export function drawnTriplets(frame: ScatterFrame): SnapshotTripletMessage[] {
  if (!frame.batch || !frame.showTriplets) return [];
  const rows = Math.floor(frame.batch.coordinates.length / 2);
  const off = frame.batch.candidateOffset ?? 0;
  const valid = frame.batch.triplets.filter((t) => Math.max(t.anchor, t.positive + off, t.negative + off) < rows);
  const hovered = frame.hoveredBatch ?? -1;
  if (hovered >= 0) return tripletsOfRow(valid, hovered, off).map((x) => x.triplet);
  const limit = frame.linkLimit ?? DEFAULT_LINK_COUNT;
  return Number.isFinite(limit) ? selectLinks(valid, limit) : valid;
}

function linkGroups(frame: ScatterFrame, drawn: readonly SnapshotTripletMessage[]): LinkGroup[] {
  const groups: LinkGroup[] = [];
  if (!frame.batch) return groups;
  const bc = frame.batch.coordinates;
  const rows = Math.floor(bc.length / 2);
  const off = frame.batch.candidateOffset ?? 0;
  const { scale, offsetX, offsetY } = frame.transform;
  for (const category of Object.keys(TRIPLET_COLOURS) as (keyof typeof TRIPLET_COLOURS)[]) {
    const triplets = drawn.filter(
      (t) => t.category === category && Math.max(t.anchor, t.positive + off, t.negative + off) < rows,
    );
    for (const dashed of [false, true]) {
      const seen = new Set<number>();
      const ends: number[] = [];
      for (const t of triplets) {
        const other = (dashed ? t.negative : t.positive) + off;
        const key = t.anchor * rows + other;
        if (seen.has(key)) continue;
        seen.add(key);
        ends.push(
          offsetX + bc[2 * t.anchor] * scale,
          offsetY - bc[2 * t.anchor + 1] * scale,
          offsetX + bc[2 * other] * scale,
          offsetY - bc[2 * other + 1] * scale,
        );
      }
      if (ends.length > 0) groups.push({ category, dashed, ends });
    }
  }
  return groups;
}

/** One reusable pixel buffer per canvas (reallocated only when the canvas is resized). */
const buffers = new WeakMap<HTMLCanvasElement, ImageData>();
const WHITE: readonly [number, number, number] = [255, 255, 255];

/**
 * Paints one frame's points and triplet links into `image` (a canvas backing store of `ratio` device pixels per CSS
 * pixel): the pixel-buffer part of {@link drawScatter}, free of any canvas, so the scatter painter worker
 * (painter.worker.ts) runs the very same code.
 */
export function paintScatterImage(image: PixelBuffer, frame: ScatterFrame, pixels: Float32Array, ratio: number): void {
  const { labels } = frame;
  const n = Math.min(labels.length, Math.floor(pixels.length / 2));
  fillPixels(image, WHITE);
  const { radius, alpha: pointAlpha } = pointStyle(n);
  const mask = discMask(radius * ratio);
  const colours = new Map<number, [number, number, number]>();
  const colourOf = (label: number) => {
    let rgb = colours.get(label);
    if (!rgb) {
      rgb = parseHex(classColour(label));
      colours.set(label, rgb);
    }
    return rgb;
  };
  for (let i = 0; i < n; i++)
    stampDisc(image, mask, pixels[2 * i] * ratio, pixels[2 * i + 1] * ratio, colourOf(labels[i]), pointAlpha);
  // The links go into the same buffer (lineSprite.ts), so the canvas has nothing left to rasterise.
  const drawn = drawnTriplets(frame);
  if (drawn.length > 0 && frame.batch) {
    const alpha = frame.focus ? LINK_FADED_ALPHA : LINK_ALPHA;
    const dash = [LINK_DASH[0] * ratio, LINK_DASH[1] * ratio] as const;
    for (const { category, dashed, ends } of linkGroups(frame, drawn)) {
      const style: LineStyle = {
        rgb: linkColours[category],
        alpha,
        width: LINK_WIDTH * ratio,
        dash: dashed ? dash : null,
      };
      for (let k = 0; k + 3 < ends.length; k += 4)
        strokeSegment(image, ends[k] * ratio, ends[k + 1] * ratio, ends[k + 2] * ratio, ends[k + 3] * ratio, style);
    }
    // The training samples at the links' ends, rimmed so they read as batch samples, not held-out points.
    const bc = frame.batch.coordinates;
    const batchLabels = frame.batch.labels;
    const off = frame.batch.candidateOffset ?? 0;
    const rim = discMask((LINK_END_RADIUS + 1.25) * ratio);
    const core = discMask(LINK_END_RADIUS * ratio);
    const { scale, offsetX, offsetY } = frame.transform;
    for (const row of linkEnds(drawn, off)) {
      const x = (offsetX + bc[2 * row] * scale) * ratio;
      const y = (offsetY - bc[2 * row + 1] * scale) * ratio;
      // Split-input batches: rows off… are the second halves of samples 0…, which share their labels.
      const sample = off > 0 && row >= off ? row - off : row;
      const label = batchLabels && sample < batchLabels.length ? batchLabels[sample] : -1;
      stampDisc(image, rim, x, y, LINK_END_RIM, 0.9);
      stampDisc(image, core, x, y, label >= 0 ? colourOf(label) : WHITE, 1);
    }
  }
}

/** Radius (CSS pixels) of a link's end, the batch sample drawn over the held-out points. */
export const LINK_END_RADIUS = 3;

/** What is drawn over the painted image with the canvas API: the inspector's focus and the hovered point's ring. */
export function drawScatterOverlays(ctx: CanvasRenderingContext2D, frame: ScatterFrame, pixels: Float32Array): void {
  const n = Math.min(frame.labels.length, Math.floor(pixels.length / 2));
  if (frame.focus && frame.batch) drawFocus(ctx, frame.focus, frame.batch.coordinates, frame.transform);
  if (frame.hovered >= 0 && frame.hovered < n) {
    const x = pixels[2 * frame.hovered];
    const y = pixels[2 * frame.hovered + 1];
    ctx.strokeStyle = '#111111';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, pointStyle(n).radius + 3, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

/**
 * Draws one frame on the page. The points (pointSprite.ts) and the triplet links (lineSprite.ts) go into a pixel
 * buffer copied to the canvas with one putImageData: software-rendered canvases (no GPU) paid for one anti-aliased
 * arc per point and rasterised 512 link strokes at commit on every animation frame. The focus and the hover ring, a
 * handful of shapes, are drawn on top with the canvas API. (The page normally has painter.worker.ts paint the image
 * off the main thread; this is its fallback.)
 */
export function drawScatter(ctx: CanvasRenderingContext2D, frame: ScatterFrame, pixels: Float32Array): void {
  const canvas = ctx.canvas;
  // A canvas without pixels (not laid out yet) has nothing to paint into.
  if (canvas.width > 0 && canvas.height > 0) {
    let image = buffers.get(canvas);
    if (!image || image.width !== canvas.width || image.height !== canvas.height) {
      image = ctx.createImageData(canvas.width, canvas.height);
      buffers.set(canvas, image);
    }
    paintScatterImage(image, frame, pixels, canvas.width / Math.max(1, frame.width));
    ctx.putImageData(image, 0, 0);
  }
  drawScatterOverlays(ctx, frame, pixels);
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
