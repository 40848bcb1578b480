/** Training and validation loss against step, downsampled so long runs stay smooth. */
import { useMemo, type JSX } from 'react';
import type { MetricsPoint, ProgressPoint } from '../../worker/protocol';
import { lossRows } from '../charts/series';
import { ChartFigure } from '../charts/ChartFigure';
import { CanvasChart, type ChartSeries } from '../charts/CanvasChart';
import type { ChartRow } from '../charts/axes';

const SERIES: readonly ChartSeries[] = [
  { key: 'loss', name: 'Training loss', colour: '#1f77b4' },
  { key: 'validationLoss', name: 'Validation loss', colour: '#d62728' },
];

/** Loss chart (contract: `<figure aria-label="Loss chart">`). */
export function LossChart(props: {
  points: readonly ProgressPoint[];
  validation: readonly MetricsPoint[];
  /** Chart height in CSS pixels (the page's layout fills its cell); default 220. */
  height?: number;
}): JSX.Element {
  const { points, validation } = props;
  // History arrays may be appended in place; the length joins the identity in the memo key.
  const rows = useMemo(
    () => lossRows(points, validation) as ChartRow[],
    [points, points.length, validation, validation.length],
  );
  return (
    <ChartFigure
      height={props.height}
      label="Loss chart"
      caption="Training loss per step and validation loss on the held-out set."
      empty={rows.length === 0}
      emptyText="No steps yet."
    >
      <CanvasChart rows={rows} series={SERIES} label="Loss" height={props.height} />
    </ChartFigure>
  );
}
