/**
 * What the save-and-share panel does behind its buttons: the ledger of its requests to the worker (what each one
 * was for), the answers (taken from the reducer's inbox, in order), reopening experiments and saved runs, the
 * autosave while training and on pause, and the list of saved runs. The sections render from what this returns.
 */
import { useCallback, useEffect, useRef, useState, type Dispatch } from 'react';
import { serialiseExperiment, type Experiment } from '../../../core/export/experiment';
import type { SaveShareEvent } from '../../../worker/protocol';
import { metricsOf, progressOf, type Action, type AppState } from '../../state/reducer';
import { referenceRecord } from '../reference/referenceState';
import type { WorkerClient } from '../../worker/client';
import { saveBytes } from './download';
import { experimentFileName, experimentOfRun, restoreCommandOf } from './experimentOfRun';
import { deleteRun, listRuns, loadRun, storageAvailable, type SavedRunInfo } from './runStore';
import { pageRunWriter } from './runWriter';

/** How often the run is autosaved while it trains. */
export const AUTOSAVE_INTERVAL_MS = 4000;

/** What a request to the worker was for: its answer is handled accordingly. */
export type Purpose = 'autosave' | 'export-experiment' | 'download' | 'load-model' | 'restore' | 'import';

interface PendingRestore {
  experiment: Experiment;
  /** The saved-run record the reopened run keeps saving into (a new one for imported files). */
  recordId: string;
  what: string;
}

/** A fresh id for a saved-run record. */
export function newRecordId(): string {
  const random =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  return `run-${random}`;
}

/** True when this page load is a reload (F5, or the browser restoring the tab), not a fresh open. */
function isReload(): boolean {
  if (typeof performance === 'undefined' || typeof performance.getEntriesByType !== 'function') return false;
  const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  return entry?.type === 'reload';
}

export interface SaveShareController {
  note: string;
  error: string | null;
  setNote(note: string): void;
  setError(error: string | null): void;
  runs: SavedRunInfo[];
  offer: SavedRunInfo | null;
  lastAutosave: { step: number; at: string } | null;
  includeData: boolean;
  setIncludeData(on: boolean): void;
  /** Sends a request whose answer is handled as `purpose`. */
  send(purpose: Purpose, make: (requestId: number) => Parameters<WorkerClient['send']>[0]): void;
  requestWeights(purpose: 'autosave' | 'export-experiment'): void;
  /** Reopens an experiment as a new run; the page switches when the worker has built it. */
  reopen(experiment: Experiment, recordId: string, what: string, source: string, runId?: number): void;
  reopenSaved(run: SavedRunInfo, what: string): void;
  /** Hands an experiment file to the worker, which parses and checks it; it reopens once found sound. */
  importExperiment(file: File): void;
  deleteSaved(run: SavedRunInfo): void;
  /** The page's run at the time of the call (a file read finishes after the render that started it). */
  currentRunId(): number;
}

export function useSaveShare(props: {
  state: AppState;
  dispatch: Dispatch<Action>;
  client: WorkerClient | null;
  nextRequestId(): number;
  nextRunId(): number;
  /** Whether the page link set up the run (then no autosave is reopened by itself). */
  linkHasSetup: boolean;
}): SaveShareController {
  const { state, dispatch, client, linkHasSetup } = props;
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [includeData, setIncludeData] = useState(false);
  const [runs, setRuns] = useState<SavedRunInfo[]>([]);
  const [offer, setOffer] = useState<SavedRunInfo | null>(null);
  const [lastAutosave, setLastAutosave] = useState<{ step: number; at: string } | null>(null);

  // The request ledger: requestId → purpose (and, for reopened runs, what is being reopened); run → its saved record.
  const pending = useRef(new Map<number, Purpose>());
  const restores = useRef(new Map<number, PendingRestore>());
  const recordIds = useRef(new Map<number, string>());
  const savedSteps = useRef(new Map<number, number>());
  /** When the autosave in flight was asked for (0: none); an answer lost to a worker crash expires after a while. */
  const autosaveSince = useRef(0);
  const started = useRef(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  // The callbacks below read these through a ref, so they stay the same function across renders (the autosave
  // timer must not restart on every progress event).
  const latest = useRef({ client, nextRequestId: props.nextRequestId, nextRunId: props.nextRunId });
  latest.current = { client, nextRequestId: props.nextRequestId, nextRunId: props.nextRunId };

  const refreshRuns = useCallback(() => {
    if (!storageAvailable()) return;
    listRuns().then(setRuns, (e: Error) => setError(e.message));
  }, []);

  const send = useCallback((purpose: Purpose, make: (requestId: number) => Parameters<WorkerClient['send']>[0]) => {
    const { client: worker, nextRequestId } = latest.current;
    if (!worker) return;
    const requestId = nextRequestId();
    pending.current.set(requestId, purpose);
    worker.send(make(requestId));
  }, []);

  const requestWeights = useCallback(
    (purpose: 'autosave' | 'export-experiment') => {
      const s = stateRef.current;
      if (purpose === 'autosave') {
        if ((autosaveSince.current > 0 && Date.now() - autosaveSince.current < 30_000) || !storageAvailable()) return;
        autosaveSince.current = Date.now();
      }
      send(purpose, (requestId) => ({ type: 'get-weights', runId: s.runId, requestId }));
    },
    [send],
  );

  const reopen = useCallback(
    (experiment: Experiment, recordId: string, what: string, source: string, runId?: number) => {
      const { client: worker, nextRequestId, nextRunId } = latest.current;
      if (!worker) return;
      setError(null);
      const requestId = nextRequestId();
      pending.current.set(requestId, 'restore');
      restores.current.set(requestId, { experiment, recordId, what });
      setNote(`Opening ${what}…`);
      worker.send(restoreCommandOf(experiment, runId ?? nextRunId(), requestId, source));
    },
    [],
  );

  const importExperiment = useCallback(
    (file: File) => {
      setError(null);
      setNote(`Reading ${file.name}…`);
      file.arrayBuffer().then(
        (bytes) => send('import', (requestId) => ({ type: 'read-experiment', requestId, name: file.name, bytes })),
        (e: Error) => setError(`${file.name}: ${e.message}`),
      );
    },
    [send],
  );

  const reopenSaved = useCallback(
    (run: SavedRunInfo, what: string) => {
      setOffer(null);
      loadRun(run.id).then(
        (experiment) => reopen(experiment, run.id, what, `the saved run "${run.title}"`),
        (e: Error) => setError(e.message),
      );
    },
    [reopen],
  );

  const deleteSaved = useCallback(
    (run: SavedRunInfo) => {
      setOffer((current) => (current?.id === run.id ? null : current));
      for (const [runId, id] of recordIds.current) if (id === run.id) recordIds.current.delete(runId);
      deleteRun(run.id).then(refreshRuns, (e: Error) => setError(e.message));
    },
    [refreshRuns],
  );

  // A crashed worker comes back empty (the client replays the dataset and the configuration): when the run has an
  // autosave, reopen it, so the run goes on from its last saved weights, step and history instead of step 0.
  useEffect(() => {
    if (!client) return;
    return client.onRestart(() => {
      const id = recordIds.current.get(stateRef.current.runId);
      if (!id) return;
      // Move the page to the reopened run's id at once: the replayed configuration's events (a fresh run at step 0)
      // are then dropped, and Train stays off until the reopened run is ready instead of starting the wrong one.
      const runId = latest.current.nextRunId();
      dispatch({ type: 'new-run', runId });
      loadRun(id).then(
        (experiment) =>
          reopen(experiment, id, `the run from its last autosave (step ${experiment.step})`, 'the autosave', runId),
        (e: Error) => setError(e.message),
      );
    });
  }, [client, reopen, dispatch]);

  /** Weights arrived: the state of this render holds every event the worker sent before them. */
  const onWeights = (event: Extract<SaveShareEvent, { type: 'weights' }>, purpose: Purpose) => {
    if (purpose === 'autosave') autosaveSince.current = 0;
    if (event.run !== state.runId) return;
    const uploadFiles =
      includeData && event.config.data.dataset.startsWith('upload:') ? (client?.currentUploadFiles() ?? null) : null;
    const experiment = experimentOfRun({
      weights: event,
      progress: progressOf(state),
      metrics: metricsOf(state),
      uploadFiles,
      now: new Date(),
      reference: referenceRecord(state.reference.latest),
    });
    if (purpose === 'export-experiment') {
      saveBytes(serialiseExperiment(experiment), experimentFileName(experiment), 'application/json');
      setNote(`Saved ${experimentFileName(experiment)}`);
      return;
    }
    let id = recordIds.current.get(event.run);
    if (!id) {
      id = newRecordId();
      recordIds.current.set(event.run, id);
    }
    pageRunWriter()
      .write(id, experiment)
      .then(
        () => {
          savedSteps.current.set(event.run, event.step);
          setLastAutosave({ step: event.step, at: experiment.savedAt });
          refreshRuns();
        },
        (e: Error) => setError(`Autosave failed: ${e.message}`),
      );
  };

  /** One answer of the worker to one of this panel's requests (others' answers are not in the ledger). */
  const onAnswer = (e: SaveShareEvent) => {
    const purpose = pending.current.get(e.requestId);
    if (purpose === undefined) return;
    pending.current.delete(e.requestId);
    switch (e.type) {
      case 'file-ready':
        saveBytes(e.bytes, e.fileName, e.mimeType);
        setNote(`Saved ${e.fileName}`);
        return;
      case 'weights':
        onWeights(e, purpose);
        return;
      case 'experiment-read':
        reopen(e.experiment, newRecordId(), e.name, e.name);
        return;
      case 'model-loaded':
        setNote(`Loaded the model ${e.source} into this run (step ${e.step}); press Train to go on training it`);
        return;
      case 'restored': {
        const restore = restores.current.get(e.requestId);
        restores.current.delete(e.requestId);
        if (!restore) return;
        const { experiment } = restore;
        dispatch({
          type: 'restore-run',
          run: e.run,
          info: e.info,
          preview: e.preview,
          heldOut: e.heldOut,
          step: e.step,
          epoch: e.epoch,
          config: experiment.config,
          history: experiment.history,
          ...(experiment.reference ? { reference: experiment.reference } : {}),
        });
        recordIds.current.set(e.run, restore.recordId);
        savedSteps.current.set(e.run, e.step);
        setNote(`Opened ${restore.what}: ${experiment.title}`);
        return;
      }
      case 'save-error':
        restores.current.delete(e.requestId);
        if (purpose === 'autosave') {
          autosaveSince.current = 0;
          return; // a stale run (e.g. just replaced): the next autosave takes the current one
        }
        setNote('');
        setError(e.message);
        return;
    }
  };
  const answer = useRef(onAnswer);
  answer.current = onAnswer;

  // The answers the reducer collected since the last render: taken out of the inbox, then handled in order.
  const inbox = state.saveShareInbox;
  useEffect(() => {
    if (inbox.length === 0) return;
    dispatch({ type: 'save-share-taken', count: inbox.length });
    for (const event of inbox) answer.current(event);
  }, [inbox, dispatch]);

  // Once the first run is ready: list saved runs; on a reload, go on with the latest one (a link's setup wins).
  useEffect(() => {
    if (started.current || !client || !state.dataset || state.runState === 'empty' || !storageAvailable()) return;
    started.current = true;
    listRuns().then(
      (saved) => {
        setRuns(saved);
        const last = saved[0];
        if (!last || last.step === 0) return;
        if (isReload() && !linkHasSetup) reopenSaved(last, 'your last run');
        else setOffer(last);
      },
      (e: Error) => setError(e.message),
    );
  }, [client, state.dataset, state.runState, linkHasSetup, reopenSaved]);

  // Autosave every few seconds while training...
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run restarts the autosave timer
  useEffect(() => {
    if (state.runState !== 'running' || !client) return;
    const timer = setInterval(() => requestWeights('autosave'), AUTOSAVE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [state.runState, state.runId, client, requestWeights]);

  // ...and whenever a trained run pauses or stops.
  useEffect(() => {
    if (
      (state.runState === 'paused' || state.runState === 'stopped') &&
      state.step > 0 &&
      savedSteps.current.get(state.runId) !== state.step
    ) {
      requestWeights('autosave');
    }
  }, [state.runState, state.step, state.runId, requestWeights]);

  return {
    note,
    error,
    setNote,
    setError,
    runs,
    offer,
    lastAutosave,
    includeData,
    setIncludeData,
    send,
    requestWeights,
    reopen,
    reopenSaved,
    importExperiment,
    deleteSaved,
    currentRunId: () => stateRef.current.runId,
  };
}
