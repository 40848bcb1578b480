/** Alignment and uniformity of the held-out embedding (Wang & Isola 2020) against step. */
import { type JSX, memo, useMemo, useState } from 'react';
import type { MetricsPoint } from '../../worker/protocol';
import { ChartFigure, plotHeight } from '../charts/ChartFigure';
import { columnsOf } from '../charts/series';
import { UPlotChart, type ChartSeries } from '../charts/UPlotChart';
import { MetricsChart } from './MetricsChart';

const SERIES: readonly ChartSeries[] = [
  { name: 'Alignment', colour: '#d62728' },
  { name: 'Uniformity', colour: '#17becf' },
];
const KEYS = ['alignment', 'uniformity'] as const;

/** The evaluations that measured the geometry (pair files have none). */
function geometryRows(metrics: readonly MetricsPoint[]): MetricsPoint[] {
  return metrics.filter((m) => m.alignment !== undefined || m.uniformity !== undefined);
}

/** Geometry chart (contract: `<figure aria-label="Geometry chart">`). */
export function GeometryChart(props: { metrics: readonly MetricsPoint[]; height?: number }): JSX.Element {
  const { metrics } = props;
  const columns = useMemo(() => columnsOf(geometryRows(metrics), KEYS), [metrics, metrics.length]);
  return (
    <ChartFigure
      height={props.height}
      label="Geometry chart"
      caption="Alignment (lower: classes tighter) and uniformity (lower: more spread) of the held-out set."
      empty={columns.steps.length === 0}
      emptyText="No alignment or uniformity yet."
    >
      <UPlotChart label="Geometry" columns={columns} series={SERIES} height={plotHeight(props.height)} />
    </ChartFigure>
  );
}

type HeldOutView = 'retrieval' | 'geometry';

/** Height of the row that switches the metrics slot between its two charts, in CSS pixels. */
const SWITCH_PX = 26;

/**
 * One chart slot for the held-out numbers: retrieval (P@1, MAP@R, pair accuracy) or the embedding's geometry
 * (alignment, uniformity), switched by a pair of radio buttons, so the page keeps its one-screen height.
 */
export function HeldOutCharts(props: { metrics: readonly MetricsPoint[]; height?: number }): JSX.Element {
  const [view, setView] = useState<HeldOutView>('retrieval');
  const height = props.height === undefined ? undefined : props.height - SWITCH_PX;
  return (
    <div className="held-out-charts">
      <ChartSwitch view={view} onView={setView} />
      {view === 'retrieval' ? (
        <MetricsChart metrics={props.metrics} height={height} />
      ) : (
        <GeometryChart metrics={props.metrics} height={height} />
      )}
    </div>
  );
}

/** The two radio buttons (memoised: the charts render on every training event, the choice does not change then). */
const ChartSwitch = memo(function ChartSwitch(props: {
  view: HeldOutView;
  onView(view: HeldOutView): void;
}): JSX.Element {
  return (
    <div role="radiogroup" aria-label="Held-out chart" className="chart-switch">
      <label>
        <input
          type="radio"
          name="held-out-chart"
          checked={props.view === 'retrieval'}
          onChange={() => props.onView('retrieval')}
        />{' '}
        Retrieval
      </label>
      <label>
        <input
          type="radio"
          name="held-out-chart"
          checked={props.view === 'geometry'}
          onChange={() => props.onView('geometry')}
        />{' '}
        Alignment and uniformity
      </label>
    </div>
  );
});
