/**
 * The training part of the worker protocol: loading data, building a run, the loop's controls, and the events the
 * loop posts (progress, metrics, snapshots, state). Every run-scoped message carries the `runId` it belongs to, and
 * the UI drops events of runs it no longer shows.
 */
import type { BackendName, Config, ConfigIssue } from '../../core/config';
import type { MinedTriplet } from '../../core/mining';
import type { EvaluationPart } from '../../core/train/evaluation';
import type {
  ActiveBackend,
  DatasetInfo,
  MetricsPoint,
  ProgressPoint,
  RunState,
  SamplePreview,
  UploadChoices,
  UploadFile,
  UploadReading,
} from './shared';
import type { PairDistancesMessage, SnapshotBatchTeach } from './teach';

/** A mined triplet of the last batch (positions in that batch), as the core reports it. */
export type SnapshotTripletMessage = MinedTriplet;

/** 2-D embedding snapshot; arrays are transferred. */
export interface SnapshotMessage {
  step: number;
  /** Held-out points: n × 2, row-major; labels per point. */
  coordinates: Float32Array;
  labels: Int32Array;
  /** Last training batch projected with the same basis, and the triplets its miner picked (positions in the batch). */
  batch:
    | ({ coordinates: Float32Array; labels: Int32Array; triplets: SnapshotTripletMessage[] } & SnapshotBatchTeach)
    | null;
  /** The held-out points and the batch in the stable LDA plane (labelled sets with two classes or more). */
  lda: { coordinates: Float32Array; batchCoordinates: Float32Array | null } | null;
}

export type TrainingCommand =
  /** Load a built-in dataset (replaces the current one only on success). */
  | { type: 'load-builtin'; requestId: number; name: string; seed: number }
  /** Stop loading the built-in of `requestId` (`load-cancelled` follows); the current dataset stays. */
  | { type: 'cancel-load'; requestId: number }
  /** Parse uploaded files in the worker (off the main thread); progress, then `upload-parsed` (or `dataset-error`). */
  | { type: 'load-upload'; requestId: number; files: UploadFile[]; reading?: UploadReading }
  /** Stops the parse of upload `requestId` between two blocks; it ends in a `dataset-error` saying so. */
  | { type: 'cancel-upload'; requestId: number }
  /** The user checked the summary: make the parsed upload the current dataset (`dataset-loaded` follows). */
  | { type: 'use-upload'; requestId: number }
  /** Build a fresh run (new weights) for the loaded dataset; `runId` tags every later event of that run. */
  | { type: 'configure'; runId: number; config: Config }
  | { type: 'train'; runId: number }
  | { type: 'pause'; runId: number }
  /** Exactly one batch, then paused. */
  | { type: 'step'; runId: number }
  /** Cap on steps per second (slow motion); null = as fast as possible. */
  | { type: 'speed'; stepsPerSecond: number | null }
  /** Evaluate and snapshot now (e.g. after Step). */
  | { type: 'refresh'; runId: number }
  /** Switch backend; `auto` re-runs the automatic choice. The run continues from its last weights. */
  | { type: 'set-backend'; backend: BackendName }
  /** Test hook: lose the WebGL context as a GPU reset would. */
  | { type: 'debug-lose-context' }
  /** Test hook: crash the worker (an uncaught error), as a bug or an out-of-memory kill would. */
  | { type: 'debug-crash' }
  | { type: 'dispose' };

export type TrainingEvent =
  /** After start-up and after every backend change. */
  | { type: 'backend'; backend: ActiveBackend; renderer?: string; reason?: string }
  | { type: 'load-progress'; requestId: number; fraction: number }
  /** An upload was understood; it is NOT in use until `use-upload`. */
  | { type: 'upload-parsed'; requestId: number; info: DatasetInfo; preview: SamplePreview }
  | { type: 'dataset-loaded'; requestId: number; info: DatasetInfo; preview: SamplePreview }
  /** A built-in load was cancelled or superseded before it arrived; the current dataset stays. */
  | { type: 'load-cancelled'; requestId: number }
  /** The previous dataset stays loaded. */
  | { type: 'dataset-error'; requestId: number; message: string; choices?: UploadChoices }
  /** A run is built: its held-out samples (for hover) in snapshot order. */
  | { type: 'configured'; runId: number; variableCount: number; heldOut: SamplePreview }
  /** The config cannot work on this data: nothing changed. */
  | { type: 'config-error'; runId: number; issues: ConfigIssue[] }
  /** Steps since the last progress event (deltas, not history), at a bounded rate. */
  | { type: 'progress'; runId: number; points: ProgressPoint[]; stepsPerSecond: number }
  /** Held-out metrics; `pairDistances` is null when the evaluation had no labelled pairs to measure. */
  | {
      type: 'metrics';
      runId: number;
      metrics: MetricsPoint;
      pairDistances: PairDistancesMessage | null;
      /** How long this evaluation took in the worker, in milliseconds of the host's clock (the benchmark reads it). */
      evaluationMs: number;
      /**
       * The same time by part (ms): embedding the held-out set, the validation loss, the retrieval and verification
       * metrics (P@1, R-precision, MAP@R, ROC…), alignment and uniformity.
       */
      evaluationParts: Record<EvaluationPart, number>;
    }
  | ({ type: 'snapshot'; runId: number } & SnapshotMessage)
  | { type: 'state'; runId: number; state: RunState; step: number; epoch: number }
  /** The run paused itself (non-finite loss): why, and what to try. */
  | { type: 'halted'; runId: number; step: number; reason: string; suggestion: string }
  /** A failure outside any request; `runId` is null before the first run. */
  | { type: 'error'; runId: number | null; message: string };
