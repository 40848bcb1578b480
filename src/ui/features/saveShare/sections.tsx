/**
 * The sections of the save-and-share panel: the model (download, load, how to use it), the embeddings and other
 * downloads, experiment files, the saved runs and the shareable link. Each renders from the panel's controller
 * (useSaveShare); none talks to the worker itself.
 */
import { useMemo, useState, type JSX } from 'react';
import { coordinatesCsv } from '../../../core/export/coordinates';
import { MAX_EXPERIMENT_BYTES } from '../../../core/export/experiment';
import { fileSafe } from '../../../core/export/fileNames';
import { tfjsUsageSnippet } from '../../../core/export/modelSnippet';
import { serialiseLink } from '../../../core/share/link';
import type { AppState } from '../../state/reducer';
import type { WorkerClient } from '../../worker/client';
import { saveBytes } from './download';
import { storageAvailable } from './runStore';
import type { SaveShareController } from './useSaveShare';

/**
 * One formatter for every saved run's time: `toLocaleString` with options builds a new formatter per call, and the
 * list renders again with every live update while a run trains.
 */
const RUN_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : RUN_TIME.format(date);
}

const readFiles = async (list: FileList | null) =>
  Promise.all(Array.from(list ?? []).map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));

/** A button that asks the worker for a file to download: clears the last problem and says what is being made. */
function DownloadButton(props: {
  c: SaveShareController;
  disabled: boolean;
  note: string;
  command: (requestId: number) => Parameters<WorkerClient['send']>[0];
  children: string;
}): JSX.Element {
  const { c } = props;
  return (
    <button
      type="button"
      disabled={props.disabled}
      onClick={() => {
        c.setError(null);
        c.setNote(props.note);
        c.send('download', props.command);
      }}
    >
      {props.children}
    </button>
  );
}

/** Download the trained tower (TF.js) and load one back into the run. */
export function ModelSection(props: { c: SaveShareController; state: AppState; runReady: boolean }): JSX.Element {
  const { c, state, runReady } = props;
  const snippet = tfjsUsageSnippet({
    inputShape: state.dataset?.featureShape ?? [784],
    embeddingDim: state.config.model.embeddingDim,
    l2Normalize: state.config.model.l2Normalize,
    text: state.dataset?.modality === 'text',
  });
  return (
    <>
      <h3>Model</h3>
      <div className="buttons">
        <DownloadButton
          c={c}
          disabled={!runReady}
          note="Preparing the model…"
          command={(requestId) => ({ type: 'export-model', runId: state.runId, requestId })}
        >
          Download model (TF.js)
        </DownloadButton>
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
                c.setError(null);
                c.setNote('Loading the model…');
                c.send('load-model', (requestId) => ({
                  type: 'load-model',
                  runId: c.currentRunId(),
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
    </>
  );
}

/** Held-out embeddings (Projector TSV), the scatter's 2-D coordinates (CSV) and the PyTorch script. */
export function EmbeddingsSection(props: { c: SaveShareController; state: AppState; runReady: boolean }): JSX.Element {
  const { c, state, runReady } = props;
  const dataset = state.config.data.dataset;
  return (
    <>
      <h3>Embeddings</h3>
      <div className="buttons">
        <DownloadButton
          c={c}
          disabled={!runReady}
          note="Embedding the held-out samples…"
          command={(requestId) => ({ type: 'export-embeddings', runId: state.runId, requestId })}
        >
          Download embeddings (Projector TSV)
        </DownloadButton>
        <button
          type="button"
          disabled={!state.snapshot}
          onClick={() => {
            const s = state.snapshot;
            if (!s) return;
            const name = `coordinates-${fileSafe(dataset)}-step${s.step}.csv`;
            saveBytes(coordinatesCsv(s.coordinates, s.labels, state.dataset?.classNames ?? []), name, 'text/csv');
            c.setNote(`Saved ${name}`);
          }}
        >
          Download 2-D coordinates (CSV)
        </button>
        <DownloadButton
          c={c}
          disabled={!runReady}
          note="Writing the PyTorch script and the data files…"
          command={(requestId) => ({ type: 'export-pytorch', runId: state.runId, requestId })}
        >
          Download PyTorch script
        </DownloadButton>
      </div>
      <p className="help">
        Open the embeddings in the TensorFlow Embedding Projector (projector.tensorflow.org → Load): vectors.tsv,
        metadata.tsv and, for images, the sprite.
      </p>
    </>
  );
}

/** Export the run as an experiment file, or import one (it reopens as a new run). */
export function ExperimentsSection(props: {
  c: SaveShareController;
  runReady: boolean;
  workerReady: boolean;
}): JSX.Element {
  const { c, runReady, workerReady } = props;
  return (
    <>
      <h3>Experiments</h3>
      <div className="buttons">
        <button
          type="button"
          disabled={!runReady}
          onClick={() => {
            c.setError(null);
            c.requestWeights('export-experiment');
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
            disabled={!workerReady}
            onChange={(e) => {
              const input = e.target;
              const file = input.files?.[0];
              input.value = '';
              if (!file) return;
              if (file.size > MAX_EXPERIMENT_BYTES) {
                c.setNote('');
                c.setError(
                  `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; experiment files up to ${MAX_EXPERIMENT_BYTES / 1024 / 1024} MB are opened; nothing was changed`,
                );
                return;
              }
              c.importExperiment(file);
            }}
          />
        </label>
      </div>
      <label>
        <input type="checkbox" checked={c.includeData} onChange={(e) => c.setIncludeData(e.target.checked)} /> Include
        uploaded data
      </label>
      <p className="help">
        An experiment file holds the configuration, seed, dataset, chart history and weights. Uploaded data is kept only
        when you tick the box (it can be large); otherwise the same upload must be loaded before the run reopens.
      </p>
    </>
  );
}

/** The runs autosaved in this browser: reopen or delete; the offer to continue the last one. */
export function SavedRunsSection(props: { c: SaveShareController }): JSX.Element {
  const { c } = props;
  return (
    <>
      {c.offer ? (
        <p className="offer">
          Your last run ({c.offer.title}, saved {timeOf(c.offer.savedAt)}) was saved.{' '}
          <button type="button" onClick={() => c.reopenSaved(c.offer!, 'your last run')}>
            Continue last run
          </button>
        </p>
      ) : null}
      <h3>Saved runs</h3>
      {storageAvailable() ? (
        c.runs.length === 0 ? (
          <p className="help">No saved runs yet: a run is saved here by itself while it trains and when it pauses.</p>
        ) : (
          <ul aria-label="Saved runs" className="saved-runs">
            {c.runs.map((run) => {
              const name = `${run.title} (saved ${timeOf(run.savedAt)})`;
              return (
                <li key={run.id}>
                  <span>{name}</span>{' '}
                  <button
                    type="button"
                    aria-label={`Reopen ${name}`}
                    onClick={() => c.reopenSaved(run, 'the saved run')}
                  >
                    Reopen
                  </button>{' '}
                  <button type="button" aria-label={`Delete ${name}`} onClick={() => c.deleteSaved(run)}>
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
    </>
  );
}

/** A link to the current setup (dataset, seed, settings that differ from the defaults, lesson, classroom). */
export function ShareSection(props: { c: SaveShareController; state: AppState; lesson?: string }): JSX.Element {
  const { c, state } = props;
  const [classroom, setClassroom] = useState(false);
  const dataset = state.config.data.dataset;
  const lesson = props.lesson;
  const linkText = useMemo(() => {
    try {
      const query = serialiseLink({ dataset, seed: state.config.seed, config: state.config, lesson, classroom });
      const base = typeof window === 'undefined' ? '' : `${window.location.origin}${window.location.pathname}`;
      return { url: `${base}${query}`, problem: null };
    } catch (e) {
      return { url: '', problem: (e as Error).message };
    }
  }, [dataset, state.config, lesson, classroom]);
  return (
    <>
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
                () => c.setNote('Link copied: anyone who opens it gets this dataset, configuration and seed'),
                () => c.setNote('Copy the link below (the browser did not allow copying)'),
              );
            } else {
              c.setNote('Copy the link below');
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
    </>
  );
}
