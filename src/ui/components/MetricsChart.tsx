/** Held-out retrieval metrics (P@1, MAP@R, pair accuracy) against step. */
import { useMemo, type JSX } from 'react';
import type { MetricsPoint } from '../../worker/protocol';
import { metricsRows } from '../charts/series';
import { ChartFigure } from '../charts/ChartFigure';
import { CanvasChart, type ChartSeries } from '../charts/CanvasChart';
import type { ChartRow } from '../charts/axes';

const SERIES: readonly ChartSeries[] = [
  { key: 'precisionAt1', name: 'P@1', colour: '#1f77b4' },
  { key: 'mapAtR', name: 'MAP@R', colour: '#2ca02c' },
  { key: 'pairAccuracy', name: 'Pair accuracy', colour: '#9467bd' },
];
const UNIT_RANGE: [number, number] = [0, 1];

/** Metrics chart (contract: `<figure aria-label="Metrics chart">`). */
export function MetricsChart(props: { metrics: readonly MetricsPoint[]; height?: number }): JSX.Element {
  const { metrics } = props;
  const rows = useMemo(() => metricsRows(metrics) as ChartRow[], [metrics, metrics.length]);
  return (
    <ChartFigure
      height={props.height}
      label="Metrics chart"
      caption="Held-out P@1, MAP@R and pair accuracy (0 to 1) as training goes on."
      empty={rows.length === 0}
      emptyText="No held-out metrics yet."
    >
      <CanvasChart rows={rows} series={SERIES} yDomain={UNIT_RANGE} label="Metrics" height={props.height} />
    </ChartFigure>
  );
}
