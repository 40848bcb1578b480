/**
 * The inspect part of the worker protocol: neighbour lists, two-sample comparisons, queries by example and held-out
 * embedding readbacks. Joined into `Command` / `WorkerEvent` in index.ts. Every message carries the run it belongs
 * to and a `requestId`, so the UI keeps only the answer to its latest question.
 */
import type { DistanceName } from '../../core/config';
import type { QuerySample } from '../../core/data/query';
import type { SamplePreview } from './shared';

export type { QuerySample };

/** One listed neighbour: held-out point number (= scatter point and heldOut sample index), its class and distance. */
export interface NeighbourMessage {
  index: number;
  label: number;
  distance: number;
}

/** Where the verdict's threshold came from: the UI's slider, the config, or the best one of the last evaluation. */
export type ThresholdSource = 'chosen' | 'configured' | 'best';

export type InspectCommand =
  /** The k nearest held-out samples of held-out point `index`, in embedding space, with the run's distance. */
  | { type: 'neighbours'; runId: number; requestId: number; index: number; k: number }
  /** Distance of held-out points a and b, and the verification verdict at `threshold` (null: configured or best). */
  | { type: 'compare-samples'; runId: number; requestId: number; a: number; b: number; threshold: number | null }
  /** Embed a new sample with the current network: its k nearest held-out samples and its place on the PCA map. */
  | { type: 'query'; runId: number; requestId: number; sample: QuerySample; k: number }
  /** The held-out embeddings of the current step (for UMAP / t-SNE, and for tests that check neighbour lists). */
  | { type: 'get-embeddings'; runId: number; requestId: number };

export type InspectEvent =
  | {
      type: 'neighbours-result';
      runId: number;
      requestId: number;
      step: number;
      index: number;
      distance: DistanceName;
      neighbours: NeighbourMessage[];
    }
  | {
      type: 'sample-distance';
      runId: number;
      requestId: number;
      step: number;
      a: number;
      b: number;
      distanceName: DistanceName;
      distance: number;
      /** Null when no threshold is known yet (no evaluation). */
      threshold: number | null;
      thresholdSource: ThresholdSource | null;
      verdict: 'same' | 'different' | null;
    }
  | {
      type: 'query-result';
      runId: number;
      requestId: number;
      step: number;
      distance: DistanceName;
      neighbours: NeighbourMessage[];
      /** The query on the PCA map (null before the first snapshot). */
      coordinates: [number, number] | null;
      /** The sample as the network saw it (resized image, tokenised-and-decoded text, row). */
      sample: SamplePreview;
      /** Its embedding (length dim), so the list can be checked against the held-out embeddings. */
      embedding: Float32Array;
    }
  | {
      type: 'embeddings';
      runId: number;
      requestId: number;
      step: number;
      n: number;
      dim: number;
      /** n × dim, row-major, in snapshot order. */
      values: Float32Array;
      labels: Int32Array;
      distance: DistanceName;
      /** Mahalanobis runs: the whitening matrix W (dim × dim). */
      whitening?: Float32Array;
    }
  /** The question could not be answered (bad index, unusable sample): nothing else changed. */
  | { type: 'inspect-error'; runId: number; requestId: number; message: string };
