/** A run's history as the page holds it, made up for benchmarks: a progress point per step, an evaluation every 1,500. */
import type { ExperimentMetricsPoint, ExperimentProgressPoint } from '../../src/core/export/experiment';

/** Step i + 1's progress point (a triplet batch: it has easy / semi-hard / hard counts). */
export function progressPoint(i: number): ExperimentProgressPoint {
  return {
    step: i + 1,
    epoch: Math.floor(i / 600),
    loss: 1 / (i + 1),
    easy: 900 + (i % 7),
    semiHard: 40 + (i % 5),
    hard: 10 + (i % 3),
  };
}

/** The evaluations of a run of `points` steps. */
export function metricsPoints(points: number): ExperimentMetricsPoint[] {
  return Array.from({ length: Math.ceil(points / 1500) }, (_, i) => ({
    step: i * 1500,
    precisionAt1: 0.7,
    rPrecision: 0.5,
    mapAtR: 0.4,
    pairAccuracy: 0.8,
    auc: 0.9,
    validationLoss: 0.2,
    alignment: 0.8,
    uniformity: -3,
  }));
}
