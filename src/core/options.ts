/**
 * The names of every option of an experiment and the one `Config` shape they form. A leaf module: the rule tables
 * (capabilities.ts), the defaults and validate() (config.ts) build on it. Import from config.ts, which re-exports it.
 */

export const TOWERS = ['mlp', 'cnn', 'lstm', 'gru'] as const;
export const ACTIVATIONS = ['relu', 'tanh', 'elu', 'selu', 'sigmoid', 'linear'] as const;
export const LOSSES = ['contrastive', 'triplet', 'binary', 'cosine-regression', 'infonce'] as const;
export const DISTANCES = ['euclidean', 'squared-euclidean', 'cosine', 'manhattan', 'mahalanobis'] as const;
export const MINERS = ['all', 'hard', 'semi-hard', 'easy', 'batch-hard', 'random'] as const;
/** Most held-out samples an evaluation takes (see the check of data.evalSamples). */
export const MAX_EVAL_SAMPLES = 20_000;
export const MINING_MODES = ['online', 'offline'] as const;
export const REDUCTIONS = ['mean-non-zero', 'mean'] as const;
export const HEAD_COMBINES = ['abs-diff', 'concat'] as const;
export const BATCH_MODES = ['pk', 'pairs', 'triplets'] as const;
export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
export const BACKENDS = ['auto', 'webgl', 'wasm', 'cpu'] as const;

export type TowerName = (typeof TOWERS)[number];
export type Activation = (typeof ACTIVATIONS)[number];
export type LossName = (typeof LOSSES)[number];
export type DistanceName = (typeof DISTANCES)[number];
export type MinerName = (typeof MINERS)[number];
export type MiningMode = (typeof MINING_MODES)[number];
export type Reduction = (typeof REDUCTIONS)[number];
export type HeadCombine = (typeof HEAD_COMBINES)[number];
export type BatchMode = (typeof BATCH_MODES)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type BackendName = (typeof BACKENDS)[number];

export interface DataConfig {
  /** Built-in dataset name (see the built-in registry) or `upload:<file name>` for user data. */
  dataset: string;
  /** Fraction of samples held out for evaluation when the dataset has no fixed test split. (0.05–0.5) */
  validationFraction: number;
  /** At most this many held-out samples are embedded per evaluation (keeps evaluation fast in a browser). */
  evalSamples: number;
  /**
   * Split-input mode: each sample is cut into halves a | b at `splitRatio`; a positive pair is the two
   * halves of one sample, a negative pair halves of different samples. Unequal halves are zero-padded.
   */
  splitInput: boolean;
  /** Fraction of a sample's features that form half a. (0.1–0.9) */
  splitRatio: number;
  /**
   * Unseen-class protocol: these class ids never enter training, and every held-out metric is measured on their
   * held-out samples (the verification threshold is chosen on held-out samples of the training classes). [] = off.
   */
  unseenClasses: number[];
  /** A seeded choice of this many unseen classes instead of a list (0 = none). */
  unseenCount: number;
}

export interface MlpConfig {
  /** Hidden layer widths before the embedding layer; [] = a linear embedding. */
  hiddenUnits: number[];
  activation: Activation;
  /** Dropout rate after each hidden layer, 0 = none. (0–0.9) */
  dropout: number;
  /** Batch normalisation after each hidden layer (before the activation). */
  batchNorm: boolean;
}

export interface CnnConfig {
  /** Filters per conv block; each block is conv(kernel) → [batch-norm] → activation → 2×2 max-pool. */
  filters: number[];
  kernelSize: number;
  /** Width of the dense layer between the conv blocks and the embedding; 0 = none. */
  denseUnits: number;
  activation: Activation;
  dropout: number;
  batchNorm: boolean;
}

export interface RecurrentConfig {
  /** Size of the learned token embedding (text) — sequences of numbers skip it. */
  tokenEmbeddingDim: number;
  /** Units of the LSTM/GRU layer whose final state feeds the embedding layer. */
  units: number;
}

export interface ModelConfig {
  /** The shared tower: every branch of the twin network runs this one network (same variables). */
  tower: TowerName;
  mlp: MlpConfig;
  cnn: CnnConfig;
  recurrent: RecurrentConfig;
  /** Output size of the tower. 2 makes the embedding itself the plot. (1–1024) */
  embeddingDim: number;
  /** Divide each embedding by its L2 norm: embeddings live on the unit sphere. */
  l2Normalize: boolean;
}

export interface ObjectiveConfig {
  /**
   * contrastive: y·d² + (1−y)·max(0, m − d)²; triplet: max(d(a,p) − d(a,n) + m, 0);
   * binary: |a−b| or [a,b] → Dense sigmoid, binary cross-entropy; cosine-regression: cos(a,b) → Dense,
   * mean squared error against the pair's score; infonce: softmax over −d/τ with same-class positives.
   */
  loss: LossName;
  distance: DistanceName;
  /** Margin m of contrastive and triplet losses and of the mining categories. (> 0) */
  margin: number;
  /** Triplet only: log(1 + exp(d(a,p) − d(a,n))) instead of the hinge; no margin. */
  softMargin: boolean;
  /** Triplet only: average over all mined triplets, or only over those with non-zero loss. */
  reduction: Reduction;
  /** InfoNCE temperature τ. (0.01–10) */
  temperature: number;
  /** Binary head: how the two embeddings are combined before the Dense sigmoid. */
  headCombine: HeadCombine;
  /** Mahalanobis: ridge λ added to the embedding covariance before inverting it. (> 0) */
  mahalanobisRegularization: number;
}

export interface MiningConfig {
  /**
   * Which triplets (or pairs) of a batch train the network, with δ = d(a,n) − d(a,p):
   * all: every triplet with δ ≤ m (batch-all); hard: δ ≤ 0; semi-hard: 0 < δ ≤ m; easy: δ > m;
   * batch-hard: the hardest positive and hardest negative of each anchor; random: any valid triplets.
   */
  miner: MinerName;
  /** online: mine inside each P×K batch; offline: pick pairs/triplets once per epoch from current embeddings. */
  mode: MiningMode;
}

export interface BatchConfig {
  /**
   * pk: P classes × K samples (needed for online mining); pairs: balanced random pairs;
   * triplets: random (anchor, positive, negative) triplets.
   */
  mode: BatchMode;
  /** Samples per batch in pk mode; pairs or triplets per batch otherwise. Fixed, so shaders compile once. */
  size: number;
  /** P of a pk batch; K = size / P must be a whole number ≥ 2. */
  classesPerBatch: number;
  /** pairs mode: fraction of positive pairs. (0.1–0.9) */
  positiveFraction: number;
}

export interface OptimizerConfig {
  name: OptimizerName;
  learningRate: number;
}

export interface TrainingConfig {
  /** Steps the CLI runs (the playground runs until paused). */
  steps: number;
  /** Evaluate on held-out data every this many steps (0 = only when asked). */
  evalEvery: number;
  /** Verification threshold on the distance (same below, different above); null = use the best found. */
  threshold: number | null;
  /** Preferred backend; `auto` picks WebGL on a real GPU, else WASM, else CPU. */
  backend: BackendName;
}

export interface Config {
  /** Seed of the one random source: same config + seed → same numbers on the CPU backend. */
  seed: number;
  data: DataConfig;
  model: ModelConfig;
  objective: ObjectiveConfig;
  mining: MiningConfig;
  batch: BatchConfig;
  optimizer: OptimizerConfig;
  training: TrainingConfig;
}

/** How many classes the unseen-class protocol holds out (0 = off). */
export function unseenClassCount(d: Pick<DataConfig, 'unseenClasses' | 'unseenCount'>): number {
  return d.unseenClasses.length > 0 ? d.unseenClasses.length : d.unseenCount;
}
