/**
 * The embedding scatter's state between animation frames, free of React and the DOM so it is tested in Node: the
 * transition from what is on screen to the newest snapshot (positions and axis range eased together, so motion
 * means the network changed), the frame to paint at a given time and canvas size, the frame-rate cap while a
 * transition runs, and hit tests for hovering held-out points and the batch samples at the ends of the links.
 * EmbeddingView owns one and only moves pixels (canvas, painter worker, overlays).
 */
import type { SnapshotMessage } from '../../worker/protocol';
import type { ScatterFocus } from './focus';
import { buildPointGrid, nearestPoint, type PointGrid } from './hitTest';
import {
  easeInOutCubic,
  fitBounds,
  lerpBounds,
  lerpCoordinates,
  TRANSITION_MS,
  viewTransform,
  type Bounds,
} from './interpolate';
import { linkEnds, tripletsOfRow, type TripletRole } from './links';
import { drawnTriplets, projectToPixels, type ScatterFrame } from './render';
import type { SnapshotTripletMessage } from '../../worker/protocol';

/** Shortest gap between two frames of a running transition (about 30 frames per second). */
export const MIN_FRAME_MS = 32;
/**
 * How far ahead a transition's frame is painted: one frame of the paced rate (every second refresh at 60 Hz). The
 * page shows it when that time comes, so the painter's round trip, which varies with the machine's load, does not
 * decide which refresh shows it: a frame drawn as soon as its bitmap is back lands on whichever refresh follows the
 * round trip, and one straddling a refresh turns two 33 ms gaps into 17 and 50 ms.
 */
export const FRAME_AHEAD_MS = 1000 / 30;
/** Hover reach around a point, in CSS pixels. */
export const HOVER_RADIUS = 10;
/** Empty space around the points, in CSS pixels. */
const PADDING = 12;
const UNIT_BOUNDS: Bounds = { minX: -1, maxX: 1, minY: -1, maxY: 1 };

/** What the user chose or points at, read by every frame. */
export interface ScatterViewOptions {
  showTriplets: boolean;
  /** How many links (most informative first); Infinity for all. */
  linkLimit: number;
  hovered: number;
  /** Hovered batch row (a link's end), -1 for none: only its triplets are drawn. */
  hoveredBatch: number;
  focus: ScatterFocus | null;
}

/** One frame to paint: the frame description, pixel positions of the points, and whether the transition is over. */
export interface ScatterFrameResult {
  frame: ScatterFrame;
  pixels: Float32Array;
  snapshot: SnapshotMessage;
  done: boolean;
}

interface Animation {
  fromCoords: Float32Array | null;
  toCoords: Float32Array;
  fromBounds: Bounds;
  toBounds: Bounds;
  start: number;
  snapshot: SnapshotMessage;
}

export class ScatterModel {
  private animation: Animation | null = null;
  private coords: Float32Array | null = null;
  private bounds: Bounds = UNIT_BOUNDS;
  private pixels: Float32Array = new Float32Array(0);
  private lastFrame: ScatterFrame | null = null;
  private grid: { grid: PointGrid; pixels: Float32Array } | null = null;
  private lastFrameAt = -Infinity;

  /** The snapshot being shown (the target of the running transition), or null. */
  get snapshot(): SnapshotMessage | null {
    return this.animation?.snapshot ?? null;
  }

  /** A new snapshot starts a transition from whatever is on screen; null clears the view. */
  setSnapshot(snapshot: SnapshotMessage | null, now: number): void {
    if (!snapshot) {
      this.animation = null;
      this.coords = null;
      this.bounds = UNIT_BOUNDS;
      this.pixels = new Float32Array(0);
      this.grid = null;
      this.lastFrame = null;
      return;
    }
    const sameShape = this.coords !== null && this.coords.length === snapshot.coordinates.length;
    const toBounds = fitBounds(snapshot.coordinates, 0.06);
    this.animation = {
      fromCoords: sameShape ? Float32Array.from(this.coords as Float32Array) : null,
      toCoords: snapshot.coordinates,
      fromBounds: sameShape ? this.bounds : toBounds,
      toBounds,
      start: now,
      snapshot,
    };
    if (!sameShape) this.coords = null;
  }

  /**
   * How long to wait before painting at `now`: 0 to paint now, more while a transition runs and the last frame is
   * under MIN_FRAME_MS old (snapshots arrive every 250 ms and each eases for 400 ms, so the scatter would otherwise
   * redraw at the display's full rate for as long as training runs). A frame that ends a transition or answers a
   * change of options is never held back.
   */
  waitBeforeFrame(now: number): number {
    const anim = this.animation;
    if (!anim || now - anim.start >= TRANSITION_MS) return 0;
    return Math.max(0, this.lastFrameAt + MIN_FRAME_MS - now);
  }

  /** True while a transition runs at `now` (its frames are paced, see waitBeforeFrame). */
  animating(now: number): boolean {
    const anim = this.animation;
    return anim !== null && now - anim.start < TRANSITION_MS;
  }

  /**
   * The frame asked for at `now` for a canvas of width × height CSS pixels, or null with no snapshot: the picture
   * of `ahead` ms later (a frame painted ahead, to be shown then), the pace counted from `now`.
   */
  frame(now: number, width: number, height: number, options: ScatterViewOptions, ahead = 0): ScatterFrameResult | null {
    const anim = this.animation;
    if (!anim) return null;
    this.lastFrameAt = now;
    const t = easeInOutCubic((now + ahead - anim.start) / TRANSITION_MS);
    const coords = lerpCoordinates(anim.fromCoords, anim.toCoords, t, this.coords ?? undefined);
    const bounds = lerpBounds(anim.fromBounds, anim.toBounds, t);
    const transform = viewTransform(bounds, width, height, PADDING);
    const pixels = projectToPixels(coords, transform, this.pixels.length === coords.length ? this.pixels : undefined);
    // Positions may have moved: the hover grid is rebuilt lazily on the next hover.
    this.grid = null;
    this.coords = coords;
    this.bounds = bounds;
    this.pixels = pixels;
    const snap = anim.snapshot;
    const frame: ScatterFrame = {
      width,
      height,
      transform,
      coordinates: coords,
      labels: snap.labels,
      batch: snap.batch
        ? {
            coordinates: snap.batch.coordinates,
            triplets: snap.batch.triplets,
            candidateOffset: snap.batch.candidateOffset,
            labels: snap.batch.labels,
          }
        : null,
      showTriplets: options.showTriplets,
      linkLimit: options.linkLimit,
      hoveredBatch: options.hoveredBatch,
      hovered: options.hovered,
      focus: options.focus,
    };
    this.lastFrame = frame;
    return { frame, pixels, snapshot: snap, done: t >= 1 };
  }

  /** The held-out point within HOVER_RADIUS of (x, y) CSS pixels on the last frame, or -1. */
  pointAt(x: number, y: number): number {
    const pixels = this.pixels;
    if (pixels.length === 0) return -1;
    if (!this.grid || this.grid.pixels !== pixels) this.grid = { grid: buildPointGrid(pixels, HOVER_RADIUS), pixels };
    return nearestPoint(this.grid.grid, x, y, HOVER_RADIUS);
  }

  /**
   * The batch row at the end of a drawn link within HOVER_RADIUS of (x, y) on the last frame, or -1. Only the ends
   * of the links drawn with the default choice count (a hovered end then shows all of its own triplets).
   */
  linkEndAt(x: number, y: number): number {
    const frame = this.lastFrame;
    if (!frame?.batch || !frame.showTriplets) return -1;
    const ends = linkEnds(drawnTriplets({ ...frame, hoveredBatch: -1 }), frame.batch.candidateOffset ?? 0);
    const { scale, offsetX, offsetY } = frame.transform;
    const bc = frame.batch.coordinates;
    let best = -1;
    let bestD2 = HOVER_RADIUS * HOVER_RADIUS;
    for (const row of ends) {
      const dx = offsetX + bc[2 * row] * scale - x;
      const dy = offsetY - bc[2 * row + 1] * scale - y;
      const d2 = dx * dx + dy * dy;
      if (d2 < bestD2) {
        bestD2 = d2;
        best = row;
      }
    }
    return best;
  }

  /** The triplets batch row `row` took part in (most informative first), with its role: the hover read-out. */
  tripletsOf(row: number): { triplet: SnapshotTripletMessage; role: TripletRole }[] {
    const batch = this.animation?.snapshot.batch;
    if (!batch || row < 0) return [];
    return tripletsOfRow(batch.triplets, row, batch.candidateOffset ?? 0);
  }

  /** Label of batch coordinate row `row` (split-input second halves share their sample's label), or -1. */
  batchLabel(row: number): number {
    const batch = this.animation?.snapshot.batch;
    if (!batch) return -1;
    const off = batch.candidateOffset ?? 0;
    const sample = off > 0 && row >= off ? row - off : row;
    return sample >= 0 && sample < batch.labels.length ? batch.labels[sample] : -1;
  }
}

/** The copies ownBuffer made of views, by view: a snapshot's view is copied once, not for every frame. */
const ownCopies = new WeakMap<Float32Array | Int32Array, Float32Array | Int32Array>();

/**
 * An array that posts as just its own bytes: itself when it spans its whole buffer, else a copy of its part (the same
 * copy for every frame of the view's snapshot, so the painter can tell it already has it).
 */
function ownBuffer<T extends Float32Array | Int32Array>(array: T): T {
  if (array.byteOffset === 0 && array.byteLength === array.buffer.byteLength) return array;
  let copy = ownCopies.get(array) as T | undefined;
  if (!copy) {
    copy = array.slice() as T;
    ownCopies.set(array, copy);
  }
  return copy;
}

const NO_COORDINATES = new Float32Array(0);

/**
 * What the painter worker needs of a frame, each array spanning a buffer of its own: a snapshot's arrays can be views
 * into a larger buffer, and posting a view copies its whole buffer (a trace showed 100 ms posts). Arrays that
 * already span their buffer go as they are (posting copies them anyway): the page makes no garbage buffers per
 * frame for the collector to sweep.
 */
export function paintedPart(frame: ScatterFrame): ScatterFrame {
  const batch = frame.batch;
  return {
    ...frame,
    coordinates: NO_COORDINATES, // the painter draws from the pixel positions
    labels: ownBuffer(frame.labels),
    batch: batch
      ? {
          ...batch,
          coordinates: ownBuffer(batch.coordinates),
          labels: batch.labels && ownBuffer(batch.labels),
        }
      : null,
    hovered: -1, // drawn on the page, on top
  };
}
