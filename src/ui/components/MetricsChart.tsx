/** Held-out retrieval metrics (P@1, MAP@R, pair accuracy) against step, with a read-out at the cursor. */
import { useMemo, type JSX } from 'react';
import type { MetricsPoint } from '../../worker/protocol';
import { columnsOf, metricsRows } from '../charts/series';
import { ChartFigure, plotHeight } from '../charts/ChartFigure';
import { UPlotChart, type ChartSeries } from '../charts/UPlotChart';

const SERIES: readonly ChartSeries[] = [
  { name: 'P@1', colour: '#1f77b4' },
  { name: 'MAP@R', colour: '#2ca02c' },
  { name: 'Pair accuracy', colour: '#9467bd' },
];
const KEYS = ['precisionAt1', 'mapAtR', 'pairAccuracy'] as const;
const UNIT_RANGE: [number, number] = [0, 1];

/** Metrics chart (contract: `<figure aria-label="Metrics chart">`). */
export function MetricsChart(props: { metrics: readonly MetricsPoint[]; height?: number }): JSX.Element {
  const { metrics } = props;
  const columns = useMemo(() => columnsOf(metricsRows(metrics), KEYS), [metrics, metrics.length]);
  return (
    <ChartFigure
      height={props.height}
      label="Metrics chart"
      caption="Held-out P@1, MAP@R and pair accuracy (0 to 1) as training goes on."
      empty={columns.steps.length === 0}
      emptyText="No held-out metrics yet."
    >
      <UPlotChart
        label="Metrics"
        columns={columns}
        series={SERIES}
        yRange={UNIT_RANGE}
        height={plotHeight(props.height)}
        fill
      />
    </ChartFigure>
  );
}
