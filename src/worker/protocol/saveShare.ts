/**
 * The save-and-share part of the worker protocol: downloads built in the worker (the tower in the TF.js
 * Layers format, the Embedding Projector files), loading a tower back, reading the weights for experiment files and
 * autosaves, and reopening a saved run in one step that either fully succeeds or changes nothing. Joined into
 * `Command` / `WorkerEvent` in index.ts. Every answer carries the `requestId` of its question; answers carry the
 * run as `run` (not `runId`), because a restored run becomes current only when the page accepts it.
 */
import type { Config } from '../../core/config';
import type { Experiment } from '../../core/export/experiment';
import type { ModelWeights } from '../../core/export/weights';
import type { DatasetInfo, SamplePreview, UploadFile } from './shared';

/** Where a reopened run's data comes from: a built-in, or an upload (its files, or null = the upload loaded now). */
export type RestoreDataset =
  | { kind: 'builtin'; name: string }
  | { kind: 'upload'; name: string; files: UploadFile[] | null };

export type SaveShareCommand =
  /**
   * Parse and check an experiment file's bytes (`experiment-read`, or `save-error` with the reason); nothing changes
   * until the page reopens it.
   */
  | { type: 'read-experiment'; requestId: number; name: string; bytes: ArrayBuffer }
  /** The current tower as a zip of model.json + weights.bin (+ custom-layers.js, README). */
  | { type: 'export-model'; runId: number; requestId: number }
  /** The held-out embeddings as Projector files (vectors.tsv, metadata.tsv, sprite + config for images), zipped. */
  | { type: 'export-embeddings'; runId: number; requestId: number }
  /** Load a tower (the zip, or model.json + weights.bin) into the current run: same architecture, its weights. */
  | { type: 'load-model'; runId: number; requestId: number; files: { name: string; bytes: ArrayBuffer }[] }
  /** Every weight of the current run, with its step (for experiment files and autosaves). */
  | { type: 'get-weights'; runId: number; requestId: number }
  /** The PyTorch export of the current experiment (train.py, config.json and the dataset files), zipped. */
  | { type: 'export-pytorch'; runId: number; requestId: number }
  /**
   * Reopen a saved run: load its data, build its configuration, put its weights in and set its step. Only when all
   * of that worked do the dataset and run change (`restored`, then the usual state/metrics/snapshot events of
   * `runId`); otherwise `save-error` and the current run goes on untouched.
   */
  | {
      type: 'restore-run';
      runId: number;
      requestId: number;
      config: Config;
      dataset: RestoreDataset;
      weights: ModelWeights | null;
      step: number;
      /** Names the file in messages (e.g. "run.json"). */
      source: string;
    };

export type SaveShareEvent =
  /** An imported experiment file, parsed and checked (size, finite numbers, weight shapes) off the page's thread. */
  | { type: 'experiment-read'; requestId: number; name: string; experiment: Experiment }
  /** A download is ready: the page saves `bytes` as `fileName`. */
  | { type: 'file-ready'; requestId: number; run: number; fileName: string; mimeType: string; bytes: ArrayBuffer }
  /** Every weight of run `run` at `step`, with the configuration that run was built from. */
  | {
      type: 'weights';
      requestId: number;
      run: number;
      step: number;
      epoch: number;
      config: Config;
      weights: ModelWeights;
    }
  /** The tower was loaded into run `run`, whose step stays `step`; metrics and a snapshot follow. */
  | { type: 'model-loaded'; requestId: number; run: number; step: number; source: string }
  /** A reopened run is built and current in the worker; the page switches to it (run `run`). */
  | {
      type: 'restored';
      requestId: number;
      run: number;
      info: DatasetInfo;
      preview: SamplePreview;
      heldOut: SamplePreview;
      variableCount: number;
      step: number;
      epoch: number;
    }
  /** A save/share request failed; nothing changed. */
  | { type: 'save-error'; requestId: number; message: string };
