/**
 * Checkpoints of a run's weights (batch-norm statistics included), taken on pause, step, load and every
 * CHECKPOINT_INTERVAL_MS while training. A backend switch, or the recovery from a lost WebGL context, rebuilds the
 * run on the new backend from the last one, so it loses at most that interval of steps.
 */
import type { ModelWeights } from '../core/export/weights';
import { Trainer } from '../core/train/trainer';
import { CHECKPOINT_INTERVAL_MS } from './host';

export class Checkpoints {
  private saved: { weights: ModelWeights; step: number } | null = null;
  private lastAt = 0;

  constructor(private readonly now: () => number) {}

  take(trainer: Trainer): void {
    this.saved = { weights: trainer.exportModelWeights(), step: trainer.steps };
    this.lastAt = this.now();
  }

  /** A new run starts without one. */
  clear(): void {
    this.saved = null;
  }

  /** Whether the periodic checkpoint is due. */
  get due(): boolean {
    return this.now() - this.lastAt >= CHECKPOINT_INTERVAL_MS;
  }

  /** The step of the last checkpoint (0 without one). */
  get step(): number {
    return this.saved?.step ?? 0;
  }

  /** The run of `old` rebuilt on the active backend from the last checkpoint; null without one. */
  rebuild(old: Trainer): Trainer | null {
    if (!this.saved) return null;
    const trainer = Trainer.init(old.config, old.dataset);
    trainer.importModelWeights(this.saved.weights, this.saved.step, 'the checkpoint');
    return trainer;
  }
}
