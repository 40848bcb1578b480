/**
 * Messages of the projection worker: a second, dedicated worker that computes UMAP and t-SNE layouts of held-out
 * embeddings, so neither the page nor the training loop waits for them. A newer `project` replaces the job in
 * progress (its answer would be stale anyway).
 */
import type { DistanceName } from '../../core/config';

/** The layouts this worker computes (PCA comes with every snapshot). */
export type LayoutMethod = 'umap' | 'tsne';

export type ProjectionCommand =
  | {
      type: 'project';
      jobId: number;
      method: LayoutMethod;
      seed: number;
      /** n × dim held-out embeddings, row-major. */
      values: Float32Array;
      n: number;
      dim: number;
      /** The run's distance: the layout ranks neighbours as it does. */
      distance: DistanceName;
      whitening?: Float32Array;
      /** t-SNE only: start from this earlier layout (n × 2), so live updates move smoothly. */
      initial?: Float32Array;
    }
  | { type: 'cancel'; jobId: number };

export type ProjectionEvent =
  | { type: 'projection-progress'; jobId: number; fraction: number }
  | {
      type: 'projected';
      jobId: number;
      coordinates: Float32Array;
      /** Mean share of each point's 10 nearest neighbours (embedding space) that are also its 10 nearest on the map. */
      preservation: number;
      milliseconds: number;
    }
  | { type: 'projection-error'; jobId: number; message: string };
