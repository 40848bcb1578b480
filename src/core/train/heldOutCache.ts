/**
 * The run's one cache of held-out embeddings: the scatter's points (samples, halves a or pair sides a) embedded
 * with the current weights and read back once per weights version. A snapshot, an evaluation and any number of
 * inspect questions at the same step share one forward pass (a paused run is often asked many).
 */
import type { TwinNetwork } from '../model/twin';
import { heldOutInputs, type TrainingData } from './trainingData';

/** Held-out embeddings, n × dim row-major. Shared: callers read them and copy what they hand on. */
export interface HeldOutEmbeddings {
  readonly values: Float32Array;
  readonly n: number;
  readonly dim: number;
}

export class HeldOutCache {
  private cached: { version: number; embeddings: HeldOutEmbeddings } | null = null;

  /** The embeddings at weights `version` (the trainer bumps it on every change of weights). */
  get(net: TwinNetwork, data: TrainingData, version: number): HeldOutEmbeddings {
    if (this.cached?.version === version) return this.cached.embeddings;
    const e = net.embedAll(heldOutInputs(data));
    const values = e.dataSync() as Float32Array;
    const [n, dim] = e.shape;
    e.dispose();
    const embeddings = { values, n, dim };
    this.cached = { version, embeddings };
    return embeddings;
  }

  clear(): void {
    this.cached = null;
  }
}
