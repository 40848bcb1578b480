/**
 * Held-out measurement of a run: retrieval and verification metrics of labelled samples, matching halves of
 * split-input runs, ROC of pair files, and the loss of one fixed held-out batch.
 */
import * as tf from '@tensorflow/tfjs';
import { againstTrainingUnavailable } from '../capabilities';
import { type Config, HEAD_LOSSES } from '../config';
import { PKSampler } from '../data/samplers';
import { type DistanceContext, pairwiseDistances, rowwiseDistances } from '../distances';
import { evaluateAgainstReference, evaluateEmbeddings, type EvaluateOptions, type Metrics } from '../metrics/evaluate';
import { alignmentUniformity } from '../metrics/geometry';
import type { RetrievalMetrics } from '../metrics/retrieval';
import { bestThreshold, rocCurve } from '../metrics/verification';
import { Rng } from '../rng';
import { type BatchPlan, type PlanContext, pkPlan, splitPlan } from './batchPlans';
import type { BatchSource } from './batchSource';
import type { HalvesData, PairData, SampleData, TrainingData } from './trainingData';
import type { Evaluation, SeenClassMetrics } from './types';

/** The held-out embeddings of the current weights (n × dim, row-major), from the run's one cache. */
export type HeldOutReader = () => { values: Float32Array; n: number };

/** The parts of an evaluation a host may time (the core keeps no clock). */
export type EvaluationPart = 'embed' | 'validation' | 'metrics' | 'geometry';
/** Runs one part of an evaluation and returns its result; a host wraps it with its clock. */
export type EvaluationTimer = <T>(part: EvaluationPart, run: () => T) => T;
/** Times nothing. */
export const untimed: EvaluationTimer = (_part, run) => run();

/**
 * Metrics of the held-out set at the current weights. `heldOut` embeds the scatter's points (samples, halves a);
 * `whitening` is the Mahalanobis W of the run, if any; `time` wraps each part (embedding the held-out set, the
 * retrieval and verification metrics, the geometry).
 */
export function evaluateHeldOut(
  ctx: PlanContext,
  data: TrainingData,
  heldOut: HeldOutReader,
  whitening: Float32Array | undefined,
  time: EvaluationTimer = untimed,
): Pick<Evaluation, 'metrics' | 'pairs' | 'seen' | 'geometry'> {
  const config = ctx.config;
  if (data.kind === 'pairs')
    return { metrics: null, pairs: time('metrics', () => evaluatePairFile(ctx, data)), seen: null, geometry: null };
  const rng = new Rng(config.seed ^ 0x5eed);
  const geometryRng = new Rng(config.seed ^ 0x6e0);
  const dim = config.model.embeddingDim;
  const { values, n } = time('embed', heldOut);
  if (data.kind === 'halves') {
    const b = time('embed', () => embedRows(ctx, data.test.b));
    const both = new Float32Array(2 * n * dim);
    both.set(values.subarray(0, n * dim));
    both.set(b, n * dim);
    // A sample's two halves are its positive pair.
    const bySample = Int32Array.from({ length: 2 * n }, (_, i) => i % n);
    return {
      metrics: time('metrics', () => evaluateSplitHalves(values, b, n, dim, config, whitening, rng)),
      pairs: null,
      seen: null,
      geometry: time('geometry', () => alignmentUniformity(both, 2 * n, dim, bySample, geometryRng)),
    };
  }
  const o = config.objective;
  const options = { distance: o.distance, whitening, margin: o.margin };
  const seenData = data.seen;
  const seen = seenData
    ? time('metrics', () => evaluateSeenClasses(ctx, seenData, options, config.training.threshold))
    : null;
  const metrics = time('metrics', () =>
    evaluateEmbeddings(values, n, dim, data.test.labels, {
      ...options,
      // Unseen classes are judged at the threshold chosen on the seen ones, as a deployed verifier would be.
      threshold: seen ? seen.threshold : config.training.threshold,
      rng,
    }),
  );
  const geometry = time('geometry', () => alignmentUniformity(values, n, dim, data.test.labels, geometryRng));
  return { metrics, pairs: null, seen, geometry };
}

/** Retrieval on the seen classes' held-out samples and the verification threshold chosen on their pairs. */
function evaluateSeenClasses(
  ctx: PlanContext,
  seenData: NonNullable<SampleData['seen']>,
  options: Pick<EvaluateOptions, 'distance' | 'whitening' | 'margin'>,
  configured: number | null,
): SeenClassMetrics {
  const values = embedRows(ctx, seenData.x);
  const n = seenData.labels.length;
  const m = evaluateEmbeddings(values, n, ctx.config.model.embeddingDim, seenData.labels, {
    ...options,
    threshold: configured,
    rng: new Rng(ctx.config.seed ^ 0x5ee1),
  });
  return {
    precisionAt1: m.precisionAt1,
    rPrecision: m.rPrecision,
    mapAtR: m.mapAtR,
    threshold: m.thresholdMetrics.threshold,
    pairAccuracy: m.thresholdMetrics.accuracy,
  };
}

/**
 * Held-out queries against the training set as the reference (pytorch-metric-learning's
 * `get_accuracy(query, reference)`): each held-out sample ranks every training sample, R = the training samples of
 * its class. Only labelled-sample runs have it (null for pair files and split inputs, whose items have no class), and
 * not under the unseen-class protocol, where no held-out class has a single training sample to find.
 */
export function evaluateHeldOutAgainstTraining(
  ctx: PlanContext,
  data: TrainingData,
  heldOut: HeldOutReader,
  whitening: Float32Array | undefined,
): RetrievalMetrics | null {
  const kind = data.kind === 'pairs' ? 'pairs' : 'labelled';
  if (againstTrainingUnavailable(ctx.config.data, kind) !== null || data.kind !== 'samples') return null;
  const { values } = heldOut();
  const reference = embedRows(ctx, data.train.x);
  return evaluateAgainstReference(
    values,
    data.test.labels,
    reference,
    data.train.labels,
    ctx.config.model.embeddingDim,
    {
      distance: ctx.config.objective.distance,
      whitening,
    },
  );
}

function embedRows(ctx: PlanContext, x: tf.Tensor): Float32Array {
  const e = ctx.net.embedAll(x);
  const values = e.dataSync() as Float32Array;
  e.dispose();
  return values;
}

/**
 * Split-input held-out metrics: each half a queries all halves b; its one relevant item is its own half b
 * (R = 1, so P@1 = R-precision = MAP@R). Verification: own halves vs other samples' halves.
 */
function evaluateSplitHalves(
  a: Float32Array,
  b: Float32Array,
  n: number,
  dim: number,
  config: Config,
  whitening: Float32Array | undefined,
  rng: Rng,
): Metrics {
  const o = config.objective;
  const D = tf.tidy(() => {
    const ctx: DistanceContext = whitening ? { whitening: tf.tensor2d(whitening, [dim, dim]) } : {};
    return pairwiseDistances(o.distance, tf.tensor2d(a, [n, dim]), tf.tensor2d(b, [n, dim]), ctx);
  });
  const d = D.dataSync() as Float32Array;
  D.dispose();
  // Reuse the generic evaluation on a 2n-point set: point i = half a of sample i, point n+i = half b, labelled by sample.
  const both = new Float32Array(2 * n * dim);
  both.set(a, 0);
  both.set(b, n * dim);
  const labels = Int32Array.from({ length: 2 * n }, (_, i) => i % n);
  const metrics = evaluateEmbeddings(both, 2 * n, dim, labels, {
    distance: o.distance,
    whitening,
    margin: o.margin,
    threshold: config.training.threshold,
    rng,
  });
  // Cross retrieval (a → b only), the split-input question "which event belongs to this context?".
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < n; j++) if (d[i * n + j] < d[i * n + best]) best = j;
    if (best === i) hits++;
  }
  const crossP1 = hits / n;
  return { ...metrics, precisionAt1: crossP1, rPrecision: crossP1, mapAtR: crossP1 };
}

/** Pair files: verification of the held-out pairs (ROC, best threshold; the regression head's squared error). */
function evaluatePairFile(ctx: PlanContext, data: PairData): Evaluation['pairs'] {
  const o = ctx.config.objective;
  const net = ctx.net;
  const scores = tf.tidy(() => {
    const ea = net.embedAll(data.test.a);
    const eb = net.embedAll(data.test.b);
    if (HEAD_LOSSES.includes(o.loss)) {
      if (!net.head) throw new Error(`internal: the ${o.loss} loss needs a pair head, and this network has none`);
      return net.head.apply(ea, eb);
    }
    return rowwiseDistances(o.distance, ea, eb, ctx.distanceContext());
  });
  const values = scores.dataSync() as Float32Array;
  scores.dispose();
  const targets = data.test.targets;
  if (o.loss === 'cosine-regression') {
    let mse = 0;
    for (let i = 0; i < values.length; i++) mse += (values[i] - targets[i]) ** 2;
    mse /= Math.max(values.length, 1);
    // Higher predicted similarity = closer: ROC on the negated prediction, similar = score above the median.
    const sorted = Float32Array.from(targets).sort();
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const similar = Float32Array.from(targets, (t) => (t > median ? 1 : 0));
    const negated = Float32Array.from(values, (v) => -v);
    const { auc } = rocCurve(negated, similar);
    const best = bestThreshold(negated, similar);
    return { auc, accuracy: best.accuracy, threshold: -best.threshold, meanSquaredError: mse };
  }
  // Binary head: probability of "similar"; distance-based: distance. Both as "smaller = more similar".
  const asDistance = o.loss === 'binary' ? Float32Array.from(values, (p) => 1 - p) : values;
  const { auc } = rocCurve(asDistance, targets);
  const best = bestThreshold(asDistance, targets);
  return { auc, accuracy: best.accuracy, threshold: o.loss === 'binary' ? 1 - best.threshold : best.threshold };
}

/**
 * The loss on one fixed held-out batch (same recipe as training, inference mode), comparable across steps. Only
 * in-batch recipes have one: P×K and split-input batches of online runs; null for the others and for held-out
 * sets too small for one batch.
 */
export class ValidationBatch {
  private plan: BatchPlan | null = null;
  private readonly tensors: tf.Tensor[] = [];

  loss(ctx: PlanContext, source: BatchSource): number | null {
    if (ctx.config.mining.mode === 'offline') return null;
    const plan = this.plan ?? this.build(ctx, source);
    if (!plan) return null;
    this.plan = plan;
    const loss = tf.tidy(() => plan.forward(false).loss);
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  }

  dispose(): void {
    tf.dispose(this.tensors);
    this.tensors.length = 0;
    this.plan = null;
  }

  private build(ctx: PlanContext, source: BatchSource): BatchPlan | null {
    const rng = new Rng(ctx.config.seed ^ 0xba7c4);
    const c = ctx.config.batch;
    if (source.kind === 'split') return this.splitBatch(ctx, source.data, rng);
    if (source.kind !== 'pk') return null;
    const test = source.data.test;
    let indices: Int32Array;
    try {
      const sampler = new PKSampler(
        test.labels,
        source.data.train.numClasses,
        c.classesPerBatch,
        c.size / c.classesPerBatch,
        rng,
      );
      indices = sampler.next();
    } catch {
      // The held-out set cannot fill a P×K batch (too few classes or samples per class).
      return null;
    }
    const labels = tf.tensor1d(test.labels, 'int32');
    this.tensors.push(labels);
    return pkPlan(ctx, indices, test.x, labels, test.labels, 1);
  }

  private splitBatch(ctx: PlanContext, data: HalvesData, rng: Rng): BatchPlan | null {
    const n = data.test.labels.length;
    const size = ctx.config.batch.size;
    if (n < size) return null;
    const indices = Int32Array.from(rng.sampleWithoutReplacement(n, size));
    return splitPlan(ctx, indices, data.test.a, data.test.b, data.test.labels, 1);
  }
}
