/** The held-out metrics of the latest evaluation, as numbers. */
import type { JSX } from 'react';
import type { MetricsPoint } from '../../worker/protocol';

const ROWS = [
  ['P@1', 'precisionAt1'],
  ['MAP@R', 'mapAtR'],
  ['R-precision', 'rPrecision'],
  ['Pair accuracy', 'pairAccuracy'],
  ['AUC', 'auc'],
] as const;

/** `<dl aria-label="Held-out metrics">`, `–` for unknown values. */
export function MetricsReadout(props: { metrics: MetricsPoint | null }): JSX.Element {
  const { metrics } = props;
  return (
    <div className="metrics">
      <dl aria-label="Held-out metrics" data-step={metrics?.step ?? ''}>
        {ROWS.map(([label, key]) => {
          const value = metrics?.[key];
          return (
            <div key={key}>
              <dt>{label}</dt>
              <dd data-metric={key}>{value === null || value === undefined ? '–' : value.toFixed(3)}</dd>
            </div>
          );
        })}
      </dl>
      {metrics?.collapseWarning ? <p role="alert">{metrics.collapseWarning}</p> : null}
    </div>
  );
}
