/**
 * scaleCollapseOf: which yardstick a run's configuration gives the scale-collapse check (the margin of a hinge loss,
 * the largest distance a bounded embedding allows), and that an untrained network (step 0) is never judged.
 * The check itself (thresholds, message wording) is covered in embedding.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type Config, makeConfig } from '../../../src/core/config';
import type { Metrics } from '../../../src/core/metrics/evaluate';
import { scaleCollapseOf } from '../../../src/core/metrics/scaleCollapse';

/** Every held-out pair at 0.001: squeezed by any yardstick, so the check reports the limit and names it. */
function squeezedMetrics(meanNorm = 1): Metrics {
  // scaleCollapseOf reads only the pair distances and the norms; the rest of an evaluation plays no part.
  return {
    positiveDistances: new Float32Array(20).fill(0.001),
    negativeDistances: new Float32Array(20).fill(0.001),
    norms: { mean: meanNorm },
  } as unknown as Metrics;
}

function config(objective: Partial<Config['objective']>, l2Normalize: boolean): Config {
  return makeConfig({ objective, model: { l2Normalize } });
}

describe('scaleCollapseOf', () => {
  const triplet = { loss: 'triplet', margin: 1, softMargin: false } as const;
  const softTriplet = { loss: 'triplet', margin: 1, softMargin: true } as const;

  it('judges no run at step 0 (an untrained network says nothing), and every run after it', () => {
    const c = config({ ...triplet, distance: 'euclidean' }, true);
    expect(scaleCollapseOf(squeezedMetrics(), c, 0)).toBeNull();
    expect(scaleCollapseOf(squeezedMetrics(), c, -1)).toBeNull();
    expect(scaleCollapseOf(squeezedMetrics(), c, 1)?.squeezed).toBe(true);
  });

  it('a hinge loss brings its margin: limit = half the margin when that is the larger yardstick', () => {
    const check = scaleCollapseOf(squeezedMetrics(), config({ ...triplet, distance: 'cosine' }, true), 5);
    expect(check?.limit).toBeCloseTo(0.5, 12);
    expect(check?.message).toContain('the margin is 1.00 and the largest cosine distance is 2.00');
    const contrastive = scaleCollapseOf(
      squeezedMetrics(),
      config({ loss: 'contrastive', margin: 0.6, distance: 'squared-euclidean' }, false),
      5,
    );
    expect(contrastive?.limit).toBeCloseTo(0.3, 12);
    expect(contrastive?.message).toContain('while the margin is 0.600.');
  });

  it('without a margin (soft-margin triplet) the scale of the embedding is the yardstick, named per distance', () => {
    const cases: Array<[Config['objective']['distance'], boolean, number, string, number]> = [
      ['cosine', false, 2, 'the largest cosine distance is 2.00', 1],
      ['euclidean', true, 2, "the unit sphere's diameter is 2.00", 1],
      ['euclidean', false, 20, 'twice the mean embedding norm is 20.0', 10],
      ['squared-euclidean', true, 4, "the unit sphere's squared diameter is 4.00", 1],
    ];
    for (const [distance, l2Normalize, scale, named, meanNorm] of cases) {
      const check = scaleCollapseOf(squeezedMetrics(meanNorm), config({ ...softTriplet, distance }, l2Normalize), 5);
      expect(check?.limit, distance).toBeCloseTo(0.05 * scale, 12);
      expect(check?.message, distance).toContain(`while ${named}.`);
      expect(check?.message, distance).not.toContain('the margin is');
      // The advice names L2 normalisation only when the embeddings are not normalised.
      expect(check?.message?.includes('L2 normalisation'), distance).toBe(!l2Normalize);
    }
  });

  it('an unbounded distance without a margin has no yardstick: never squeezed', () => {
    const check = scaleCollapseOf(
      squeezedMetrics(),
      config({ ...softTriplet, distance: 'squared-euclidean' }, false),
      5,
    );
    expect(check?.squeezed).toBe(false);
    expect(check?.limit).toBeNaN();
  });
});
