/**
 * The steppable trainer: `init(config, dataset)` / `step()` / `evaluate()` / `snapshot()`, no timers. A thin async
 * driver (the worker, the CLI) decides when to call what:
 *
 *     const trainer = Trainer.init(config, dataset);   // validates, splits, uploads, builds the network
 *     while (!trainer.stopReason && trainer.steps < config.training.steps) trainer.step();
 *     trainer.evaluate(); trainer.snapshot(); trainer.dispose();
 *
 * Data lives on the tfjs backend for the whole run; a step only uploads the batch's indices, gathers the batch
 * there, runs both branches through the ONE shared tower, mines inside the batch and applies the gradients only
 * when the loss is finite — a NaN never reaches the weights.
 *
 * The jobs live next door: trainingData.ts (split and upload), batchSource.ts and batchPlans.ts (samplers, batches
 * and their losses), refresh.ts (Mahalanobis whitening, offline mining pool), evaluation.ts (held-out metrics and
 * validation loss), snapshot.ts (the last batch on the map), weights.ts (weights as data) and heldOutCache.ts (the
 * one cache of held-out embeddings that snapshots, evaluations and inspect answers share).
 */
import * as tf from '@tensorflow/tfjs';
import { traitsOf } from '../capabilities';
import { assertValid, type Config, PAIR_LOSSES } from '../config';
import type { Dataset } from '../data/dataset';
import type { EvaluationProtocol } from '../data/unseen';
import type { ModelWeights, NamedWeight } from '../export/weights';
import type { RetrievalMetrics } from '../metrics/retrieval';
import { buildBinaryHead, buildCosineHead, type PairHead } from '../model/heads';
import { makeOptimizer } from '../model/optimizers';
import { buildTower } from '../model/towers';
import { TwinNetwork } from '../model/twin';
import { StableLda } from '../projection/lda';
import { StablePca } from '../projection/pca';
import { Rng } from '../rng';
import type { Forward, PlanContext } from './batchPlans';
import { type BatchSource, makeBatchSource, nextPlan } from './batchSource';
import {
  type EvaluationTimer,
  evaluateHeldOut,
  evaluateHeldOutAgainstTraining,
  untimed,
  ValidationBatch,
} from './evaluation';
import { HeldOutCache, type HeldOutEmbeddings } from './heldOutCache';
import { OfflinePool, Whitening } from './refresh';
import { batchSnapshot, type KeptBatch } from './snapshot';
import {
  disposeTrainingData,
  heldOutLabels,
  type HeldOutSamples,
  type TrainingData,
  trainInputs,
  uploadTrainingData,
} from './trainingData';
import type { Evaluation, Snapshot, StepResult, StopReason } from './types';
import { exportNetworkWeights, importNetworkWeights } from './weights';

export class Trainer {
  readonly config: Config;
  readonly dataset: Dataset;
  private readonly net: TwinNetwork;
  /** What batch plans, evaluation and snapshots read: the network, the config and the current distance context. */
  private readonly ctx: PlanContext;
  private readonly rng: Rng;
  private readonly optimizer: tf.Optimizer;
  private readonly data: TrainingData;
  private readonly batches: BatchSource;
  private readonly pca = new StablePca();
  /** The scatter's class-separation view (labelled sets), aligned between snapshots like the PCA. */
  private readonly lda = new StableLda();
  private readonly whitening: Whitening;
  private readonly offlinePool: OfflinePool;
  private readonly heldOut = new HeldOutCache();
  private readonly validation = new ValidationBatch();
  private lastBatch: KeptBatch | null = null;
  private stepCount = 0;
  /** Bumped whenever the weights change (a step, an import): the held-out cache's key. */
  private weightsVersion = 0;
  private stopReasonValue: StopReason | null = null;
  private disposed = false;

  private constructor(config: Config, dataset: Dataset) {
    this.config = config;
    this.dataset = dataset;
    this.rng = new Rng(config.seed);
    const splitRng = this.rng.fork();
    const initRng = this.rng.fork();
    const samplerRng = this.rng.fork();
    const o = config.objective;

    let head: PairHead | undefined;
    if (o.loss === 'binary') head = buildBinaryHead(config.model.embeddingDim, o.headCombine, initRng.nextSeed());
    else if (o.loss === 'cosine-regression') head = buildCosineHead(initRng.nextSeed());

    let data: TrainingData | undefined;
    let tower: tf.Sequential;
    try {
      data = uploadTrainingData(config, dataset, splitRng);
      this.batches = makeBatchSource(config, data, samplerRng);
      if (PAIR_LOSSES.includes(o.loss) && this.batches.kind === 'triplets')
        throw new Error('internal: pair loss with triplet batches');
      const towerInput = {
        featureShape: data.inputShape,
        modality: dataset.modality,
        vocabularySize: dataset.vocabulary?.length,
      };
      tower = buildTower(config.model, towerInput, initRng.nextSeed());
    } catch (error) {
      // Nothing of a run that cannot start stays on the backend.
      if (data) disposeTrainingData(data);
      head?.dispose();
      throw error;
    }
    this.data = data;
    this.net = new TwinNetwork(tower, head);
    this.optimizer = makeOptimizer(config.optimizer);
    this.whitening = new Whitening(config);
    const net = this.net;
    const whitening = this.whitening;
    this.ctx = { net, config, distanceContext: () => whitening.context() };
    this.offlinePool = new OfflinePool(config);
  }

  /** Validates the config against the data and builds everything a run needs. */
  static init(config: Config, dataset: Dataset): Trainer {
    assertValid(config, traitsOf(dataset));
    const trainer = new Trainer(config, dataset);
    trainer.whitening.refresh(trainer.net, trainInputs(trainer.data), 0);
    return trainer;
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** Completed passes over the training data. */
  get epoch(): number {
    return this.batches.sampler.epoch;
  }

  /** Set when the run stopped by itself (a non-finite loss); `step()` then refuses to go on. */
  get stopReason(): StopReason | null {
    return this.stopReasonValue;
  }

  /** The number of trainable variables (tower + head): one tower, whatever the number of branches. */
  get variableCount(): number {
    return this.net.trainableVariables().length;
  }

  /** Which classes the held-out metrics, scatter and embeddings are about. */
  get protocol(): EvaluationProtocol {
    return this.data.protocol;
  }

  /** Shape of one tower input (split-input: a padded half). */
  get towerInputShape(): number[] {
    return [...this.data.inputShape];
  }

  /** Mahalanobis runs: the current whitening matrix W (row-major dim×dim); undefined for other distances. */
  get distanceWhitening(): Float32Array | undefined {
    return this.whitening.values;
  }

  /**
   * One optimiser step on one batch. Reads back one small tensor (loss and triplet counts); applies the
   * gradients only if the loss is finite, otherwise stops the run with a reason and leaves the weights as they were.
   */
  step(): StepResult {
    this.assertUsable();
    if (this.stopReasonValue) throw new Error(`the run has stopped: ${this.stopReasonValue.message}`);
    if (this.config.mining.mode === 'offline')
      this.offlinePool.refresh(this.batches, this.net, this.whitening.values, this.stepCount);
    if (this.whitening.due(this.stepCount)) this.whitening.refresh(this.net, trainInputs(this.data), this.stepCount);

    const plan = nextPlan(this.batches, this.ctx, () => this.rng.nextSeed());
    // What the taped forward pass leaves for after it: its statistics and, for in-batch plans, its distances.
    const kept: { out?: Omit<Forward, 'loss'> } = {};
    const { value, grads } = tf.variableGrads(() => {
      const out = plan.forward(true);
      kept.out = { stats: tf.keep(out.stats), distances: out.distances && tf.keep(out.distances) };
      return out.loss;
    }, this.net.trainableVariables());
    const out = kept.out;
    if (!out) throw new Error('internal: the forward pass returned no statistics');

    const readback = tf.tidy(() => tf.concat([value.reshape([1]), out.stats]));
    const [loss, easy, semiHard, hard, mined] = Array.from(readback.dataSync());
    tf.dispose([readback, value, out.stats]);

    this.stepCount++;
    if (!Number.isFinite(loss)) {
      tf.dispose(grads);
      out.distances?.dispose();
      const message =
        `the loss became ${loss} at step ${this.stepCount}, so training stopped before the weights were changed; ` +
        `lower the learning rate (now ${this.config.optimizer.learningRate}) or turn on L2 normalisation`;
      this.stopReasonValue = { step: this.stepCount, code: 'non-finite-loss', message };
      return { step: this.stepCount, epoch: this.epoch, loss, counts: null, mined: 0, note: message };
    }
    this.optimizer.applyGradients(grads);
    tf.dispose(grads);
    this.weightsVersion++;

    this.lastBatch?.distances.dispose();
    this.lastBatch = out.distances ? { distances: out.distances, plan } : null;

    const counts = plan.hasTriplets ? { easy, semiHard, hard } : null;
    let note: string | undefined;
    if (plan.hasTriplets && mined === 0) {
      note =
        easy + semiHard + hard === 0
          ? 'this batch held no valid triplet (no anchor with both a positive and a negative): loss 0'
          : `the ${this.config.mining.miner} miner found no triplet in this batch: loss 0`;
    }
    return { step: this.stepCount, epoch: this.epoch, loss, counts, mined, note };
  }

  /**
   * Embeds the held-out set and measures P@1, R-precision, MAP@R, recall@k, ROC/AUC and more; `time` wraps each part
   * (a host's clock: the core keeps none).
   */
  evaluate(time: EvaluationTimer = untimed): Evaluation {
    this.assertUsable();
    const validationLoss = time('validation', () => this.validation.loss(this.ctx, this.batches));
    const result = evaluateHeldOut(this.ctx, this.data, () => this.heldOutEmbeddings(), this.whitening.values, time);
    return { step: this.stepCount, ...result, validationLoss, protocol: this.data.protocol };
  }

  /**
   * Retrieval of the held-out samples as queries against the training samples as the reference (P@1, R-precision,
   * MAP@R, Recall@K); null for pair files and split inputs. Embeds the whole training set, so callers ask for it
   * at the end of a run rather than at every evaluation.
   */
  evaluateAgainstTraining(): RetrievalMetrics | null {
    this.assertUsable();
    return evaluateHeldOutAgainstTraining(this.ctx, this.data, () => this.heldOutEmbeddings(), this.whitening.values);
  }

  /**
   * The held-out embeddings in 2-D (stable PCA basis; with two classes or more also the stable LDA plane) and the
   * last batch with its mined triplets.
   */
  snapshot(): Snapshot {
    this.assertUsable();
    const dim = this.config.model.embeddingDim;
    // Split-input runs and pair files show their first halves / first sides.
    const { values, n } = this.heldOutEmbeddings();
    const coordinates = this.pca.project(values, n, dim);
    // Copies: the worker transfers these buffers to the page, which would detach the trainer's own arrays.
    const labels = heldOutLabels(this.data);
    const ldaCoordinates = this.lda.project(values, n, dim, labels);
    const kept = this.lastBatch
      ? batchSnapshot(this.ctx, this.data, this.lastBatch, this.pca, ldaCoordinates ? this.lda : null, this.stepCount)
      : null;
    return {
      step: this.stepCount,
      coordinates,
      labels,
      indices: this.data.testIndices.slice(),
      atypical: this.data.kind === 'halves' ? this.data.test.atypical?.slice() : undefined,
      batch: kept?.batch ?? null,
      lda: ldaCoordinates ? { coordinates: ldaCoordinates, batchCoordinates: kept?.ldaCoordinates ?? null } : null,
    };
  }

  /** Embeds new samples (flat row-major, n × prod(inputShape)) with the current tower, inference mode. */
  embed(features: Float32Array, n: number): Float32Array {
    this.assertUsable();
    const x = tf.tensor(features, [n, ...this.data.inputShape]);
    const e = this.net.embedAll(x);
    x.dispose();
    const out = e.dataSync() as Float32Array;
    e.dispose();
    return out;
  }

  /**
   * The held-out embeddings (n × dim, row-major) in snapshot order — the vectors behind the scatter's points
   * (split-input runs: their first halves; pair files: side a) — from the run's one cache, computed at most once
   * per weights. Shared and read-only: copy before changing or transferring them.
   */
  heldOutEmbeddings(): HeldOutEmbeddings {
    this.assertUsable();
    return this.heldOut.get(this.net, this.data, this.weightsVersion);
  }

  /** Places embeddings (n × dim) on the scatter with the last snapshot's PCA basis; null before the first snapshot. */
  projectToMap(values: Float32Array, n: number): Float32Array | null {
    if (!this.pca.basis()) return null;
    return this.pca.transform(values, n, this.config.model.embeddingDim);
  }

  /** The trained embedding network alone (a copy: further training does not change it). */
  extractTower(): Promise<tf.LayersModel> {
    this.assertUsable();
    return this.net.extractTower();
  }

  /** The held-out samples as stored (not halves), in the order of snapshot points, with their labels. */
  heldOutSamples(): HeldOutSamples & { labels: Int32Array } {
    const h = this.data.heldOut;
    return { ...h, features: h.features.slice(), labels: heldOutLabels(this.data) };
  }

  /**
   * Every weight of the network, named: the tower's in its own order (trainable weights and batch-norm
   * statistics) and the head's, as copies (safe to transfer). What checkpoints, model and experiment files store.
   */
  exportModelWeights(): ModelWeights {
    this.assertUsable();
    return exportNetworkWeights(this.net);
  }

  /**
   * Puts weights from exportModelWeights (or a loaded tower: `head` omitted keeps this head) back and sets the step
   * counter, so a run rebuilt elsewhere (another backend, a saved file) goes on where it was. Every count and shape
   * is checked before the first write, so weights of another model change nothing. The optimiser's moments start
   * afresh.
   */
  importModelWeights(weights: { tower: NamedWeight[]; head?: NamedWeight[] }, step: number, source = 'the file'): void {
    this.assertUsable();
    importNetworkWeights(this.net, weights, source);
    this.stepCount = step;
    this.weightsVersion++;
    this.whitening.refresh(this.net, trainInputs(this.data), step);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.lastBatch?.distances.dispose();
    this.lastBatch = null;
    this.heldOut.clear();
    this.validation.dispose();
    disposeTrainingData(this.data);
    this.whitening.dispose();
    this.optimizer.dispose();
    this.net.dispose();
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('this trainer has been disposed');
  }
}
