/**
 * The page's one connection to the training worker: the reducer-held state its events feed, the request and run
 * ids that tie each reply to what asked for it, and the rule for which configuration a dataset starts with when it
 * arrives. First open loads the link's, the lesson's or the default dataset and configures it at once, so a single
 * click on Train trains.
 */
import { startTransition, useCallback, useEffect, useReducer, useRef, useState, type Dispatch } from 'react';
import type { Config } from '../../core/config';
import { BUILTIN_DATASETS } from '../../core/data/builtin';
import type { ParsedLink } from '../../core/share/link';
import type { Command, DatasetInfo, UploadReading, WorkerEvent } from '../../worker/protocol';
import type { PickedFile } from '../components/DataPanel';
import { backendFromUrl, WorkerClient } from '../worker/client';
import { configForBuiltin, configForUpload } from './configForm';
import { initialState, reducer, type Action, type AppState } from './reducer';

/** The built-in shown on first open. */
export const DEFAULT_DATASET = 'fashion-mnist';

/** Where a dataset comes from: a built-in (with the seed of its split) or the parsed upload the user accepted. */
export type DatasetSource = { kind: 'builtin'; name: string; seed: number } | { kind: 'use-upload' };

/**
 * The configuration a freshly loaded dataset starts with: the pending lesson's when it is about this dataset (on
 * the backend already in use), the link's own setup when the link named this dataset, else the dataset's defaults
 * built on the previous configuration.
 */
function configOnArrival(info: DatasetInfo, previous: Config, lesson: Config | null, fromLink: boolean): Config {
  if (lesson?.data.dataset === info.name)
    return { ...lesson, training: { ...lesson.training, backend: previous.training.backend } };
  if (fromLink) return previous;
  return info.name.startsWith('upload:') ? configForUpload(info, previous) : configForBuiltin(info.name, previous);
}

export interface TrainingWorker {
  state: AppState;
  dispatch: Dispatch<Action>;
  /** Sends a command to the worker (dropped while no worker is running). */
  send(command: Command): void;
  /** The worker, for panels that wait on its replies; null until mounted. */
  client: WorkerClient | null;
  /** Starts a new run with `config` right away. */
  newRun(config: Config): void;
  /** Stores `config` in the form; a run starts with it if the reducer finds no issue. */
  startWithConfig(config: Config): void;
  /** The one way a dataset is asked for; what config it gets is decided when it arrives. */
  requestDataset(source: DatasetSource): void;
  /** Loads the lesson's dataset with the lesson's seed; `config` applies when it arrives. */
  requestLesson(config: Config, dataset: string): void;
  /** Cancels the built-in download under way (the current dataset stays). */
  cancelLoad(): void;
  /** Reads the picked files and hands them to the worker to parse. */
  loadUpload(files: readonly PickedFile[]): Promise<void>;
  /** Parses the last picked files again, read the way the user chose among an error's choices. */
  readUploadAs(reading: UploadReading): Promise<void>;
  /** Stops the parse in progress; the dataset in use stays. */
  cancelUpload(): void;
  nextRequestId(): number;
  nextRunId(): number;
}

/**
 * `link` sets up the first run when it names a dataset, a seed or a setting; `initialLesson` (the config of the
 * lesson the link opens, unless the link sets one up itself) applies to the first dataset instead.
 */
export function useTrainingWorker(link: ParsedLink, search: string, initialLesson: Config | null): TrainingWorker {
  const linkPending = useRef(link.hasSetup);
  const [workerClient, setWorkerClient] = useState<WorkerClient | null>(null);
  const [state, dispatch] = useReducer(reducer, undefined, () =>
    initialState(link.hasSetup ? link.config : configForBuiltin(DEFAULT_DATASET)),
  );
  const client = useRef<WorkerClient | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const nextRequest = useRef(0);
  const nextRun = useRef(0);
  const pendingRequest = useRef<number | null>(null);
  const pendingLesson = useRef<Config | null>(initialLesson);
  /** A config handed to the reducer that should start a run once the reducer has judged it (issues stored). */
  const runWhenValid = useRef<Config | null>(null);

  const send = useCallback((command: Command) => client.current?.send(command), []);
  const nextRequestId = useCallback(() => ++nextRequest.current, []);
  const nextRunId = useCallback(() => ++nextRun.current, []);

  const newRun = useCallback(
    (config: Config) => {
      const runId = ++nextRun.current;
      dispatch({ type: 'new-run', runId });
      send({ type: 'configure', runId, config });
    },
    [send],
  );

  const startWithConfig = useCallback((config: Config) => {
    runWhenValid.current = config;
    dispatch({ type: 'edit-config', config });
  }, []);
  useEffect(() => {
    if (runWhenValid.current !== state.config) return;
    runWhenValid.current = null;
    if (state.issues.length === 0) newRun(state.config);
  }, [state.config, state.issues, newRun]);

  const requestDataset = useCallback(
    (source: DatasetSource) => {
      const requestId = ++nextRequest.current;
      pendingRequest.current = requestId;
      if (source.kind === 'builtin') {
        // Shipped files are downloaded (with progress and Cancel); synthetic sets are generated at once.
        const downloaded = BUILTIN_DATASETS.find((b) => b.name === source.name)?.source === 'file';
        dispatch({ type: 'request-load', requestId, ...(downloaded ? { name: source.name } : {}) });
        send({ type: 'load-builtin', requestId, name: source.name, seed: source.seed });
      } else {
        dispatch({ type: 'request-use-upload', requestId });
        send({ type: 'use-upload', requestId });
      }
    },
    [send],
  );

  /** Stops the download under way; the current dataset and run stay as they are. */
  const cancelLoad = useCallback(() => {
    const requestId = pendingRequest.current;
    if (requestId === null) return;
    pendingRequest.current = null;
    pendingLesson.current = null;
    dispatch({ type: 'cancel-load', requestId });
    send({ type: 'cancel-load', requestId });
  }, [send]);

  const requestLesson = useCallback(
    (config: Config, dataset: string) => {
      pendingLesson.current = config;
      requestDataset({ kind: 'builtin', name: dataset, seed: config.seed });
    },
    [requestDataset],
  );

  const pickedFiles = useRef<readonly PickedFile[]>([]);
  const parsingRequest = useRef<number | null>(null);
  const parse = useCallback(
    async (files: readonly PickedFile[], reading?: UploadReading) => {
      const requestId = ++nextRequest.current;
      pickedFiles.current = files;
      parsingRequest.current = requestId;
      dispatch({ type: 'request-upload', requestId });
      const read = await Promise.all(
        files.map(async ({ file, className }) => ({
          name: file.name,
          bytes: await file.arrayBuffer(),
          ...(className ? { className } : {}),
        })),
      );
      send({ type: 'load-upload', requestId, files: read, ...(reading ? { reading } : {}) });
    },
    [send],
  );
  const loadUpload = useCallback((files: readonly PickedFile[]) => parse(files), [parse]);
  const readUploadAs = useCallback((reading: UploadReading) => parse(pickedFiles.current, reading), [parse]);
  const cancelUpload = useCallback(() => {
    if (parsingRequest.current !== null) send({ type: 'cancel-upload', requestId: parsingRequest.current });
    dispatch({ type: 'cancel-upload' });
  }, [send]);

  useEffect(() => {
    const worker = new WorkerClient();
    client.current = worker;
    setWorkerClient(worker);
    const offEvent = worker.onEvent((event: WorkerEvent) => {
      // The live training stream (progress, snapshots, metrics) renders as a transition, which React renders in
      // slices that yield to input, so charts and panels never hold the page for long; every other event (state,
      // errors, loads) stays urgent.
      if (event.type === 'progress' || event.type === 'snapshot' || event.type === 'metrics')
        startTransition(() => dispatch({ type: 'event', event }));
      else dispatch({ type: 'event', event });
      if (event.type === 'dataset-loaded' && pendingRequest.current === event.requestId) {
        pendingRequest.current = null;
        const fromLink = linkPending.current && event.info.name === link.dataset;
        linkPending.current = false;
        const config = configOnArrival(event.info, stateRef.current.config, pendingLesson.current, fromLink);
        pendingLesson.current = null;
        startWithConfig(config);
      }
    });
    const offRestart = worker.onRestart(() => dispatch({ type: 'worker-restarted' }));
    const backend = backendFromUrl(search);
    if (backend) worker.send({ type: 'set-backend', backend });
    requestDataset({
      kind: 'builtin',
      name: pendingLesson.current?.data.dataset ?? (link.hasSetup ? link.dataset : DEFAULT_DATASET),
      seed: pendingLesson.current?.seed ?? stateRef.current.config.seed,
    });
    return () => {
      offEvent();
      offRestart();
      worker.dispose();
      client.current = null;
      setWorkerClient(null);
    };
  }, [search, startWithConfig, requestDataset, link]);

  return {
    state,
    dispatch,
    send,
    client: workerClient,
    newRun,
    startWithConfig,
    requestDataset,
    requestLesson,
    cancelLoad,
    loadUpload,
    readUploadAs,
    cancelUpload,
    nextRequestId,
    nextRunId,
  };
}
