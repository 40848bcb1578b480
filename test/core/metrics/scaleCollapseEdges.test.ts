import { describe, expect, it } from 'vitest';
import { type Config, makeConfig } from '../../../src/core/config';
import type { Metrics } from '../../../src/core/metrics/evaluate';
import { scaleCollapseOf } from '../../../src/core/metrics/scaleCollapse';

/** Every held-out pair at 0.001, so any yardstick would call the embedding squeezed. */
const squeezed = {
  positiveDistances: new Float32Array(20).fill(0.001),
  negativeDistances: new Float32Array(20).fill(0.001),
  norms: { mean: 1 },
} as unknown as Metrics;

describe('scaleCollapseOf without a margin', () => {
  it('has no yardstick for Manhattan or Mahalanobis, normalised or not', () => {
    for (const distance of ['manhattan', 'mahalanobis'] as const)
      for (const l2Normalize of [true, false]) {
        const config: Config = makeConfig({
          objective: { loss: 'triplet', margin: 1, softMargin: true, distance },
          model: { l2Normalize },
        });
        const check = scaleCollapseOf(squeezed, config, 3);
        expect(check?.squeezed, `${distance}, l2Normalize ${l2Normalize}`).toBe(false);
        expect(check?.limit).toBeNaN();
      }
  });
});
