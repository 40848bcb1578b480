/**
 * The shared frame of the three charts: an accessible `<figure>` with a caption and an empty-state message, so
 * every chart reads the same to screen readers and e2e tests.
 */
import type { JSX, ReactNode } from 'react';

/**
 * Figure wrapper; `empty` shows `emptyText` in place of the plot. The plot stays mounted underneath, hidden (so out
 * of the accessibility tree and the tab order): building a chart costs tens of milliseconds of DOM, canvas and
 * layout work, which belongs to the page's load, not to the moment the first data point arrives while training
 * starts and the scatter animates.
 */
export function ChartFigure(props: {
  label: string;
  caption: string;
  empty: boolean;
  emptyText: string;
  /** The chart box's height in CSS pixels (the page's layout sizes it to its grid cell); default 220. */
  height?: number;
  children: ReactNode;
}): JSX.Element {
  return (
    <figure aria-label={props.label} className="chart">
      {/* One fixed-size box whether empty or not: the first data point must not re-lay-out the whole page. */}
      {/* A column: controls take what they need and the plot (UPlotChart `fill`) the rest, legend included. */}
      <div className={props.empty ? 'chart-box chart-box-empty' : 'chart-box'} style={{ height: props.height ?? 220 }}>
        {props.children}
        {props.empty ? <p className="chart-empty">{props.emptyText}</p> : null}
      </div>
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}

/** Height of the chart's legend row under the plot (uPlot's read-out) at the page's normal type size, CSS pixels. */
const LEGEND_PX = 30;
/** Height of a row of chart controls above the plot (smoothing, log scale) at the normal type size, CSS pixels. */
export const LOSS_CONTROLS_PX = 28;

/**
 * The plot's first height inside a ChartFigure box of `boxHeight` (default 220) holding a legend and `controls`.
 * Only an estimate for the first paint: a filling UPlotChart then measures what its legend and the controls
 * really take (larger type in classroom mode wraps them onto more lines) and fits the plot, axes included, to the
 * rest of the box.
 */
export function plotHeight(boxHeight: number | undefined, controls = 0): number {
  return Math.max(60, (boxHeight ?? 220) - LEGEND_PX - controls);
}
