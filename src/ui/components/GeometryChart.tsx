/** Alignment and uniformity of the held-out embedding (Wang & Isola 2020) against step. */
import { useMemo, type JSX } from 'react';
import type { MetricsPoint } from '../../worker/protocol';
import { ChartFigure, plotHeight } from '../charts/ChartFigure';
import { columnsOf } from '../charts/series';
import { UPlotChart, type ChartSeries } from '../charts/UPlotChart';

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
      caption="Alignment (lower: same-class points closer) and uniformity (lower: points spread over the sphere)."
      empty={columns.steps.length === 0}
      emptyText="No alignment or uniformity yet."
    >
      <UPlotChart label="Geometry" columns={columns} series={SERIES} height={plotHeight(props.height)} />
    </ChartFigure>
  );
}
