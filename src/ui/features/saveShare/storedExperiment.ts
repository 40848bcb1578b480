/**
 * The form a saved run takes in IndexedDB: the experiment with its progress history as typed columns. A long run
 * has a progress point per step (tens of thousands after a few minutes), and the page autosaves every few seconds
 * while it trains, on the main thread. IndexedDB copies columns as blocks of memory where it would walk an array of
 * objects, and plain loops fill them several times faster than a callback per value, so a save stays a small part
 * of a frame however long the run.
 */
import type { Experiment, ExperimentProgressPoint } from '../../../core/export/experiment';

/** The progress history as typed columns (NaN = absent). */
export interface StoredProgress {
  step: Float64Array;
  epoch: Float64Array;
  loss: Float64Array;
  easy: Float64Array;
  semiHard: Float64Array;
  hard: Float64Array;
}

/** The columns of a StoredProgress, each made by `make` from its name. */
function progressColumns(make: (name: keyof StoredProgress) => Float64Array): StoredProgress {
  return {
    step: make('step'),
    epoch: make('epoch'),
    loss: make('loss'),
    easy: make('easy'),
    semiHard: make('semiHard'),
    hard: make('hard'),
  };
}

export type StoredExperiment = Omit<Experiment, 'history'> & {
  history: { progress: StoredProgress; metrics: Experiment['history']['metrics'] };
};

/**
 * The stored form of `experiment`. With `spare` (null included) the progress columns are views of the first n entries
 * of larger buffers, `spare`'s own when they have room, else new ones with room to grow: the page's autosave hands its
 * columns to the run writer's worker and gets them back, so a save of a long run touches no fresh memory (on the
 * page's thread a fresh megabyte costs milliseconds before anything is written into it).
 */
export function toStored(experiment: Experiment, spare?: StoredProgress | null): StoredExperiment {
  const points = experiment.history.progress;
  const n = points.length;
  const capacity = spare === undefined ? n : Math.ceil(n * 1.25) + 1024;
  const column = (previous: Float64Array | undefined) =>
    previous && previous.buffer.byteLength >= 8 * n
      ? new Float64Array(previous.buffer, 0, n)
      : new Float64Array(new ArrayBuffer(8 * capacity), 0, n);
  const progress = progressColumns((name) => column(spare?.[name]));
  for (let i = 0; i < n; i++) {
    const p = points[i];
    progress.step[i] = p.step;
    progress.epoch[i] = p.epoch;
    progress.loss[i] = p.loss;
    progress.easy[i] = p.easy ?? Number.NaN;
    progress.semiHard[i] = p.semiHard ?? Number.NaN;
    progress.hard[i] = p.hard ?? Number.NaN;
  }
  return { ...experiment, history: { progress, metrics: experiment.history.metrics } };
}

/** The buffers under the progress columns (to transfer them rather than copy). */
export function progressBuffers(progress: StoredProgress): ArrayBuffer[] {
  return [...new Set(Object.values(progress).map((c: Float64Array) => c.buffer as ArrayBuffer))];
}

/**
 * `stored` with every progress column that is a view of a larger buffer copied to a buffer of its own: a record keeps
 * a view's whole buffer, so the stored run holds only its own entries.
 */
export function exactColumns(stored: StoredExperiment): StoredExperiment {
  const c = stored.history.progress;
  const exact = (column: Float64Array) => (column.byteLength === column.buffer.byteLength ? column : column.slice());
  const progress = progressColumns((name) => exact(c[name]));
  return { ...stored, history: { progress, metrics: stored.history.metrics } };
}

export function fromStored(stored: StoredExperiment): Experiment {
  const c = stored.history.progress;
  const n = c.step.length;
  const progress: ExperimentProgressPoint[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const point: ExperimentProgressPoint = { step: c.step[i], epoch: c.epoch[i], loss: c.loss[i] };
    if (!Number.isNaN(c.easy[i])) point.easy = c.easy[i];
    if (!Number.isNaN(c.semiHard[i])) point.semiHard = c.semiHard[i];
    if (!Number.isNaN(c.hard[i])) point.hard = c.hard[i];
    progress[i] = point;
  }
  return { ...stored, history: { progress, metrics: stored.history.metrics } };
}
