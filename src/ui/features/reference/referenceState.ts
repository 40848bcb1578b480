/**
 * The page's record of the query-against-reference figures of the current run (held-out queries ranked against the
 * training set) and what the view makes of them: not applicable (with the core's reason), not asked yet, being
 * computed, current, or stale once training has moved past the step they were computed at. Pure; the page reducer
 * hands reference events here and starts afresh with each new run (figures of old weights would mislead), except a
 * reopened run, which gets back the figures it was saved with.
 */
import { againstTrainingUnavailable, QUERY_AGAINST_TRAINING } from '../../../core/capabilities';
import type { ExperimentReference } from '../../../core/export/experiment';
import type { DataConfig } from '../../../core/options';
import type { DatasetInfo, ReferenceEvent, ReferenceMetricsMessage } from '../../../worker/protocol';

export interface ReferenceState {
  /** The newest figures of this run and the step of the weights they were computed with. */
  latest: { requestId: number; step: number; metrics: ReferenceMetricsMessage } | null;
  /** The last failure, until a later answer replaces it. */
  error: { requestId: number; message: string } | null;
  /** The newest request answered (figures or failure); a request above it is still being computed. */
  answered: number;
}

export function emptyReference(): ReferenceState {
  return { latest: null, error: null, answered: 0 };
}

/** The state after one reference event of the current run (the page reducer already dropped other runs'). */
export function referenceOnEvent(state: ReferenceState, event: ReferenceEvent): ReferenceState {
  if (event.requestId < state.answered) return state;
  const answered = event.requestId;
  if (event.type === 'reference-error')
    return { ...state, answered, error: { requestId: event.requestId, message: event.message } };
  const { requestId, step, metrics } = event;
  return { latest: { requestId, step, metrics }, error: null, answered };
}

/** What the reference block shows and whether its button may ask. */
export type ReferenceView =
  | { kind: 'unavailable'; reason: string }
  | { kind: 'no-run' }
  | { kind: 'not-asked' }
  | { kind: 'computing'; previous: ReferenceState['latest'] }
  | { kind: 'current'; latest: NonNullable<ReferenceState['latest']> }
  | { kind: 'stale'; latest: NonNullable<ReferenceState['latest']>; step: number };

export interface ReferenceContext {
  dataset: Pick<DatasetInfo, 'kind'> | null;
  data: Pick<DataConfig, 'splitInput' | 'unseenClasses' | 'unseenCount'>;
  /** Whether a run exists to ask about (built, not empty). */
  hasRun: boolean;
  /** The run's current step. */
  step: number;
  /** The newest request the page sent (null: none this run). */
  asked: number | null;
}

export function referenceView(state: ReferenceState, context: ReferenceContext): ReferenceView {
  if (context.dataset) {
    const reason = againstTrainingUnavailable(context.data, context.dataset.kind);
    if (reason !== null) return { kind: 'unavailable', reason };
  }
  if (!context.hasRun || !context.dataset) return { kind: 'no-run' };
  if (context.asked !== null && context.asked > state.answered) return { kind: 'computing', previous: state.latest };
  const latest = state.latest;
  if (!latest) return { kind: 'not-asked' };
  return latest.step === context.step ? { kind: 'current', latest } : { kind: 'stale', latest, step: context.step };
}

/** The figures as experiment files keep them, with the protocol named (NaN, when no query was scored, as null). */
export function referenceRecord(latest: ReferenceState['latest']): ExperimentReference | null {
  if (!latest) return null;
  const m = latest.metrics;
  const figure = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    protocol: QUERY_AGAINST_TRAINING,
    step: latest.step,
    precisionAt1: figure(m.precisionAt1),
    rPrecision: figure(m.rPrecision),
    mapAtR: figure(m.mapAtR),
    queries: m.queries,
    excludedQueries: m.excludedQueries,
  };
}

/**
 * The state of a reopened run that was saved with reference figures: they show again, current at their step (stale
 * when the run was saved past it). Figures saved as null (no query scored) come back as NaN, as the worker sends them.
 */
export function restoredReference(saved: ExperimentReference): ReferenceState {
  const figure = (v: number | null) => v ?? Number.NaN;
  const metrics: ReferenceMetricsMessage = {
    precisionAt1: figure(saved.precisionAt1),
    rPrecision: figure(saved.rPrecision),
    mapAtR: figure(saved.mapAtR),
    queries: saved.queries,
    excludedQueries: saved.excludedQueries,
  };
  return { latest: { requestId: 0, step: saved.step, metrics }, error: null, answered: 0 };
}
