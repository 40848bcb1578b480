/**
 * The live embedding scatter: held-out points (snapshot point i = heldOut sample i) coloured by class, easing from
 * one snapshot to the next, with a few of the last batch's mined triplets as thin links (the most informative ones,
 * all of them on request, or every triplet of a hovered batch sample) and a hover read-out: the sample under the
 * cursor, or the triplets a batch sample took part in. The animation state, the frame to paint and the hit tests
 * live in ScatterModel (scatter/scatterModel.ts); this component moves pixels: the painter worker's bitmap, then
 * the overlays, only when something changed or a transition runs, and marks the canvas settled when it stops.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type JSX } from 'react';
import type { SamplePreview, SnapshotMessage } from '../../worker/protocol';
import { drawScatter, drawScatterOverlays } from '../scatter/render';
import { HoveredSample } from './HoveredSample';
import { markSettled, ScatterPainter } from '../scatter/painter';
import type { ScatterFocus } from '../scatter/focus';
import type { ScatterOverlay } from '../features/inspect/overlay';
import { FRAME_AHEAD_MS, paintedPart, ScatterModel, type ScatterViewOptions } from '../scatter/scatterModel';
import { DEFAULT_LINK_COUNT } from '../scatter/links';
import { ClassLegend, ScatterOptions } from './ScatterLegends';
import { PixelPool } from '../scatter/pixelPool';
import './embeddingView.css';

const CANVAS_HEIGHT = 380;
/** Triplets listed in the hover read-out of a batch sample. */
const TRIPLETS_LISTED = 5;
const TOOLTIP_WIDTH = 240;

type Hover = { kind: 'point' | 'batch'; index: number; x: number; y: number };

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
  const [allTriplets, setAllTriplets] = useState(false);
  const [hover, setHover] = useState<Hover | null>(null);
  const [drawn, setDrawn] = useState<{ step: number; points: number } | null>(null);
  const canvasHeight = props.height ?? CANVAS_HEIGHT;
  const model = useRef<ScatterModel>(null as unknown as ScatterModel);
  model.current ??= new ScatterModel();
  /** Paints points and links off the main thread (see painter.ts); falls back to drawScatter on the page. */
  const painter = useRef<ScatterPainter>(null as unknown as ScatterPainter);
  painter.current ??= new ScatterPainter();
  const pixelPool = useRef<PixelPool>(null as unknown as PixelPool);
  pixelPool.current ??= new PixelPool();
  /** What the frame callback reads without re-subscribing: options, size, overlay, the last `drawn`. */
  const live = useRef({
    options: null as unknown as ScatterViewOptions,
    width,
    height: canvasHeight,
    overlay: null as ScatterOverlay | null,
    drawn: null as { step: number; points: number } | null,
    frameId: null as number | null,
    redrawWhenPainted: false,
    /** Sequence number of the last frame asked for, and of the last one shown (an older one is never shown after). */
    asked: 0,
    shown: 0,
  });
  live.current.options = {
    showTriplets,
    linkLimit: allTriplets ? Infinity : DEFAULT_LINK_COUNT,
    hovered: hover?.kind === 'point' ? hover.index : -1,
    hoveredBatch: hover?.kind === 'batch' ? hover.index : -1,
    focus: props.focus ?? null,
  };
  live.current.width = width;
  live.current.height = canvasHeight;
  live.current.overlay = props.overlay ?? null;

  // biome-ignore lint/correctness/useExhaustiveDependencies: requestDraw is declared below and reads this callback through a ref
  const drawFrame = useCallback((now: number) => {
    const l = live.current;
    l.frameId = null;
    const canvas = canvasRef.current;
    if (!canvas || !model.current.snapshot) return;
    if (model.current.waitBeforeFrame(now) > 0) {
      l.frameId = requestAnimationFrame(drawFrame);
      return;
    }
    if (painter.current.available && painter.current.busy) {
      // The painter is still on the previous frame: this one is drawn when that one is back.
      l.redrawWhenPainted = true;
      return;
    }
    // A transition's frames are painted ahead and shown when their time comes (see FRAME_AHEAD_MS); any other frame
    // (hover, options, the end of a transition) is shown as soon as it is painted.
    const ahead = painter.current.available && model.current.animating(now) ? FRAME_AHEAD_MS : 0;
    const result = model.current.frame(now, l.width, l.height, l.options, ahead);
    const ctx = canvas.getContext('2d');
    if (!result || !ctx) return;
    const seq = ++l.asked;
    const { frame, pixels: modelPixels, snapshot: snap } = result;
    // The model reuses its pixel buffer for the next frame, which may be asked for before this one is shown; the copy
    // goes back to the pool once this frame is shown or dropped.
    const pixels = pixelPool.current.copyOf(modelPixels);
    const dpr = window.devicePixelRatio || 1;
    const backingW = Math.round(l.width * dpr);
    const backingH = Math.round(l.height * dpr);
    if (canvas.width !== backingW || canvas.height !== backingH) {
      canvas.width = backingW;
      canvas.height = backingH;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // On top of the painted points and links: the focus, the hover ring, the inspector's marks.
    const finish = (drawn: Float32Array) => {
      drawScatterOverlays(ctx, frame, drawn);
      live.current.overlay?.(ctx, { transform: frame.transform, pixels: drawn });
      // Tell React only when the drawn snapshot changes, not on every frame of a transition (a state update per
      // frame, even one that changes nothing, can schedule a render while a live update is pending).
      const shown = live.current.drawn;
      if (!shown || shown.step !== snap.step || shown.points !== snap.labels.length) {
        live.current.drawn = { step: snap.step, points: snap.labels.length };
        setDrawn(live.current.drawn);
      }
    };
    if (painter.current.available) {
      // Painted in the painter worker; this frame appears once its bitmap is back (see ScatterPainter) and it is due.
      const ratio = backingW / l.width;
      // The positions go to the painter (transferred) and come back with its bitmap, to draw the overlays from and
      // then to serve a later frame.
      painter.current.paint(
        { width: backingW, height: backingH, ratio, frame: paintedPart(frame), pixels },
        (bitmap, back) => {
          if (canvasRef.current !== canvas || !bitmap || !back) {
            bitmap?.close();
            if (back) pixelPool.current.release(back);
          } else {
            const show = (image: ImageBitmap) => {
              if (canvasRef.current === canvas && seq > l.shown) {
                l.shown = seq;
                ctx.setTransform(1, 0, 0, 1, 0, 0);
                ctx.drawImage(image, 0, 0);
                ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
                canvas.dataset.painter = 'worker'; // where the last frame was painted (the end-to-end tests check it)
                finish(back);
                const pending = l.redrawWhenPainted || l.frameId !== null || painter.current.busy || l.asked > seq;
                if (result.done && !pending) markSettled(canvas, snap.step);
              }
              image.close();
              pixelPool.current.release(back);
            };
            // Its time is the first animation frame at most a few ms before the time it was painted for.
            const due = (t: number) => t >= now + ahead - 4;
            const wait = (t: number) => (due(t) ? show(bitmap) : requestAnimationFrame(wait));
            if (ahead > 0 && !due(performance.now())) requestAnimationFrame(wait);
            else show(bitmap);
          }
          if (canvasRef.current !== canvas) return;
          // A frame asked for while painting (or this one, when the painter failed and the page paints instead).
          if (live.current.redrawWhenPainted || !bitmap) {
            live.current.redrawWhenPainted = false;
            requestDraw();
          }
        },
      );
    } else {
      drawScatter(ctx, frame, pixels);
      canvas.dataset.painter = 'page';
      finish(pixels);
      pixelPool.current.release(pixels);
      if (result.done) markSettled(canvas, snap.step);
    }
    if (!result.done) l.frameId = requestAnimationFrame(drawFrame);
  }, []);

  const requestDraw = useCallback(() => {
    if (canvasRef.current) markSettled(canvasRef.current, null);
    if (live.current.frameId === null) live.current.frameId = requestAnimationFrame(drawFrame);
  }, [drawFrame]);

  // A new snapshot starts a transition from what is on screen; in the commit, so the canvas is unsettled at once.
  useLayoutEffect(() => {
    model.current.setSnapshot(snapshot, performance.now());
    if (snapshot) {
      requestDraw();
      return;
    }
    const canvas = canvasRef.current;
    canvas?.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
    live.current.drawn = null;
    setDrawn(null);
    setHover(null);
  }, [snapshot, requestDraw]);

  // Redraw (no transition restart) when view options, size or the inspector's marks change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the listed values are triggers: the draw reads them through `live`
  useLayoutEffect(() => {
    requestDraw();
  }, [
    showTriplets,
    allTriplets,
    hover?.kind,
    hover?.index,
    width,
    canvasHeight,
    props.focus,
    props.overlay,
    requestDraw,
  ]);

  useEffect(() => {
    const wrapper = wrapperRef.current;
    if (!wrapper || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      setWidth(Math.max(160, Math.floor(entries[0].contentRect.width)));
    });
    observer.observe(wrapper);
    return () => observer.disconnect();
  }, []);

  useEffect(
    () => () => {
      if (live.current.frameId !== null) cancelAnimationFrame(live.current.frameId);
      live.current.frameId = null;
      painter.current.dispose();
    },
    [],
  );

  const onPointerMove = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    // A link's end (a training sample of the last batch) wins over the held-out points beneath it.
    const end = model.current.linkEndAt(x, y);
    const index = end >= 0 ? end : model.current.pointAt(x, y);
    const kind = end >= 0 ? 'batch' : 'point';
    if (index < 0) {
      if (hover) setHover(null);
    } else if (!hover || hover.kind !== kind || hover.index !== index || hover.x !== x || hover.y !== y) {
      setHover({ kind, index, x, y });
    }
  };

  /** Inspect: the point under a click (same hit test as hover). */
  const onCanvasClick = (event: React.MouseEvent<HTMLCanvasElement>) => {
    if (!props.onPointClick) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const index = model.current.pointAt(event.clientX - rect.left, event.clientY - rect.top);
    if (index >= 0) props.onPointClick(index, event.shiftKey);
  };

  const labels = snapshot?.labels;
  const className = (label: number) => classNames[label] ?? `class ${label}`;
  let tooltip: JSX.Element | null = null;
  if (hover?.kind === 'point' && labels && hover.index < labels.length) {
    tooltip = (
      <>
        <strong>{className(labels[hover.index])}</strong>
        <HoveredSample sample={heldOut} index={hover.index} />
      </>
    );
  } else if (hover?.kind === 'batch') {
    tooltip = (
      <BatchSampleTriplets
        model={model.current}
        row={hover.index}
        className={className}
        offset={snapshot?.batch?.candidateOffset ?? 0}
      />
    );
  }

  return (
    <figure aria-label="Embedding view" className="embedding-view">
      <div ref={wrapperRef} className="embedding-canvas-box">
        <canvas
          ref={canvasRef}
          aria-label="Embedding scatter"
          role="img"
          className="embedding-canvas"
          data-snapshot-step={drawn ? String(drawn.step) : undefined}
          data-points={String(drawn?.points ?? 0)}
          style={{ width: `${width}px`, height: `${canvasHeight}px` }}
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
        {hover && tooltip ? (
          <div
            role="tooltip"
            className="embedding-tooltip"
            style={{ left: Math.min(hover.x + 14, Math.max(0, width - TOOLTIP_WIDTH)), top: hover.y + 14 }}
          >
            {tooltip}
          </div>
        ) : null}
      </div>
      <ScatterOptions
        showTriplets={showTriplets}
        allTriplets={allTriplets}
        onShowTriplets={setShowTriplets}
        onAllTriplets={setAllTriplets}
      />
      <ClassLegend classNames={classNames} />
      <figcaption>
        Held-out samples in a 2-D projection of the embedding, coloured by class; it updates as the network learns.
      </figcaption>
    </figure>
  );
}

/** The hover read-out of a batch sample: its class and the triplets it took part in, with its role in each. */
function BatchSampleTriplets(props: {
  model: ScatterModel;
  row: number;
  offset: number;
  className: (label: number) => string;
}): JSX.Element {
  const { model, row, offset, className } = props;
  const entries = model.tripletsOf(row);
  const label = model.batchLabel(row);
  const name = (r: number) => {
    const l = model.batchLabel(r);
    return l >= 0 ? className(l) : '?';
  };
  return (
    <>
      <strong>
        Training sample{label >= 0 ? ` (${className(label)})` : ''}: in {entries.length} mined triplet
        {entries.length === 1 ? '' : 's'}
      </strong>
      <ul className="embedding-triplets">
        {entries.slice(0, TRIPLETS_LISTED).map(({ triplet: t, role }) => (
          <li key={`${t.anchor}-${t.positive}-${t.negative}`}>
            as {role}: anchor {name(t.anchor)}, positive {name(t.positive + offset)}, negative{' '}
            {name(t.negative + offset)} · <span className={`category-${t.category}`}>{t.category}</span>
          </li>
        ))}
        {entries.length > TRIPLETS_LISTED ? <li>… {entries.length - TRIPLETS_LISTED} more</li> : null}
      </ul>
    </>
  );
}
