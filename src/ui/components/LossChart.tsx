/** Training and validation loss against step, downsampled so long runs stay smooth. */
import { useMemo, type JSX } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricsPoint, ProgressPoint } from '../../worker/protocol';
import { lossRows } from '../charts/series';
import { ChartFigure } from '../charts/ChartFigure';

/** Loss chart (contract: `<figure aria-label="Loss chart">`). */
export function LossChart(props: { points: readonly ProgressPoint[]; validation: readonly MetricsPoint[] }): JSX.Element {
  const { points, validation } = props;
  // History arrays may be appended in place; the length joins the identity in the memo key.
  const rows = useMemo(() => lossRows(points, validation), [points, points.length, validation, validation.length]);
  return (
    <ChartFigure
      label="Loss chart"
      caption="Training loss per step and validation loss on the held-out set."
      empty={rows.length === 0}
      emptyText="No steps yet."
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
          <YAxis width={56} tickFormatter={(v: number) => v.toPrecision(3)} />
          <Tooltip />
          <Legend />
          <Line name="Training loss" dataKey="loss" stroke="#1f77b4" dot={false} connectNulls isAnimationActive={false} />
          <Line
            name="Validation loss"
            dataKey="validationLoss"
            stroke="#d62728"
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
