/**
 * The "Teach and inspect" part of the protocol (slow motion, margins and thresholds): what a snapshot carries about
 * the last batch's mining rules, and the held-out pair distances of an evaluation. They ride on the `snapshot` and
 * `metrics` events of training.ts. The worker builds them in ../teach.ts.
 */
import type { DistanceName, LossName } from '../../core/config';
import type { TripletRules } from '../../core/teach/triplets';

/** The fields of a snapshot's `batch` for the triplet inspector. */
export interface SnapshotBatchTeach {
  /** Training-set index of every batch position (split-input: of the sample whose halves these are). */
  sampleIndices: Int32Array;
  /**
   * Where a triplet's positive/negative column sits in `batch.coordinates`: coordinate row = offset + column.
   * 0 when anchors and candidates are the same batch rows; n for split-input (rows n… are the second halves).
   */
  candidateOffset: number;
  /** The rules the batch was mined and scored with. */
  rules: TripletRules;
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
  /** The run's margin; null for losses without one (core's `marginOf`). */
  margin: number | null;
}
