/**
 * How the page state takes a reopened run (from an experiment file, an autosave or the saved-runs list): the
 * worker has already built it (`restored` event); this puts its dataset, configuration, step and chart history in
 * place in one reducer step. Pure, tested in Node.
 */
import { validate, type Config } from '../../../core/config';
import type { ExperimentMetricsPoint, ExperimentProgressPoint } from '../../../core/export/experiment';
import type { DatasetInfo, MetricsPoint, ProgressPoint, SamplePreview } from '../../../worker/protocol';
import { traitsOf } from '../../state/configForm';
import type { AppState } from '../../state/reducer';

/** The reducer action of a reopened run; `run` is the runId the worker gave it. */
export interface RestoreRunAction {
  type: 'restore-run';
  run: number;
  info: DatasetInfo;
  preview: SamplePreview;
  heldOut: SamplePreview;
  step: number;
  epoch: number;
  config: Config;
  history: { progress: readonly ExperimentProgressPoint[]; metrics: readonly ExperimentMetricsPoint[] };
}

/**
 * `state` (already reset by a `new-run` for `action.run`, so every per-run field starts empty) with the reopened
 * run's dataset, configuration, step and history. History past the saved step is dropped (it was never in the
 * weights).
 */
export function applyRestore(state: AppState, action: RestoreRunAction): AppState {
  const progress: ProgressPoint[] = action.history.progress.filter((p) => p.step <= action.step).map((p) => ({ ...p }));
  const metrics: MetricsPoint[] = action.history.metrics.filter((m) => m.step <= action.step).map((m) => ({ ...m }));
  const last = progress[progress.length - 1];
  const isUpload = action.info.name.startsWith('upload:');
  return {
    ...state,
    config: action.config,
    issues: validate(action.config, traitsOf(action.info)),
    workerIssues: [],
    dataset: action.info,
    preview: action.preview,
    pendingLoad: null,
    datasetError: null,
    usedUpload: isUpload ? action.info : state.usedUpload,
    runId: action.run,
    runState: action.step > 0 ? 'paused' : 'ready',
    step: action.step,
    epoch: action.epoch,
    lastLoss: last && Number.isFinite(last.loss) ? last.loss : null,
    heldOut: action.heldOut,
    history: { ...state.history, progress, metrics, progressCount: progress.length, metricsCount: metrics.length },
  };
}
