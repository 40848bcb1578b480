/**
 * The learning rate of a run config reaches the optimiser the trainer steps with. One SGD step moves every weight
 * by exactly −lr·g; g is measured on the same first batch by a twin run (same seed, so same weights and batch) at a
 * reference rate, and the configured rate must scale that move exactly. An Adam first step moves each weight by
 * lr·|g|/(|g|+ε) ≈ lr whatever g is, which pins the absolute value too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../../src/cli/assets';
import { type Config, type DeepPartial, makeConfig } from '../../../src/core/config';
import { loadBuiltinDataset } from '../../../src/core/data/builtin';
import type { LabelledDataset } from '../../../src/core/data/dataset';
import { Trainer } from '../../../src/core/train/trainer';
import { useCpuBackend } from '../../helpers/tf';

let digits: LabelledDataset;

beforeAll(async () => {
  await useCpuBackend();
  digits = await loadBuiltinDataset('digits', nodeAssetReader());
});

const config = (optimizer: DeepPartial<Config>['optimizer']) =>
  makeConfig({
    seed: 5,
    data: { dataset: 'digits', evalSamples: 100 },
    model: { mlp: { hiddenUnits: [16] }, embeddingDim: 8 },
    batch: { size: 32, classesPerBatch: 8 },
    optimizer,
  });

/** Every weight's change over one training step, flattened. */
function firstStepMove(optimizer: DeepPartial<Config>['optimizer']): Float64Array {
  const trainer = Trainer.init(config(optimizer), digits);
  const flat = () => {
    const { tower, head } = trainer.exportModelWeights();
    return [...tower, ...head].flatMap((w) => Array.from(w.values));
  };
  const before = flat();
  trainer.step();
  const after = flat();
  trainer.dispose();
  return Float64Array.from(after, (v, i) => v - before[i]);
}

describe('the configured learning rate reaches the optimiser', () => {
  it('one SGD step moves each weight by −lr·g for the configured lr', () => {
    const reference = 0.5;
    const gradient = Array.from(firstStepMove({ name: 'sgd', learningRate: reference }), (d) => -d / reference);
    const largest = Math.max(...gradient.map(Math.abs));
    expect(largest, 'the first batch has a non-zero gradient').toBeGreaterThan(1e-3);
    for (const lr of [0.01, 0.2]) {
      const move = firstStepMove({ name: 'sgd', learningRate: lr });
      expect(move.length).toBe(gradient.length);
      // float32 weights: each move is exact up to rounding of the weight it was added to.
      let worst = 0;
      for (let i = 0; i < move.length; i++) worst = Math.max(worst, Math.abs(move[i] + lr * gradient[i]));
      expect(worst, `lr ${lr}: largest deviation from −lr·g`).toBeLessThan(1e-6 + 1e-4 * lr * largest);
    }
  });

  it('one Adam step moves every weight with a clear gradient by the configured lr', () => {
    const lr = 0.0123;
    const move = firstStepMove({ name: 'adam', learningRate: lr });
    const gradient = firstStepMove({ name: 'sgd', learningRate: 1 }).map((d) => -d);
    let checked = 0;
    for (let i = 0; i < move.length; i++) {
      if (Math.abs(gradient[i]) < 1e-3) continue;
      checked++;
      expect(Math.abs(move[i])).toBeCloseTo(lr, 5);
      expect(Math.sign(move[i])).toBe(-Math.sign(gradient[i]));
    }
    expect(checked).toBeGreaterThan(100);
  });
});
