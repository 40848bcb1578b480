/**
 * Slow motion: the last batch's mined triplets, one row each — who the anchor, positive and negative are, their two
 * embedding-space distances, the margin, the triplet's loss, its category and the miner's decision in words.
 * Selecting a row highlights that triplet on the scatter (anchor ring, margin ring). Shown when stepping or at
 * 3 steps/s or slower; at full speed it only says how to get there (the rows would change faster than anyone reads).
 */
import { memo, useMemo, type JSX } from 'react';
import { inspectTriplets, minerRule, type InspectedTriplet } from '../../../core/teach/triplets';
import type { SnapshotMessage } from '../../../worker/protocol';
import type { ScatterFocus } from '../../scatter/focus';
import { TRIPLET_COLOURS } from '../../scatter/palette';
import './teach.css';

/** Rows listed at most (the rest are counted). */
export const INSPECTOR_ROWS = 100;

/** Speeds (steps/s) at which the inspector shows its rows while training runs. */
export const SLOW_MOTION_MAX_STEPS_PER_SECOND = 3;

/** The inspector's rows for a snapshot (empty without a batch or rules). */
export function inspectorRows(snapshot: SnapshotMessage | null): InspectedTriplet[] {
  const batch = snapshot?.batch;
  if (!batch?.rules) return [];
  return inspectTriplets(batch.triplets, batch.rules);
}

/** The scatter highlight of row `index`: coordinate rows (candidates offset for split-input) and the two radii. */
export function focusOf(
  snapshot: SnapshotMessage | null,
  rows: readonly InspectedTriplet[],
  index: number | null,
): ScatterFocus | null {
  if (index === null || !snapshot?.batch || index < 0 || index >= rows.length) return null;
  const r = rows[index];
  const offset = snapshot.batch.candidateOffset ?? 0;
  return {
    anchor: r.anchor,
    positive: offset + r.positive,
    negative: offset + r.negative,
    category: r.category,
    positiveRadius: r.dAP,
    marginRadius: r.dAP + r.margin,
  };
}

function fmt(value: number | null): string {
  if (value === null) return '–';
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

/** `<section aria-label="Triplet inspector">` (memoised: the page re-renders on every progress event). */
export const TripletInspector = memo(function TripletInspector(props: {
  snapshot: SnapshotMessage | null;
  rows: readonly InspectedTriplet[];
  classNames: readonly string[];
  /** False while training runs faster than slow motion. */
  slow: boolean;
  selected: number | null;
  onSelect(index: number | null): void;
}): JSX.Element {
  const { snapshot, rows, classNames, slow, selected } = props;
  const batch = snapshot?.batch ?? null;
  const rules = batch?.rules ?? null;
  const split = (batch?.candidateOffset ?? 0) > 0;
  const counts = useMemo(() => {
    const c = { hard: 0, 'semi-hard': 0, easy: 0 };
    for (const r of rows) c[r.category]++;
    return c;
  }, [rows]);

  const who = (position: number, candidate: boolean): string => {
    const label = batch?.labels[position];
    const name = label === undefined ? '?' : (classNames[label] ?? `class ${label}`);
    const id = batch?.sampleIndices?.[position];
    const half = split ? (candidate ? ' · 2nd half' : ' · 1st half') : '';
    return `${id === undefined ? `#${position}` : `sample ${id}`}${half} (${name})`;
  };

  let body: JSX.Element;
  if (!slow) {
    body = (
      <p className="help">
        Set the speed to {SLOW_MOTION_MAX_STEPS_PER_SECOND} steps/s or slower, or pause and press Step, to see each
        batch's triplets.
      </p>
    );
  } else if (!batch) {
    body = <p className="help">Press Step to train one batch and see which triplets the miner picked.</p>;
  } else if (!rules || batch.triplets.length === 0) {
    body = (
      <p className="help">
        {rules?.loss && rules.loss !== 'triplet' && batch.triplets.length === 0
          ? `This run trains the ${rules.loss} loss on pairs, so its batches have no triplets to show.`
          : 'The miner picked no triplet in this batch.'}
      </p>
    );
  } else {
    const shown = rows.slice(0, INSPECTOR_ROWS);
    body = (
      <>
        <p>
          {minerRule(rules.miner)}{' '}
          {rules.loss === 'triplet'
            ? rules.softMargin
              ? 'Loss per triplet: log(1 + exp(d(a,p) − d(a,n))) (soft margin).'
              : 'Loss per triplet: max(d(a,p) − d(a,n) + m, 0).'
            : `This run trains the ${rules.loss} loss; the triplets show how the miner sorts the batch (no triplet loss).`}
        </p>
        <p className="help">
          Distances are {rules.distance} distances in the embedding space, measured on this batch before this step's
          update — the numbers the miner decided on. The rings on the scatter (d(a,p) dotted, d(a,p) + m solid) draw
          those true distances in the 2-D projection: exact only for a 2-D Euclidean embedding, an illustration
          otherwise.
        </p>
        <p data-counts="" aria-live="polite">
          Step {snapshot!.step}: {rows.length} triplet{rows.length === 1 ? '' : 's'} — hard {counts.hard}, semi-hard{' '}
          {counts['semi-hard']}, easy {counts.easy}
          {rows.length > shown.length ? ` (listing the first ${shown.length})` : ''}.
        </p>
        <div className="inspector-table">
          <table aria-label="Mined triplets" data-step={snapshot!.step}>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Anchor</th>
                <th scope="col">Positive</th>
                <th scope="col">Negative</th>
                <th scope="col">d(a,p)</th>
                <th scope="col">d(a,n)</th>
                <th scope="col">m</th>
                <th scope="col">Loss</th>
                <th scope="col">Miner's decision</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r, k) => (
                <tr
                  key={k}
                  className={selected === k ? 'selected' : undefined}
                  data-category={r.category}
                  data-dap={String(r.dAP)}
                  data-dan={String(r.dAN)}
                  data-margin={String(r.margin)}
                  data-loss={r.loss === null ? '' : String(r.loss)}
                >
                  <td>
                    <button
                      type="button"
                      aria-pressed={selected === k}
                      aria-label={`Show triplet ${k + 1} on the scatter`}
                      onClick={() => props.onSelect(selected === k ? null : k)}
                    >
                      {k + 1}
                    </button>
                  </td>
                  <td>{who(r.anchor, false)}</td>
                  <td>{who(r.positive, true)}</td>
                  <td>{who(r.negative, true)}</td>
                  <td>{fmt(r.dAP)}</td>
                  <td>{fmt(r.dAN)}</td>
                  <td>{fmt(r.margin)}</td>
                  <td>{fmt(r.loss)}</td>
                  <td>
                    <span
                      className="category-swatch"
                      aria-hidden="true"
                      style={{ background: TRIPLET_COLOURS[r.category] }}
                    />{' '}
                    {r.decision}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>
    );
  }
  return (
    <section aria-label="Triplet inspector" className="panel triplet-inspector" data-slow={slow ? 'true' : 'false'}>
      <h2>Triplet inspector</h2>
      {body}
    </section>
  );
});

/** The inspector's rows of the current snapshot and the scatter highlight of the picked row (memoised). */
export function useTripletInspection(
  snapshot: SnapshotMessage | null,
  picked: number | null,
  slow: boolean,
): { rows: InspectedTriplet[]; focus: ScatterFocus | null } {
  const rows = useMemo(() => inspectorRows(snapshot), [snapshot]);
  const focus = useMemo(() => (slow ? focusOf(snapshot, rows, picked) : null), [slow, snapshot, rows, picked]);
  return { rows, focus };
}
