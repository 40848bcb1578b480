/** The held-out metrics of the latest evaluation, as numbers, with the protocol they follow. */
import type { JSX, ReactNode } from 'react';
import type { EvaluationProtocol } from '../../core/data/unseen';
import type { MetricsPoint } from '../../worker/protocol';
import './metrics.css';

/** Label, field, and whether the figure is a practitioner's detail that classroom mode leaves out. */
const ROWS = [
  ['P@1', 'precisionAt1', false],
  ['MAP@R', 'mapAtR', false],
  ['R-precision', 'rPrecision', false],
  ['Pair accuracy', 'pairAccuracy', false],
  ['AUC', 'auc', false],
  ['Alignment', 'alignment', true],
  ['Uniformity', 'uniformity', true],
] as const;

/** The one line that says which classes the numbers are about. */
export function protocolLabel(protocol: EvaluationProtocol): string {
  return protocol.kind === 'unseen-classes'
    ? `Unseen classes only: ${protocol.classNames.join(', ')} (never trained on; threshold chosen on seen classes)`
    : 'Held-out samples of the training classes';
}

/**
 * `<dl aria-label="Held-out metrics">`, `–` for unknown values; `action` is one more cell of it (a `<div>` of `<dt>`
 * and `<dd>`), `children` go right under the figures.
 */
export function MetricsReadout(props: {
  metrics: MetricsPoint | null;
  protocol: EvaluationProtocol;
  action?: ReactNode;
  children?: ReactNode;
}): JSX.Element {
  const { metrics, protocol } = props;
  const unseen = protocol.kind === 'unseen-classes';
  return (
    <div className="metrics">
      <p className="protocol" role="note" aria-label="Evaluation protocol" data-protocol={protocol.kind}>
        {protocolLabel(protocol)}
      </p>
      <dl aria-label="Held-out metrics" data-step={metrics?.step ?? ''}>
        {ROWS.map(([label, key, detail]) => {
          const value = metrics?.[key];
          return (
            <div key={key} className={detail ? 'metric-detail' : undefined}>
              <dt>{label}</dt>
              <dd data-metric={key}>{value === null || value === undefined ? '–' : value.toFixed(3)}</dd>
            </div>
          );
        })}
        {unseen ? (
          <div>
            <dt>MAP@R seen</dt>
            <dd data-metric="seenMapAtR">
              {metrics?.seenMapAtR === null || metrics?.seenMapAtR === undefined ? '–' : metrics.seenMapAtR.toFixed(3)}
            </dd>
          </div>
        ) : null}
        {props.action}
      </dl>
      {props.children}
      {metrics?.collapseWarning ? <p role="alert">{metrics.collapseWarning}</p> : null}
      <details className="geometry-help">
        <summary>Alignment and uniformity</summary>
        <p>Alignment: the mean squared distance between two samples of one class (0 = each class one point).</p>
        <p>
          Uniformity: how evenly all points cover the sphere, log of the mean exp(−2·d²) over pairs (0 = all in one
          spot, lower = more spread).
        </p>
      </details>
    </div>
  );
}
