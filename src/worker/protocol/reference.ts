/**
 * The query-against-reference part of the worker protocol: on request, the held-out samples of the current weights
 * rank every training sample (the reference), as pytorch-metric-learning's `get_accuracy(query, reference)` does,
 * beside the leave-one-out figures every evaluation gives. Asked for, not sent with each evaluation: it embeds the
 * whole training set. Joined into `Command` / `WorkerEvent` in index.ts.
 */

export type ReferenceCommand =
  /** Rank the current weights' held-out queries against the training set now (between two training slices). */
  { type: 'evaluate-reference'; runId: number; requestId: number };

/** Retrieval of the held-out queries against the training set: Musgrave et al.'s figures, R = training items of its class. */
export interface ReferenceMetricsMessage {
  precisionAt1: number;
  rPrecision: number;
  mapAtR: number;
  /** Held-out queries scored (their class has training samples). */
  queries: number;
  /** Held-out queries skipped because no training sample shares their class. */
  excludedQueries: number;
}

export type ReferenceEvent =
  /** The figures at `step` (the weights they were computed with). */
  | { type: 'reference-metrics'; runId: number; requestId: number; step: number; metrics: ReferenceMetricsMessage }
  /** The figures could not be computed (the run has no classes to look up, or the evaluation failed); nothing changed. */
  | { type: 'reference-error'; runId: number; requestId: number; message: string };
