/**
 * The worker side of the query-against-reference command: the core ranks the current weights' held-out queries
 * against the training set (Trainer.evaluateAgainstTraining); this turns that into one answer event. Runs that have
 * no classes to look up get the core's reason in words, and a failure becomes a `reference-error` (never a throw).
 */
import { againstTrainingUnavailable } from '../core/capabilities';
import type { Trainer } from '../core/train/trainer';
import type { ReferenceCommand, ReferenceEvent } from './protocol';

export function referenceAnswer(command: ReferenceCommand, trainer: Trainer): ReferenceEvent {
  const { runId, requestId } = command;
  try {
    const kind = trainer.dataset.kind === 'pairs' ? 'pairs' : 'labelled';
    const unavailable = againstTrainingUnavailable(trainer.config.data, kind);
    if (unavailable !== null)
      return {
        type: 'reference-error',
        runId,
        requestId,
        message: `Not ranked against the training set: ${unavailable}`,
      };
    const step = trainer.steps;
    const m = trainer.evaluateAgainstTraining();
    if (!m) throw new Error('this run has no training classes to rank against');
    const { precisionAt1, rPrecision, mapAtR, queries, excludedQueries } = m;
    return {
      type: 'reference-metrics',
      runId,
      requestId,
      step,
      metrics: { precisionAt1, rPrecision, mapAtR, queries, excludedQueries },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      type: 'reference-error',
      runId,
      requestId,
      message: `Ranking against the training set failed: ${message}`,
    };
  }
}
