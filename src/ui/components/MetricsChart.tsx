/** Held-out retrieval metrics (P@1, MAP@R, pair accuracy) against step. */
import { useMemo, type JSX } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricsPoint } from '../../worker/protocol';
import { metricsRows } from '../charts/series';
import { ChartFigure } from '../charts/ChartFigure';

/** Metrics chart (contract: `<figure aria-label="Metrics chart">`). */
export function MetricsChart(props: { metrics: readonly MetricsPoint[] }): JSX.Element {
  const { metrics } = props;
  const rows = useMemo(() => metricsRows(metrics), [metrics, metrics.length]);
  return (
    <ChartFigure
      label="Metrics chart"
      caption="Held-out P@1, MAP@R and pair accuracy (0 to 1) as training goes on."
      empty={rows.length === 0}
      emptyText="No held-out metrics yet."
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
          <YAxis width={40} domain={[0, 1]} />
          <Tooltip />
          <Legend />
          <Line name="P@1" dataKey="precisionAt1" stroke="#1f77b4" dot={false} connectNulls isAnimationActive={false} />
          <Line name="MAP@R" dataKey="mapAtR" stroke="#2ca02c" dot={false} connectNulls isAnimationActive={false} />
          <Line
            name="Pair accuracy"
            dataKey="pairAccuracy"
            stroke="#9467bd"
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
