/**
 * The twin (Siamese) network: ONE tower applied to every branch, plus an optional learned head. Branches are
 * concatenated along the batch and run through the tower in a single call, so they share variables by
 * construction (there is no second copy that could drift) and batch-norm sees all of them at once.
 */
import * as tf from '@tensorflow/tfjs';
import type { PairHead } from './heads';
// Registers the custom layers, which extractTower() needs to load the tower back.
import './layers';

/** Samples embedded per tower call in embedAll: bounds peak memory on large evaluation sets. */
export const DEFAULT_EMBED_CHUNK = 256;

export class TwinNetwork {
  private disposed = false;

  constructor(
    readonly tower: tf.Sequential,
    readonly head?: PairHead,
  ) {}

  /** Output size of the tower. */
  get embeddingDim(): number {
    const shape = this.tower.outputs[0].shape;
    return shape[shape.length - 1] as number;
  }

  /** Embeds a batch [batch, ...featureShape] → [batch, embeddingDim]; training=true enables dropout/batch-norm updates. */
  embed(x: tf.Tensor, training: boolean): tf.Tensor2D {
    this.assertUsable();
    return tf.tidy(() => this.tower.apply(x, { training }) as tf.Tensor2D);
  }

  /** Both branches in one tower call (a and b concatenated along the batch, then split). */
  embedPair(a: tf.Tensor, b: tf.Tensor, training: boolean): [tf.Tensor2D, tf.Tensor2D] {
    return this.embedBranches([a, b], training) as [tf.Tensor2D, tf.Tensor2D];
  }

  /** Anchor, positive and negative branches in one tower call. */
  embedTriplet(a: tf.Tensor, p: tf.Tensor, n: tf.Tensor, training: boolean): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
    return this.embedBranches([a, p, n], training) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  }

  /** Every trainable variable (tower's + head's), for optimizer.minimize(varList): one set, whatever the branches. */
  trainableVariables(): tf.Variable[] {
    this.assertUsable();
    const towerVariables = this.tower.trainableWeights.map((w) => w.read() as tf.Variable);
    return [...towerVariables, ...(this.head?.variables ?? [])];
  }

  /**
   * The trained embedding network alone: a copy made by saving the tower to memory in the Layers format and
   * loading it back, so it shares no variable with training (and proves the tower serialises).
   */
  async extractTower(): Promise<tf.LayersModel> {
    this.assertUsable();
    let saved: tf.io.ModelArtifacts | null = null;
    await this.tower.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (!saved) throw new Error('internal: the tower was not saved');
    return tf.loadLayersModel(tf.io.fromMemory(saved));
  }

  /** Embeds many samples in fixed-size chunks (inference mode), returning one [n, dim] tensor. */
  embedAll(features: tf.Tensor, chunkSize = DEFAULT_EMBED_CHUNK): tf.Tensor2D {
    this.assertUsable();
    if (!Number.isInteger(chunkSize) || chunkSize < 1)
      throw new Error(`chunk size must be a positive whole number, got ${chunkSize}`);
    const n = features.shape[0];
    if (n === 0) return tf.zeros([0, this.embeddingDim]);
    if (n <= chunkSize) return this.embed(features, false);
    return tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      for (let start = 0; start < n; start += chunkSize) {
        const size = Math.min(chunkSize, n - start);
        // Each chunk's intermediates are freed at once; only its [size, dim] output lives until the concat.
        parts.push(
          tf.tidy(() => this.tower.apply(tf.slice(features, start, size), { training: false }) as tf.Tensor2D),
        );
      }
      return tf.concat(parts, 0);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tower.dispose();
    this.head?.dispose();
  }

  private embedBranches(branches: tf.Tensor[], training: boolean): tf.Tensor2D[] {
    this.assertUsable();
    const sizes = branches.map((t) => t.shape[0]);
    const sampleShape = branches[0].shape.slice(1).join(',');
    for (const t of branches) {
      if (t.shape.slice(1).join(',') !== sampleShape) {
        throw new Error(
          `every branch must hold samples of one shape, got [${branches.map((b) => `[${b.shape}]`).join(', ')}]`,
        );
      }
    }
    return tf.tidy(() => {
      const all = this.tower.apply(tf.concat(branches, 0), { training }) as tf.Tensor2D;
      return tf.split(all, sizes, 0) as tf.Tensor2D[];
    });
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('this twin network has been disposed');
  }
}
