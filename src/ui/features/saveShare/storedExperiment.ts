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

export type StoredExperiment = Omit<Experiment, 'history'> & {
  history: { progress: StoredProgress; metrics: Experiment['history']['metrics'] };
};

export function toStored(experiment: Experiment): StoredExperiment {
  const points = experiment.history.progress;
  const n = points.length;
  const progress: StoredProgress = {
    step: new Float64Array(n),
    epoch: new Float64Array(n),
    loss: new Float64Array(n),
    easy: new Float64Array(n),
    semiHard: new Float64Array(n),
    hard: new Float64Array(n),
  };
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
