/**
 * Quality parity: the documented recipe must reach held-out MAP@R ≥ 0.50 and
 * P@1 ≥ 0.78 on the 2,000 Fashion-MNIST test images — what a plain PyTorch implementation of the same recipe
 * reaches at the same step count (bench/pytorch_parity.py: median P@1 0.807, MAP@R 0.626 over seeds 1–3).
 */
import { describe, expect, it } from 'vitest';
import { runTrain } from '../../src/cli/train';

describe('quality parity with a plain PyTorch implementation', () => {
  it('fashion-mnist, MLP, batch-all triplet, margin 0.2, 500 steps, seed 1', async () => {
    const lines: string[] = [];
    const summary = await runTrain(
      [
        '--dataset',
        'fashion-mnist',
        '--tower',
        'mlp',
        '--loss',
        'triplet',
        '--miner',
        'all',
        '--distance',
        'euclidean',
        '--margin',
        '0.2',
        '--steps',
        '500',
        '--seed',
        '1',
        '--eval-every',
        '0',
      ],
      (line) => lines.push(line),
    );
    expect(summary.steps).toBe(500);
    expect(summary.config.data.evalSamples).toBe(2000);
    expect(summary.metrics!.mapAtR).toBeGreaterThanOrEqual(0.5);
    expect(summary.metrics!.precisionAt1).toBeGreaterThanOrEqual(0.78);
  });
});
