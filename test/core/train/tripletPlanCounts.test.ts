/**
 * A triplet batch's easy / semi-hard / hard counts, as the plan's forward pass reports them, against the definitions
 * applied in JS (classifyTriplet on distanceJs of the same tower's embeddings): hard δ ≤ 0, semi-hard 0 < δ ≤ m,
 * easy δ > m, with δ = d(a,n) − d(a,p).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config';
import { distanceJs } from '../../../src/core/distances';
import { classifyTriplet } from '../../../src/core/mining';
import { buildTower } from '../../../src/core/model/towers';
import { TwinNetwork } from '../../../src/core/model/twin';
import { Rng } from '../../../src/core/rng';
import { tripletPlan } from '../../../src/core/train/batchPlans';
import { useCpuBackend } from '../../helpers/tf';

beforeAll(async () => {
  await useCpuBackend();
});

describe('triplet plan counts', () => {
  it('split every triplet of the batch into easy, semi-hard and hard by the margin, and count them all as mined', () => {
    const margin = 0.05;
    const config = makeConfig({
      objective: { loss: 'triplet', distance: 'euclidean', margin },
      model: { mlp: { hiddenUnits: [8] }, embeddingDim: 4 },
    });
    const net = new TwinNetwork(buildTower(config.model, { featureShape: [3], modality: 'tabular' }, 7));
    const rng = new Rng(3);
    const n = 40;
    const triplets = 60;
    const features = Float32Array.from({ length: n * 3 }, () => rng.next() * 2 - 1);
    const pick = () => Int32Array.from({ length: triplets }, () => Math.floor(rng.next() * n));
    const [anchor, positive, negative] = [pick(), pick(), pick()];
    const source = tf.tensor2d(features, [n, 3]);

    const plan = tripletPlan(
      { net, config, distanceContext: () => ({}) },
      anchor,
      positive,
      negative,
      source,
      new Int32Array(n),
    );
    const out = plan.forward(false);
    const [easy, semiHard, hard, mined] = Array.from(out.stats.dataSync());
    tf.dispose([out.loss, out.stats, out.distances]);

    const embedded = net.embedAll(source);
    const e = embedded.arraySync();
    embedded.dispose();
    const expected = { easy: 0, 'semi-hard': 0, hard: 0 };
    for (let t = 0; t < triplets; t++) {
      const dAP = distanceJs('euclidean', e[anchor[t]], e[positive[t]]);
      const dAN = distanceJs('euclidean', e[anchor[t]], e[negative[t]]);
      expected[classifyTriplet(dAP, dAN, margin)]++;
    }
    expect({ easy, 'semi-hard': semiHard, hard }).toEqual(expected);
    expect(mined).toBe(triplets);
    // Every category is present, so a swapped order or sign would show.
    expect(Math.min(easy, semiHard, hard)).toBeGreaterThan(0);
    expect(easy).not.toBe(hard);

    source.dispose();
    net.dispose();
  });
});
