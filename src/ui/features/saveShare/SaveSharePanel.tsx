/**
 * `<section aria-label="Save and share">`: download the trained tower (TF.js) and load one back, download the
 * embeddings (Projector TSV) and the 2-D coordinates (CSV), export / import an experiment file, the list of saved
 * runs (autosaved to IndexedDB while training and on pause) and a shareable link to the current setup.
 *
 * Files are built in the worker (or, for the CSV and experiment files, by pure core functions here) and saved
 * through Blob URLs. Every failure shows a specific role="alert" message and changes nothing; progress notes use
 * an aria-live region (the page's one role="status" is the status line). The worker's answers reach the panel
 * through the reducer to its controller (useSaveShare); the sections are in sections.tsx.
 */
import type { JSX } from 'react';
import type { AppState } from '../../state/reducer';
import type { WorkerClient } from '../../worker/client';
import { EmbeddingsSection, ExperimentsSection, ModelSection, SavedRunsSection, ShareSection } from './sections';
import type { SaveShareController } from './useSaveShare';

export { AUTOSAVE_INTERVAL_MS } from './useSaveShare';

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

/**
 * The panel's view of its controller (`useSaveShare`), which the page runs outside the drawer so the autosave and
 * the worker's answers are handled while the panel is hidden and not rendered.
 */
export function SaveSharePanel(props: {
  c: SaveShareController;
  state: AppState;
  client: WorkerClient | null;
  /** The page link's lesson, kept in copied links. */
  lesson?: string;
}): JSX.Element {
  const { c, state, client } = props;
  const runReady = client !== null && state.runState !== 'empty' && state.dataset !== null;
  return (
    <section aria-label="Save and share" className="panel save-share">
      <h2>Save and share</h2>
      <p className="save-note" aria-live="polite">
        {c.note}
        {c.lastAutosave ? (
          <span data-autosave-step={c.lastAutosave.step}>
            {c.note ? ' · ' : ''}Autosaved at step {c.lastAutosave.step}
          </span>
        ) : null}
      </p>
      {c.error ? (
        <p role="alert" className="error" aria-label="Save and share problem">
          {c.error}
        </p>
      ) : null}
      <ModelSection c={c} state={state} runReady={runReady} />
      <EmbeddingsSection c={c} state={state} runReady={runReady} />
      <ExperimentsSection c={c} runReady={runReady} workerReady={client !== null} />
      <SavedRunsSection c={c} />
      <ShareSection c={c} state={state} lesson={props.lesson} />
    </section>
  );
}
