/**
 * Pure chart-data builders: turn the compact run history into the ≤ 500-row tables the charts draw, so the
 * components stay thin and the shaping is testable in Node.
 */
import type { MetricsPoint, ProgressPoint } from '../../worker/protocol';
import { downsampleMinMax, downsampleMulti, MAX_CHART_POINTS } from './downsample';

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
  const withCounts = points.filter((p) => p.easy !== undefined || p.semiHard !== undefined || p.hard !== undefined);
  return downsampleMulti(withCounts, [(p) => p.easy ?? 0, (p) => p.semiHard ?? 0, (p) => p.hard ?? 0], maxPoints).map(
    (p) => ({ step: p.step, easy: p.easy ?? 0, semiHard: p.semiHard ?? 0, hard: p.hard ?? 0 }),
  );
}
