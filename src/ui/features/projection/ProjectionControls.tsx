/**
 * The scatter's projection choice (PCA, LDA, UMAP, t-SNE) with its seed, progress, one line per projection on what
 * its picture keeps, and a plain-language note on the chosen one.
 */
import type { JSX } from 'react';
import './projection.css';
import {
  isLayout,
  PROJECTION_KEEPS,
  PROJECTIONS,
  PROJECTION_TITLES,
  type ProjectionName,
} from '../../../core/projection/layout';
import type { ProjectionController } from './useProjection';

const EXPLAIN: Record<ProjectionName, string> = {
  pca: 'PCA: the flat view that keeps the most spread (a linear shadow of the embedding); distances along it are honest but clusters can overlap.',
  lda: 'LDA: the flat view in which the classes stand furthest apart relative to their own spread (Fisher’s discriminant, chosen with the labels); an orthogonal shadow like PCA, so no two points look further apart than they are.',
  umap: 'UMAP: joins each point to its 15 nearest neighbours and lays that graph out; local neighbourhoods are kept well, distances between clusters only roughly.',
  tsne: 't-SNE: places points so that who-is-near-whom matches the embedding; cluster sizes and gaps mean little. Up to 2,000 points.',
};

/** `<div aria-label="Projection">`: select, seed and status. */
export function ProjectionControls(props: { projection: ProjectionController; timelineActive: boolean }): JSX.Element {
  const p = props.projection;
  const view = p.view;
  const status = !isLayout(p.method)
    ? p.unavailable
      ? 'LDA needs two classes or more among the held-out samples; showing PCA. '
      : ''
    : p.error
      ? ''
      : p.progress !== null
        ? `Computing ${PROJECTION_TITLES[p.method]}… ${Math.round(p.progress * 100)} %${view ? ` (showing step ${view.step})` : ' (showing PCA meanwhile)'}`
        : view
          ? `${PROJECTION_TITLES[p.method]} of step ${view.step}: ${Math.round(view.preservation * 100)} % of each point’s 10 nearest neighbours kept (${(view.milliseconds / 1000).toFixed(1)} s)`
          : '';
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of controls styled as a panel; a fieldset would add its own border and legend
    <div className="panel projection" aria-label="Projection controls" role="group">
      <div className="projection-row">
        <label>
          Projection{' '}
          <select
            aria-label="Projection"
            value={p.method}
            onChange={(e) => p.setMethod(e.target.value as ProjectionName)}
          >
            {PROJECTIONS.map((name) => (
              <option key={name} value={name}>
                {PROJECTION_TITLES[name]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Seed{' '}
          <input
            type="number"
            aria-label="Projection seed"
            min={0}
            step={1}
            value={p.seed}
            disabled={!isLayout(p.method)}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (Number.isInteger(v) && v >= 0) p.setSeed(v);
            }}
          />
        </label>
        {isLayout(p.method) && p.progress !== null ? (
          <progress aria-label="Projection progress" max={1} value={p.progress} />
        ) : null}
      </div>
      <p className="help" aria-live="polite" data-projection={p.method} data-projected-step={view?.step ?? ''}>
        {status}
        {status ? ' ' : ''}
        {props.timelineActive && isLayout(p.method)
          ? 'The timeline replays the stored snapshots in PCA; press Live to see this projection. '
          : ''}
        {EXPLAIN[p.method]}
      </p>
      <ul aria-label="What each projection keeps" className="projection-keeps">
        {PROJECTIONS.map((name) => (
          <li key={name} aria-current={name === p.method ? 'true' : undefined}>
            <strong>{PROJECTION_TITLES[name]}</strong> {PROJECTION_KEEPS[name]}
          </li>
        ))}
      </ul>
      {p.error ? (
        <p role="alert">
          {PROJECTION_TITLES[p.method]} failed: {p.error}
        </p>
      ) : null}
    </div>
  );
}
