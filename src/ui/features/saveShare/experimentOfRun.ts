/**
 * Between the page and the experiment format: an Experiment from the current run (its weights as the worker sent
 * them, its history as the page holds it, its data by name or with the uploaded files), and the worker command that
 * reopens one. Pure, tested in Node.
 */
import {
  experimentTitle,
  type Experiment,
  type ExperimentMetricsPoint,
  type ExperimentProgressPoint,
  type ExperimentReference,
  type UploadedFile,
} from '../../../core/export/experiment';
import type { Command } from '../../../worker/protocol';
import type { RestoreDataset, SaveShareEvent } from '../../../worker/protocol';
import { fileSafe } from '../../../core/export/fileNames';

/** The `weights` answer of the worker. */
export type WeightsEvent = Extract<SaveShareEvent, { type: 'weights' }>;

/** What an experiment is built from. */
export interface RunParts {
  weights: WeightsEvent;
  progress: readonly ExperimentProgressPoint[];
  metrics: readonly ExperimentMetricsPoint[];
  /** The upload's files when the run trained on an upload and the user chose to keep the data; else null. */
  uploadFiles: readonly { name: string; bytes: ArrayBuffer; className?: string }[] | null;
  /** When it is saved. */
  now: Date;
  /** The run's latest query-against-reference figures, if they were asked for (kept when not past the weights). */
  reference?: ExperimentReference | null;
}

/**
 * The experiment of a run at the step its weights were taken: the configuration the run was built from (from the
 * worker, not the form, which may hold an unapplied edit), history up to that step, and the data reference.
 */
export function experimentOfRun(parts: RunParts): Experiment {
  const { weights: w } = parts;
  const name = w.config.data.dataset;
  const files: UploadedFile[] | null = parts.uploadFiles
    ? parts.uploadFiles.map((f) => ({
        name: f.name,
        ...(f.className !== undefined ? { className: f.className } : {}),
        bytes: new Uint8Array(f.bytes.slice(0)),
      }))
    : null;
  return {
    title: experimentTitle(w.config, w.step),
    savedAt: parts.now.toISOString(),
    config: structuredClone(w.config),
    dataset: name.startsWith('upload:') ? { kind: 'upload', name, files } : { kind: 'builtin', name },
    step: w.step,
    epoch: w.epoch,
    history: {
      progress: upToStep(parts.progress, w.step),
      metrics: parts.metrics.filter((m) => m.step <= w.step).map((m) => ({ ...m })),
    },
    ...(parts.reference && parts.reference.step <= w.step ? { reference: { ...parts.reference } } : {}),
    weights: w.weights,
  };
}

/**
 * The points up to `step`, the page's own point objects (never changed once made) in a new array: a long run has a
 * point per step, and the autosave takes them every few seconds on the main thread, so neither a copy of each point
 * nor an array grown point by point. Points come in step order; should one lie out of order, the points up to
 * `step` are picked one by one all the same.
 */
export function upToStep<T extends { step: number }>(points: readonly T[], step: number): T[] {
  let end = points.length;
  while (end > 0 && points[end - 1].step > step) end--;
  for (let i = 0; i < end; i++) if (points[i].step > step) return points.filter((p) => p.step <= step);
  return points.slice(0, end);
}

/** The data part of a restore command (each file's bytes copied into its own ArrayBuffer). */
export function restoreDatasetOf(experiment: Experiment): RestoreDataset {
  const d = experiment.dataset;
  if (d.kind === 'builtin') return { kind: 'builtin', name: d.name };
  return {
    kind: 'upload',
    name: d.name,
    files: d.files
      ? d.files.map((f) => ({
          name: f.name,
          bytes: f.bytes.slice().buffer as ArrayBuffer,
          ...(f.className !== undefined ? { className: f.className } : {}),
        }))
      : null,
  };
}

/** The worker command that reopens `experiment` as run `runId`. */
export function restoreCommandOf(experiment: Experiment, runId: number, requestId: number, source: string): Command {
  return {
    type: 'restore-run',
    runId,
    requestId,
    config: structuredClone(experiment.config),
    dataset: restoreDatasetOf(experiment),
    weights: experiment.weights,
    step: experiment.step,
    source,
  };
}

/** "experiment-fashion-mnist-step230.json". */
export function experimentFileName(experiment: Experiment): string {
  const data = fileSafe(experiment.config.data.dataset);
  return `experiment-${data}-step${experiment.step}.json`;
}
