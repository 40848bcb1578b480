/** The embedding view's controls and legends under the scatter: the triplet options and colours, the class colours. */
import { memo, type JSX } from 'react';
import { DEFAULT_LINK_COUNT } from '../scatter/links';
import { classColour, TRIPLET_COLOURS } from '../scatter/palette';

/**
 * The scatter's options and the triplet colours. Memoised, as is the class legend below: the view renders on every
 * hover and every training event, and neither changes then.
 */
export const ScatterOptions = memo(function ScatterOptions(props: {
  showTriplets: boolean;
  allTriplets: boolean;
  onShowTriplets(on: boolean): void;
  onAllTriplets(on: boolean): void;
}): JSX.Element {
  return (
    <div className="embedding-controls">
      <label>
        <input type="checkbox" checked={props.showTriplets} onChange={(e) => props.onShowTriplets(e.target.checked)} />{' '}
        Show mined triplets
      </label>
      <label>
        <input
          type="checkbox"
          checked={props.allTriplets}
          disabled={!props.showTriplets}
          onChange={(e) => props.onAllTriplets(e.target.checked)}
        />{' '}
        All of the batch (default: the {DEFAULT_LINK_COUNT} most informative)
      </label>
      <ul aria-label="Triplet colours" className="legend-inline">
        {(['easy', 'semi-hard', 'hard'] as const).map((key) => (
          <li key={key}>
            <span aria-hidden="true" className="legend-line" style={{ background: TRIPLET_COLOURS[key] }} /> {key}
          </li>
        ))}
        <li>solid: anchor→positive, dashed: anchor→negative; rimmed dots: the batch samples (hover one)</li>
      </ul>
    </div>
  );
});

/** The class colours (`<ul aria-label="Legend">`). */
export const ClassLegend = memo(function ClassLegend(props: { classNames: readonly string[] }): JSX.Element {
  return (
    <ul aria-label="Legend" className="embedding-legend">
      {props.classNames.map((name, i) => (
        <li key={`${i}-${name}`}>
          <span aria-hidden="true" className="legend-dot" style={{ background: classColour(i) }} />
          {name}
        </li>
      ))}
    </ul>
  );
});
