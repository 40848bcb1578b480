/**
 * The teach answers that ride on snapshots and metrics: the rules a batch was mined with, where a triplet's
 * candidates sit among the batch coordinates, each triplet's loss under the run's loss, and the held-out pair
 * distances of an evaluation (protocol/teach.ts has their shapes).
 */
import { marginOf, type Config } from '../core/config';
import type { Metrics } from '../core/metrics/evaluate';
import { tripletLossOf, type TripletRules } from '../core/teach/triplets';
import type { PairDistancesMessage, SnapshotBatchTeach } from './protocol';

/** The mining rules of a run, as the inspector shows them. */
export function rulesOf(config: Config): TripletRules {
  const o = config.objective;
  return { loss: o.loss, miner: config.mining.miner, distance: o.distance, margin: o.margin, softMargin: o.softMargin };
}

/** The pair distances of an evaluation's metrics (fresh arrays, safe to transfer), or null without metrics. */
export function pairDistancesOf(step: number, metrics: Metrics | null, config: Config): PairDistancesMessage | null {
  if (!metrics) return null;
  const o = config.objective;
  return {
    step,
    positive: Float32Array.from(metrics.positiveDistances),
    negative: Float32Array.from(metrics.negativeDistances),
    distance: o.distance,
    loss: o.loss,
    margin: marginOf(o),
  };
}

/**
 * The teach fields of a snapshot's batch: sample indices, where candidates sit among the batch coordinates, and the
 * mining rules. `batch.labels` has one entry per anchor row; split-input batches hold 2n coordinates (halves a,
 * then halves b), so their candidates start at n.
 */
export function snapshotBatchTeach(
  batch: { labels: Int32Array; sampleIndices: Int32Array; coordinates: Float32Array },
  config: Config,
): SnapshotBatchTeach {
  const rows = batch.coordinates.length / 2;
  const split = config.data.splitInput && rows === 2 * batch.labels.length;
  return {
    sampleIndices: batch.sampleIndices.slice(),
    candidateOffset: split ? batch.labels.length : 0,
    rules: rulesOf(config),
  };
}

/** The batch's triplets with each loss as the run's triplet loss computes it (soft margin included). */
export function tripletsWithRunLoss<T extends { dAP: number; dAN: number; loss: number }>(
  triplets: readonly T[],
  config: Config,
): T[] {
  const rules = rulesOf(config);
  return triplets.map((t) => ({ ...t, loss: tripletLossOf(t.dAP, t.dAN, rules) ?? t.loss }));
}
