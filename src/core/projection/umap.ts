/**
 * UMAP (McInnes, Healy & Melville, 2018) through umap-js, driven in steps and seeded.
 *
 * In words: connect every point to its `neighbours` nearest points with fuzzy weights, then lay the resulting
 * graph out in 2-D so that connected points attract and random pairs repel. Local neighbourhoods are kept well;
 * global distances between clusters are only roughly kept.
 *
 * umap-js takes its random source as a parameter, so our seeded generator drives every random choice (the
 * neighbour search's trees, the initial positions and the negative samples): the same input, options and seed give
 * the same layout. The first step builds the neighbour graph (the one step that cannot be split); each later step
 * runs a few optimisation epochs.
 */
import { UMAP } from 'umap-js';
import { Rng } from '../rng';
import type { StepLayout } from './layout';
import type { MetricSpace } from './metricSpace';

export interface UmapOptions {
  seed: number;
  /** Neighbours per point in the graph (default 15, at most n − 1). */
  neighbours?: number;
  /** How tightly points may pack in the layout (default 0.1). */
  minDist?: number;
  /** Optimisation epochs (default: umap-js's choice, 500 for ≤ 2,500 points, fewer for more). */
  epochs?: number;
}

/** Optimisation epochs per step (a few milliseconds each for a couple of thousand points). */
const EPOCHS_PER_STEP = 10;

/** A UMAP layout advanced by {@link UmapLayout.step}. */
export class UmapLayout implements StepLayout {
  private readonly umap: UMAP;
  private readonly rows: number[][];
  private totalEpochs = 0;
  private epoch = 0;
  private initialised = false;

  constructor(space: MetricSpace, options: UmapOptions) {
    const { n, dim, vectors } = space;
    if (n < 3) throw new Error(`UMAP needs at least 3 points, got ${n}`);
    const neighbours = Math.min(options.neighbours ?? 15, n - 1);
    if (!Number.isInteger(neighbours) || neighbours < 2)
      throw new Error(`UMAP needs at least 2 neighbours per point, got ${neighbours}`);
    const rng = new Rng(options.seed);
    this.umap = new UMAP({
      nComponents: 2,
      nNeighbors: neighbours,
      minDist: options.minDist ?? 0.1,
      nEpochs: options.epochs,
      random: () => rng.next(),
      distanceFn: space.metric === 'manhattan' ? manhattan : euclidean,
    });
    this.rows = Array.from({ length: n }, (_, i) => Array.from(vectors.subarray(i * dim, (i + 1) * dim)));
  }

  get progress(): number {
    if (!this.initialised) return 0;
    // The neighbour graph counts as the first 20 % of the work.
    return 0.2 + 0.8 * (this.totalEpochs > 0 ? this.epoch / this.totalEpochs : 1);
  }

  step(): boolean {
    if (!this.initialised) {
      this.totalEpochs = this.umap.initializeFit(this.rows);
      this.initialised = true;
      return this.totalEpochs === 0;
    }
    for (let k = 0; k < EPOCHS_PER_STEP && this.epoch < this.totalEpochs; k++) this.epoch = this.umap.step();
    return this.epoch >= this.totalEpochs;
  }

  coordinates(): Float32Array {
    const embedding = this.umap.getEmbedding();
    const out = new Float32Array(this.rows.length * 2);
    embedding.forEach((point, i) => {
      out[2 * i] = point[0];
      out[2 * i + 1] = point[1];
    });
    return out;
  }
}

function euclidean(a: number[], b: number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2;
  return Math.sqrt(s);
}

function manhattan(a: number[], b: number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += Math.abs(a[k] - b[k]);
  return s;
}
