/**
 * The common shape of the non-linear projections (UMAP, t-SNE): a layout that advances in small, bounded steps,
 * so whoever drives it (the projection worker) can yield between steps, report progress and stop at once when a
 * newer request arrives. PCA stays the default view and is computed by the trainer with each snapshot.
 */

/**
 * The projections the playground offers: `pca` and `lda` come with every snapshot (the trainer's stable PCA and LDA
 * planes), `umap` and `tsne` are computed by the projection worker.
 */
export const PROJECTIONS = ['pca', 'lda', 'umap', 'tsne'] as const;
export type ProjectionName = (typeof PROJECTIONS)[number];
/** Projections that are layouts computed on request (the others come with each snapshot). */
export type LayoutName = Exclude<ProjectionName, 'pca' | 'lda'>;

export function isLayout(name: ProjectionName): name is LayoutName {
  return name === 'umap' || name === 'tsne';
}

/** Human names, for selects and captions. */
export const PROJECTION_TITLES: Record<ProjectionName, string> = {
  pca: 'PCA',
  lda: 'LDA',
  umap: 'UMAP',
  tsne: 't-SNE',
};

/** What each picture keeps, one line each (shown next to the choice). */
export const PROJECTION_KEEPS: Record<ProjectionName, string> = {
  pca: 'keeps the most overall spread; an honest linear shadow of the embedding, clusters may overlap',
  lda: 'keeps the class separation: the linear shadow in which the classes stand furthest apart (uses the labels)',
  umap: 'keeps each point’s nearest neighbours; distances between clusters only roughly',
  tsne: 'keeps who is near whom; cluster sizes and the gaps between them mean little',
};

/** A 2-D layout computed in steps. */
export interface StepLayout {
  /** Does one bounded piece of work (tens of milliseconds at most for ≤ 2,000 points); true once finished. */
  step(): boolean;
  /** Fraction of the work done, 0 to 1. */
  readonly progress: number;
  /** The current positions, n × 2 row-major (a fresh array). */
  coordinates(): Float32Array;
}

/** Runs a layout to the end in one go (tests, Node). */
export function runToEnd(layout: StepLayout, maxSteps = 1_000_000): Float32Array {
  for (let i = 0; i < maxSteps; i++) if (layout.step()) return layout.coordinates();
  throw new Error(`the layout did not finish within ${maxSteps} steps`);
}
