/**
 * The embedding network ("tower") that every branch of the twin network shares. One builder per tower name
 * (registry below); each returns a `tf.Sequential` named 'embedding_tower' whose initialisers are all seeded,
 * so the same config and seed give the same starting weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, ModelConfig, TowerName } from '../config';
import { Rng } from '../rng';
import { L2Normalization, SeededDropout, orthogonalMatrix } from './layers';
import { registerMissingGradientKernels } from './gradientKernels';
import { registerFastWasmKernels } from './fastKernels';
import { registerSumGradient } from './sumGradient';

export { L2Normalization, SeededDropout } from './layers';

/** What the tower needs to know about one sample. */
export interface TowerInput {
  /** Shape of one sample as stored in the dataset: [d] tabular, [h,w,c] images, [length] token ids or sequence values. */
  featureShape: number[];
  modality: 'tabular' | 'points2d' | 'image' | 'sequence' | 'text';
  /** Text only: vocabulary size (token ids 0..size-1, 0 = padding). */
  vocabularySize?: number;
}

/** The name every tower model carries, so saved towers are recognisable. */
export const TOWER_MODEL_NAME = 'embedding_tower';

/**
 * Adds layers to a Sequential, giving the first one the input shape and each initialiser its own seed drawn
 * from one stream (so adding a layer never changes how the layers before it start).
 */
class TowerBuilder {
  readonly model = tf.sequential({ name: TOWER_MODEL_NAME });
  private readonly seeds: Rng;
  private pendingInputShape: number[] | null;

  constructor(inputShape: number[], seed: number) {
    this.seeds = new Rng(seed);
    this.pendingInputShape = [...inputShape];
  }

  /** Layer args for the next layer: the input shape if it is the first. */
  private inputArgs(): { inputShape?: number[] } {
    if (this.pendingInputShape === null) return {};
    const inputShape = this.pendingInputShape;
    this.pendingInputShape = null;
    return { inputShape };
  }

  nextSeed(): number {
    return this.seeds.nextSeed();
  }

  glorot(): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: this.nextSeed() });
  }

  add(make: (inputArgs: { inputShape?: number[] }) => tf.layers.Layer): void {
    this.model.add(make(this.inputArgs()));
  }

  /** Dense (or conv) output → [batch-norm] → activation → [dropout]; batch-norm makes the bias redundant. */
  addNormActivationDropout(activation: Activation, batchNorm: boolean, dropout: number): void {
    if (batchNorm) this.add(() => tf.layers.batchNormalization({}));
    if (batchNorm && activation !== 'linear') this.add(() => tf.layers.activation({ activation }));
    if (dropout > 0) this.add(() => new SeededDropout({ rate: dropout, seed: this.nextSeed() }));
  }

  /** The final linear projection to the embedding, then the unit-sphere projection when asked. */
  addEmbedding(config: ModelConfig): tf.Sequential {
    this.add((inputArgs) =>
      tf.layers.dense({ ...inputArgs, units: config.embeddingDim, kernelInitializer: this.glorot() }),
    );
    if (config.l2Normalize) this.add(() => new L2Normalization({}));
    return this.model;
  }
}

function buildMlp(config: ModelConfig, input: TowerInput, seed: number): tf.Sequential {
  const builder = new TowerBuilder(input.featureShape, seed);
  if (input.featureShape.length > 1) builder.add((inputArgs) => tf.layers.flatten(inputArgs));
  const { hiddenUnits, activation, batchNorm, dropout } = config.mlp;
  for (const units of hiddenUnits) {
    builder.add((inputArgs) =>
      tf.layers.dense({
        ...inputArgs,
        units,
        // Without batch-norm the activation is fused into the Dense layer (one kernel fewer per step).
        activation: batchNorm ? 'linear' : activation,
        useBias: !batchNorm,
        kernelInitializer: builder.glorot(),
      }),
    );
    builder.addNormActivationDropout(activation, batchNorm, dropout);
  }
  return builder.addEmbedding(config);
}

function buildCnn(config: ModelConfig, input: TowerInput, seed: number): tf.Sequential {
  if (input.featureShape.length !== 3) {
    throw new Error(
      `a CNN tower needs images of shape [height, width, channels], got [${input.featureShape.join(', ')}]; use the MLP tower`,
    );
  }
  const builder = new TowerBuilder(input.featureShape, seed);
  const { filters, kernelSize, denseUnits, activation, batchNorm, dropout } = config.cnn;
  let [height, width] = input.featureShape;
  for (const count of filters) {
    builder.add((inputArgs) =>
      tf.layers.conv2d({
        ...inputArgs,
        filters: count,
        kernelSize,
        padding: 'same',
        activation: batchNorm ? 'linear' : activation,
        useBias: !batchNorm,
        kernelInitializer: builder.glorot(),
      }),
    );
    builder.addNormActivationDropout(activation, batchNorm, 0);
    // Small images (8×8 digits) run out of pixels: pool only while both sides stay at least 2.
    if (Math.floor(height / 2) >= 2 && Math.floor(width / 2) >= 2) {
      builder.add(() => tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
      height = Math.floor(height / 2);
      width = Math.floor(width / 2);
    }
  }
  builder.add(() => tf.layers.flatten({}));
  if (denseUnits > 0) {
    builder.add(() => tf.layers.dense({ units: denseUnits, activation, kernelInitializer: builder.glorot() }));
    if (dropout > 0) builder.add(() => new SeededDropout({ rate: dropout, seed: builder.nextSeed() }));
  } else if (dropout > 0) {
    builder.add(() => new SeededDropout({ rate: dropout, seed: builder.nextSeed() }));
  }
  return builder.addEmbedding(config);
}

function buildRecurrent(kind: 'lstm' | 'gru', config: ModelConfig, input: TowerInput, seed: number): tf.Sequential {
  const shape = input.featureShape;
  const builder = new TowerBuilder(shape, seed);
  const { tokenEmbeddingDim, units } = config.recurrent;
  if (input.modality === 'text') {
    if (shape.length !== 1) throw new Error(`text samples must be [length] token ids, got [${shape.join(', ')}]`);
    if (!input.vocabularySize || input.vocabularySize < 2) {
      throw new Error('a recurrent tower on text needs the vocabulary size (token ids 0..size-1)');
    }
    const vocabularySize = input.vocabularySize;
    builder.add((inputArgs) =>
      tf.layers.embedding({
        ...inputArgs,
        inputDim: vocabularySize,
        outputDim: tokenEmbeddingDim,
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: builder.nextSeed() }),
      }),
    );
  } else if (shape.length === 1) {
    builder.add((inputArgs) => tf.layers.reshape({ ...inputArgs, targetShape: [shape[0], 1] }));
  } else if (shape.length !== 2) {
    throw new Error(`a recurrent tower reads [length] or [length, channels] sequences, got [${shape.join(', ')}]`);
  }
  const recurrentArgsBase = {
    units,
    kernelInitializer: builder.glorot(),
    // Replaced below by a seeded orthogonal matrix computed in JS (see orthogonalMatrix).
    recurrentInitializer: tf.initializers.zeros(),
    returnSequences: false,
  };
  builder.add((inputArgs) =>
    kind === 'lstm'
      ? // Forget-gate bias 1 (the Keras default; Jozefowicz et al. 2015): the cell remembers from the first step.
        tf.layers.lstm({ ...inputArgs, ...recurrentArgsBase, unitForgetBias: true })
      : tf.layers.gru({ ...inputArgs, ...recurrentArgsBase }),
  );
  const recurrentLayer = builder.model.layers[builder.model.layers.length - 1];
  const recurrentKernel = recurrentLayer.weights.find((w) => /recurrent_kernel/.test(w.originalName));
  if (!recurrentKernel) throw new Error(`internal: no recurrent kernel in the ${kind} layer`);
  const [rows, cols] = recurrentKernel.shape as number[];
  const orthogonal = tf.tensor2d(orthogonalMatrix(rows, cols, new Rng(builder.nextSeed())), [rows, cols]);
  recurrentKernel.write(orthogonal);
  orthogonal.dispose();
  return builder.addEmbedding(config);
}

type TowerBuilderFn = (config: ModelConfig, input: TowerInput, seed: number) => tf.Sequential;

/** Name → builder; an unknown name is an error listing the known ones. */
export const TOWER_BUILDERS: Readonly<Record<TowerName, TowerBuilderFn>> = {
  mlp: buildMlp,
  cnn: buildCnn,
  lstm: (config, input, seed) => buildRecurrent('lstm', config, input, seed),
  gru: (config, input, seed) => buildRecurrent('gru', config, input, seed),
};

/**
 * The embedding network shared by every branch: [batch, ...featureShape] → [batch, embeddingDim]. Every
 * initialiser is seeded from `seed`, so the same seed gives the same weights.
 */
export function buildTower(config: ModelConfig, input: TowerInput, seed: number): tf.Sequential {
  const build = (TOWER_BUILDERS as Record<string, TowerBuilderFn | undefined>)[config.tower];
  if (!build)
    throw new Error(`unknown tower "${config.tower}"; known towers: ${Object.keys(TOWER_BUILDERS).join(', ')}`);
  if (input.featureShape.length === 0 || input.featureShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`a sample shape must list positive whole sizes, got [${input.featureShape.join(', ')}]`);
  }
  // CNN and text towers need gradient kernels that the WASM backend lacks (see gradientKernels.ts).
  registerMissingGradientKernels('wasm');
  // Copy-free Identity, explicit transposes before matMul, row gathers: see fastKernels.ts (a no-op without WASM).
  registerFastWasmKernels();
  // dSum/dx made by the backend instead of from a JS array of ones: see sumGradient.ts.
  registerSumGradient();
  return build(config, input, seed);
}
