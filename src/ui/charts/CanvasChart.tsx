/**
 * A small canvas chart for the live training charts (loss, metrics, triplet categories): lines or stacked areas
 * against step, grid, axis ticks, an HTML legend and a hover tooltip. It replaces recharts there because those
 * charts redraw ten times a second while training: recharts rebuilt hundreds of SVG nodes through React and its
 * own store on each update (main-thread tasks of 50–800 ms measured with `npm run bench`), while this draws the
 * same ≤ 500-row tables in well under a millisecond, at most once per animation frame.
 *
 * Accessibility: the canvas is an image whose label reads the latest value of every series, the legend is a list,
 * and the surrounding ChartFigure keeps the figure's label and caption.
 */
import { useCallback, useEffect, useRef, useState, type JSX, type PointerEvent as ReactPointerEvent } from 'react';
import { formatTick, nearestRow, niceTicks, valueRange, type ChartRow } from './axes';

export interface ChartSeries {
  key: string;
  name: string;
  colour: string;
}

const MARGIN = { top: 8, right: 14, bottom: 22, left: 48 };
const FONT = '11px system-ui, sans-serif';
const GRID = '#e5e5e5';
const AXIS_TEXT = '#555';

/** "Training loss 0.512, Validation loss 0.498 (step 1200)": the last finite value of every series. */
export function chartSummary(rows: readonly ChartRow[], series: readonly ChartSeries[]): string {
  const parts: string[] = [];
  let step: number | null = null;
  for (const s of series) {
    for (let i = rows.length - 1; i >= 0; i--) {
      const v = rows[i][s.key];
      if (v !== undefined && Number.isFinite(v)) {
        parts.push(`${s.name} ${formatTick(v)}`);
        step = Math.max(step ?? 0, rows[i].step);
        break;
      }
    }
  }
  return parts.length ? `${parts.join(', ')} (step ${step})` : 'no values yet';
}

function draw(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  rows: readonly ChartRow[],
  series: readonly ChartSeries[],
  stacked: boolean,
  yDomain?: [number, number],
): void {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const plotW = Math.max(1, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(1, height - MARGIN.top - MARGIN.bottom);
  const keys = series.map((s) => s.key);
  const range = yDomain ?? valueRange(rows, keys, stacked);
  if (!range || rows.length === 0) return;
  const [y0, y1] = range;
  const x0 = rows[0].step;
  const x1 = rows[rows.length - 1].step;
  const px = (step: number) => MARGIN.left + (x1 === x0 ? plotW / 2 : ((step - x0) / (x1 - x0)) * plotW);
  const py = (v: number) => MARGIN.top + plotH - ((v - y0) / (y1 - y0)) * plotH;

  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = GRID;
  ctx.fillStyle = AXIS_TEXT;
  ctx.setLineDash([3, 3]);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of niceTicks(y0, y1, 4)) {
    const y = Math.round(py(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(MARGIN.left, y);
    ctx.lineTo(MARGIN.left + plotW, y);
    ctx.stroke();
    ctx.fillText(formatTick(t), MARGIN.left - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xTicks =
    x1 > x0 ? niceTicks(x0, x1, Math.max(2, Math.floor(plotW / 70))).filter((t) => Number.isInteger(t)) : [x0];
  for (const t of xTicks) {
    const x = Math.round(px(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, MARGIN.top);
    ctx.lineTo(x, MARGIN.top + plotH);
    ctx.stroke();
    ctx.fillText(String(t), x, MARGIN.top + plotH + 5);
  }
  ctx.setLineDash([]);

  ctx.save();
  ctx.beginPath();
  ctx.rect(MARGIN.left, MARGIN.top, plotW, plotH);
  ctx.clip();
  if (stacked) {
    const below = new Float64Array(rows.length);
    for (const s of series) {
      const top = rows.map((r, i) => below[i] + (r[s.key] !== undefined && Number.isFinite(r[s.key]!) ? r[s.key]! : 0));
      ctx.beginPath();
      rows.forEach((r, i) => (i === 0 ? ctx.moveTo(px(r.step), py(top[i])) : ctx.lineTo(px(r.step), py(top[i]))));
      for (let i = rows.length - 1; i >= 0; i--) ctx.lineTo(px(rows[i].step), py(below[i]));
      ctx.closePath();
      ctx.globalAlpha = 0.35;
      ctx.fillStyle = s.colour;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.beginPath();
      rows.forEach((r, i) => (i === 0 ? ctx.moveTo(px(r.step), py(top[i])) : ctx.lineTo(px(r.step), py(top[i]))));
      ctx.strokeStyle = s.colour;
      ctx.lineWidth = 1.5;
      ctx.stroke();
      top.forEach((v, i) => (below[i] = v));
    }
  } else {
    for (const s of series) {
      ctx.beginPath();
      let started = false;
      for (const r of rows) {
        const v = r[s.key];
        if (v === undefined || !Number.isFinite(v)) continue; // gaps are bridged, as recharts' connectNulls did
        if (started) ctx.lineTo(px(r.step), py(v));
        else ctx.moveTo(px(r.step), py(v));
        started = true;
      }
      ctx.strokeStyle = s.colour;
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
  }
  ctx.restore();
}

/** Shortest time between two redraws of one chart (the last data always gets drawn). */
const MIN_REDRAW_MS = 250;

/** The chart itself (put it inside a ChartFigure). Redraws at most once per animation frame and MIN_REDRAW_MS. */
export function CanvasChart(props: {
  rows: readonly ChartRow[];
  series: readonly ChartSeries[];
  /** Stack the series as filled areas (first series at the bottom). */
  stacked?: boolean;
  /** Fixed y range; default: the data's range. */
  yDomain?: [number, number];
  /** Accessible name of the plot, e.g. "Loss chart plot"; the latest values are appended. */
  label: string;
  height?: number;
}): JSX.Element {
  const { rows, series, stacked = false, yDomain, label, height = 220 } = props;
  const wrapper = useRef<HTMLDivElement | null>(null);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const frame = useRef<number | null>(null);
  const wait = useRef<ReturnType<typeof setTimeout> | null>(null);
  const drawnAt = useRef(-Infinity);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ index: number; x: number } | null>(null);
  const legendHeight = 22;
  const plotHeight = height - legendHeight;

  useEffect(() => {
    const el = wrapper.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const domainKey = yDomain ? `${yDomain[0]},${yDomain[1]}` : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: domainKey stands for yDomain, a new array each render that must not redraw
  useEffect(() => {
    if (!canvas.current || width === 0) return;
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    if (wait.current !== null) clearTimeout(wait.current);
    const paint = () => {
      wait.current = null;
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        drawnAt.current = performance.now();
        if (canvas.current) draw(canvas.current, width, plotHeight, rows, series, stacked, yDomain);
      });
    };
    // While data streams in, at most one redraw per MIN_REDRAW_MS: without a GPU the browser rasterises the chart's
    // paths on the main thread at every commit, and three charts redrawn on each progress event added up.
    const delay = drawnAt.current + MIN_REDRAW_MS - performance.now();
    if (delay > 0) wait.current = setTimeout(paint, delay);
    else paint();
    // domainKey stands for yDomain (a new array each render must not redraw).
  }, [rows, series, stacked, domainKey, width, plotHeight]);
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      if (wait.current !== null) clearTimeout(wait.current);
    },
    [],
  );

  const onPointerMove = useCallback(
    (event: ReactPointerEvent<HTMLCanvasElement>) => {
      if (rows.length === 0 || width === 0) return;
      const x = event.nativeEvent.offsetX;
      const plotW = Math.max(1, width - MARGIN.left - MARGIN.right);
      const x0 = rows[0].step;
      const x1 = rows[rows.length - 1].step;
      const step = x0 + ((x - MARGIN.left) / plotW) * (x1 - x0);
      setHover({ index: nearestRow(rows, step), x });
    },
    [rows, width],
  );

  const hovered = hover && hover.index >= 0 && hover.index < rows.length ? rows[hover.index] : null;
  return (
    <div ref={wrapper} className="canvas-chart" style={{ position: 'relative', width: '100%', height }}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`${label}: ${chartSummary(rows, series)}`}
        style={{ display: 'block', width: '100%', height: plotHeight }}
        onPointerMove={onPointerMove}
        onPointerLeave={() => setHover(null)}
      />
      {hovered ? (
        <div
          className="chart-tooltip"
          style={{
            position: 'absolute',
            top: 4,
            left: Math.min(Math.max(hover!.x + 12, 0), Math.max(0, width - 150)),
            pointerEvents: 'none',
          }}
        >
          <div>step {hovered.step}</div>
          {series.map((s) =>
            hovered[s.key] !== undefined && Number.isFinite(hovered[s.key]!) ? (
              <div key={s.key} style={{ color: s.colour }}>
                {s.name}: {formatTick(hovered[s.key]!)}
              </div>
            ) : null,
          )}
        </div>
      ) : null}
      <ul aria-label={`${label} legend`} className="chart-legend">
        {series.map((s) => (
          <li key={s.key}>
            <span className="swatch" style={{ background: s.colour }} aria-hidden="true" /> {s.name}
          </li>
        ))}
      </ul>
    </div>
  );
}
