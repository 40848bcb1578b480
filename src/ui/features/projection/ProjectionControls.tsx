/**
 * The scatter's projection choice (PCA, UMAP, t-SNE) with its seed, progress and a plain-language note on what each
 * picture keeps.
 */
import type { JSX } from 'react';
import { PROJECTIONS, PROJECTION_TITLES, type ProjectionName } from '../../../core/projection/layout';
import type { ProjectionController } from './useProjection';

const EXPLAIN: Record<ProjectionName, string> = {
  pca: 'PCA: the flat view that keeps the most spread (a linear shadow of the embedding); distances along it are honest but clusters can overlap.',
  umap: 'UMAP: joins each point to its 15 nearest neighbours and lays that graph out; local neighbourhoods are kept well, distances between clusters only roughly.',
  tsne: 't-SNE: places points so that who-is-near-whom matches the embedding; cluster sizes and gaps mean little. Up to 2,000 points.',
};

/** `<div aria-label="Projection">`: select, seed and status. */
export function ProjectionControls(props: { projection: ProjectionController; timelineActive: boolean }): JSX.Element {
  const p = props.projection;
  const view = p.view;
  const status =
    p.method === 'pca'
      ? ''
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
            disabled={p.method === 'pca'}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (Number.isInteger(v) && v >= 0) p.setSeed(v);
            }}
          />
        </label>
        {p.method !== 'pca' && p.progress !== null ? (
          <progress aria-label="Projection progress" max={1} value={p.progress} />
        ) : null}
      </div>
      <p className="help" aria-live="polite" data-projection={p.method} data-projected-step={view?.step ?? ''}>
        {status}
        {status ? ' ' : ''}
        {props.timelineActive && p.method !== 'pca'
          ? 'The timeline replays the stored PCA snapshots; press Live to see this projection. '
          : ''}
        {EXPLAIN[p.method]}
      </p>
      {p.error ? (
        <p role="alert">
          {PROJECTION_TITLES[p.method]} failed: {p.error}
        </p>
      ) : null}
    </div>
  );
}
