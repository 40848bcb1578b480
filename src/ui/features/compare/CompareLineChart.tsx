/**
 * The compare-runs panel's overlaid line chart (recharts), in a chunk of its own: recharts is used only here,
 * once two runs are kept, so the page does not load and parse it before the user can act. The panel starts
 * loading it as soon as one run is kept (CompareRunsPanel.tsx).
 */
import type { JSX } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { classColour } from '../../scatter/palette';
import type { KeptRun, OverlayRow } from './keptRuns';

/** One line per kept run (colour = its row's swatch), against step. */
export function CompareLineChart(props: {
  rows: OverlayRow[];
  runs: readonly KeptRun[];
  yWidth: number;
  yDomain?: [number, number];
  tickFormatter?: (value: number) => string;
  /** Whether a run's line shows a dot per point. */
  dots(run: KeptRun): boolean;
}): JSX.Element {
  const { rows, runs } = props;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
        <YAxis
          width={props.yWidth}
          {...(props.yDomain ? { domain: props.yDomain } : {})}
          {...(props.tickFormatter ? { tickFormatter: props.tickFormatter } : {})}
        />
        <Tooltip />
        <Legend />
        {runs.map((r, i) => (
          <Line
            key={r.id}
            name={r.name}
            dataKey={r.id}
            stroke={classColour(i)}
            dot={props.dots(r)}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
