/**
 * The playground's one state object and the pure reducer that moves it on worker events and UI actions.
 * Events of runs the page no longer shows (runId ≠ current) are dropped. Progress arrives as deltas: they are
 * appended to the run's history arrays in place (copying 100,000 points per event would stall the page), and the
 * reducer first truncates each array to the length its input state knows, so a reducer call repeated with the same
 * state (React's StrictMode does that) gives the same result.
 */
import { validate, type Config, type ConfigIssue } from '../../core/config';
import type {
  ActiveBackend,
  DatasetInfo,
  MetricsPoint,
  ProgressPoint,
  RunState,
  SamplePreview,
  SnapshotMessage,
  UploadChoices,
  WorkerEvent,
} from '../../worker/protocol';
import { loadedTraits } from './configForm';
import { keptRunsReducer, type KeptRun, type KeptRunsAction } from '../features/compare/keptRuns';
import { emptyInspect, inspectOnEvent, type InspectState } from '../features/inspect/inspectState';
import { appendSnapshot, emptyTimeline, type Timeline } from '../features/timeline/timeline';
import { emptyReference, referenceOnEvent, restoredReference } from '../features/reference/referenceState';
import type { ReferenceState } from '../features/reference/referenceState';
import type { PairDistancesMessage, SaveShareEvent } from '../../worker/protocol';
import type { RestoreRunAction } from '../features/saveShare/restoreRun';

/** The step-by-step record of the current run; arrays are shared between states and appended in place. */
export interface History {
  progress: ProgressPoint[];
  metrics: MetricsPoint[];
  /** How many entries of each array belong to this state (the arrays may run ahead for a discarded state). */
  progressCount: number;
  metricsCount: number;
}

/** Where an upload is in its parse → check → use flow. */
export type UploadState =
  | { phase: 'idle' }
  | { phase: 'parsing'; requestId: number; fraction: number }
  | { phase: 'parsed'; requestId: number; info: DatasetInfo; preview: SamplePreview }
  | { phase: 'using'; requestId: number; info: DatasetInfo };

export interface AppState {
  config: Config;
  /** validate(config, traits) of the current form. */
  issues: ConfigIssue[];
  /** Issues the worker reported for the current run's config. */
  workerIssues: ConfigIssue[];
  dataset: DatasetInfo | null;
  preview: SamplePreview | null;
  /** A built-in load in flight (its requestId), so late answers of older requests are ignored. */
  pendingLoad: number | null;
  /** The built-in being downloaded and the share of it that has arrived (null: none, or no progress heard yet). */
  download: { requestId: number; name: string; fraction: number } | null;
  /** The last load/upload error (the previous dataset stays). */
  datasetError: string | null;
  /** The readings the last upload error offers (an ambiguous file), as buttons beside it. */
  uploadChoices: UploadChoices | null;
  upload: UploadState;
  /** The upload in use (kept as an option of the dataset select). */
  usedUpload: DatasetInfo | null;
  runId: number;
  runState: RunState;
  step: number;
  epoch: number;
  lastLoss: number | null;
  stepsPerSecond: number;
  history: History;
  snapshot: SnapshotMessage | null;
  heldOut: SamplePreview | null;
  /** The run's stored snapshots, scrubbed and replayed by the timeline (bounded, see timeline.ts). */
  timeline: Timeline;
  /** The latest answers to inspect questions (neighbours, comparison, query, embeddings) of this run. */
  inspect: InspectState;
  /** The held-out queries ranked against the training set, when asked for (this run's latest figures). */
  reference: ReferenceState;
  /** Runs kept for comparison (kept across new runs). */
  keptRuns: KeptRun[];
  /** Held-out pair distances of the latest evaluation (threshold view); null before one / for pair files. */
  pairDistances: PairDistancesMessage | null;
  backend: ActiveBackend | null;
  backendNote: string | null;
  halted: { step: number; reason: string; suggestion: string } | null;
  error: string | null;
  /**
   * The worker's answers to save-and-share requests, in arrival order, until the save-and-share panel takes them
   * (`save-share-taken`); the panel handles each once, with the page state of the render they arrived in.
   */
  saveShareInbox: SaveShareEvent[];
}

export type Action =
  | { type: 'event'; event: WorkerEvent }
  /** The form changed the config (validated here against the loaded data). */
  | { type: 'edit-config'; config: Config }
  /** A fresh run was requested (configure sent with this runId): history starts over. */
  | { type: 'new-run'; runId: number }
  | { type: 'request-load'; requestId: number; name?: string }
  /** The user cancelled the download of a built-in: the current dataset stays, the request is forgotten. */
  | { type: 'cancel-load'; requestId: number }
  | { type: 'request-upload'; requestId: number }
  | { type: 'request-use-upload'; requestId: number }
  | { type: 'discard-upload' }
  | { type: 'cancel-upload' }
  | { type: 'worker-restarted' }
  /** Keep the current run for comparison, or remove a kept one. */
  | KeptRunsAction
  /** Save and share: a reopened run (the worker built it) replaces the current one with its history. */
  | RestoreRunAction
  /** Save and share: the panel handled the first `count` answers of the inbox. */
  | { type: 'save-share-taken'; count: number };

/** A new, empty history (fresh arrays, so older states keep theirs). */
export function emptyHistory(): History {
  return { progress: [], metrics: [], progressCount: 0, metricsCount: 0 };
}

/** The state before anything is loaded. */
export function initialState(config: Config): AppState {
  return {
    config,
    issues: validate(config),
    dataset: null,
    preview: null,
    pendingLoad: null,
    download: null,
    datasetError: null,
    upload: { phase: 'idle' },
    uploadChoices: null,
    usedUpload: null,
    ...freshRun(0),
    keptRuns: [],
    saveShareInbox: [],
    backend: null,
    backendNote: null,
  };
}

/** Everything that belongs to one run, as a new run starts it (shared by the first state and `new-run`). */
function freshRun(runId: number) {
  return {
    runId,
    runState: 'empty',
    step: 0,
    epoch: 0,
    lastLoss: null,
    stepsPerSecond: 0,
    history: emptyHistory(),
    snapshot: null,
    heldOut: null,
    timeline: emptyTimeline(),
    inspect: emptyInspect(),
    reference: emptyReference(),
    pairDistances: null,
    halted: null,
    workerIssues: [],
    error: null,
  } satisfies Partial<AppState>;
}

/** The crash note shown next to the status line. */
export const CRASH_NOTE = 'The training worker crashed and was restarted';

function appendProgress(history: History, points: readonly ProgressPoint[]): History {
  const progress = history.progress;
  progress.length = history.progressCount;
  for (const p of points) progress.push(p);
  return { ...history, progressCount: progress.length };
}

function appendMetrics(history: History, point: MetricsPoint): History {
  const metrics = history.metrics;
  metrics.length = history.metricsCount;
  metrics.push(point);
  return { ...history, metricsCount: metrics.length };
}

function runScoped(event: WorkerEvent): number | undefined {
  return 'runId' in event ? (event.runId ?? undefined) : undefined;
}

function onEvent(state: AppState, event: WorkerEvent): AppState {
  const runId = runScoped(event);
  if (runId !== undefined && runId !== state.runId) return state;
  switch (event.type) {
    case 'backend': {
      const note = event.reason ?? (state.backendNote === CRASH_NOTE ? CRASH_NOTE : null);
      return { ...state, backend: event.backend, backendNote: note };
    }
    case 'load-progress':
      if (state.upload.phase === 'parsing' && state.upload.requestId === event.requestId) {
        return { ...state, upload: { ...state.upload, fraction: event.fraction } };
      }
      if (state.download?.requestId === event.requestId && state.pendingLoad === event.requestId)
        return { ...state, download: { ...state.download, fraction: event.fraction } };
      return state;
    case 'load-cancelled':
      if (state.pendingLoad !== event.requestId) return state;
      return { ...state, pendingLoad: null, download: null };
    case 'upload-parsed':
      if (state.upload.phase === 'parsing' && state.upload.requestId === event.requestId) {
        return {
          ...state,
          upload: { phase: 'parsed', requestId: event.requestId, info: event.info, preview: event.preview },
          datasetError: null,
          uploadChoices: null,
        };
      }
      return state;
    case 'dataset-loaded': {
      const fromUpload = state.upload.phase === 'using' && state.upload.requestId === event.requestId;
      if (!fromUpload && state.pendingLoad !== event.requestId) return state;
      const next: AppState = {
        ...state,
        dataset: event.info,
        preview: event.preview,
        pendingLoad: null,
        download: null,
        datasetError: null,
        upload: fromUpload ? { phase: 'idle' } : state.upload,
        usedUpload: fromUpload ? event.info : state.usedUpload,
      };
      return { ...next, issues: validate(next.config, loadedTraits(event.info)) };
    }
    case 'dataset-error': {
      const uploadFailed =
        (state.upload.phase === 'parsing' || state.upload.phase === 'using') &&
        state.upload.requestId === event.requestId;
      const loadFailed = state.pendingLoad === event.requestId;
      if (!uploadFailed && !loadFailed) return state;
      return {
        ...state,
        datasetError: event.message,
        uploadChoices: uploadFailed ? (event.choices ?? null) : null,
        upload: uploadFailed ? { phase: 'idle' } : state.upload,
        pendingLoad: loadFailed ? null : state.pendingLoad,
        download: loadFailed ? null : state.download,
      };
    }
    case 'configured':
      return { ...state, heldOut: event.heldOut, runState: 'ready', workerIssues: [], error: null };
    case 'config-error':
      return { ...state, workerIssues: event.issues, runState: 'empty' };
    case 'progress': {
      if (event.points.length === 0) return { ...state, stepsPerSecond: event.stepsPerSecond };
      const last = event.points[event.points.length - 1];
      return {
        ...state,
        history: appendProgress(state.history, event.points),
        step: Math.max(state.step, last.step),
        epoch: last.epoch,
        lastLoss: last.loss,
        stepsPerSecond: event.stepsPerSecond,
      };
    }
    case 'metrics':
      return {
        ...state,
        history: appendMetrics(state.history, event.metrics),
        pairDistances: event.pairDistances ?? state.pairDistances,
      };
    case 'snapshot': {
      const { type: _type, runId: _runId, ...snapshot } = event;
      return { ...state, snapshot, timeline: appendSnapshot(state.timeline, snapshot) };
    }
    case 'state':
      return {
        ...state,
        runState: event.state,
        step: event.step,
        epoch: event.epoch,
        halted: event.state === 'running' ? null : state.halted,
      };
    case 'halted':
      return {
        ...state,
        runState: 'paused',
        halted: { step: event.step, reason: event.reason, suggestion: event.suggestion },
      };
    case 'error':
      return { ...state, error: event.message };
    case 'neighbours-result':
    case 'sample-distance':
    case 'query-result':
    case 'embeddings':
    case 'inspect-error':
      return { ...state, inspect: inspectOnEvent(state.inspect, event) };
    case 'reference-metrics':
    case 'reference-error':
      return { ...state, reference: referenceOnEvent(state.reference, event) };
    // Save and share: answers wait in the inbox for the panel that asked; a reopened run then comes in as a
    // 'restore-run' action.
    case 'file-ready':
    case 'weights':
    case 'model-loaded':
    case 'restored':
    case 'experiment-read':
    case 'save-error':
      return { ...state, saveShareInbox: [...state.saveShareInbox, event] };
  }
}

/** The pure transition function of the whole page. */
export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'event':
      return onEvent(state, action.event);
    case 'edit-config':
      return { ...state, config: action.config, issues: validate(action.config, loadedTraits(state.dataset)) };
    case 'new-run':
      return { ...state, ...freshRun(action.runId) };
    case 'request-load':
      return {
        ...state,
        pendingLoad: action.requestId,
        download: action.name ? { requestId: action.requestId, name: action.name, fraction: 0 } : null,
        datasetError: null,
        uploadChoices: null,
      };
    case 'cancel-load':
      if (state.pendingLoad !== action.requestId) return state;
      return { ...state, pendingLoad: null, download: null };
    case 'request-upload':
      return {
        ...state,
        upload: { phase: 'parsing', requestId: action.requestId, fraction: 0 },
        datasetError: null,
        uploadChoices: null,
      };
    case 'cancel-upload':
      // The worker's answer to the cancelled parse (an error saying so) is then no longer awaited, so none shows.
      return state.upload.phase === 'parsing' ? { ...state, upload: { phase: 'idle' } } : state;
    case 'request-use-upload':
      if (state.upload.phase !== 'parsed') return state;
      return { ...state, upload: { phase: 'using', requestId: action.requestId, info: state.upload.info } };
    case 'discard-upload':
      return { ...state, upload: { phase: 'idle' } };
    case 'keep-run':
    case 'remove-kept-run':
      return { ...state, keptRuns: keptRunsReducer(state.keptRuns, action) };
    case 'worker-restarted':
      return { ...state, backendNote: CRASH_NOTE, runState: state.runState === 'running' ? 'paused' : state.runState };
    case 'save-share-taken':
      return { ...state, saveShareInbox: state.saveShareInbox.slice(action.count) };
    case 'restore-run':
      return applyRestore(reducer(state, { type: 'new-run', runId: action.run }), action);
  }
}

/** The view of the history the charts take (exactly the entries of this state). */
export function progressOf(state: AppState): readonly ProgressPoint[] {
  return state.history.progress.length === state.history.progressCount
    ? state.history.progress
    : state.history.progress.slice(0, state.history.progressCount);
}

/** Same as progressOf for the held-out metrics. */
export function metricsOf(state: AppState): readonly MetricsPoint[] {
  return state.history.metrics.length === state.history.metricsCount
    ? state.history.metrics
    : state.history.metrics.slice(0, state.history.metricsCount);
}

/** The last metrics point, or null before the first evaluation. */
export function latestMetrics(state: AppState): MetricsPoint | null {
  return state.history.metricsCount > 0 ? state.history.metrics[state.history.metricsCount - 1] : null;
}

/**
 * `state` (reset by a `new-run` for `action.run`: every per-run field empty) with the reopened run's dataset,
 * configuration, step, history (none past the saved step: it was never in the weights) and reference figures.
 */
function applyRestore(state: AppState, action: RestoreRunAction): AppState {
  const progress: ProgressPoint[] = action.history.progress.filter((p) => p.step <= action.step).map((p) => ({ ...p }));
  const metrics: MetricsPoint[] = action.history.metrics.filter((m) => m.step <= action.step).map((m) => ({ ...m }));
  const last = progress[progress.length - 1];
  const isUpload = action.info.name.startsWith('upload:');
  return {
    ...state,
    config: action.config,
    issues: validate(action.config, loadedTraits(action.info)),
    workerIssues: [],
    dataset: action.info,
    preview: action.preview,
    pendingLoad: null,
    download: null,
    datasetError: null,
    usedUpload: isUpload ? action.info : state.usedUpload,
    runId: action.run,
    runState: action.step > 0 ? 'paused' : 'ready',
    step: action.step,
    epoch: action.epoch,
    lastLoss: last && Number.isFinite(last.loss) ? last.loss : null,
    heldOut: action.heldOut,
    history: { ...state.history, progress, metrics, progressCount: progress.length, metricsCount: metrics.length },
    reference: action.reference ? restoredReference(action.reference) : emptyReference(),
  };
}
