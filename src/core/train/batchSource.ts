/**
 * Where a run's batches come from: the sampler its data and batch mode call for, and the plan of its next batch.
 */
import * as tf from '@tensorflow/tfjs';
import type { Config } from '../config';
import {
  PairIndexSampler,
  PairSampler,
  PKSampler,
  PrecomputedPairSampler,
  PrecomputedTripletSampler,
  SampleSampler,
  TripletSampler,
} from '../data/samplers';
import type { Rng } from '../rng';
import { type BatchPlan, type PlanContext, pairPlan, pkPlan, splitPlan, tripletPlan } from './batchPlans';
import type { HalvesData, PairData, SampleData, TrainingData } from './trainingData';

/** Each sampler with the data it draws from, so a plan never meets data of another kind. */
export type BatchSource =
  | { kind: 'pk'; sampler: PKSampler; data: SampleData }
  | { kind: 'pairs'; sampler: PairSampler | PrecomputedPairSampler; data: SampleData }
  | { kind: 'triplets'; sampler: TripletSampler | PrecomputedTripletSampler; data: SampleData }
  | { kind: 'split'; sampler: SampleSampler; data: HalvesData }
  | { kind: 'pair-file'; sampler: PairIndexSampler; data: PairData };

/** The sampler `config` asks for on `data`. */
export function makeBatchSource(config: Config, data: TrainingData, rng: Rng): BatchSource {
  const b = config.batch;
  if (data.kind === 'pairs') {
    const n = data.train.a.shape[0];
    return { kind: 'pair-file', sampler: new PairIndexSampler(n, b.size, rng), data };
  }
  if (data.kind === 'halves') {
    const n = data.train.a.shape[0];
    return { kind: 'split', sampler: new SampleSampler(n, b.size, rng), data };
  }
  const labels = data.train.labels;
  const classes = data.train.numClasses;
  if (b.mode === 'pk')
    return {
      kind: 'pk',
      sampler: new PKSampler(labels, classes, b.classesPerBatch, b.size / b.classesPerBatch, rng),
      data,
    };
  const offline = config.mining.mode === 'offline';
  if (b.mode === 'pairs') {
    return {
      kind: 'pairs',
      sampler: offline
        ? new PrecomputedPairSampler(b.size, rng)
        : new PairSampler(labels, classes, b.size, b.positiveFraction, rng),
      data,
    };
  }
  return {
    kind: 'triplets',
    sampler: offline ? new PrecomputedTripletSampler(b.size, rng) : new TripletSampler(labels, classes, b.size, rng),
    data,
  };
}

/** The plan of the source's next batch; `seed` drives the random miner of in-batch plans. */
export function nextPlan(source: BatchSource, ctx: PlanContext, seed: () => number): BatchPlan {
  switch (source.kind) {
    case 'pk': {
      const { x, labelsTensor, labels } = source.data.train;
      return pkPlan(ctx, source.sampler.next(), x, labelsTensor, labels, seed());
    }
    case 'split': {
      const { a, b, labels } = source.data.train;
      return splitPlan(ctx, source.sampler.next(), a, b, labels, seed());
    }
    case 'pairs': {
      const { a, b, similar } = source.sampler.next();
      const { x, labels } = source.data.train;
      return pairPlan(ctx, a, b, similar, x, x, labels);
    }
    case 'triplets': {
      const { anchor, positive, negative } = source.sampler.next();
      const { x, labels } = source.data.train;
      return tripletPlan(ctx, anchor, positive, negative, x, labels);
    }
    case 'pair-file': {
      const idx = source.sampler.next();
      const { a, b, targets } = source.data.train;
      const picked = tf.tidy(() => tf.gather(targets, tf.tensor1d(idx, 'int32')));
      const similar = picked.dataSync() as Float32Array;
      picked.dispose();
      return pairPlan(ctx, idx, idx, similar, a, b, null);
    }
  }
}
