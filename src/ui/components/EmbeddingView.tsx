/**
 * The live embedding scatter: held-out points (snapshot point i = heldOut sample i) coloured by class, easing from
 * one snapshot to the next (positions and axis range together, so motion means the network changed), with the
 * last batch's mined triplets and a hover tooltip showing the sample. Draws on a devicePixelRatio-aware canvas
 * only when something changed or a transition is running.
 */
import { useCallback, useEffect, useRef, useState, type JSX, type PointerEvent as ReactPointerEvent } from 'react';
import type { SamplePreview, SnapshotMessage } from '../../worker/protocol';
import { buildPointGrid, nearestPoint, type PointGrid } from '../scatter/hitTest';
import {
  easeInOutCubic,
  fitBounds,
  lerpBounds,
  lerpCoordinates,
  TRANSITION_MS,
  viewTransform,
  type Bounds,
} from '../scatter/interpolate';
import { classColour, TRIPLET_COLOURS } from '../scatter/palette';
import { drawScatter, drawScatterOverlays, projectToPixels, type ScatterFrame } from '../scatter/render';
import { useSampleCanvas } from '../features/inspect/SampleThumb';
import { ScatterPainter } from '../scatter/painter';
import type { ScatterFocus } from '../scatter/focus';
import type { ScatterOverlay } from '../features/inspect/overlay';

const CANVAS_HEIGHT = 380;
/** Issue 6: shortest gap between two frames of a running transition (about 30 frames per second). */
const MIN_FRAME_MS = 32;
const HOVER_RADIUS = 10;
const ROW_COLUMNS_SHOWN = 8;

interface Animation {
  fromCoords: Float32Array | null;
  toCoords: Float32Array;
  fromBounds: Bounds;
  toBounds: Bounds;
  start: number;
  snapshot: SnapshotMessage;
}

/**
 * What the painter worker needs of a frame, in arrays of their own: a snapshot's arrays can be views into a larger
 * buffer, and posting a view copies its whole buffer (a trace showed 100 ms posts).
 */
function paintedPart(frame: ScatterFrame): ScatterFrame {
  const batch = frame.batch;
  return {
    ...frame,
    coordinates: new Float32Array(0), // the painter draws from the pixel positions
    labels: frame.labels.slice(),
    batch: batch ? { ...batch, coordinates: batch.coordinates.slice() } : null,
    hovered: -1, // drawn on the page, on top
  };
}

/** Embedding view (contract: `<figure aria-label="Embedding view">` with the `Embedding scatter` canvas). */
export function EmbeddingView(props: {
  snapshot: SnapshotMessage | null;
  classNames: readonly string[];
  heldOut: SamplePreview | null;
  /** Triplet inspector: the selected triplet to highlight (rows of the snapshot's batch coordinates). */
  focus?: ScatterFocus | null;
  /** Canvas height in CSS pixels (classroom mode enlarges it); default 380. */
  height?: number;
  /** Inspect: a click on a point (shiftKey: pick it as sample B of a comparison). */
  onPointClick?: (index: number, shiftKey: boolean) => void;
  /** Inspect: marks drawn over the points each frame (selection, neighbours, query). */
  overlay?: ScatterOverlay | null;
}): JSX.Element {
  const { snapshot, classNames, heldOut } = props;
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const wrapperRef = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(480);
  const [showTriplets, setShowTriplets] = useState(true);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const [drawn, setDrawn] = useState<{ step: number; points: number } | null>(null);
  /** What `drawn` was last set to (read by the frame callback). */
  const drawnRef = useRef<{ step: number; points: number } | null>(null);

  const animation = useRef<Animation | null>(null);
  const displayed = useRef<{ coords: Float32Array | null; bounds: Bounds; pixels: Float32Array }>({
    coords: null,
    bounds: { minX: -1, maxX: 1, minY: -1, maxY: 1 },
    pixels: new Float32Array(0),
  });
  const grid = useRef<{ grid: PointGrid; pixels: Float32Array } | null>(null);
  const frameId = useRef<number | null>(null);
  const lastFrameAt = useRef(-Infinity);
  const lastGeometry = useRef<{ anim: Animation; t: number; width: number; height?: number } | null>(null);
  // Values the frame callback reads without re-subscribing.
  const canvasHeight = props.height ?? CANVAS_HEIGHT;
  const focus = props.focus ?? null;
  const live = useRef({ showTriplets, hovered: -1, width, height: canvasHeight, focus });
  const overlayRef = useRef<ScatterOverlay | null>(null);
  /** Paints points and links off the main thread (see painter.ts); falls back to drawScatter on the page. */
  const painterRef = useRef<ScatterPainter>(null as unknown as ScatterPainter);
  painterRef.current ??= new ScatterPainter();
  const redrawWhenPainted = useRef(false);
  overlayRef.current = props.overlay ?? null;
  live.current = { showTriplets, hovered: hover?.index ?? -1, width, height: canvasHeight, focus };

  // biome-ignore lint/correctness/useExhaustiveDependencies: requestDraw is declared below and reads this callback through a ref
  const drawFrame = useCallback((now: number) => {
    frameId.current = null;
    const canvas = canvasRef.current;
    const anim = animation.current;
    if (!canvas || !anim) return;
    // Issue 6: mid-transition frames at most every MIN_FRAME_MS (snapshots arrive every 250 ms and each eases for
    // 400 ms, so the scatter would otherwise redraw at the display's full rate for as long as training runs).
    if (now - lastFrameAt.current < MIN_FRAME_MS && now - anim.start < TRANSITION_MS) {
      frameId.current = requestAnimationFrame(drawFrame);
      return;
    }
    if (painterRef.current.available && painterRef.current.busy) {
      // The painter is still on the previous frame: this one is drawn when that one is back.
      redrawWhenPainted.current = true;
      return;
    }
    lastFrameAt.current = now;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = live.current.width;
    const backingW = Math.round(cssWidth * dpr);
    const cssHeight = live.current.height;
    const backingH = Math.round(cssHeight * dpr);
    if (canvas.width !== backingW || canvas.height !== backingH) {
      canvas.width = backingW;
      canvas.height = backingH;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);

    const t = easeInOutCubic((now - anim.start) / TRANSITION_MS);
    const coords = lerpCoordinates(anim.fromCoords, anim.toCoords, t, displayed.current.coords ?? undefined);
    const bounds = lerpBounds(anim.fromBounds, anim.toBounds, t);
    const transform = viewTransform(bounds, cssWidth, cssHeight, 12);
    const pixels = projectToPixels(coords, transform, displayed.current.pixels);
    displayed.current = { coords, bounds, pixels };
    const last = lastGeometry.current;
    if (!last || last.anim !== anim || last.t !== t || last.width !== cssWidth || last.height !== cssHeight) {
      grid.current = null; // positions moved: rebuild lazily on the next hover
      lastGeometry.current = { anim, t, width: cssWidth, height: cssHeight };
    }

    const snap = anim.snapshot;
    const frame: ScatterFrame = {
      width: cssWidth,
      height: cssHeight,
      transform,
      coordinates: coords,
      labels: snap.labels,
      batch: snap.batch
        ? {
            coordinates: snap.batch.coordinates,
            triplets: snap.batch.triplets,
            candidateOffset: snap.batch.candidateOffset,
          }
        : null,
      showTriplets: live.current.showTriplets,
      hovered: live.current.hovered,
      focus: live.current.focus,
    };
    // On top of the painted points and links: the focus, the hover ring, the inspector's marks.
    const finish = () => {
      drawScatterOverlays(ctx, frame, pixels);
      overlayRef.current?.(ctx, { transform, pixels });
      // Tell React only when the drawn snapshot changes, not on every frame of a transition (a state update per
      // frame, even one that changes nothing, can schedule a render while a live update is pending).
      const shown = drawnRef.current;
      if (!shown || shown.step !== snap.step || shown.points !== snap.labels.length) {
        drawnRef.current = { step: snap.step, points: snap.labels.length };
        setDrawn(drawnRef.current);
      }
    };
    const painter = painterRef.current;
    if (painter.available) {
      // Painted in the painter worker; this frame appears when its bitmap is back (see ScatterPainter).
      painter.paint(
        { width: backingW, height: backingH, ratio: backingW / cssWidth, frame: paintedPart(frame), pixels },
        (bitmap) => {
          if (canvasRef.current !== canvas) {
            bitmap?.close();
            return;
          }
          if (bitmap) {
            ctx.setTransform(1, 0, 0, 1, 0, 0);
            ctx.drawImage(bitmap, 0, 0);
            bitmap.close();
            ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
            canvas.dataset.painter = 'worker'; // where the last frame was painted (the end-to-end tests check it)
            finish();
          }
          // A frame asked for while painting (or this one, when the painter failed and the page paints instead).
          if (redrawWhenPainted.current || !bitmap) {
            redrawWhenPainted.current = false;
            requestDraw();
          }
        },
      );
    } else {
      drawScatter(ctx, frame, pixels);
      canvas.dataset.painter = 'page';
      finish();
    }
    if (t < 1) frameId.current = requestAnimationFrame(drawFrame);
  }, []);

  const requestDraw = useCallback(() => {
    if (frameId.current === null) frameId.current = requestAnimationFrame(drawFrame);
  }, [drawFrame]);

  // A new snapshot starts a transition from whatever is on screen now.
  useEffect(() => {
    if (!snapshot) {
      animation.current = null;
      displayed.current = {
        coords: null,
        bounds: { minX: -1, maxX: 1, minY: -1, maxY: 1 },
        pixels: new Float32Array(0),
      };
      grid.current = null;
      const canvas = canvasRef.current;
      canvas?.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
      drawnRef.current = null;
      setDrawn(null);
      setHover(null);
      return;
    }
    const current = displayed.current;
    const sameShape = current.coords !== null && current.coords.length === snapshot.coordinates.length;
    const toBounds = fitBounds(snapshot.coordinates, 0.06);
    animation.current = {
      fromCoords: sameShape ? Float32Array.from(current.coords as Float32Array) : null,
      toCoords: snapshot.coordinates,
      fromBounds: sameShape ? current.bounds : toBounds,
      toBounds,
      start: performance.now(),
      snapshot,
    };
    if (!sameShape) displayed.current = { ...current, coords: null };
    requestDraw();
  }, [snapshot, requestDraw]);

  // Redraw (no transition restart) when view options or size change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the listed values are triggers: the draw reads them through `live`
  useEffect(() => {
    requestDraw();
  }, [showTriplets, hover?.index, width, canvasHeight, focus, requestDraw]);

  // Inspect marks changed: redraw over the same positions.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new overlay is the trigger: the draw reads it through a ref
  useEffect(() => {
    requestDraw();
  }, [props.overlay, requestDraw]);

  useEffect(() => {
    const wrapper = wrapperRef.current;
    if (!wrapper || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const w = Math.max(160, Math.floor(entries[0].contentRect.width));
      setWidth(w);
    });
    observer.observe(wrapper);
    return () => observer.disconnect();
  }, []);

  useEffect(
    () => () => {
      if (frameId.current !== null) cancelAnimationFrame(frameId.current);
      frameId.current = null;
      painterRef.current.dispose();
    },
    [],
  );

  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const pixels = displayed.current.pixels;
    if (pixels.length === 0) {
      if (hover) setHover(null);
      return;
    }
    if (!grid.current || grid.current.pixels !== pixels) {
      grid.current = { grid: buildPointGrid(pixels, HOVER_RADIUS), pixels };
    }
    const index = nearestPoint(grid.current.grid, x, y, HOVER_RADIUS);
    if (index < 0) {
      if (hover) setHover(null);
    } else if (!hover || hover.index !== index || hover.x !== x || hover.y !== y) {
      setHover({ index, x, y });
    }
  };

  /** Inspect: the point under a click (same hit test as hover). */
  const onCanvasClick = (event: React.MouseEvent<HTMLCanvasElement>) => {
    const pixels = displayed.current.pixels;
    if (!props.onPointClick || pixels.length === 0) return;
    const rect = event.currentTarget.getBoundingClientRect();
    if (!grid.current || grid.current.pixels !== pixels)
      grid.current = { grid: buildPointGrid(pixels, HOVER_RADIUS), pixels };
    const index = nearestPoint(grid.current.grid, event.clientX - rect.left, event.clientY - rect.top, HOVER_RADIUS);
    if (index >= 0) props.onPointClick(index, event.shiftKey);
  };

  const labels = snapshot?.labels;
  const hoveredLabel = hover && labels && hover.index < labels.length ? labels[hover.index] : -1;

  return (
    <figure aria-label="Embedding view" className="embedding-view">
      <div ref={wrapperRef} style={{ position: 'relative', width: '100%' }}>
        <canvas
          ref={canvasRef}
          aria-label="Embedding scatter"
          role="img"
          data-snapshot-step={drawn ? String(drawn.step) : undefined}
          data-points={String(drawn?.points ?? 0)}
          style={{
            width: `${width}px`,
            height: `${canvasHeight}px`,
            display: 'block',
            border: '1px solid #ddd',
            boxSizing: 'border-box',
          }}
          onPointerMove={onPointerMove}
          // A finger has no hover: the tap shows what hover shows, and the tooltip stays after the finger lifts
          // (a touch pointer "leaves" on every lift) until the next tap lands elsewhere.
          onPointerDown={(event) => {
            if (event.pointerType === 'touch') onPointerMove(event);
          }}
          onPointerLeave={(event) => {
            if (event.pointerType !== 'touch') setHover(null);
          }}
          onClick={onCanvasClick}
        />
        {hover && hoveredLabel >= 0 && (
          <div
            role="tooltip"
            className="embedding-tooltip"
            style={{
              position: 'absolute',
              left: Math.min(hover.x + 14, Math.max(0, width - 200)),
              top: hover.y + 14,
              background: '#fff',
              border: '1px solid #999',
              borderRadius: 4,
              padding: 6,
              pointerEvents: 'none',
              maxWidth: 220,
              fontSize: 12,
            }}
          >
            <strong>{classNames[hoveredLabel] ?? `class ${hoveredLabel}`}</strong>
            <SampleView sample={heldOut} index={hover.index} />
          </div>
        )}
      </div>
      <div className="embedding-controls" style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
        <label>
          <input type="checkbox" checked={showTriplets} onChange={(e) => setShowTriplets(e.target.checked)} /> Show
          mined triplets
        </label>
        <ul
          aria-label="Triplet colours"
          className="legend-inline"
          style={{ display: 'inline-flex', gap: 8, listStyle: 'none', margin: 0, padding: 0 }}
        >
          {(
            [
              ['easy', 'easy'],
              ['semi-hard', 'semi-hard'],
              ['hard', 'hard'],
            ] as const
          ).map(([key, text]) => (
            <li key={key}>
              <span
                aria-hidden="true"
                style={{
                  display: 'inline-block',
                  width: 14,
                  height: 3,
                  background: TRIPLET_COLOURS[key],
                  verticalAlign: 'middle',
                }}
              />{' '}
              {text}
            </li>
          ))}
          <li>(solid: anchor→positive, dashed: anchor→negative)</li>
        </ul>
      </div>
      <ul
        aria-label="Legend"
        className="embedding-legend"
        style={{ display: 'flex', flexWrap: 'wrap', gap: 10, listStyle: 'none', padding: 0 }}
      >
        {classNames.map((name, i) => (
          <li key={`${i}-${name}`}>
            <span
              aria-hidden="true"
              style={{
                display: 'inline-block',
                width: 10,
                height: 10,
                borderRadius: 5,
                background: classColour(i),
                marginRight: 4,
              }}
            />
            {name}
          </li>
        ))}
      </ul>
      <figcaption>
        Held-out samples in a 2-D projection of the embedding, coloured by class; it updates as the network learns.
      </figcaption>
    </figure>
  );
}

/** The hovered sample: thumbnail, first row values, or text. */
function SampleView(props: { sample: SamplePreview | null; index: number }): JSX.Element | null {
  const { sample, index } = props;
  if (!sample || index >= sample.count) return null;
  if (sample.kind === 'image' && sample.values) return <SampleImage sample={sample} index={index} />;
  if (sample.kind === 'row' && sample.values) {
    const d = sample.shape[0] ?? 0;
    const shown = Math.min(d, ROW_COLUMNS_SHOWN);
    const cells = Array.from({ length: shown }, (_, k) => ({
      name: sample.columns?.[k] ?? `x${k}`,
      value: sample.values![index * d + k],
    }));
    return (
      <table style={{ fontSize: 11 }}>
        <tbody>
          {cells.map((c) => (
            <tr key={c.name}>
              <th scope="row" style={{ textAlign: 'left', fontWeight: 'normal' }}>
                {c.name}
              </th>
              <td>{Number.isFinite(c.value) ? Number(c.value.toPrecision(4)) : String(c.value)}</td>
            </tr>
          ))}
          {d > shown && (
            <tr>
              <td colSpan={2}>… {d - shown} more</td>
            </tr>
          )}
        </tbody>
      </table>
    );
  }
  if (sample.kind === 'text' && sample.texts) return <p style={{ margin: '4px 0 0' }}>{sample.texts[index]}</p>;
  return null;
}

/** Draws one image sample on a small canvas (greyscale or RGB), scaled up pixelated. */
function SampleImage(props: { sample: SamplePreview; index: number }): JSX.Element {
  const ref = useSampleCanvas(props.sample, props.index);
  const [h, w] = props.sample.shape;
  const scale = Math.max(1, Math.floor(64 / Math.max(h, w)));
  return (
    <canvas
      ref={ref}
      aria-label="Sample image"
      style={{ display: 'block', width: w * scale, height: h * scale, imageRendering: 'pixelated', marginTop: 4 }}
    />
  );
}
