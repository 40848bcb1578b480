/**
 * Training and validation loss against step, as practitioners read it: the raw per-step loss faint behind its
 * smoothed curve (TensorBoard's debiased exponential moving average, with its smoothing control), the validation
 * loss on the same axes, a log-scale toggle and a read-out of every series at the cursor.
 */
import { memo, useMemo, useRef, useState, type JSX } from 'react';
import type { MetricsPoint, ProgressPoint } from '../../worker/protocol';
import { ProgressColumns } from '../charts/progressColumns';
import { lossColumnsOf } from '../charts/series';
import { SmoothedSeries } from '../charts/smoothing';
import { ChartFigure, LOSS_CONTROLS_PX, plotHeight } from '../charts/ChartFigure';
import { UPlotChart, type ChartSeries } from '../charts/UPlotChart';

/**
 * Heavier than TensorBoard's default 0.6: the loss here is logged every step, and at 0.6 its smoothed curve of the
 * default demo was hardly calmer than the raw one (screenshots at 500 steps).
 */
export const DEFAULT_SMOOTHING = 0.9;

const SERIES: readonly ChartSeries[] = [
  // Gaps bridged: the columns hold null for the training series at validation-only steps.
  { name: 'Training loss (raw)', colour: 'rgba(31, 119, 180, 0.25)', width: 1, spanGaps: true },
  { name: 'Training loss (smoothed)', colour: '#1f77b4', width: 2, spanGaps: true },
  { name: 'Validation loss', colour: '#d62728', width: 1.5, points: true, spanGaps: true },
];

/** Loss chart (contract: `<figure aria-label="Loss chart">`). */
export function LossChart(props: {
  points: readonly ProgressPoint[];
  validation: readonly MetricsPoint[];
  /** Chart height in CSS pixels (the page's layout fills its cell); default 220. */
  height?: number;
}): JSX.Element {
  const { points, validation } = props;
  const [smoothing, setSmoothing] = useState(DEFAULT_SMOOTHING);
  const [log, setLog] = useState(false);
  // History arrays may be appended in place; the length joins the identity in the memo key. The history's columns
  // and its smoothed loss are kept and extended by each redraw with the points added since the last.
  const kept = useRef<{ history: ProgressColumns; smoothed: SmoothedSeries } | null>(null);
  const columns = useMemo(() => {
    kept.current ??= { history: new ProgressColumns(), smoothed: new SmoothedSeries() };
    const { history, smoothed } = kept.current;
    history.sync(points);
    return lossColumnsOf(
      history,
      smoothed.update(history.loss, history.length, smoothing, history.revision),
      validation,
    );
  }, [points, points.length, validation, validation.length, smoothing]);
  return (
    <ChartFigure
      height={props.height}
      label="Loss chart"
      caption="Training loss per step (faint) with its smoothed curve, and validation loss on the held-out set."
      empty={columns.steps.length === 0}
      emptyText="No steps yet."
    >
      <LossControls smoothing={smoothing} log={log} onSmoothing={setSmoothing} onLog={setLog} />
      <UPlotChart
        label="Loss"
        columns={columns}
        series={SERIES}
        log={log}
        height={plotHeight(props.height, LOSS_CONTROLS_PX)}
        fill
      />
    </ChartFigure>
  );
}

/** The smoothing and log-scale controls (memoised: the chart renders on every training event, these do not change). */
const LossControls = memo(function LossControls(props: {
  smoothing: number;
  log: boolean;
  onSmoothing(smoothing: number): void;
  onLog(log: boolean): void;
}): JSX.Element {
  return (
    <div className="chart-controls">
      <label>
        Smoothing{' '}
        <input
          type="range"
          aria-label="Loss smoothing"
          min={0}
          max={0.99}
          step={0.01}
          value={props.smoothing}
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isFinite(v) && v >= 0 && v < 1) props.onSmoothing(v);
          }}
        />{' '}
        {/* A span, not <output>: that is an implicit role="status", and the page has one status line. */}
        <span className="chart-value" aria-hidden="true">
          {props.smoothing.toFixed(2)}
        </span>
      </label>
      <label>
        <input type="checkbox" checked={props.log} onChange={(e) => props.onLog(e.target.checked)} /> Log scale
      </label>
    </div>
  );
});
