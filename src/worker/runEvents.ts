/**
 * The events a run posts while it trains: progress (every step exactly once, batched), held-out metrics and 2-D
 * snapshots, each at a bounded rate on the host's clock so a fast loop cannot flood the page. Metrics and snapshots
 * cost far more than a step (an evaluation of the default demo about 15 steps, a snapshot about 5), so each also
 * keeps to a share of the training time (cadence.ts): the views thin out on a slow or loaded machine instead of
 * halving the training rate. `refresh` posts metrics and a snapshot at once (pause, step, a new run).
 */
import { scaleCollapseOf } from '../core/metrics/scaleCollapse';
import type { EvaluationPart } from '../core/train/evaluation';
import type { Trainer } from '../core/train/trainer';
import type { StepResult } from '../core/train/types';
import { Cadence } from './cadence';
import {
  METRICS_INTERVAL_MS,
  METRICS_MAX_INTERVAL_MS,
  METRICS_MAX_SHARE,
  PROGRESS_INTERVAL_MS,
  SNAPSHOT_INTERVAL_MS,
  SNAPSHOT_MAX_INTERVAL_MS,
  SNAPSHOT_MAX_SHARE,
} from './host';
import type { Inspector } from './inspect';
import type { MetricsPoint, ProgressPoint, WorkerEvent } from './protocol';
import { pairDistancesOf, snapshotBatchTeach, tripletsWithRunLoss } from './teach';

export class RunEvents {
  private pending: ProgressPoint[] = [];
  private lastProgressAt = 0;
  private lastMetricsStep = 0;
  private readonly snapshots = new Cadence(SNAPSHOT_INTERVAL_MS, SNAPSHOT_MAX_SHARE, SNAPSHOT_MAX_INTERVAL_MS);
  private readonly evaluations = new Cadence(METRICS_INTERVAL_MS, METRICS_MAX_SHARE, METRICS_MAX_INTERVAL_MS);
  private progressEvents = 0;

  constructor(
    private readonly now: () => number,
    private readonly post: (event: WorkerEvent) => void,
    /** Hears every evaluation (its best threshold answers later comparisons). */
    private readonly inspector: Inspector,
  ) {}

  /** A new or reopened run at `step`: nothing of the previous run is pending. */
  startRun(step: number): void {
    this.pending = [];
    this.lastMetricsStep = step;
  }

  /** The loop starts: the first progress event's rate counts from here. */
  loopStarted(): void {
    this.lastProgressAt = this.now();
  }

  record(result: StepResult): void {
    const point: ProgressPoint = { step: result.step, epoch: result.epoch, loss: result.loss };
    if (result.counts) {
      point.easy = result.counts.easy;
      point.semiHard = result.counts.semiHard;
      point.hard = result.counts.hard;
    }
    this.pending.push(point);
  }

  /** Forgets steps after `step` (a run resumed from a checkpoint takes them again). */
  dropAfter(step: number): void {
    this.pending = this.pending.filter((p) => p.step <= step);
  }

  /** The bounded-rate events between slices. */
  afterSlice(trainer: Trainer, runId: number): void {
    const now = this.now();
    if (now - this.lastProgressAt >= PROGRESS_INTERVAL_MS) this.flushProgress(runId);
    const every = trainer.config.training.evalEvery;
    if (every > 0 && trainer.steps - this.lastMetricsStep >= every && this.evaluations.due(now))
      this.postMetrics(trainer, runId);
    if (this.snapshots.due(this.now())) this.postSnapshot(trainer, runId);
  }

  /** What the live views have cost so far (debug counters: the benchmark reads them from the worker). */
  get totals(): {
    progressEvents: number;
    snapshots: { runs: number; ms: number };
    metrics: { runs: number; ms: number };
  } {
    return { progressEvents: this.progressEvents, snapshots: this.snapshots.totals, metrics: this.evaluations.totals };
  }

  /** Metrics and snapshot now. */
  refresh(trainer: Trainer, runId: number): void {
    this.flushProgress(runId);
    this.postMetrics(trainer, runId);
    this.postSnapshot(trainer, runId);
  }

  /** The run stopped itself at a non-finite loss: its last steps, then why and what to try. */
  halted(trainer: Trainer, runId: number, reason: { step: number; message: string }): void {
    this.flushProgress(runId);
    const c = trainer.config;
    const suggestion =
      `lower the learning rate (now ${c.optimizer.learningRate})` +
      (c.model.l2Normalize ? '' : ' or turn on L2 normalisation') +
      ', then press Reset';
    this.post({ type: 'halted', runId, step: reason.step, reason: reason.message, suggestion });
  }

  flushProgress(runId: number): void {
    if (this.pending.length === 0) return;
    const now = this.now();
    const elapsed = Math.max(now - this.lastProgressAt, 1);
    const points = this.pending;
    this.pending = [];
    const stepsPerSecond = (points.length * 1000) / elapsed;
    this.lastProgressAt = now;
    this.progressEvents++;
    this.post({ type: 'progress', runId, points, stepsPerSecond });
  }

  private postMetrics(trainer: Trainer, runId: number): void {
    const start = this.now();
    const parts: Record<EvaluationPart, number> = { embed: 0, validation: 0, metrics: 0, geometry: 0 };
    const evaluation = trainer.evaluate((part, run) => {
      const from = this.now();
      try {
        return run();
      } finally {
        parts[part] += this.now() - from;
      }
    });
    const evaluationMs = this.now() - start;
    this.inspector.noteEvaluation(trainer, evaluation);
    const m = evaluation.metrics;
    const p = evaluation.pairs;
    const metrics: MetricsPoint = {
      step: evaluation.step,
      precisionAt1: m ? finiteOrNull(m.precisionAt1) : null,
      rPrecision: m ? finiteOrNull(m.rPrecision) : null,
      mapAtR: m ? finiteOrNull(m.mapAtR) : null,
      // Unseen-class protocol: accuracy at the threshold chosen on the seen classes, never one tuned on the unseen.
      pairAccuracy: m
        ? finiteOrNull(evaluation.seen ? m.thresholdMetrics.accuracy : m.pairAccuracy)
        : p
          ? finiteOrNull(p.accuracy)
          : null,
      auc: m ? finiteOrNull(m.auc) : p ? finiteOrNull(p.auc) : null,
      validationLoss: finiteOrNull(evaluation.validationLoss),
    };
    if (evaluation.geometry) {
      metrics.alignment = finiteOrNull(evaluation.geometry.alignment);
      metrics.uniformity = finiteOrNull(evaluation.geometry.uniformity);
    }
    if (evaluation.seen) metrics.seenMapAtR = finiteOrNull(evaluation.seen.mapAtR);
    // A full collapse says the most; otherwise a scale collapse (every distance a sliver of the margin) is warned of.
    const warning = m
      ? (m.collapse.message ?? scaleCollapseOf(m, trainer.config, evaluation.step)?.message)
      : undefined;
    if (warning) metrics.collapseWarning = warning;
    this.lastMetricsStep = trainer.steps;
    this.post({
      type: 'metrics',
      runId,
      metrics,
      pairDistances: pairDistancesOf(evaluation.step, m, trainer.config),
      evaluationMs,
      evaluationParts: parts,
    });
    this.evaluations.ran(start, this.now());
  }

  private postSnapshot(trainer: Trainer, runId: number): void {
    const start = this.now();
    const s = trainer.snapshot();
    this.post({
      type: 'snapshot',
      runId,
      step: s.step,
      coordinates: s.coordinates,
      labels: s.labels,
      batch: s.batch
        ? {
            coordinates: s.batch.coordinates,
            labels: s.batch.labels,
            triplets: tripletsWithRunLoss(s.batch.triplets, trainer.config),
            ...snapshotBatchTeach(s.batch, trainer.config),
          }
        : null,
      lda: s.lda,
    });
    this.snapshots.ran(start, this.now());
  }
}

function finiteOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}
