/** Easy / semi-hard / hard triplet counts per batch against step (stacked areas). */
import { useMemo, type JSX } from 'react';
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ProgressPoint } from '../../worker/protocol';
import { tripletRows } from '../charts/series';
import { TRIPLET_COLOURS } from '../scatter/palette';
import { ChartFigure } from '../charts/ChartFigure';

/** Triplet categories chart (contract: `<figure aria-label="Triplet categories chart">`). */
export function TripletChart(props: { points: readonly ProgressPoint[] }): JSX.Element {
  const { points } = props;
  const rows = useMemo(() => tripletRows(points), [points, points.length]);
  return (
    <ChartFigure
      label="Triplet categories chart"
      caption="Valid triplets in each batch by category: easy (already beyond the margin), semi-hard, hard."
      empty={rows.length === 0}
      emptyText="No triplet counts yet (pair batches have none)."
    >
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
          <YAxis width={56} allowDecimals={false} />
          <Tooltip />
          <Legend />
          {(
            [
              ['hard', 'Hard', TRIPLET_COLOURS.hard],
              ['semiHard', 'Semi-hard', TRIPLET_COLOURS['semi-hard']],
              ['easy', 'Easy', TRIPLET_COLOURS.easy],
            ] as const
          ).map(([key, name, colour]) => (
            <Area
              key={key}
              name={name}
              dataKey={key}
              stackId="triplets"
              stroke={colour}
              fill={colour}
              fillOpacity={0.35}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
