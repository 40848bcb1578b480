/**
 * Slow motion: the inspector's categories, losses and sentences follow the miner's own definitions (docs/ARCHITECTURE.md:
 * δ = d(a,n) − d(a,p) in float32; hard δ ≤ 0, semi-hard 0 < δ ≤ m, easy δ > m), checked with plain loops over
 * embeddings, at the boundaries, and on real Trainer snapshots for every miner.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../../src/cli/assets';
import { makeConfig, type Config, type DeepPartial, type MinerName } from '../../../src/core/config';
import { loadBuiltinDataset } from '../../../src/core/data/builtin';
import type { LabelledDataset } from '../../../src/core/data/dataset';
import { pairwiseDistancesJs } from '../../../src/core/distances';
import { mineTripletsJs } from '../../../src/core/mining/js';
import { Rng } from '../../../src/core/rng';
import {
  decisionSentence,
  inspectTriplets,
  minerAllows,
  minerRule,
  tripletCategory,
  tripletLossOf,
  type TripletRules,
} from '../../../src/core/teach/triplets';
import { Trainer } from '../../../src/core/train/trainer';
import { useCpuBackend } from '../../helpers/tf';

/** The definition, written out: δ in float32 as the miners compute it. */
function categoryByDefinition(dAP: number, dAN: number, margin: number): 'hard' | 'semi-hard' | 'easy' {
  const delta = Math.fround(dAN - dAP);
  const m = Math.fround(margin);
  if (delta <= 0) return 'hard';
  if (delta <= m) return 'semi-hard';
  return 'easy';
}

function plainDistance(kind: 'euclidean' | 'cosine', x: Float32Array, dim: number, i: number, j: number): number {
  let dot = 0;
  let ni = 0;
  let nj = 0;
  let sq = 0;
  for (let k = 0; k < dim; k++) {
    const a = x[i * dim + k];
    const b = x[j * dim + k];
    dot += a * b;
    ni += a * a;
    nj += b * b;
    sq += (a - b) ** 2;
  }
  return kind === 'euclidean' ? Math.sqrt(sq) : 1 - dot / Math.sqrt(ni * nj);
}

const rules = (patch: Partial<TripletRules> = {}): TripletRules => ({
  loss: 'triplet',
  miner: 'all',
  distance: 'euclidean',
  margin: 0.2,
  softMargin: false,
  ...patch,
});

describe('inspectTriplets over batch embeddings', () => {
  for (const distance of ['euclidean', 'cosine'] as const) {
    it(`lists ${distance} distances, categories and losses that a plain loop over the embeddings confirms`, () => {
      const rng = new Rng(5);
      const n = 24;
      const dim = 6;
      const x = Float32Array.from({ length: n * dim }, () => rng.normal());
      const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
      const D = pairwiseDistancesJs(distance, x, n, dim);
      const margin = distance === 'cosine' ? 0.3 : 0.8;
      const seen = new Set<string>();
      for (const miner of ['all', 'hard', 'semi-hard', 'easy', 'batch-hard', 'random'] as MinerName[]) {
        const mined = mineTripletsJs(
          D,
          n,
          n,
          (i, j) => i !== j && labels[i] === labels[j],
          (i, j) => labels[i] !== labels[j],
          miner,
          margin,
          new Rng(1),
          10_000,
        );
        const rows = inspectTriplets(mined, rules({ miner, distance, margin }));
        expect(rows.length).toBe(mined.length);
        for (const r of rows) {
          expect(labels[r.anchor]).toBe(labels[r.positive]);
          expect(labels[r.anchor]).not.toBe(labels[r.negative]);
          expect(r.dAP).toBeCloseTo(plainDistance(distance, x, dim, r.anchor, r.positive), 4);
          expect(r.dAN).toBeCloseTo(plainDistance(distance, x, dim, r.anchor, r.negative), 4);
          expect(r.category).toBe(categoryByDefinition(r.dAP, r.dAN, margin));
          expect(minerAllows(miner, r.category), `${miner} returned a ${r.category} triplet`).toBe(true);
          expect(r.loss).toBeCloseTo(Math.max(r.dAP - r.dAN + margin, 0), 12);
          if (r.category === 'easy') expect(r.loss).toBe(0);
          else expect(r.loss!).toBeGreaterThan(0);
          expect(r.decision.startsWith(`${r.category}:`)).toBe(true);
          seen.add(r.category);
        }
      }
      expect([...seen].sort()).toEqual(['easy', 'hard', 'semi-hard']);
    });
  }
});

describe('category boundaries and losses', () => {
  it('uses the miner’s float32 convention: δ = 0 is hard, δ = m is semi-hard, just above m is easy', () => {
    expect(tripletCategory(0.5, 0.5, 0.2)).toBe('hard');
    expect(tripletCategory(0.5, 0.4, 0.2)).toBe('hard');
    expect(tripletCategory(0.5, 0.7, 0.2)).toBe('semi-hard'); // 0.7 − 0.5 rounds to float32 0.2
    expect(tripletCategory(0.1, 0.3, 0.2)).toBe('semi-hard'); // 0.19999999999999998 in float64, 0.2 in float32
    expect(tripletCategory(0.5, 0.70001, 0.2)).toBe('easy');
    expect(tripletCategory(0.5, 0.5000001, 0.2)).toBe('semi-hard');
    for (const [p, q, m] of [
      [0.5, 0.5, 0.2],
      [0.1, 0.3, 0.2],
      [1, 1.25, 0.25],
      [0.3, 0.30000001, 1e-9],
    ]) {
      expect(tripletCategory(p, q, m)).toBe(categoryByDefinition(p, q, m));
    }
  });

  it('computes the soft-margin loss as softplus(d(a,p) − d(a,n)), and no loss for other objectives', () => {
    expect(tripletLossOf(0.3, 0.5, { loss: 'triplet', margin: 0.2, softMargin: true })).toBeCloseTo(
      Math.log(1 + Math.exp(-0.2)),
      12,
    );
    expect(tripletLossOf(40, 1, { loss: 'triplet', margin: 0.2, softMargin: true })).toBeCloseTo(39, 9);
    expect(tripletLossOf(0.3, 0.5, { loss: 'triplet', margin: 0.3, softMargin: false })).toBeCloseTo(0.1, 12);
    expect(tripletLossOf(0.3, 0.5, { loss: 'contrastive', margin: 0.3, softMargin: false })).toBeNull();
  });

  it('words each decision with its numbers', () => {
    expect(decisionSentence('semi-hard', 0.4, 0.5, 0.2)).toBe(
      'semi-hard: the negative is farther than the positive but inside the margin (d(a,n) − d(a,p) = 0.1 ≤ m = 0.2)',
    );
    expect(decisionSentence('hard', 0.5, 0.3, 0.2)).toMatch(
      /^hard: the negative is no farther .*\(d\(a,n\) = 0\.3 ≤ d\(a,p\) = 0\.5/,
    );
    expect(decisionSentence('easy', 0.1, 0.9, 0.2)).toMatch(/^easy: .*= 0\.8 > m = 0\.2/);
    for (const miner of ['all', 'hard', 'semi-hard', 'easy', 'batch-hard', 'random'] as MinerName[])
      expect(minerRule(miner).length).toBeGreaterThan(20);
  });
});

describe('Trainer snapshots, miner by miner', () => {
  let digits: LabelledDataset;
  beforeAll(async () => {
    await useCpuBackend();
    digits = await loadBuiltinDataset('digits', nodeAssetReader());
  });
  const config = (patch: DeepPartial<Config>): Config =>
    makeConfig(
      patch,
      makeConfig({
        data: { dataset: 'digits', evalSamples: 100 },
        model: { mlp: { hiddenUnits: [16] }, embeddingDim: 8 },
        batch: { size: 32, classesPerBatch: 8 },
      }),
    );

  for (const miner of ['all', 'hard', 'semi-hard', 'easy', 'batch-hard'] as MinerName[]) {
    it(`${miner}: every listed triplet's category matches its distances and the miner's rule`, () => {
      const trainer = Trainer.init(config({ mining: { miner }, objective: { margin: 0.3 } }), digits);
      let checked = 0;
      for (let s = 0; s < 3; s++) {
        trainer.step();
        const batch = trainer.snapshot().batch!;
        const rows = inspectTriplets(batch.triplets, rules({ miner, margin: 0.3 }));
        rows.forEach((r, k) => {
          expect(r.category).toBe(categoryByDefinition(r.dAP, r.dAN, 0.3));
          expect(r.category).toBe(batch.triplets[k].category); // the miner's own label agrees
          expect(minerAllows(miner, r.category)).toBe(true);
          expect(batch.labels[r.anchor]).toBe(batch.labels[r.positive]);
          expect(batch.labels[r.anchor]).not.toBe(batch.labels[r.negative]);
          checked++;
        });
      }
      trainer.dispose();
      // A fresh digits net puts many triplets in every category, so each miner lists some.
      expect(checked).toBeGreaterThan(0);
    });
  }
});
