/**
 * The unseen-classes lesson's "Watch: …" claim, proven by its outcome as outcomes.test.ts proves the others: the
 * lesson's own configuration and step count, headless on WASM, seeds 1–5, the numbers its text names.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../../src/cli/assets';
import { selectNodeBackend } from '../../../src/cli/backend';
import { makeConfig } from '../../../src/core/config';
import { loadBuiltinDataset } from '../../../src/core/data/builtin';
import { findLesson, lessonConfig } from '../../../src/core/lessons/lessons';
import { Trainer } from '../../../src/core/train/trainer';
import type { Evaluation } from '../../../src/core/train/types';

const SEEDS = [1, 2, 3, 4, 5];

beforeAll(async () => {
  await selectNodeBackend('wasm');
});

async function run(seed: number): Promise<{ start: Evaluation; end: Evaluation }> {
  const lesson = findLesson('unseen-classes')!;
  const config = makeConfig({ seed }, lessonConfig(lesson));
  const trainer = Trainer.init(config, await loadBuiltinDataset(lesson.dataset, nodeAssetReader(), { seed }));
  try {
    const start = trainer.evaluate();
    for (let s = 0; s < config.training.steps; s++) trainer.step();
    return { start, end: trainer.evaluate() };
  } finally {
    trainer.dispose();
  }
}

describe('lesson unseen-classes: seen-class retrieval soars, unseen-class retrieval does not', () => {
  it.each(SEEDS)(
    'seed %i: MAP@R seen > 0.95, unseen below its start and < 0.45, > 0.5 apart; pair accuracy on unseen < 0.8',
    async (seed) => {
      const before = tf.memory().numTensors;
      const { start, end } = await run(seed);
      expect(end.protocol).toEqual({
        kind: 'unseen-classes',
        classes: [5, 6, 7, 8, 9],
        classNames: ['5', '6', '7', '8', '9'],
      });
      const seen = end.seen!.mapAtR;
      const unseen = end.metrics!.mapAtR;
      expect(seen).toBeGreaterThan(0.95);
      expect(unseen).toBeLessThan(start.metrics!.mapAtR);
      expect(unseen).toBeLessThan(0.45);
      expect(seen - unseen).toBeGreaterThan(0.5);
      // The threshold comes from the seen classes; on the unseen ones it is far from perfect.
      expect(end.metrics!.thresholdMetrics.threshold).toBe(end.seen!.threshold);
      expect(end.metrics!.thresholdMetrics.accuracy).toBeLessThan(0.8);
      expect(end.seen!.pairAccuracy).toBeGreaterThan(0.95);
      expect(tf.memory().numTensors).toBe(before);
    },
    300_000,
  );
});
