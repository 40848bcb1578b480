/** Easy / semi-hard / hard triplet counts per batch against step (stacked areas). */
import { useMemo, type JSX } from 'react';
import type { ProgressPoint } from '../../worker/protocol';
import { tripletRows } from '../charts/series';
import { TRIPLET_COLOURS } from '../scatter/palette';
import { ChartFigure } from '../charts/ChartFigure';
import { CanvasChart, type ChartSeries } from '../charts/CanvasChart';
import type { ChartRow } from '../charts/axes';

/** Stacked bottom to top: hard, semi-hard, easy. */
const SERIES: readonly ChartSeries[] = [
  { key: 'hard', name: 'Hard', colour: TRIPLET_COLOURS.hard },
  { key: 'semiHard', name: 'Semi-hard', colour: TRIPLET_COLOURS['semi-hard'] },
  { key: 'easy', name: 'Easy', colour: TRIPLET_COLOURS.easy },
];

/** Triplet categories chart (contract: `<figure aria-label="Triplet categories chart">`). */
export function TripletChart(props: { points: readonly ProgressPoint[]; height?: number }): JSX.Element {
  const { points } = props;
  const rows = useMemo(() => tripletRows(points) as unknown as ChartRow[], [points, points.length]);
  return (
    <ChartFigure
      height={props.height}
      label="Triplet categories chart"
      caption="Valid triplets in each batch by category: easy (already beyond the margin), semi-hard, hard."
      empty={rows.length === 0}
      emptyText="No triplet counts yet (pair batches have none)."
    >
      <CanvasChart rows={rows} series={SERIES} stacked label="Triplet counts" height={props.height} />
    </ChartFigure>
  );
}
