/**
 * The additive parts of the protocol behind "Teach and inspect" (slow motion, margins and thresholds): what a
 * snapshot carries about the last batch's mining rules, and the held-out pair distances of an evaluation.
 * Both ride on existing events (`snapshot`, `metrics`) as optional fields, so older consumers are unaffected.
 */
import type { Config, DistanceName, LossName } from '../core/config';
import type { Metrics } from '../core/metrics/evaluate';
import { tripletLossOf, type TripletRules } from '../core/teach/triplets';

/** Extra fields of a snapshot's `batch` for the triplet inspector. */
export interface SnapshotBatchTeach {
  /** Training-set index of every batch position (split-input: of the sample whose halves these are). */
  sampleIndices?: Int32Array;
  /**
   * Where a triplet's positive/negative column sits in `batch.coordinates`: coordinate row = offset + column.
   * 0 when anchors and candidates are the same batch rows; n for split-input (rows n… are the second halves).
   */
  candidateOffset?: number;
  /** The rules the batch was mined and scored with. */
  rules?: TripletRules;
}

/**
 * Held-out pair distances of one evaluation (the same balanced sample the ROC/AUC/pair accuracy use), so the UI
 * can draw histograms and recompute accuracy at any threshold. Arrays are transferred.
 */
export interface PairDistancesMessage {
  step: number;
  /** Distances of same-class pairs (split-input: a sample's own two halves). */
  positive: Float32Array;
  /** Distances of different-class pairs. */
  negative: Float32Array;
  distance: DistanceName;
  loss: LossName;
  /** The run's margin; null for losses without one (binary, cosine-regression, InfoNCE). */
  margin: number | null;
}

/** Losses that have a margin m (and so a margin line on the distance histograms). */
const MARGIN_LOSSES: readonly LossName[] = ['contrastive', 'triplet'];

/** The mining rules of a run, as the inspector shows them. */
export function rulesOf(config: Config): TripletRules {
  const o = config.objective;
  return { loss: o.loss, miner: config.mining.miner, distance: o.distance, margin: o.margin, softMargin: o.softMargin };
}

/** The pair distances of an evaluation's metrics (fresh arrays, safe to transfer), or undefined without metrics. */
export function pairDistancesOf(
  step: number,
  metrics: Metrics | null,
  config: Config,
): PairDistancesMessage | undefined {
  if (!metrics) return undefined;
  const o = config.objective;
  return {
    step,
    positive: Float32Array.from(metrics.positiveDistances),
    negative: Float32Array.from(metrics.negativeDistances),
    distance: o.distance,
    loss: o.loss,
    margin: MARGIN_LOSSES.includes(o.loss) && !(o.loss === 'triplet' && o.softMargin) ? o.margin : null,
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

/** Buffers of the teach fields to transfer with an event. */
export function teachTransferables(event: {
  type: string;
  batch?: SnapshotBatchTeach | null;
  pairDistances?: PairDistancesMessage;
}): ArrayBufferView[] {
  const out: ArrayBufferView[] = [];
  if (event.batch?.sampleIndices) out.push(event.batch.sampleIndices);
  if (event.pairDistances) out.push(event.pairDistances.positive, event.pairDistances.negative);
  return out;
}
