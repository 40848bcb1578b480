/**
 * "Nearest neighbours": the k held-out samples closest to the selected one in embedding space (not on the 2-D map,
 * which distorts distances), with their class and distance; and "Compare two samples": the distance between samples
 * A and B and the same/different verdict at the verification threshold.
 */
import type { JSX } from 'react';
import type { DistanceName } from '../../../core/config';
import type { DatasetInfo, SamplePreview } from '../../../worker/protocol';
import type { InspectState } from './inspectState';
import { SampleThumb } from './SampleThumb';
import { NEIGHBOUR_COUNTS, type InspectController } from './useInspect';

/** How each distance reads in words (beside the numbers). */
export const DISTANCE_WORDS: Record<DistanceName, string> = {
  euclidean: 'straight-line (Euclidean) distance',
  'squared-euclidean': 'squared Euclidean distance',
  cosine: 'cosine distance (1 − cosine similarity: 0 = same direction)',
  manhattan: 'Manhattan distance (sum of coordinate differences)',
  mahalanobis: 'Mahalanobis distance (Euclidean after whitening the embeddings)',
};

/** The class name of a held-out point (pair files have none worth showing). */
export function classOf(dataset: DatasetInfo | null, label: number): string {
  if (!dataset || dataset.kind === 'pairs') return '–';
  return dataset.classNames[label] ?? `class ${label}`;
}

export function formatDistance(d: number): string {
  return Number.isFinite(d)
    ? Math.abs(d) >= 100 || (d !== 0 && Math.abs(d) < 1e-3)
      ? d.toExponential(3)
      : d.toFixed(4)
    : String(d);
}

/** A held-out point number input (0 … count − 1); empty = none. */
function PointInput(props: {
  label: string;
  value: number | null;
  count: number;
  onChange(value: number | null): void;
}): JSX.Element {
  return (
    <label className="field-inline">
      {props.label}{' '}
      <input
        type="number"
        aria-label={props.label}
        min={0}
        max={Math.max(0, props.count - 1)}
        step={1}
        value={props.value ?? ''}
        placeholder="click a point"
        onChange={(e) => {
          const raw = e.target.value.trim();
          const v = Number(raw);
          props.onChange(raw === '' || !Number.isInteger(v) || v < 0 || v >= props.count ? null : v);
        }}
      />
    </label>
  );
}

/** `<section aria-label="Nearest neighbours">` with the list and the two-sample comparison. */
export function NeighboursPanel(props: {
  inspect: InspectController;
  answers: InspectState;
  dataset: DatasetInfo | null;
  heldOut: SamplePreview | null;
  pointCount: number;
}): JSX.Element {
  const { inspect, answers, dataset, heldOut, pointCount } = props;
  const result = answers.neighbours && answers.neighbours.index === inspect.selected ? answers.neighbours : null;
  const comparison =
    answers.comparison && answers.comparison.a === inspect.selected && answers.comparison.b === inspect.compareWith
      ? answers.comparison
      : null;
  const selectedLabel =
    inspect.selected !== null && heldOut && inspect.selected < heldOut.count ? heldOut.labels[inspect.selected] : null;
  return (
    <section
      aria-label="Nearest neighbours"
      className="panel neighbours"
      data-selected={inspect.selected ?? ''}
      data-step={result?.step ?? ''}
    >
      <h2>Nearest neighbours</h2>
      <p className="help">
        Click a point on the map to select it (shift-click picks sample B). The list shows the held-out samples nearest
        to it in the full embedding space, which is what retrieval uses; the 2-D map only approximates those distances.
      </p>
      <div className="neighbours-controls">
        <PointInput label="Sample A" value={inspect.selected} count={pointCount} onChange={inspect.setSelected} />
        <label className="field-inline">
          Neighbours{' '}
          <select
            aria-label="Neighbours to list"
            value={inspect.k}
            onChange={(e) => inspect.setK(Number(e.target.value))}
          >
            {NEIGHBOUR_COUNTS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        {inspect.debug ? (
          <button type="button" onClick={inspect.fetchEmbeddings}>
            Fetch embeddings (debug)
          </button>
        ) : null}
      </div>
      {inspect.selected !== null && selectedLabel !== null ? (
        <div className="neighbour-query">
          <SampleThumb preview={heldOut} index={inspect.selected} label={`Sample ${inspect.selected}`} size={56} />
          <span>
            Sample {inspect.selected}: {classOf(dataset, selectedLabel)}
          </span>
        </div>
      ) : null}
      {result ? (
        <>
          <p className="help">
            {result.neighbours.length} nearest at step {result.step} by {DISTANCE_WORDS[result.distance]}; ✓ marks the
            same class.
          </p>
          <ol aria-label="Neighbour list" className="neighbour-list" aria-live="polite">
            {result.neighbours.map((nb) => {
              const same = selectedLabel !== null && dataset?.kind !== 'pairs' ? nb.label === selectedLabel : null;
              return (
                <li key={nb.index} data-index={nb.index} data-distance={nb.distance} data-label={nb.label}>
                  <SampleThumb preview={heldOut} index={nb.index} label={`Sample ${nb.index}`} />
                  <span className="neighbour-text">
                    #{nb.index} · {classOf(dataset, nb.label)}
                    {same === null ? '' : same ? ' ✓' : ' ✗'} · distance {formatDistance(nb.distance)}
                  </span>
                  <button
                    type="button"
                    aria-label={`Select sample ${nb.index}`}
                    onClick={() => inspect.setSelected(nb.index)}
                  >
                    Select
                  </button>
                </li>
              );
            })}
          </ol>
        </>
      ) : inspect.selected !== null ? (
        <p className="help">Looking up neighbours…</p>
      ) : null}
      <h3>Compare two samples</h3>
      <div className="neighbours-controls">
        <PointInput label="Sample B" value={inspect.compareWith} count={pointCount} onChange={inspect.setCompareWith} />
      </div>
      {comparison ? (
        <p
          aria-live="polite"
          className="comparison"
          data-distance={comparison.distance}
          data-threshold={comparison.threshold ?? ''}
          data-verdict={comparison.verdict ?? ''}
        >
          Samples {comparison.a} and {comparison.b}: distance {formatDistance(comparison.distance)}
          {comparison.threshold === null ? (
            ' (no threshold yet: evaluate first)'
          ) : (
            <>
              {' '}
              {comparison.distance <= comparison.threshold ? '≤' : '>'} threshold {formatDistance(comparison.threshold)}{' '}
              (
              {comparison.thresholdSource === 'chosen'
                ? 'chosen'
                : comparison.thresholdSource === 'configured'
                  ? 'configured'
                  : 'best of the last evaluation'}
              ) → <strong>{comparison.verdict}</strong>
            </>
          )}
          . The network calls a pair “same” when their distance is at most the threshold.
        </p>
      ) : inspect.selected === null || inspect.compareWith === null ? (
        <p className="help">Pick sample A and sample B to measure the distance between them.</p>
      ) : null}
      {answers.error && !inspect.isQueryRequest(answers.error.requestId) ? (
        <p role="alert">{answers.error.message}</p>
      ) : null}
    </section>
  );
}
