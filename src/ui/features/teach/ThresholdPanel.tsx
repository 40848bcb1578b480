/**
 * Margins and thresholds: histograms of the held-out positive-pair and negative-pair distances of the latest
 * evaluation with the margin marked, a movable verification threshold, accuracy/precision/recall at it (computed
 * here from those very distances), the ROC curve with its AUC and the best threshold.
 *
 * Cost on the page: two binary searches per threshold move and two 40-bin histograms per evaluation; the sorting
 * and summary of each evaluation's pairs (≤ 1 per second) run in a worker (pairSummary.ts). The charts
 * are small SVGs.
 */
import { memo, useEffect, useMemo, useState, type JSX } from 'react';
import { histogram, metricsAtThreshold, type PairSummary } from '../../../core/teach/threshold';
import type { VerificationAt } from '../../../core/metrics/verification';
import type { PairDistancesMessage } from '../../../worker/protocol';
import { TeX } from './TeX';
import { usePairSummary } from './pairSummary';
import './teach.css';

const BINS = 40;
const POSITIVE_COLOUR = '#1f6fb4';
const NEGATIVE_COLOUR = '#d9480f';

/** What a debug page (`?debug=1`) exposes for tests: the exact pair distances the view uses. */
export interface TeachDebugHook {
  pairDistances: { step: number; positive: number[]; negative: number[] } | null;
}

/** The page's debug namespace (shared with other features; each sets its own key). */
type DebugWindow = { __siamese?: Record<string, unknown> };

function fmt(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Right end of the distance axis: the largest distance (and the margin), with a little room. */
export function axisMax(summary: PairSummary, margin: number | null): number {
  const top = Math.max(summary.maxDistance, margin ?? 0);
  return top > 0 ? top * 1.02 : 1;
}

function Histograms(props: { pairs: PairDistancesMessage; hi: number; threshold: number; tall: boolean }): JSX.Element {
  const { pairs, hi, threshold } = props;
  const positive = useMemo(() => histogram(pairs.positive, BINS, 0, hi), [pairs, hi]);
  const negative = useMemo(() => histogram(pairs.negative, BINS, 0, hi), [pairs, hi]);
  const width = 520;
  const height = props.tall ? 280 : 180;
  const pad = { left: 8, right: 8, top: 16, bottom: 22 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  // Each kind as a share of its own pairs, so balanced or not the two shapes compare.
  const share = (counts: number[], total: number) => counts.map((c) => (total > 0 ? c / total : 0));
  const ps = share(positive, pairs.positive.length);
  const ns = share(negative, pairs.negative.length);
  const top = Math.max(...ps, ...ns, 1e-9);
  const x = (d: number) => pad.left + (Math.min(Math.max(d, 0), hi) / hi) * plotW;
  const barW = plotW / BINS;
  const bars = (values: number[], colour: string) =>
    values.map((v, k) =>
      v > 0 ? (
        <rect
          key={k}
          x={pad.left + k * barW}
          y={pad.top + plotH - (v / top) * plotH}
          width={Math.max(barW - 1, 1)}
          height={(v / top) * plotH}
          fill={colour}
          fillOpacity={0.55}
        />
      ) : null,
    );
  return (
    <svg
      role="img"
      aria-label="Pair distance histograms"
      viewBox={`0 0 ${width} ${height}`}
      className="teach-chart"
      data-positive-pairs={pairs.positive.length}
      data-negative-pairs={pairs.negative.length}
    >
      <title>Distances of same-class pairs (blue) and different-class pairs (orange)</title>
      {bars(ps, POSITIVE_COLOUR)}
      {bars(ns, NEGATIVE_COLOUR)}
      <line x1={pad.left} x2={pad.left + plotW} y1={pad.top + plotH} y2={pad.top + plotH} stroke="#555" />
      {[0, hi / 2, hi].map((t) => (
        <text
          key={t}
          x={x(t)}
          y={height - 6}
          fontSize={11}
          textAnchor={t === 0 ? 'start' : t === hi ? 'end' : 'middle'}
          fill="#333"
        >
          {fmt(t, 2)}
        </text>
      ))}
      {pairs.margin !== null ? (
        <g data-margin={pairs.margin}>
          <line
            x1={x(pairs.margin)}
            x2={x(pairs.margin)}
            y1={pad.top - 4}
            y2={pad.top + plotH}
            stroke="#6b21a8"
            strokeDasharray="5 3"
            strokeWidth={2}
          />
          <text
            x={x(pairs.margin) + (x(pairs.margin) > width * 0.8 ? -3 : 3)}
            y={pad.top + 6}
            fontSize={11}
            fill="#6b21a8"
            textAnchor={x(pairs.margin) > width * 0.8 ? 'end' : 'start'}
          >
            margin m
          </text>
        </g>
      ) : null}
      <g data-threshold={threshold}>
        <line x1={x(threshold)} x2={x(threshold)} y1={pad.top - 4} y2={pad.top + plotH} stroke="#111" strokeWidth={2} />
        <text
          x={x(threshold) + (x(threshold) > width * 0.8 ? -3 : 3)}
          y={pad.top + 20}
          fontSize={11}
          fill="#111"
          textAnchor={x(threshold) > width * 0.8 ? 'end' : 'start'}
        >
          threshold
        </text>
      </g>
    </svg>
  );
}

function RocChart(props: { summary: PairSummary; at: VerificationAt; tall: boolean }): JSX.Element {
  const size = props.tall ? 280 : 200;
  const pad = 24;
  const plot = size - 2 * pad;
  const px = (fpr: number) => pad + fpr * plot;
  const py = (tpr: number) => pad + (1 - tpr) * plot;
  const points = props.summary.roc
    .map((p) => `${px(p.falsePositiveRate).toFixed(1)},${py(p.truePositiveRate).toFixed(1)}`)
    .join(' ');
  const s = props.summary.sorted;
  const positives = s.positive.length + s.positiveNaN;
  const negatives = s.negative.length + s.negativeNaN;
  const tpr = positives > 0 ? props.at.truePositives / positives : 0;
  const fpr = negatives > 0 ? props.at.falsePositives / negatives : 0;
  return (
    <svg
      role="img"
      aria-label="ROC curve"
      viewBox={`0 0 ${size} ${size}`}
      className="teach-chart roc"
      style={{ maxWidth: size }}
    >
      <title>ROC curve: true-positive rate against false-positive rate as the threshold grows</title>
      <rect x={pad} y={pad} width={plot} height={plot} fill="none" stroke="#999" />
      <line x1={px(0)} y1={py(0)} x2={px(1)} y2={py(1)} stroke="#bbb" strokeDasharray="4 3" />
      <polyline points={points} fill="none" stroke={POSITIVE_COLOUR} strokeWidth={2} />
      <circle cx={px(fpr)} cy={py(tpr)} r={5} fill="#111" />
      <text x={pad} y={size - 6} fontSize={11}>
        false-positive rate →
      </text>
      <text x={4} y={pad - 8} fontSize={11}>
        ↑ true-positive rate
      </text>
    </svg>
  );
}

/** `<section aria-label="Distances and threshold">` (memoised: it changes only with an evaluation or the user). */
export const ThresholdPanel = memo(function ThresholdPanel(props: {
  pairs: PairDistancesMessage | null;
  debug: boolean;
  classroom: boolean;
  /** Told the user's threshold (null: follow the best one), so pair verdicts elsewhere use the same line. */
  onThreshold?(threshold: number | null): void;
}): JSX.Element {
  const { debug, classroom, onThreshold } = props;
  // The latest evaluation's pairs as soon as their summary (made in a worker) is ready; everything below
  // uses these pairs, so the numbers always belong together.
  const summarised = usePairSummary(props.pairs);
  const pairs = summarised.shown?.pairs ?? null;
  const summary = summarised.shown?.summary ?? null;
  /** The user's threshold; null = follow the best one. */
  const [chosen, setChosen] = useState<number | null>(null);
  const [typed, setTyped] = useState<string | null>(null);
  useEffect(() => onThreshold?.(chosen), [chosen, onThreshold]);

  useEffect(() => {
    if (!debug) return;
    const hook: TeachDebugHook = {
      pairDistances: pairs
        ? { step: pairs.step, positive: Array.from(pairs.positive), negative: Array.from(pairs.negative) }
        : null,
    };
    const w = window as unknown as DebugWindow;
    w.__siamese = { ...(w.__siamese ?? {}), teach: hook };
  }, [pairs, debug]);

  if (!pairs || !summary) {
    return (
      <section aria-label="Distances and threshold" className="panel threshold-panel">
        <h2>Distances and threshold</h2>
        <p className="help">
          After the first evaluation, the distances of held-out same-class and different-class pairs appear here.
        </p>
        {summarised.error ? <p role="alert">The pair distances could not be summarised: {summarised.error}</p> : null}
      </section>
    );
  }

  const hi = axisMax(summary, pairs.margin);
  const best = summary.best;
  const threshold = chosen ?? best?.threshold ?? hi / 2;
  const at = metricsAtThreshold(summary.sorted, threshold);
  const sliderStep = hi / 1000;
  const setThreshold = (value: number) => {
    if (Number.isFinite(value) && value >= 0) setChosen(value);
  };
  const typedInvalid = typed !== null && !(typed.trim() !== '' && Number.isFinite(Number(typed)) && Number(typed) >= 0);
  const metrics: [string, string, number][] = [
    ['accuracy', 'Accuracy', at.accuracy],
    ['precision', 'Precision', at.precision],
    ['recall', 'Recall', at.recall],
    ['f1', 'F1', at.f1],
  ];

  return (
    <section
      aria-label="Distances and threshold"
      className="panel threshold-panel"
      data-step={pairs.step}
      data-positive-pairs={pairs.positive.length}
      data-negative-pairs={pairs.negative.length}
    >
      <h2>Distances and threshold</h2>
      <p className="help">
        Held-out pairs at step {pairs.step}: {pairs.positive.length} same-class (blue) and {pairs.negative.length}{' '}
        different-class (orange), {pairs.distance} distance.{' '}
        {pairs.margin === null
          ? 'This loss has no margin.'
          : pairs.loss === 'contrastive'
            ? `The contrastive loss pushes different-class pairs out to at least the margin m = ${pairs.margin}.`
            : `In the triplet loss the margin m = ${pairs.margin} is a gap between an anchor's positive and negative distances, not a distance of its own; the line shows its length for scale.`}
      </p>
      <div className="threshold-charts">
        <figure className="histogram-figure">
          <Histograms pairs={pairs} hi={hi} threshold={threshold} tall={classroom} />
          <figcaption>
            <span className="swatch" aria-hidden="true" style={{ background: POSITIVE_COLOUR }} /> same-class pairs{' '}
            <span className="swatch" aria-hidden="true" style={{ background: NEGATIVE_COLOUR }} /> different-class pairs
            (each as a share of its kind), distance →
          </figcaption>
        </figure>
        <figure className="roc-figure">
          <RocChart summary={summary} at={at} tall={classroom} />
          <figcaption>
            AUC{' '}
            <span data-metric="auc" data-value={String(summary.auc)}>
              {fmt(summary.auc)}
            </span>
            : the chance that a random same-class pair is closer than a random different-class pair.
          </figcaption>
        </figure>
      </div>
      <div className="threshold-controls">
        <label>
          Verification threshold{' '}
          <input
            type="range"
            aria-label="Verification threshold"
            min={0}
            max={hi}
            step={sliderStep}
            value={threshold}
            onChange={(e) => {
              setTyped(null);
              setThreshold(Number(e.target.value));
            }}
          />
        </label>
        <label>
          Threshold value{' '}
          <input
            type="number"
            aria-label="Threshold value"
            min={0}
            step="any"
            value={typed ?? String(Number(threshold.toPrecision(6)))}
            aria-invalid={typedInvalid}
            onChange={(e) => {
              setTyped(e.target.value);
              const value = Number(e.target.value);
              if (e.target.value.trim() !== '' && Number.isFinite(value) && value >= 0) setChosen(value);
            }}
            onBlur={() => setTyped(null)}
          />
        </label>
        {typedInvalid ? <p role="alert">The threshold must be a distance: a number of 0 or more.</p> : null}
      </div>
      <p className="help">Pairs at a distance at or below the threshold are called “same”, the others “different”.</p>
      <dl
        aria-label="Threshold metrics"
        className="threshold-metrics"
        data-threshold={String(threshold)}
        data-step={pairs.step}
      >
        {metrics.map(([key, label, value]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-metric={key} data-value={String(value)}>
              {fmt(value)}
            </dd>
          </div>
        ))}
      </dl>
      <p className="confusion">
        Same-class pairs called same (TP) {at.truePositives}, missed (FN) {at.falseNegatives}; different-class pairs
        called same (FP) {at.falsePositives}, rightly different (TN) {at.trueNegatives}.
      </p>
      <div className="formula">
        <TeX
          tex={
            '\\text{accuracy} = \\frac{TP + TN}{N}, \\quad \\text{precision} = \\frac{TP}{TP + FP}, \\quad \\text{recall} = \\frac{TP}{TP + FN}'
          }
        />
        <p className="formula-words">
          Accuracy is the share of all pairs called right; precision, the share of “same” calls that really are the same
          class; recall, the share of same-class pairs that were called “same”.
        </p>
      </div>
      {best ? (
        <p>
          Best threshold: <span data-best-threshold={String(best.threshold)}>{fmt(best.threshold, 4)}</span> (accuracy{' '}
          {fmt(best.accuracy)}).{' '}
          <button
            type="button"
            onClick={() => {
              setTyped(null);
              setChosen(best.threshold);
            }}
          >
            Use best threshold
          </button>
        </p>
      ) : null}
    </section>
  );
});
