/**
 * The steppable trainer: `init(config, dataset)` / `step()` / `evaluate()` / `snapshot()`, no timers.
 * A thin async driver (the worker, the CLI) decides when to call what.
 *
 * Data lives on the tfjs backend for the whole run; a step only uploads the batch's indices, gathers the batch
 * there, runs both branches through the ONE shared tower, mines inside the batch and applies the gradients only
 * when the loss is finite — a NaN never reaches the weights.
 */
import * as tf from '@tensorflow/tfjs';
import { assertValid, HEAD_LOSSES, PAIR_LOSSES, type Config } from '../config';
import { subsetLabelled, type Dataset, type LabelledDataset } from '../data/dataset';
import { trainTestSplit, trainTestSplitPairs, stratifiedSplit } from '../data/split';
import { splitInputHalves } from '../data/splitInput';
import {
  PKSampler,
  PairSampler,
  TripletSampler,
  SampleSampler,
  PairIndexSampler,
  PrecomputedPairSampler,
  PrecomputedTripletSampler,
} from '../data/samplers';
import { pairwiseDistances, rowwiseDistances, mahalanobisWhiteningJs, type DistanceContext } from '../distances';
import { contrastiveLoss, tripletLoss, binaryCrossEntropyLoss, cosineRegressionLoss, infoNceLoss } from '../losses';
import {
  labelMasks,
  splitInputMasks,
  mineTriplets,
  minePairs,
  tripletCategoryCounts,
  mineTripletsJs,
  offlineMineTriplets,
  offlineMinePairs,
  type PairMasks,
} from '../mining';
import { fusedTripletAvailable, fusedTripletLoss, tripletCountsJs } from '../mining/fusedTriplet';
import { evaluateEmbeddings } from '../metrics/evaluate';
import { rocCurve, bestThreshold } from '../metrics/verification';
import { StableLda } from '../projection/lda';
import { StablePca } from '../projection/pca';
import { buildTower, type TowerInput } from '../model/towers';
import { buildBinaryHead, buildCosineHead, type PairHead } from '../model/heads';
import { TwinNetwork } from '../model/twin';
import { makeOptimizer } from '../model/optimizers';
import { Rng } from '../rng';
import type { Evaluation, Snapshot, StepResult, StopReason, SnapshotTriplet } from './types';
import { checkWeightShapes, type ModelWeights, type NamedWeight } from '../export/weights';

/** Samples drawn from the training set to estimate the Mahalanobis covariance and to mine offline. */
const POOL_SIZE = 1024;
/** How often (in steps) the Mahalanobis covariance is re-estimated from current embeddings. */
const MAHALANOBIS_REFRESH = 50;
/** At most this many mined triplets are kept per snapshot (enough to draw, cheap to send). */
const SNAPSHOT_TRIPLETS = 256;

type Sampler =
  | { kind: 'pk'; sampler: PKSampler }
  | { kind: 'pairs'; sampler: PairSampler | PrecomputedPairSampler }
  | { kind: 'triplets'; sampler: TripletSampler | PrecomputedTripletSampler }
  | { kind: 'split'; sampler: SampleSampler }
  | { kind: 'pair-file'; sampler: PairIndexSampler };

/** Batch tensors of one step, gathered on the backend. */
interface BatchPlan {
  /** Runs the forward pass and returns the loss plus [easy, semiHard, hard, mined] (all tensors, inside a tape). */
  forward(training: boolean): { loss: tf.Scalar; stats: tf.Tensor1D; distances?: tf.Tensor2D };
  /** Positions → sample indices of the batch (for snapshots). */
  sampleIndices: Int32Array;
  labels: Int32Array;
  hasTriplets: boolean;
  /** Split-input batches embed halves a as anchors and halves b as candidates. */
  split: boolean;
}

export class Trainer {
  readonly config: Config;
  readonly dataset: Dataset;
  private readonly rng: Rng;
  private readonly net: TwinNetwork;
  private readonly optimizer: tf.Optimizer;
  private readonly sampler: Sampler;
  private readonly pca = new StablePca();
  /** The scatter's class-separation view (labelled sets), aligned between snapshots like the PCA. */
  private readonly lda = new StableLda();

  /** Training inputs on the backend: whole samples, or halves a and b in split-input mode, or pair sides. */
  private readonly trainX: tf.Tensor;
  private readonly trainX2: tf.Tensor | null;
  private readonly trainTargets: tf.Tensor1D | null;
  private readonly trainLabels: Int32Array;
  private readonly trainLabelsTensor: tf.Tensor1D | null;
  private readonly inputShape: number[];

  /** Held-out data (CPU side; embedded in fixed-size chunks at evaluation). */
  private readonly testX: tf.Tensor;
  private readonly testX2: tf.Tensor | null;
  private readonly testLabels: Int32Array;
  private readonly testIndices: Int32Array;
  private readonly testTargets: Float32Array | null;
  private readonly testAtypical: Uint8Array | undefined;
  /** Raw held-out samples in snapshot order, for previews (split-input: whole samples; pair files: side a). */
  private readonly heldOut: { features: Float32Array; shape: number[]; texts?: string[] };

  private whitening: Float32Array | undefined;
  private whiteningTensor: tf.Tensor2D | undefined;
  private lastBatch: { distances: tf.Tensor2D; plan: BatchPlan } | null = null;
  /** The last held-out readback and the step it belongs to (see heldOutReadback); dropped when weights are replaced. */
  private heldOutCache: { step: number; values: Float32Array; n: number } | null = null;
  private validationPlan: BatchPlan | null = null;
  /** Tensors the fixed validation batch needs (its labels), freed with the trainer. */
  private readonly validationTensors: tf.Tensor[] = [];
  private offlineEpoch = -1;
  private stepCount = 0;
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

    if (dataset.kind === 'pairs') {
      const { train, test } = trainTestSplitPairs(dataset, config.data.validationFraction, splitRng);
      this.inputShape = dataset.featureShape;
      this.trainX = tf.tensor(train.a, [train.numPairs, ...dataset.featureShape]);
      this.trainX2 = tf.tensor(train.b, [train.numPairs, ...dataset.featureShape]);
      this.trainTargets = tf.tensor1d(train.targets);
      this.trainLabels = new Int32Array(0);
      this.trainLabelsTensor = null;
      this.testX = tf.tensor(test.a, [test.numPairs, ...dataset.featureShape]);
      this.testX2 = tf.tensor(test.b, [test.numPairs, ...dataset.featureShape]);
      this.testLabels = new Int32Array(0);
      this.testIndices = Int32Array.from({ length: test.numPairs }, (_, i) => i);
      this.testTargets = test.targets;
      this.heldOut = { features: test.a, shape: dataset.featureShape, texts: test.textsA };
      this.sampler = {
        kind: 'pair-file',
        sampler: new PairIndexSampler(train.numPairs, config.batch.size, samplerRng),
      };
    } else {
      const { train, test: fullTest } = trainTestSplit(dataset, config.data.validationFraction, splitRng);
      const test = limitEvalSet(fullTest, config.data.evalSamples, splitRng);
      this.trainLabels = train.labels;
      this.testLabels = test.dataset.labels;
      this.testIndices = test.indices;
      this.testAtypical = test.dataset.atypical;
      this.testTargets = null;
      this.trainTargets = null;
      this.heldOut = { features: test.dataset.features, shape: dataset.featureShape, texts: test.dataset.texts };
      if (config.data.splitInput) {
        const trainHalves = splitInputHalves(
          train.features,
          train.numSamples,
          dataset.featureShape,
          config.data.splitRatio,
        );
        const testHalves = splitInputHalves(
          test.dataset.features,
          test.dataset.numSamples,
          dataset.featureShape,
          config.data.splitRatio,
        );
        this.inputShape = trainHalves.halfShape;
        this.trainX = tf.tensor(trainHalves.a, [train.numSamples, ...trainHalves.halfShape]);
        this.trainX2 = tf.tensor(trainHalves.b, [train.numSamples, ...trainHalves.halfShape]);
        this.testX = tf.tensor(testHalves.a, [test.dataset.numSamples, ...testHalves.halfShape]);
        this.testX2 = tf.tensor(testHalves.b, [test.dataset.numSamples, ...testHalves.halfShape]);
        this.trainLabelsTensor = null;
        this.sampler = { kind: 'split', sampler: new SampleSampler(train.numSamples, config.batch.size, samplerRng) };
      } else {
        this.inputShape = dataset.featureShape;
        this.trainX = tf.tensor(train.features, [train.numSamples, ...dataset.featureShape]);
        this.trainX2 = null;
        this.testX = tf.tensor(test.dataset.features, [test.dataset.numSamples, ...dataset.featureShape]);
        this.testX2 = null;
        this.trainLabelsTensor = tf.tensor1d(train.labels, 'int32');
        this.sampler = makeLabelledSampler(config, train, samplerRng);
      }
    }

    const towerInput: TowerInput = {
      featureShape: this.inputShape,
      modality: dataset.modality,
      vocabularySize: dataset.vocabulary?.length,
    };
    this.net = new TwinNetwork(buildTower(config.model, towerInput, initRng.nextSeed()), head);
    this.optimizer = makeOptimizer(config.optimizer);
    if (PAIR_LOSSES.includes(o.loss) && this.sampler.kind === 'triplets')
      throw new Error('internal: pair loss with triplet batches');
  }

  /** Validates the config against the data and builds everything a run needs. */
  static init(config: Config, dataset: Dataset): Trainer {
    assertValid(config, {
      kind: dataset.kind,
      modality: dataset.modality,
      numClasses: dataset.kind === 'labelled' ? dataset.classNames.length : undefined,
      featureShape: dataset.featureShape,
      targetKind: dataset.kind === 'pairs' ? dataset.targetKind : undefined,
    });
    const trainer = new Trainer(config, dataset);
    trainer.refreshWhitening();
    return trainer;
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** Completed passes over the training data. */
  get epoch(): number {
    return this.sampler.sampler.epoch;
  }

  /** Set when the run stopped by itself (a non-finite loss); `step()` then refuses to go on. */
  get stopReason(): StopReason | null {
    return this.stopReasonValue;
  }

  /** The number of trainable variables (tower + head): one tower, whatever the number of branches. */
  get variableCount(): number {
    return this.net.trainableVariables().length;
  }

  /**
   * One optimiser step on one batch. Reads back one small tensor (loss and triplet counts); applies the
   * gradients only if the loss is finite, otherwise stops the run with a reason and leaves the weights as they were.
   */
  step(): StepResult {
    this.assertUsable();
    if (this.stopReasonValue) throw new Error(`the run has stopped: ${this.stopReasonValue.message}`);
    if (this.config.mining.mode === 'offline') this.refreshOfflinePool();
    if (
      this.config.objective.distance === 'mahalanobis' &&
      this.stepCount > 0 &&
      this.stepCount % MAHALANOBIS_REFRESH === 0
    ) {
      this.refreshWhitening();
    }

    const plan = this.nextBatch();
    const variables = this.net.trainableVariables();
    let keptDistances: tf.Tensor2D | undefined;
    let keptStats: tf.Tensor1D | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = plan.forward(true);
      keptStats = tf.keep(out.stats);
      if (out.distances) keptDistances = tf.keep(out.distances);
      return out.loss;
    }, variables);

    const readback = tf.tidy(() => tf.concat([value.reshape([1]), keptStats!]));
    const [loss, easy, semiHard, hard, mined] = Array.from(readback.dataSync());
    readback.dispose();
    value.dispose();
    keptStats!.dispose();

    this.stepCount++;
    if (!Number.isFinite(loss)) {
      tf.dispose(grads);
      keptDistances?.dispose();
      this.stopReasonValue = {
        step: this.stepCount,
        code: 'non-finite-loss',
        message:
          `the loss became ${loss} at step ${this.stepCount}, so training stopped before the weights were changed; ` +
          `lower the learning rate (now ${this.config.optimizer.learningRate}) or turn on L2 normalisation`,
      };
      return {
        step: this.stepCount,
        epoch: this.epoch,
        loss,
        counts: null,
        mined: 0,
        note: this.stopReasonValue.message,
      };
    }
    this.optimizer.applyGradients(grads);
    tf.dispose(grads);

    if (this.lastBatch) this.lastBatch.distances.dispose();
    this.lastBatch = keptDistances ? { distances: keptDistances, plan } : null;

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

  /** Embeds the held-out set and measures P@1, R-precision, MAP@R, recall@k, ROC/AUC and more. */
  evaluate(): Evaluation {
    this.assertUsable();
    const evalRng = new Rng(this.config.seed ^ 0x5eed);
    const validationLoss = this.validationLoss();
    if (this.dataset.kind === 'pairs') {
      return { step: this.stepCount, metrics: null, pairs: this.evaluatePairFile(), validationLoss };
    }
    const dim = this.config.model.embeddingDim;
    const o = this.config.objective;
    if (this.config.data.splitInput) {
      const { a, b, n } = this.embedHeldOutHalves();
      const metrics = evaluateSplitHalves(a, b, n, dim, this.config, this.whitening, evalRng);
      return { step: this.stepCount, metrics, pairs: null, validationLoss };
    }
    const { values, n } = this.heldOutReadback();
    const metrics = evaluateEmbeddings(values, n, dim, this.testLabels, {
      distance: o.distance,
      whitening: this.whitening,
      margin: o.margin,
      threshold: this.config.training.threshold,
      rng: evalRng,
    });
    return { step: this.stepCount, metrics, pairs: null, validationLoss };
  }

  /**
   * The held-out embeddings in 2-D (stable PCA basis; with two classes or more also the stable LDA plane) and the
   * last batch with its mined triplets.
   */
  snapshot(): Snapshot {
    this.assertUsable();
    const dim = this.config.model.embeddingDim;
    // Split-input runs and pair files show their first halves / first sides.
    const { values, n } = this.heldOutReadback();
    const coordinates = this.pca.project(values, n, dim);
    const labels = this.testLabels.length ? this.testLabels.slice() : new Int32Array(n);
    const ldaCoordinates = this.lda.project(values, n, dim, labels);
    let ldaBatch: Float32Array | null = null;

    let batch: Snapshot['batch'] = null;
    if (this.lastBatch) {
      const { plan, distances } = this.lastBatch;
      const [rows, cols] = distances.shape;
      const d = distances.dataSync() as Float32Array;
      const positive = plan.split
        ? (i: number, j: number) => i === j
        : (i: number, j: number) => i !== j && plan.labels[i] === plan.labels[j];
      const negative = plan.split
        ? (i: number, j: number) => i !== j
        : (i: number, j: number) => plan.labels[i] !== plan.labels[j];
      const mined = plan.hasTriplets
        ? mineTripletsJs(
            d,
            rows,
            cols,
            positive,
            negative,
            this.config.mining.miner,
            this.config.objective.margin,
            new Rng(this.stepCount),
            SNAPSHOT_TRIPLETS,
          )
        : [];
      const triplets: SnapshotTriplet[] = mined.map((t) => ({ ...t }));
      const batchEmbeddings = this.embedBatchForSnapshot(plan);
      const batchValues = batchEmbeddings.dataSync() as Float32Array;
      const batchRows = batchEmbeddings.shape[0];
      batchEmbeddings.dispose();
      if (ldaCoordinates) ldaBatch = this.lda.transform(batchValues, batchRows, dim);
      batch = {
        coordinates: this.pca.transform(batchValues, batchRows, dim),
        labels: plan.labels.slice(),
        sampleIndices: plan.sampleIndices.slice(),
        triplets,
      };
    }
    return {
      step: this.stepCount,
      coordinates,
      // Copies: the worker transfers these buffers to the page, which would detach the trainer's own arrays.
      labels,
      indices: this.testIndices.slice(),
      atypical: this.testAtypical?.slice(),
      batch,
      lda: ldaCoordinates ? { coordinates: ldaCoordinates, batchCoordinates: ldaBatch } : null,
    };
  }

  /** Embeds new samples (flat row-major, n × prod(inputShape)) with the current tower, inference mode. */
  embed(features: Float32Array, n: number): Float32Array {
    this.assertUsable();
    const x = tf.tensor(features, [n, ...this.inputShape]);
    const e = this.embedTensor(x);
    x.dispose();
    const out = e.dataSync() as Float32Array;
    e.dispose();
    return out;
  }

  /**
   * The held-out embeddings (n × dim, row-major) in snapshot order — the vectors behind the scatter's points
   * (split-input runs: their first halves; pair files: side a). For neighbour lists and projections.
   */
  heldOutEmbeddings(): { values: Float32Array; n: number; dim: number } {
    this.assertUsable();
    const embeddings = this.embedTensor(this.testX);
    const values = embeddings.dataSync() as Float32Array;
    const [n, dim] = embeddings.shape;
    embeddings.dispose();
    return { values, n, dim };
  }

  /** Mahalanobis runs: the current whitening matrix W (row-major dim×dim); undefined for other distances. */
  get distanceWhitening(): Float32Array | undefined {
    return this.whitening;
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
  heldOutSamples(): { features: Float32Array; shape: number[]; labels: Int32Array; texts?: string[] } {
    return {
      ...this.heldOut,
      features: this.heldOut.features.slice(),
      labels: this.testLabels.length ? this.testLabels.slice() : new Int32Array(this.testIndices.length),
    };
  }

  /** A copy of every trainable weight (tower + head), e.g. to survive a lost WebGL context. */
  exportWeights(): { shape: number[]; values: Float32Array }[] {
    this.assertUsable();
    return this.net.trainableVariables().map((v) => ({ shape: [...v.shape], values: v.dataSync() as Float32Array }));
  }

  /**
   * Puts weights from `exportWeights` back (same architecture) and sets the step counter, so a run rebuilt on
   * another backend goes on where it was. The optimiser's moments start afresh.
   */
  importWeights(weights: { shape: number[]; values: Float32Array }[], step: number): void {
    this.assertUsable();
    const variables = this.net.trainableVariables();
    if (weights.length !== variables.length)
      throw new Error(`expected ${variables.length} weight tensors, got ${weights.length}`);
    variables.forEach((v, i) => {
      const w = weights[i];
      if (w.shape.join('x') !== v.shape.join('x'))
        throw new Error(`weight ${i} has shape [${w.shape}], expected [${v.shape}]`);
      tf.tidy(() => v.assign(tf.tensor(w.values, w.shape)));
    });
    this.stepCount = step;
    this.heldOutCache = null;
    if (this.config.objective.distance === 'mahalanobis') this.refreshWhitening();
  }

  /**
   * Every weight of the network, named: the tower's in its own order (trainable weights and batch-norm statistics,
   * which exportWeights leaves out) and the head's, as copies (safe to transfer). What model and experiment files store.
   */
  exportModelWeights(): ModelWeights {
    this.assertUsable();
    const tower = this.net.tower.weights.map((w) => ({
      name: w.name,
      shape: [...w.shape] as number[],
      values: (w.read().dataSync() as Float32Array).slice(),
    }));
    const head = (this.net.head?.variables ?? []).map((v, i) => ({
      name: `head/${i === 0 ? 'kernel' : 'bias'}`,
      shape: [...v.shape],
      values: (v.dataSync() as Float32Array).slice(),
    }));
    return { tower, head };
  }

  /**
   * Puts weights from exportModelWeights (or a loaded tower: `head` omitted keeps this head) back and sets the step
   * counter. Every count and shape is checked before the first write, so weights of another model change nothing.
   * The optimiser's moments start afresh.
   */
  importModelWeights(weights: { tower: NamedWeight[]; head?: NamedWeight[] }, step: number, source = 'the file'): void {
    this.assertUsable();
    const towerWeights = this.net.tower.weights;
    const spec = (w: { name: string; shape: readonly (number | null)[] }) => ({
      name: w.name,
      shape: w.shape.map((d) => d ?? -1),
    });
    checkWeightShapes(towerWeights.map(spec), weights.tower.map(spec), source, 'tower');
    const headVariables = this.net.head?.variables ?? [];
    if (weights.head)
      checkWeightShapes(
        headVariables.map((v, i) => ({ name: `head/${i === 0 ? 'kernel' : 'bias'}`, shape: v.shape })),
        weights.head.map(spec),
        source,
        'head',
      );
    tf.tidy(() => {
      towerWeights.forEach((w, i) => w.write(tf.tensor(weights.tower[i].values, weights.tower[i].shape)));
      weights.head?.forEach((w, i) => headVariables[i].assign(tf.tensor(w.values, w.shape)));
    });
    this.stepCount = step;
    this.heldOutCache = null;
    if (this.config.objective.distance === 'mahalanobis') this.refreshWhitening();
  }

  /** Shape of one tower input (split-input: a padded half). */
  get towerInputShape(): number[] {
    return [...this.inputShape];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.lastBatch?.distances.dispose();
    this.lastBatch = null;
    tf.dispose(this.validationTensors);
    tf.dispose([this.trainX, this.testX]);
    tf.dispose(
      [this.trainX2, this.testX2, this.trainTargets, this.trainLabelsTensor].filter((t): t is tf.Tensor => t !== null),
    );
    this.whiteningTensor?.dispose();
    this.optimizer.dispose();
    this.net.dispose();
  }

  // ─── batches ──────────────────────────────────────────────────────────────────────────────────────────

  private nextBatch(): BatchPlan {
    const s = this.sampler;
    switch (s.kind) {
      case 'pk':
        return this.pkPlan(
          s.sampler.next(),
          this.trainX,
          this.trainLabelsTensor!,
          this.trainLabels,
          this.rng.nextSeed(),
        );
      case 'split':
        return this.splitPlan(s.sampler.next(), this.trainX, this.trainX2!, this.trainLabels, this.rng.nextSeed());
      case 'pairs': {
        const { a, b, similar } = s.sampler.next();
        return this.pairPlan(a, b, similar, this.trainX, this.trainX, this.trainLabels);
      }
      case 'triplets': {
        const { anchor, positive, negative } = s.sampler.next();
        return this.tripletPlan(anchor, positive, negative);
      }
      case 'pair-file': {
        const idx = s.sampler.next();
        const targets = tf.tidy(() => tf.gather(this.trainTargets!, tf.tensor1d(idx, 'int32')));
        const similar = targets.dataSync() as Float32Array;
        targets.dispose();
        return this.pairPlan(idx, idx, similar, this.trainX, this.trainX2!, null);
      }
    }
  }

  private distanceContext(): DistanceContext {
    return this.whiteningTensor ? { whitening: this.whiteningTensor } : {};
  }

  /** P×K batch: one tower pass, all-pairs distances, masks from labels, mining inside the batch. */
  private pkPlan(
    idx: Int32Array,
    source: tf.Tensor,
    labelsTensor: tf.Tensor1D,
    labelArray: Int32Array,
    seed: number,
  ): BatchPlan {
    const labels = Int32Array.from(idx, (i) => labelArray[i]);
    return {
      sampleIndices: idx,
      labels,
      hasTriplets: true,
      split: false,
      forward: (training) => {
        const indices = tf.tensor1d(idx, 'int32');
        const x = tf.gather(source, indices);
        const y = tf.gather(labelsTensor, indices) as tf.Tensor1D;
        const e = this.net.embed(x, training);
        const D = pairwiseDistances(this.config.objective.distance, e, e, this.distanceContext());
        const masks = labelMasks(y, y, true);
        return this.batchLoss(e, e, D, masks, seed, false);
      },
    };
  }

  /** Split-input batch: halves a are anchors, halves b candidates; the positive of a_i is b_i. */
  private splitPlan(
    idx: Int32Array,
    sourceA: tf.Tensor,
    sourceB: tf.Tensor,
    labelArray: Int32Array,
    seed: number,
  ): BatchPlan {
    return {
      sampleIndices: idx,
      labels: Int32Array.from(idx, (i) => labelArray[i]),
      hasTriplets: true,
      split: true,
      forward: (training) => {
        const indices = tf.tensor1d(idx, 'int32');
        const [ea, eb] = this.net.embedPair(tf.gather(sourceA, indices), tf.gather(sourceB, indices), training);
        const D = pairwiseDistances(this.config.objective.distance, ea, eb, this.distanceContext());
        return this.batchLoss(ea, eb, D, splitInputMasks(idx.length), seed, true);
      },
    };
  }

  /**
   * The loss of an in-batch matrix of candidates: triplet (mined), InfoNCE, or a pair loss over the mined pairs
   * (positives and negatives weighted equally in total, so the many negatives of a batch do not drown the positives).
   */
  private batchLoss(ea: tf.Tensor2D, eb: tf.Tensor2D, D: tf.Tensor2D, masks: PairMasks, seed: number, split: boolean) {
    const o = this.config.objective;
    const miner = this.config.mining.miner;
    // WASM/CPU: the dense miners' loss, counts and gradient in one JS pass over the batch (see fusedTriplet.ts).
    const fused = fusedTripletAvailable();
    if (
      fused &&
      o.loss === 'triplet' &&
      !o.softMargin &&
      (miner === 'all' || miner === 'hard' || miner === 'semi-hard' || miner === 'easy')
    ) {
      const result = fusedTripletLoss(D, masks, { miner, margin: o.margin, reduction: o.reduction });
      return { loss: result.loss, stats: result.stats, distances: D };
    }
    const counts = fused ? tripletCountsJs(D, masks, o.margin) : tripletCategoryCounts(D, masks, o.margin);
    if (o.loss === 'triplet') {
      const mined = mineTriplets(D, masks, this.config.mining.miner, o.margin, seed);
      const result = tripletLoss(mined.dAP, mined.dAN, mined.mask, {
        margin: o.margin,
        softMargin: o.softMargin,
        reduction: o.reduction,
      });
      return { loss: result.loss, stats: tf.concat([counts, result.mined.reshape([1])]) as tf.Tensor1D, distances: D };
    }
    if (o.loss === 'infonce') {
      const n = D.shape[0];
      const valid = split ? tf.onesLike(D) : (tf.sub(1, tf.eye(n)) as tf.Tensor2D);
      const loss = infoNceLoss(D, masks.positive, valid, o.temperature);
      return { loss, stats: tf.concat([counts, tf.sum(masks.positive).reshape([1])]) as tf.Tensor1D, distances: D };
    }
    const { positiveWeights, negativeWeights } = minePairs(D, masks, this.config.mining.miner, o.margin, seed);
    const balance = (w: tf.Tensor2D) => tf.div(w, tf.maximum(tf.mul(tf.sum(w), 2), 1e-12));
    const weights = tf.add(balance(positiveWeights), balance(negativeWeights));
    const minedCount = tf.add(tf.sum(positiveWeights), tf.sum(negativeWeights)).reshape([1]);
    const similar = masks.positive;
    let loss: tf.Scalar;
    if (o.loss === 'contrastive') {
      loss = contrastiveLoss(D, similar, o.margin, weights);
    } else {
      const [n, m] = D.shape;
      const dim = ea.shape[1];
      const rows = tf.reshape(tf.tile(tf.expandDims(ea, 1), [1, m, 1]), [n * m, dim]) as tf.Tensor2D;
      const cols = tf.reshape(tf.tile(tf.expandDims(eb, 0), [n, 1, 1]), [n * m, dim]) as tf.Tensor2D;
      const predictions = this.net.head!.apply(rows, cols);
      loss =
        o.loss === 'binary'
          ? binaryCrossEntropyLoss(predictions, similar.reshape([n * m]), weights.reshape([n * m]))
          : cosineRegressionLoss(predictions, similar.reshape([n * m]), weights.reshape([n * m]));
    }
    return { loss, stats: tf.concat([counts, minedCount]) as tf.Tensor1D, distances: D };
  }

  /** Explicit pairs (random balanced pairs, offline-mined pairs or a pair file). */
  private pairPlan(
    a: Int32Array,
    b: Int32Array,
    similar: Float32Array,
    sourceA: tf.Tensor,
    sourceB: tf.Tensor,
    labelArray: Int32Array | null,
  ): BatchPlan {
    const o = this.config.objective;
    return {
      sampleIndices: Int32Array.from([...a, ...b]),
      labels: labelArray ? Int32Array.from([...a, ...b], (i) => labelArray[i]) : new Int32Array(a.length * 2),
      hasTriplets: false,
      split: false,
      forward: (training) => {
        const [ea, eb] = this.net.embedPair(
          tf.gather(sourceA, tf.tensor1d(a, 'int32')),
          tf.gather(sourceB, tf.tensor1d(b, 'int32')),
          training,
        );
        const y = tf.tensor1d(similar);
        let loss: tf.Scalar;
        if (o.loss === 'contrastive')
          loss = contrastiveLoss(rowwiseDistances(o.distance, ea, eb, this.distanceContext()), y, o.margin);
        else if (o.loss === 'binary') loss = binaryCrossEntropyLoss(this.net.head!.apply(ea, eb), y);
        else loss = cosineRegressionLoss(this.net.head!.apply(ea, eb), y);
        return { loss, stats: tf.tensor1d([0, 0, 0, a.length]) };
      },
    };
  }

  /** Random or offline-mined triplets: three branches through the one tower. */
  private tripletPlan(anchor: Int32Array, positive: Int32Array, negative: Int32Array): BatchPlan {
    const o = this.config.objective;
    const labelArray = this.trainLabels;
    const all = Int32Array.from([...anchor, ...positive, ...negative]);
    return {
      sampleIndices: all,
      labels: Int32Array.from(all, (i) => labelArray[i]),
      hasTriplets: true,
      split: false,
      forward: (training) => {
        const g = (idx: Int32Array) => tf.gather(this.trainX, tf.tensor1d(idx, 'int32'));
        const [ea, ep, en] = this.net.embedTriplet(g(anchor), g(positive), g(negative), training);
        const ctx = this.distanceContext();
        const dAP = rowwiseDistances(o.distance, ea, ep, ctx);
        const dAN = rowwiseDistances(o.distance, ea, en, ctx);
        const result = tripletLoss(dAP, dAN, tf.onesLike(dAP), {
          margin: o.margin,
          softMargin: o.softMargin,
          reduction: o.reduction,
        });
        const delta = tf.sub(dAN, dAP);
        const hard = tf.sum(tf.cast(tf.lessEqual(delta, 0), 'float32'));
        const easy = tf.sum(tf.cast(tf.greater(delta, o.margin), 'float32'));
        const semiHard = tf.sub(tf.sub(anchor.length, hard), easy);
        const stats = tf.stack([easy, semiHard, hard, result.mined]) as tf.Tensor1D;
        // Distances between every embedded sample of the triplet batch, so snapshots can draw the triplets.
        const e = tf.concat([ea, ep, en]) as tf.Tensor2D;
        return { loss: result.loss, stats, distances: pairwiseDistances(o.distance, e, e, ctx) };
      },
    };
  }

  // ─── evaluation helpers ──────────────────────────────────────────────────────────────────────────────

  /** Embeds in inference mode, in chunks. */
  private embedTensor(x: tf.Tensor): tf.Tensor2D {
    return this.net.embedAll(x);
  }

  /**
   * The held-out set (testX) embedded with the current weights, read back once per step: a snapshot and an
   * evaluation of the same step (the worker often posts both together) share one forward pass. Read-only for callers.
   */
  private heldOutReadback(): { values: Float32Array; n: number } {
    if (this.heldOutCache?.step !== this.stepCount) {
      const embeddings = this.embedTensor(this.testX);
      const values = embeddings.dataSync() as Float32Array;
      const n = embeddings.shape[0];
      embeddings.dispose();
      this.heldOutCache = { step: this.stepCount, values, n };
    }
    return this.heldOutCache;
  }

  private embedHeldOutHalves(): { a: Float32Array; b: Float32Array; n: number } {
    const ea = this.embedTensor(this.testX);
    const eb = this.embedTensor(this.testX2!);
    const a = ea.dataSync() as Float32Array;
    const b = eb.dataSync() as Float32Array;
    const n = ea.shape[0];
    tf.dispose([ea, eb]);
    return { a, b, n };
  }

  private embedBatchForSnapshot(plan: BatchPlan): tf.Tensor2D {
    const idx = plan.sampleIndices;
    if (plan.split) {
      return tf.tidy(() => {
        const indices = tf.tensor1d(idx, 'int32');
        const [ea, eb] = this.net.embedPair(tf.gather(this.trainX, indices), tf.gather(this.trainX2!, indices), false);
        return tf.concat([ea, eb]) as tf.Tensor2D;
      });
    }
    return tf.tidy(() => this.net.embed(tf.gather(this.trainX, tf.tensor1d(idx, 'int32')), false));
  }

  /** Loss on one fixed held-out batch (same recipe as training, inference mode), comparable across steps. */
  private validationLoss(): number | null {
    if (this.dataset.kind === 'pairs' || this.config.mining.mode === 'offline') return null;
    if (!this.validationPlan) {
      const rng = new Rng(this.config.seed ^ 0xba7c4);
      const n = this.testLabels.length;
      const c = this.config.batch;
      if (this.config.data.splitInput) {
        if (n < c.size) return null;
        this.validationPlan = this.splitPlan(
          Int32Array.from(rng.sampleWithoutReplacement(n, c.size)),
          this.testX,
          this.testX2!,
          this.testLabels,
          1,
        );
      } else if (this.sampler.kind === 'pk') {
        try {
          const sampler = new PKSampler(
            this.testLabels,
            this.dataset.classNames.length,
            c.classesPerBatch,
            c.size / c.classesPerBatch,
            rng,
          );
          const labels = tf.tensor1d(this.testLabels, 'int32');
          this.validationTensors.push(labels);
          this.validationPlan = this.pkPlan(sampler.next(), this.testX, labels, this.testLabels, 1);
        } catch {
          return null;
        }
      } else {
        return null;
      }
    }
    const loss = tf.tidy(() => this.validationPlan!.forward(false).loss);
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  }

  private evaluatePairFile(): Evaluation['pairs'] {
    const o = this.config.objective;
    const scores = tf.tidy(() => {
      const ea = this.net.embedAll(this.testX);
      const eb = this.net.embedAll(this.testX2!);
      if (HEAD_LOSSES.includes(o.loss)) return this.net.head!.apply(ea, eb);
      return rowwiseDistances(o.distance, ea, eb, this.distanceContext());
    });
    const values = scores.dataSync() as Float32Array;
    scores.dispose();
    const targets = this.testTargets!;
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

  // ─── state refreshes ─────────────────────────────────────────────────────────────────────────────────

  /** Mahalanobis: re-estimate (cov + λI)^-1 = W·Wᵀ from a pool of current training embeddings. */
  private refreshWhitening(): void {
    if (this.config.objective.distance !== 'mahalanobis') return;
    const { values, n } = this.embedPool(new Rng(this.config.seed + this.stepCount));
    const dim = this.config.model.embeddingDim;
    this.whitening = mahalanobisWhiteningJs(values, n, dim, this.config.objective.mahalanobisRegularization);
    this.whiteningTensor?.dispose();
    this.whiteningTensor = tf.tensor2d(this.whitening, [dim, dim]);
  }

  private embedPool(rng: Rng): { values: Float32Array; n: number; indices: Int32Array } {
    const total = this.trainX.shape[0];
    const indices = Int32Array.from(rng.sampleWithoutReplacement(total, Math.min(POOL_SIZE, total))).sort();
    const e = tf.tidy(() => this.net.embedAll(tf.gather(this.trainX, tf.tensor1d(indices, 'int32'))));
    const values = e.dataSync() as Float32Array;
    e.dispose();
    return { values, n: indices.length, indices };
  }

  /** Offline mining: once per epoch, pick this epoch's pairs or triplets from current embeddings by hardness. */
  private refreshOfflinePool(): void {
    const s = this.sampler;
    if (s.kind !== 'pairs' && s.kind !== 'triplets') return;
    if (!(s.sampler instanceof PrecomputedPairSampler) && !(s.sampler instanceof PrecomputedTripletSampler)) return;
    const epoch = this.stepCount === 0 ? -1 : s.sampler.epoch;
    if (epoch === this.offlineEpoch && this.stepCount > 0) return;
    this.offlineEpoch = epoch;
    const rng = new Rng(this.config.seed + 7919 * (this.stepCount + 1));
    const { values, n, indices } = this.embedPool(rng);
    const labels = Int32Array.from(indices, (i) => this.trainLabels[i]);
    const o = this.config.objective;
    const dim = this.config.model.embeddingDim;
    const count = Math.max(this.config.batch.size * 8, n);
    if (s.sampler instanceof PrecomputedTripletSampler) {
      const t = offlineMineTriplets(
        values,
        indices,
        labels,
        dim,
        o.distance,
        this.whitening,
        this.config.mining.miner,
        o.margin,
        count,
        rng,
      );
      s.sampler.setPool(t.anchor, t.positive, t.negative);
    } else {
      const p = offlineMinePairs(
        values,
        indices,
        labels,
        dim,
        o.distance,
        this.whitening,
        this.config.mining.miner,
        o.margin,
        count,
        this.config.batch.positiveFraction,
        rng,
      );
      s.sampler.setPool(p.a, p.b, p.similar);
    }
    if (this.stepCount === 0) this.offlineEpoch = s.sampler.epoch;
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('this trainer has been disposed');
  }
}

/** The sampler a labelled (non split-input) run needs. */
function makeLabelledSampler(config: Config, train: LabelledDataset, rng: Rng): Sampler {
  const b = config.batch;
  const classes = train.classNames.length;
  if (b.mode === 'pk')
    return {
      kind: 'pk',
      sampler: new PKSampler(train.labels, classes, b.classesPerBatch, b.size / b.classesPerBatch, rng),
    };
  const offline = config.mining.mode === 'offline';
  if (b.mode === 'pairs') {
    return {
      kind: 'pairs',
      sampler: offline
        ? new PrecomputedPairSampler(b.size, rng)
        : new PairSampler(train.labels, classes, b.size, b.positiveFraction, rng),
    };
  }
  return {
    kind: 'triplets',
    sampler: offline
      ? new PrecomputedTripletSampler(b.size, rng)
      : new TripletSampler(train.labels, classes, b.size, rng),
  };
}

/** At most `max` held-out samples, stratified, so evaluation stays fast in a browser. */
function limitEvalSet(test: LabelledDataset, max: number, rng: Rng): { dataset: LabelledDataset; indices: Int32Array } {
  if (test.numSamples <= max)
    return { dataset: test, indices: Int32Array.from({ length: test.numSamples }, (_, i) => i) };
  const fraction = max / test.numSamples;
  const { test: keep } = stratifiedSplit(test.labels, test.classNames.length, Math.min(fraction, 0.999), rng);
  const indices = keep.slice(0, max);
  return { dataset: subsetLabelled(test, indices), indices };
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
) {
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
