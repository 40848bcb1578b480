/**
 * The live training charts (loss, metrics, triplet categories) drawn by uPlot, a small canvas library made for
 * streaming time series: lines, filled bands, linear or log axes, and a legend that reads out every series at the
 * cursor (the hover read-out). While training streams data in, the chart takes new data at most every
 * MIN_REDRAW_MS (the last data always gets drawn): without a GPU the browser rasterises canvas paths on the main
 * thread, and three charts redrawn on every progress event added up.
 *
 * Accessibility: the plot canvas is an image whose name reads the latest value of every series; the legend is a
 * table; the surrounding ChartFigure keeps the figure's label and caption.
 */
import { useEffect, useRef, type JSX } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type ChartColumns, columnsSummary, formatValue } from './series';
import './charts.css';

export interface ChartSeries {
  name: string;
  colour: string;
  /** Line width in CSS pixels (default 1.5). */
  width?: number;
  /** Fill below the line (or down to the previous series when the chart is stacked). */
  fill?: string;
  /** Draw a dot at each value (sparse series such as the validation loss). */
  points?: boolean;
  /** Bridge gaps (null values) with a straight line. */
  spanGaps?: boolean;
}

/** Shortest time between two redraws of one chart while data streams in. */
export const MIN_REDRAW_MS = 250;
/** Smallest plot height (axes included) a filling chart shrinks to, in CSS pixels. */
const MIN_FILL_HEIGHT = 60;

export function UPlotChart(props: {
  /** Accessible name of the plot, e.g. "Loss"; the latest values are appended. */
  label: string;
  columns: ChartColumns;
  series: readonly ChartSeries[];
  /** Fixed y range (linear axis only); default: the data's range. */
  yRange?: [number, number];
  /** Logarithmic y axis (values ≤ 0 are left out). */
  log?: boolean;
  /** Fill between consecutive series (stacked areas; the columns are running sums). */
  stacked?: boolean;
  /** Plot height in CSS pixels, axes included, legend excluded (with `fill`, only the first height). */
  height?: number;
  /**
   * Fill the height the parent leaves (ChartFigure's column): the plot takes what is left under the parent's other
   * content once its own legend is measured, so axes and legend stay inside the box whatever the type size.
   */
  fill?: boolean;
}): JSX.Element {
  const { label, columns, series, yRange, log = false, stacked = false, height = 170, fill = false } = props;
  const box = useRef<HTMLDivElement | null>(null);
  const plot = useRef<uPlot | null>(null);
  const pending = useRef<{ timer: ReturnType<typeof setTimeout> | null; drawnAt: number }>({
    timer: null,
    drawnAt: -Infinity,
  });
  const latest = useRef(columns);
  latest.current = columns;
  const names = series.map((s) => s.name);
  const summary = `${label}: ${columnsSummary(columns, names)}`;
  const summaryRef = useRef(summary);
  summaryRef.current = summary;

  // A filling plot is resized in place (setSize), so its height is no part of its shape.
  const shapeKey = `${series.map((s) => `${s.name}/${s.colour}/${s.fill}`).join('|')}|${log}|${stacked}|${yRange?.join(',')}|${fill ? 'fill' : height}`;
  // (Re)creates the plot when its shape changes: series, scale type, range or height.
  // biome-ignore lint/correctness/useExhaustiveDependencies: shapeKey stands for the options that need a new plot; the data is read through a ref
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(200, el.clientWidth);
    const options: uPlot.Options = {
      width,
      height,
      series: [
        { label: 'step', value: (_u, v) => (v === null ? '–' : String(v)) },
        ...series.map(
          (s): uPlot.Series => ({
            label: s.name,
            stroke: s.colour,
            width: s.width ?? 1.5,
            fill: s.fill,
            spanGaps: s.spanGaps ?? false,
            points: { show: s.points ?? false, size: 4 },
            value: (_u, v) => (v === null || v === undefined ? '–' : formatValue(v)),
          }),
        ),
      ],
      bands: stacked ? series.slice(1).map((_, k) => ({ series: [k + 2, k + 1] as [number, number] })) : undefined,
      scales: {
        x: { time: false },
        y: log ? { distr: 3 } : yRange ? { range: () => [yRange[0], yRange[1]] } : {},
      },
      axes: [
        { size: 28, grid: { stroke: '#e5e5e5', width: 1 }, ticks: { show: false } },
        {
          size: 48,
          grid: { stroke: '#e5e5e5', width: 1 },
          ticks: { show: false },
          values: (_u, splits) => splits.map((v) => (v === null ? '' : formatValue(v))),
        },
      ],
      cursor: { points: { size: 6 }, drag: { x: false, y: false } },
      legend: { live: true },
    };
    const chart = new uPlot(options, toAligned(latest.current, log), el);
    chart.ctx.canvas.setAttribute('role', 'img');
    chart.ctx.canvas.setAttribute('aria-label', summaryRef.current);
    plot.current = chart;
    pending.current.drawnAt = performance.now();
    const legend = chart.root.querySelector<HTMLElement>('.u-legend');
    const fitted = () => {
      if (!fill || el.clientHeight === 0) return height;
      const legendHeight = legend ? legend.getBoundingClientRect().height : 0;
      return Math.max(MIN_FILL_HEIGHT, Math.floor(el.clientHeight - legendHeight));
    };
    const resize = () => {
      const w = Math.max(200, el.clientWidth);
      const h = fitted();
      if (w !== chart.width || h !== chart.height) chart.setSize({ width: w, height: h });
    };
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(resize);
    observer?.observe(el);
    if (fill && legend) observer?.observe(legend);
    resize();
    return () => {
      observer?.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shapeKey]);

  // New data: handed to the plot at most every MIN_REDRAW_MS.
  // biome-ignore lint/correctness/useExhaustiveDependencies: new columns are the trigger; the update reads them through a ref
  useEffect(() => {
    const chart = plot.current;
    if (!chart) return;
    const state = pending.current;
    const apply = () => {
      state.timer = null;
      state.drawnAt = performance.now();
      const current = plot.current;
      if (!current) return;
      current.setData(toAligned(latest.current, log));
      current.ctx.canvas.setAttribute('aria-label', summaryRef.current);
    };
    if (state.timer !== null) return; // the waiting update will take the latest data
    // Always drawn in a task of its own: charts drawn inside the commit that brought their data would add up, with
    // the render itself, to one long main-thread task.
    state.timer = setTimeout(apply, Math.max(0, state.drawnAt + MIN_REDRAW_MS - performance.now()));
  }, [columns, log]);

  useEffect(
    () => () => {
      // Forgotten too, not only cleared: effects can be run again on the same component (React's StrictMode does so
      // in development), and a remembered timer that will never fire would hold back every later update.
      if (pending.current.timer !== null) clearTimeout(pending.current.timer);
      pending.current.timer = null;
    },
    [],
  );

  return <div ref={box} className={fill ? 'uplot-chart uplot-fill' : 'uplot-chart'} data-summary={summary} />;
}

/** uPlot's data layout; on a log axis values ≤ 0 become gaps (they have no logarithm). */
function toAligned(columns: ChartColumns, log: boolean): uPlot.AlignedData {
  const series = log ? columns.series.map((s) => s.map((v) => (v !== null && v > 0 ? v : null))) : columns.series;
  return [columns.steps, ...series];
}
