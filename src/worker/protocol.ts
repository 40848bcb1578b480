/**
 * The typed message protocol between the UI (main thread) and the training worker. One table of commands and one
 * of events, shared by both sides so the compiler checks every message. Large arrays travel as transferred
 * ArrayBuffers (never copied); every run-scoped message carries the `runId` it belongs to, and the UI drops
 * events of runs it no longer shows.
 */
import type { BackendName, Config, ConfigIssue } from '../core/config';
import type { Modality } from '../core/data/dataset';
import type { ExperimentMetricsPoint, ExperimentProgressPoint } from '../core/export/experiment';
import type { UploadSummary } from '../core/data/loaders/types';
import type { MinedTriplet } from '../core/mining';
import { inspectTransferables, type InspectCommand, type InspectEvent } from './inspectProtocol';
import { saveShareTransferables, type SaveShareCommand, type SaveShareEvent } from './saveShareProtocol';
import { teachTransferables, type PairDistancesMessage, type SnapshotBatchTeach } from './teachProtocol';

/** The backends the worker can run on (`auto` is resolved before it reaches here). */
export type ActiveBackend = Exclude<BackendName, 'auto'>;

/** What the UI needs to know about the loaded data (no features: those stay in the worker). */
export interface DatasetInfo {
  /** Built-in name or `upload:<file>`. */
  name: string;
  title: string;
  description: string;
  kind: 'labelled' | 'pairs';
  modality: Modality;
  numSamples: number;
  featureShape: number[];
  classNames: string[];
  /** Set for uploads: what the loader understood. */
  upload?: UploadSummary;
}

/**
 * A few samples to show (data panel preview and hover): image pixels in [0,1] (n × h × w × c), table rows, or texts.
 * For the held-out set, `index` i matches point i of every snapshot.
 */
export interface SamplePreview {
  kind: 'image' | 'row' | 'text';
  /** Shape of one sample: [h, w, c] for images, [d] for rows. */
  shape: number[];
  count: number;
  labels: Int32Array;
  /** image/row: count × prod(shape) values. */
  values?: Float32Array;
  /** text: one string per sample. */
  texts?: string[];
  /** row: column names when known. */
  columns?: string[];
}

/** One training step as the charts need it: the history shape experiment files store. */
export type ProgressPoint = ExperimentProgressPoint;

/** Held-out metrics at one step (the subset the UI charts and shows), as experiment files store them. */
export type MetricsPoint = ExperimentMetricsPoint;

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
  lda?: { coordinates: Float32Array; batchCoordinates: Float32Array | null } | null;
}

/** The training loop's state as the controls show it. */
export type RunState = 'empty' | 'ready' | 'running' | 'paused' | 'stopped';

export type Command =
  /** Load a built-in dataset (replaces the current one only on success). */
  | { type: 'load-builtin'; requestId: number; name: string; seed: number }
  /** Parse uploaded files in the worker (off the main thread); progress, then `upload-parsed` (or `dataset-error`). */
  | { type: 'load-upload'; requestId: number; files: { name: string; bytes: ArrayBuffer; className?: string }[] }
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
  | { type: 'dispose' }
  /** Inspect: neighbours, two-sample comparison, query by example, embeddings (inspectProtocol.ts). */
  | InspectCommand
  /** Save and share: model / embedding downloads, loading a tower, weights for experiments, reopening a run (saveShareProtocol.ts). */
  | SaveShareCommand;

export type WorkerEvent =
  /** After start-up and after every backend change. */
  | { type: 'backend'; backend: ActiveBackend; renderer?: string; reason?: string }
  | { type: 'load-progress'; requestId: number; fraction: number }
  /** An upload was understood; it is NOT in use until `use-upload`. */
  | { type: 'upload-parsed'; requestId: number; info: DatasetInfo; preview: SamplePreview }
  | { type: 'dataset-loaded'; requestId: number; info: DatasetInfo; preview: SamplePreview }
  /** The previous dataset stays loaded. */
  | { type: 'dataset-error'; requestId: number; message: string }
  /** A run is built: its held-out samples (for hover) in snapshot order. */
  | { type: 'configured'; runId: number; variableCount: number; heldOut: SamplePreview }
  /** The config cannot work on this data: nothing changed. */
  | { type: 'config-error'; runId: number; issues: ConfigIssue[] }
  /** Steps since the last progress event (deltas, not history), at a bounded rate. */
  | { type: 'progress'; runId: number; points: ProgressPoint[]; stepsPerSecond: number }
  | { type: 'metrics'; runId: number; metrics: MetricsPoint; pairDistances?: PairDistancesMessage }
  | ({ type: 'snapshot'; runId: number } & SnapshotMessage)
  | { type: 'state'; runId: number; state: RunState; step: number; epoch: number }
  /** The run paused itself (non-finite loss): why, and what to try. */
  | { type: 'halted'; runId: number; step: number; reason: string; suggestion: string }
  | { type: 'error'; runId?: number; message: string }
  /** Answers to inspect commands (inspectProtocol.ts). */
  | InspectEvent
  /** Answers to save-and-share commands (saveShareProtocol.ts). */
  | SaveShareEvent;

/** Buffers to transfer with an event (so posting never copies big arrays). */
export function transferablesOf(event: WorkerEvent): Transferable[] {
  const out: Transferable[] = [];
  const add = (a: ArrayBufferView | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  };
  if (event.type === 'snapshot') {
    add(event.coordinates);
    add(event.labels);
    add(event.batch?.coordinates);
    add(event.batch?.labels);
    add(event.lda?.coordinates);
    add(event.lda?.batchCoordinates ?? undefined);
  } else if (event.type === 'dataset-loaded' || event.type === 'upload-parsed') {
    add(event.preview.values);
    add(event.preview.labels);
  } else if (event.type === 'configured') {
    add(event.heldOut.values);
    add(event.heldOut.labels);
  }
  for (const view of inspectTransferables(event)) add(view);
  for (const view of saveShareTransferables(event)) add(view);
  for (const view of teachTransferables(event)) add(view);
  return out;
}
