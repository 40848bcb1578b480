/**
 * The reducer action of a reopened run (from an experiment file, an autosave or the saved-runs list): the worker
 * has already built it (`restored` event); the reducer puts its dataset, configuration, step and chart history in
 * place in one step. Only the action's shape lives here, so this module depends on nothing of the page's state.
 */
import type { Config } from '../../../core/config';
import type {
  ExperimentMetricsPoint,
  ExperimentProgressPoint,
  ExperimentReference,
} from '../../../core/export/experiment';
import type { DatasetInfo, SamplePreview } from '../../../worker/protocol';

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
  /** The query-against-reference figures the run was saved with, if it had asked for them. */
  reference?: ExperimentReference;
}
