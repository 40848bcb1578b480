/** Easy / semi-hard / hard triplet counts per batch against step (stacked areas), with a read-out at the cursor. */
import { useMemo, useRef, type JSX } from 'react';
import type { ProgressPoint } from '../../worker/protocol';
import { ProgressColumns } from '../charts/progressColumns';
import { stackColumns, tripletColumns } from '../charts/series';
import { TRIPLET_COLOURS } from '../scatter/palette';
import { ChartFigure, plotHeight } from '../charts/ChartFigure';
import { UPlotChart, type ChartSeries } from '../charts/UPlotChart';

/** Stacked bottom to top: hard, semi-hard, easy (the read-out shows the running totals). */
const SERIES: readonly ChartSeries[] = [
  { name: 'Hard', colour: TRIPLET_COLOURS.hard, fill: `${TRIPLET_COLOURS.hard}59` },
  { name: '+ Semi-hard', colour: TRIPLET_COLOURS['semi-hard'], fill: `${TRIPLET_COLOURS['semi-hard']}59` },
  { name: '+ Easy', colour: TRIPLET_COLOURS.easy, fill: `${TRIPLET_COLOURS.easy}59` },
];

/** Triplet categories chart (contract: `<figure aria-label="Triplet categories chart">`). */
export function TripletChart(props: { points: readonly ProgressPoint[]; height?: number }): JSX.Element {
  const { points } = props;
  // The history's columns, extended by each redraw with the points added since the last (a long run's redraws
  // would otherwise read every point again).
  const history = useRef<ProgressColumns | null>(null);
  const columns = useMemo(() => {
    history.current ??= new ProgressColumns();
    return stackColumns(tripletColumns(history.current.sync(points)));
  }, [points, points.length]);
  return (
    <ChartFigure
      height={props.height}
      label="Triplet categories chart"
      caption="Valid triplets in each batch by category: easy (already beyond the margin), semi-hard, hard."
      empty={columns.steps.length === 0}
      emptyText="No triplet counts yet (pair batches have none)."
    >
      <UPlotChart
        label="Triplet counts"
        columns={columns}
        series={SERIES}
        stacked
        height={plotHeight(props.height)}
        fill
      />
    </ChartFigure>
  );
}
