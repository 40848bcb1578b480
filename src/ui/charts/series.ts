/**
 * Pure chart-data builders: turn the compact run history into the ≤ 500-row tables the charts draw, so the
 * components stay thin and the shaping is testable in Node.
 */
import type { MetricsPoint, ProgressPoint } from '../../worker/protocol';
import { downsampleMinMax, downsampleMulti, MAX_CHART_POINTS, minMaxIndices, minMaxUnion } from './downsample';
import { ProgressColumns } from './progressColumns';
import { SmoothedSeries } from './smoothing';

/** One row of the loss chart: training loss and/or validation loss at a step. */
export interface LossRow {
  step: number;
  loss?: number;
  validationLoss?: number;
}

/**
 * Training loss (downsampled) merged with validation loss by step. Non-finite losses become gaps rather than
 * breaking the y axis.
 */
export function lossRows(
  points: readonly ProgressPoint[],
  validation: readonly MetricsPoint[],
  maxPoints: number = MAX_CHART_POINTS,
): LossRow[] {
  const byStep = new Map<number, LossRow>();
  for (const p of downsampleMinMax(points, (q) => q.loss, maxPoints)) {
    byStep.set(p.step, { step: p.step, loss: Number.isFinite(p.loss) ? p.loss : undefined });
  }
  const withValidation = validation.filter((m) => m.validationLoss !== null && Number.isFinite(m.validationLoss));
  for (const m of downsampleMinMax(withValidation, (q) => q.validationLoss as number, maxPoints)) {
    const row = byStep.get(m.step) ?? { step: m.step };
    row.validationLoss = m.validationLoss as number;
    byStep.set(m.step, row);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** One row of the metrics chart (null metrics left out so lines skip them). */
export interface MetricsRow {
  step: number;
  precisionAt1?: number;
  mapAtR?: number;
  pairAccuracy?: number;
}

/** P@1, MAP@R and pair accuracy by step, downsampled so each line keeps its extremes. */
export function metricsRows(metrics: readonly MetricsPoint[], maxPoints: number = MAX_CHART_POINTS): MetricsRow[] {
  const orNaN = (v: number | null) => (v === null ? NaN : v);
  const kept = downsampleMulti(
    metrics,
    [(m) => orNaN(m.precisionAt1), (m) => orNaN(m.mapAtR), (m) => orNaN(m.pairAccuracy)],
    maxPoints,
  );
  return kept.map((m) => {
    const row: MetricsRow = { step: m.step };
    if (m.precisionAt1 !== null) row.precisionAt1 = m.precisionAt1;
    if (m.mapAtR !== null) row.mapAtR = m.mapAtR;
    if (m.pairAccuracy !== null) row.pairAccuracy = m.pairAccuracy;
    return row;
  });
}

/** One row of the triplet-category chart. */
export interface TripletRow {
  step: number;
  easy: number;
  semiHard: number;
  hard: number;
}

/** Triplet category counts by step (steps without counts, i.e. pair batches, are skipped). */
export function tripletRows(points: readonly ProgressPoint[], maxPoints: number = MAX_CHART_POINTS): TripletRow[] {
  const history = ProgressColumns.of(points);
  const { countSteps, easy, semiHard, hard } = history;
  return Array.from(tripletIndices(history, maxPoints), (i) => ({
    step: countSteps[i],
    easy: easy[i],
    semiHard: semiHard[i],
    hard: hard[i],
  }));
}

/** The counted points the triplet chart draws: each category keeps its own extremes (downsampleMulti's rule). */
function tripletIndices(history: ProgressColumns, maxPoints: number): Int32Array {
  return minMaxUnion([history.easy, history.semiHard, history.hard], history.counted, maxPoints);
}

/**
 * The triplet chart's columns (the rows of {@link tripletRows}, not stacked) from the history's columns: hard,
 * semi-hard, easy, bottom to top as the chart stacks them.
 */
export function tripletColumns(history: ProgressColumns, maxPoints: number = MAX_CHART_POINTS): ChartColumns {
  const kept = tripletIndices(history, maxPoints);
  return {
    steps: Array.from(kept, (i) => history.countSteps[i]),
    series: [history.hard, history.semiHard, history.easy].map((column) =>
      Array.from(kept, (i) => finiteOrNull(column[i])),
    ),
  };
}

/** A chart value: the number when finite, else null (a gap in its line). */
function finiteOrNull(v: number): number | null {
  return v - v === 0 ? v : null;
}

/** Columns of a chart in uPlot's layout: the steps, then one value per step for each series (null: no value). */
export interface ChartColumns {
  steps: number[];
  series: (number | null)[][];
}

/** Most points the loss chart draws per series: the same budget as the other charts (bench/charts.ts). */
export const LOSS_CHART_POINTS = MAX_CHART_POINTS;

/**
 * The loss chart's columns: raw training loss, its debiased exponential moving average (smoothing.ts; computed on
 * the whole history before downsampling, so the curve is the same at any zoom), and validation loss, on one step
 * axis. The raw series is downsampled by min/max buckets (spikes kept) and the smoothed one read at the same steps.
 * Non-finite losses are gaps. `smoothing` 0 leaves the smoothed series equal to the raw one.
 */
export function lossColumns(
  points: readonly ProgressPoint[],
  validation: readonly MetricsPoint[],
  smoothing: number,
  maxPoints: number = LOSS_CHART_POINTS,
): ChartColumns {
  const history = ProgressColumns.of(points);
  const smoothed = new SmoothedSeries().update(history.loss, history.length, smoothing);
  return lossColumnsOf(history, smoothed, validation, maxPoints);
}

/**
 * {@link lossColumns} from the history's columns and the smoothed loss (entry i of `smoothed` is point i's), which
 * the loss chart keeps between redraws.
 */
export function lossColumnsOf(
  history: ProgressColumns,
  smoothed: Float64Array,
  validation: readonly MetricsPoint[],
  maxPoints: number = LOSS_CHART_POINTS,
): ChartColumns {
  const { loss: losses, steps: pointSteps } = history;
  const kept = minMaxIndices(losses.subarray(0, history.length), maxPoints);
  const withValidation = validation.filter((m) => m.validationLoss !== null && Number.isFinite(m.validationLoss));
  const checks = downsampleMinMax(withValidation, (q) => q.validationLoss as number, maxPoints);
  // Merge the two step-sorted lists (a step present in both gives one row).
  const steps: number[] = [];
  const raw: (number | null)[] = [];
  const smooth: (number | null)[] = [];
  const held: (number | null)[] = [];
  let a = 0;
  let b = 0;
  while (a < kept.length || b < checks.length) {
    const stepA = a < kept.length ? pointSteps[kept[a]] : Infinity;
    const stepB = b < checks.length ? checks[b].step : Infinity;
    const step = Math.min(stepA, stepB);
    steps.push(step);
    if (stepA === step) {
      raw.push(finiteOrNull(losses[kept[a]]));
      smooth.push(finiteOrNull(smoothed[kept[a]]));
      a++;
    } else {
      raw.push(null);
      smooth.push(null);
    }
    if (stepB === step) held.push(checks[b++].validationLoss as number);
    else held.push(null);
  }
  return { steps, series: [raw, smooth, held] };
}

/** Chart columns of rows (one series per key, missing values null). */
export function columnsOf<R extends { step: number }>(rows: readonly R[], keys: readonly (keyof R)[]): ChartColumns {
  return {
    steps: rows.map((r) => r.step),
    series: keys.map((k) =>
      rows.map((r) => {
        const v = r[k] as unknown;
        return typeof v === 'number' && Number.isFinite(v) ? v : null;
      }),
    ),
  };
}

/** Running sums of the columns (first series at the bottom), for stacked areas. */
export function stackColumns(columns: ChartColumns): ChartColumns {
  const total = columns.steps.map(() => 0);
  return {
    steps: columns.steps,
    series: columns.series.map((s) => s.map((v, i) => (total[i] += v ?? 0))),
  };
}

/** "Training loss 0.512, Validation loss 0.498 (step 1200)": the last finite value of every named series. */
export function columnsSummary(columns: ChartColumns, names: readonly string[]): string {
  const parts: string[] = [];
  let step: number | null = null;
  columns.series.forEach((s, k) => {
    for (let i = s.length - 1; i >= 0; i--) {
      const v = s[i];
      if (v !== null && Number.isFinite(v)) {
        parts.push(`${names[k]} ${formatValue(v)}`);
        step = Math.max(step ?? 0, columns.steps[i]);
        break;
      }
    }
  });
  return parts.length ? `${parts.join(', ')} (step ${step})` : 'no values yet';
}

/** A read-out value: integers as is, others with 3 significant digits (0.000123 → 1.23e-4). */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(3)));
}
