import type { EvaluationProtocol } from '../data/unseen';
import type { Metrics } from '../metrics/evaluate';
import type { Geometry } from '../metrics/geometry';
import type { MinedTriplet } from '../mining';

/** Easy / semi-hard / hard triplet counts of one batch (δ = d(a,n) − d(a,p); see docs/ARCHITECTURE.md, Definitions). */
export interface TripletCounts {
  easy: number;
  semiHard: number;
  hard: number;
}

/** What one optimiser step reports. */
export interface StepResult {
  /** 1-based number of this step. */
  step: number;
  /** Completed passes over the training data. */
  epoch: number;
  loss: number;
  /** Over all valid triplets of the batch (null for losses/batches without triplets, e.g. explicit pair files). */
  counts: TripletCounts | null;
  /** Triplets (or pairs) the miner selected and that entered the loss. */
  mined: number;
  /** Plain-language note, e.g. "no valid triplet in this batch: loss 0". */
  note?: string;
}

/** Why a run stopped by itself. */
export interface StopReason {
  step: number;
  /** Short machine-readable cause. */
  code: 'non-finite-loss';
  /** One sentence saying what happened and what to try. */
  message: string;
}

/** A mined triplet of the last batch, in positions of that batch (see Snapshot.batch). */
export type SnapshotTriplet = MinedTriplet;

/** 2-D view of the embedding space at one step. */
export interface Snapshot {
  step: number;
  /** Held-out points: n×2 coordinates (row-major), their labels and their indices in the held-out set. */
  coordinates: Float32Array;
  labels: Int32Array;
  indices: Int32Array;
  /** Split-input runs: 1 where the held-out sample is atypical (its halves do not belong together). */
  atypical?: Uint8Array;
  /** The last training batch, projected with the same basis, with the triplets its miner picked. */
  batch: {
    coordinates: Float32Array;
    labels: Int32Array;
    /** Indices of the batch's samples in the training set (split-input: anchors are halves a, the rest halves b). */
    sampleIndices: Int32Array;
    triplets: SnapshotTriplet[];
  } | null;
  /**
   * The same points in the stable LDA plane (the view that separates the classes; projection/lda.ts), the batch
   * with the same plane; null when the held-out set has fewer than two classes.
   */
  lda: SnapshotLda | null;
}

/** A snapshot's LDA view: held-out points (n×2) and the last batch (null without one). */
export interface SnapshotLda {
  coordinates: Float32Array;
  batchCoordinates: Float32Array | null;
}

/** Held-out evaluation at one step. */
export interface Evaluation {
  step: number;
  /** Retrieval + verification metrics (labelled data; split-input: matching halves). */
  metrics: Metrics | null;
  /** Explicit pair files: verification only. */
  pairs: { auc: number; accuracy: number; threshold: number; meanSquaredError?: number } | null;
  /** Mean loss over a fixed held-out batch, comparable to the training loss. */
  validationLoss: number | null;
  /** Which classes `metrics` are about (unseen-class protocol: only the held-out classes). */
  protocol: EvaluationProtocol;
  /**
   * Unseen-class protocol: retrieval on held-out samples of the training classes, and the verification threshold
   * chosen there (the one `metrics.thresholdMetrics` applies to the unseen classes); null otherwise.
   */
  seen: SeenClassMetrics | null;
  /** Alignment and uniformity of the held-out embedding `metrics` describe; null for pair files. */
  geometry: Geometry | null;
}

/** Retrieval of the seen classes' held-out samples, next to the unseen-class metrics. */
export interface SeenClassMetrics {
  precisionAt1: number;
  rPrecision: number;
  mapAtR: number;
  /** Best-accuracy verification threshold on seen-class pairs (or the configured one). */
  threshold: number;
  /** Accuracy at that threshold on the seen-class pairs. */
  pairAccuracy: number;
}
