/**
 * `<section aria-label="Save and share">`: download the trained tower (TF.js) and load one back, download the
 * embeddings (Projector TSV) and the 2-D coordinates (CSV), export / import an experiment file, the list of saved
 * runs (autosaved to IndexedDB while training and on pause) and a shareable link to the current setup.
 *
 * Files are built in the worker (or, for the CSV and experiment files, by pure core functions here) and saved
 * through Blob URLs. Every failure shows a specific role="alert" message and changes nothing; progress notes use
 * an aria-live region (the page's one role="status" is the status line).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type Dispatch, type JSX } from 'react';
import { coordinatesCsv } from '../../../core/export/coordinates';
import {
  MAX_EXPERIMENT_BYTES,
  parseExperiment,
  serialiseExperiment,
  type Experiment,
} from '../../../core/export/experiment';
import { tfjsUsageSnippet } from '../../../core/export/modelSnippet';
import { serialiseLink } from '../../../core/share/link';
import type { SaveShareEvent } from '../../../worker/saveShareProtocol';
import { metricsOf, progressOf, type Action, type AppState } from '../../state/reducer';
import type { WorkerClient } from '../../worker/client';
import { saveBytes } from './download';
import { experimentFileName, experimentOfRun, restoreCommandOf, type WeightsEvent } from './experimentOfRun';
import { deleteRun, listRuns, loadRun, saveRun, storageAvailable, type SavedRunInfo } from './runStore';
import { fileSafe } from '../../../core/export/fileNames';

/** How often the run is autosaved while it trains. */
export const AUTOSAVE_INTERVAL_MS = 4000;

type Purpose = 'autosave' | 'export-experiment' | 'download' | 'load-model' | 'restore';

interface PendingRestore {
  experiment: Experiment;
  /** The saved-run record the reopened run keeps saving into (a new one for imported files). */
  recordId: string;
  what: string;
}

/** A fresh id for a saved-run record. */
function newRecordId(): string {
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

function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('en-GB', {
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
}

/** The link problems of the page URL, as a role="alert" list (nothing when there are none). */
export function LinkProblems(props: { problems: readonly string[] }): JSX.Element | null {
  if (props.problems.length === 0) return null;
  return (
    <div className="link-problems">
      <p>Some settings in this link could not be used; the defaults are used for them:</p>
      <ul role="alert" aria-label="Link problems">
        {props.problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}

export function SaveSharePanel(props: {
  state: AppState;
  dispatch: Dispatch<Action>;
  client: WorkerClient | null;
  nextRequestId(): number;
  nextRunId(): number;
  /** The page link's lesson (kept in copied links) and whether it set up the run (then no autosave is reopened by itself). */
  link: { lesson?: string; hasSetup: boolean };
}): JSX.Element {
  const { state, dispatch, client, nextRequestId, nextRunId, link } = props;
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [includeData, setIncludeData] = useState(false);
  const [classroom, setClassroom] = useState(false);
  const [runs, setRuns] = useState<SavedRunInfo[]>([]);
  const [offer, setOffer] = useState<SavedRunInfo | null>(null);
  const [inbox, setInbox] = useState<{ event: WeightsEvent; purpose: Purpose } | null>(null);
  const [lastAutosave, setLastAutosave] = useState<{ step: number; at: string } | null>(null);

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
  const latest = useRef({ client, nextRequestId, nextRunId });
  latest.current = { client, nextRequestId, nextRunId };

  const refreshRuns = useCallback(() => {
    if (!storageAvailable()) return;
    listRuns().then(setRuns, (e: Error) => setError(e.message));
  }, []);

  const send = useCallback((purpose: Purpose, make: (requestId: number) => Parameters<WorkerClient['send']>[0]) => {
    const { client: worker, nextRequestId: nextId } = latest.current;
    if (!worker) return;
    const requestId = nextId();
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

  /** Reopens an experiment (file, autosave or saved run) as a new run; the page switches when the worker has built it. */
  const reopen = useCallback(
    (experiment: Experiment, recordId: string, what: string, source: string, runId?: number) => {
      const { client: worker, nextRequestId: nextId, nextRunId: nextRun } = latest.current;
      if (!worker) return;
      setError(null);
      const requestId = nextId();
      pending.current.set(requestId, 'restore');
      restores.current.set(requestId, { experiment, recordId, what });
      setNote(`Opening ${what}…`);
      worker.send(restoreCommandOf(experiment, runId ?? nextRun(), requestId, source));
    },
    [],
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

  // Answers of the worker to this panel's requests.
  useEffect(() => {
    if (!client) return;
    return client.onEvent((event) => {
      const e = event as SaveShareEvent;
      if (!('requestId' in e) || !pending.current.has(e.requestId)) return;
      const purpose = pending.current.get(e.requestId)!;
      switch (e.type) {
        case 'file-ready':
          pending.current.delete(e.requestId);
          saveBytes(e.bytes, e.fileName, e.mimeType);
          setNote(`Saved ${e.fileName}`);
          return;
        case 'weights':
          pending.current.delete(e.requestId);
          setInbox({ event: e, purpose });
          return;
        case 'model-loaded':
          pending.current.delete(e.requestId);
          setNote(`Loaded the model ${e.source} into this run (step ${e.step}); press Train to go on training it`);
          return;
        case 'restored': {
          pending.current.delete(e.requestId);
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
          });
          recordIds.current.set(e.run, restore.recordId);
          savedSteps.current.set(e.run, e.step);
          setNote(`Opened ${restore.what}: ${experiment.title}`);
          return;
        }
        case 'save-error':
          pending.current.delete(e.requestId);
          restores.current.delete(e.requestId);
          if (purpose === 'autosave') {
            autosaveSince.current = 0;
            return; // a stale run (e.g. just replaced): the next autosave takes the current one
          }
          setNote('');
          setError(e.message);
          return;
      }
    });
  }, [client, dispatch]);

  // Weights arrived: the page state of this render holds every event the worker sent before them.
  useEffect(() => {
    if (!inbox) return;
    setInbox(null);
    const { event, purpose } = inbox;
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
    saveRun(id, experiment).then(
      () => {
        savedSteps.current.set(event.run, event.step);
        setLastAutosave({ step: event.step, at: experiment.savedAt });
        refreshRuns();
      },
      (e: Error) => setError(`Autosave failed: ${e.message}`),
    );
  }, [inbox, state, includeData, client, refreshRuns]);

  // Once the first run is ready: list saved runs; on a reload, go on with the latest one (a link's setup wins).
  useEffect(() => {
    if (started.current || !client || !state.dataset || state.runState === 'empty' || !storageAvailable()) return;
    started.current = true;
    listRuns().then(
      (saved) => {
        setRuns(saved);
        const latest = saved[0];
        if (!latest || latest.step === 0) return;
        if (isReload() && !link.hasSetup) reopenSaved(latest, 'your last run');
        else setOffer(latest);
      },
      (e: Error) => setError(e.message),
    );
  }, [client, state.dataset, state.runState, link.hasSetup, reopenSaved]);

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

  const runReady = client !== null && state.runState !== 'empty' && state.dataset !== null;
  const dataset = state.config.data.dataset;
  const linkText = useMemo(() => {
    try {
      const query = serialiseLink({
        dataset,
        seed: state.config.seed,
        config: state.config,
        lesson: link.lesson,
        classroom,
      });
      const base = typeof window === 'undefined' ? '' : `${window.location.origin}${window.location.pathname}`;
      return { url: `${base}${query}`, problem: null };
    } catch (e) {
      return { url: '', problem: (e as Error).message };
    }
  }, [dataset, state.config, link.lesson, classroom]);

  const snippet = tfjsUsageSnippet({
    inputShape: state.dataset?.featureShape ?? [784],
    embeddingDim: state.config.model.embeddingDim,
    l2Normalize: state.config.model.l2Normalize,
    text: state.dataset?.modality === 'text',
  });

  const readFiles = async (list: FileList | null) =>
    Promise.all(Array.from(list ?? []).map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));

  return (
    <section aria-label="Save and share" className="panel save-share">
      <h2>Save and share</h2>
      <p className="save-note" aria-live="polite">
        {note}
        {lastAutosave ? (
          <span data-autosave-step={lastAutosave.step}>
            {note ? ' · ' : ''}Autosaved at step {lastAutosave.step}
          </span>
        ) : null}
      </p>
      {error ? (
        <p role="alert" className="error" aria-label="Save and share problem">
          {error}
        </p>
      ) : null}

      <h3>Model</h3>
      <div className="buttons">
        <button
          type="button"
          disabled={!runReady}
          onClick={() => {
            setError(null);
            setNote('Preparing the model…');
            send('download', (requestId) => ({ type: 'export-model', runId: state.runId, requestId }));
          }}
        >
          Download model (TF.js)
        </button>
        <label className="file-button">
          <span>Load model </span>
          <input
            type="file"
            aria-label="Load model"
            multiple
            accept=".zip,.json,.bin"
            disabled={!runReady}
            onChange={(e) => {
              const input = e.target;
              void readFiles(input.files).then((files) => {
                input.value = '';
                if (files.length === 0) return;
                setError(null);
                setNote('Loading the model…');
                send('load-model', (requestId) => ({
                  type: 'load-model',
                  runId: stateRef.current.runId,
                  requestId,
                  files,
                }));
              });
            }}
          />
        </label>
      </div>
      <details>
        <summary>Use the downloaded model in your own code</summary>
        <figure aria-label="Loading the model with TensorFlow.js">
          <pre>
            <code>{snippet}</code>
          </pre>
        </figure>
        <p className="help">
          The zip holds model.json, weights.bin, custom-layers.js (the L2 normalisation layer) and a README.
        </p>
      </details>

      <h3>Embeddings</h3>
      <div className="buttons">
        <button
          type="button"
          disabled={!runReady}
          onClick={() => {
            setError(null);
            setNote('Embedding the held-out samples…');
            send('download', (requestId) => ({ type: 'export-embeddings', runId: state.runId, requestId }));
          }}
        >
          Download embeddings (Projector TSV)
        </button>
        <button
          type="button"
          disabled={!state.snapshot}
          onClick={() => {
            const s = state.snapshot;
            if (!s) return;
            const name = `coordinates-${fileSafe(dataset)}-step${s.step}.csv`;
            saveBytes(coordinatesCsv(s.coordinates, s.labels, state.dataset?.classNames ?? []), name, 'text/csv');
            setNote(`Saved ${name}`);
          }}
        >
          Download 2-D coordinates (CSV)
        </button>
        <button
          type="button"
          disabled={!runReady}
          onClick={() => {
            setError(null);
            setNote('Writing the PyTorch script and the data files…');
            send('download', (requestId) => ({ type: 'export-pytorch', runId: state.runId, requestId }));
          }}
        >
          Download PyTorch script
        </button>
      </div>
      <p className="help">
        Open the embeddings in the TensorFlow Embedding Projector (projector.tensorflow.org → Load): vectors.tsv,
        metadata.tsv and, for images, the sprite.
      </p>

      <h3>Experiments</h3>
      <div className="buttons">
        <button
          type="button"
          disabled={!runReady}
          onClick={() => {
            setError(null);
            requestWeights('export-experiment');
          }}
        >
          Export experiment
        </button>
        <label className="file-button">
          <span>Import experiment </span>
          <input
            type="file"
            aria-label="Import experiment"
            accept=".json,application/json"
            disabled={!client}
            onChange={(e) => {
              const input = e.target;
              const file = input.files?.[0];
              input.value = '';
              if (!file) return;
              if (file.size > MAX_EXPERIMENT_BYTES) {
                setNote('');
                setError(
                  `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; experiment files up to ${MAX_EXPERIMENT_BYTES / 1024 / 1024} MB are opened; nothing was changed`,
                );
                return;
              }
              void file.text().then((text) => {
                try {
                  const experiment = parseExperiment(text, file.name);
                  reopen(experiment, newRecordId(), file.name, file.name);
                } catch (err) {
                  setNote('');
                  setError((err as Error).message);
                }
              });
            }}
          />
        </label>
      </div>
      <label>
        <input type="checkbox" checked={includeData} onChange={(e) => setIncludeData(e.target.checked)} /> Include
        uploaded data
      </label>
      <p className="help">
        An experiment file holds the configuration, seed, dataset, chart history and weights. Uploaded data is kept only
        when you tick the box (it can be large); otherwise the same upload must be loaded before the run reopens.
      </p>

      {offer ? (
        <p className="offer">
          Your last run ({offer.title}, saved {timeOf(offer.savedAt)}) was saved.{' '}
          <button type="button" onClick={() => reopenSaved(offer, 'your last run')}>
            Continue last run
          </button>
        </p>
      ) : null}
      <h3>Saved runs</h3>
      {storageAvailable() ? (
        runs.length === 0 ? (
          <p className="help">No saved runs yet: a run is saved here by itself while it trains and when it pauses.</p>
        ) : (
          <ul aria-label="Saved runs" className="saved-runs">
            {runs.map((run) => {
              const name = `${run.title} (saved ${timeOf(run.savedAt)})`;
              return (
                <li key={run.id}>
                  <span>{name}</span>{' '}
                  <button type="button" aria-label={`Reopen ${name}`} onClick={() => reopenSaved(run, 'the saved run')}>
                    Reopen
                  </button>{' '}
                  <button
                    type="button"
                    aria-label={`Delete ${name}`}
                    onClick={() => {
                      if (offer?.id === run.id) setOffer(null);
                      for (const [runId, id] of recordIds.current) if (id === run.id) recordIds.current.delete(runId);
                      deleteRun(run.id).then(refreshRuns, (e: Error) => setError(e.message));
                    }}
                  >
                    Delete
                  </button>
                </li>
              );
            })}
          </ul>
        )
      ) : (
        <p className="help">
          This browser keeps no saved runs (IndexedDB is not available); export experiments to keep them.
        </p>
      )}

      <h3>Share</h3>
      <div className="buttons">
        <button
          type="button"
          disabled={!linkText.url}
          onClick={() => {
            const url = linkText.url;
            if (!url) return;
            const clipboard = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
            if (clipboard?.writeText) {
              clipboard.writeText(url).then(
                () => setNote('Link copied: anyone who opens it gets this dataset, configuration and seed'),
                () => setNote('Copy the link below (the browser did not allow copying)'),
              );
            } else {
              setNote('Copy the link below');
            }
          }}
        >
          Copy link to this setup
        </button>
        <label>
          <input type="checkbox" checked={classroom} onChange={(e) => setClassroom(e.target.checked)} /> Classroom link
        </label>
      </div>
      <label className="link-field">
        <span>Shareable link </span>
        <input type="text" readOnly value={linkText.url} onFocus={(e) => e.target.select()} />
      </label>
      {linkText.problem ? <p className="help">{linkText.problem}</p> : null}
    </section>
  );
}
