/**
 * Beside the leave-one-out figures: the held-out queries ranked against the training set as the reference, computed
 * when asked (it embeds the whole training set, so it is not part of every evaluation and training stays fast). The
 * worker answers between two training slices, so it works while training runs; the figures name the step they were
 * computed at and say when training has moved on since. Two parts: the button, a cell of the held-out metrics (so
 * the one-screen view stays one screen), and the figures under them once asked for.
 */
import { type JSX, useEffect, useState } from 'react';
import type { Command, ReferenceMetricsMessage } from '../../../worker/protocol';
import type { AppState } from '../../state/reducer';
import { type ReferenceView, referenceView } from './referenceState';

/** The figures' accessible name: the protocol as the page names it. */
export const REFERENCE_LABEL = 'Held-out queries vs training set (reference)';

/** The difference between the two protocols, in one sentence. */
export const REFERENCE_EXPLANATION =
  "The figures above are leave-one-out (each held-out sample ranks the other held-out samples); these rank every training sample instead, as pytorch-metric-learning's get_accuracy(query, reference) does.";

const FIGURES = [
  ['P@1', 'precisionAt1'],
  ['R-precision', 'rPrecision'],
  ['MAP@R', 'mapAtR'],
] as const;

export interface ReferenceController {
  view: ReferenceView;
  /** Asks the worker for the figures of the current weights. */
  ask(): void;
  /** The last answer was this failure (the figures before it stay shown). */
  error: string | null;
}

/** The request the page sent last (forgotten with each new run) and what the view makes of the state. */
export function useReference(
  state: AppState,
  send: (command: Command) => void,
  nextRequestId: () => number,
): ReferenceController {
  const [asked, setAsked] = useState<number | null>(null);
  const runId = state.runId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run is the trigger that forgets the request
  useEffect(() => setAsked(null), [runId]);
  const view = referenceView(state.reference, {
    dataset: state.dataset,
    data: state.config.data,
    hasRun: state.runState !== 'empty',
    step: state.step,
    asked,
  });
  const ask = () => {
    const requestId = nextRequestId();
    setAsked(requestId);
    send({ type: 'evaluate-reference', runId, requestId });
  };
  const { error, answered } = state.reference;
  return { view, ask, error: error && error.requestId === answered ? error.message : null };
}

/** The button, as one cell of the held-out metrics' `<dl>`; where the protocol does not apply, a word saying so. */
export function ReferenceAction(props: { controller: ReferenceController }): JSX.Element {
  const { view, ask } = props.controller;
  const kind = view.kind;
  if (kind === 'unavailable')
    return (
      <div className="reference-action unavailable">
        <dt>Against the training set</dt>
        <dd aria-describedby="reference-note">does not apply</dd>
      </div>
    );
  return (
    <div className="reference-action">
      <dt>Against the training set</dt>
      <dd>
        <button
          type="button"
          onClick={ask}
          disabled={kind === 'no-run' || kind === 'computing'}
          title={REFERENCE_EXPLANATION}
          aria-describedby={kind === 'not-asked' || kind === 'no-run' ? undefined : 'reference-note'}
        >
          Rank against training set
        </button>
      </dd>
    </div>
  );
}

/** When the figures were computed, or why there are none. */
function stepNote(view: ReferenceView): string | null {
  switch (view.kind) {
    case 'unavailable':
      return `Not ranked against the training set: ${view.reason}.`;
    case 'no-run':
    case 'not-asked':
      return null;
    case 'computing':
      return 'Ranking every training sample…';
    case 'current':
      return `At step ${view.latest.step} (current).`;
    case 'stale':
      return `At step ${view.latest.step}; stale: the run is at step ${view.step}.`;
  }
}

/** "2000 queries", and how many had no training sample of their class (skipped, as R = 0). */
function queriesText(m: ReferenceMetricsMessage): string {
  const skipped = m.excludedQueries > 0 ? `, ${m.excludedQueries} skipped (no training sample of their class)` : '';
  return `${m.queries} queries${skipped}`;
}

/** The figures under the held-out metrics, once asked for; nothing (no height) before. */
export function ReferenceFigures(props: { controller: ReferenceController }): JSX.Element | null {
  const { view, error } = props.controller;
  const note = stepNote(view);
  const shown =
    view.kind === 'current' || view.kind === 'stale' ? view.latest : view.kind === 'computing' ? view.previous : null;
  if (note === null && !shown && !error) return null;
  return (
    <section className="reference" aria-label={REFERENCE_LABEL} data-reference={view.kind}>
      {shown ? (
        <dl aria-label="Reference metrics" data-step={shown.step} className={view.kind === 'current' ? '' : 'stale'}>
          <div className="reference-caption">
            <dt>held-out queries vs training set (reference)</dt>
            <dd>{queriesText(shown.metrics)}</dd>
          </div>
          {FIGURES.map(([label, key]) => (
            <div key={key}>
              <dt>{label}</dt>
              <dd data-metric={key}>{Number.isFinite(shown.metrics[key]) ? shown.metrics[key].toFixed(3) : '–'}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {note !== null ? (
        <p id="reference-note" className="reference-note" aria-live="polite">
          {note}
        </p>
      ) : null}
      {shown ? <p className="reference-help">{REFERENCE_EXPLANATION}</p> : null}
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}
