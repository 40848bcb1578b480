import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type ModelConfig, type TowerName } from '../../../src/core/config';
import { Rng } from '../../../src/core/rng';
import { buildTower, L2Normalization, SeededDropout, type TowerInput } from '../../../src/core/model/towers';
import { orthogonalMatrix } from '../../../src/core/model/layers';
import { expectAllClose, expectNoLeakedTensors, useCpuBackend } from '../../helpers/tf';

beforeAll(async () => {
  await useCpuBackend();
});

/** Small widths so that every tower builds and runs fast on the CPU backend. */
function modelConfig(tower: TowerName, l2Normalize: boolean, embeddingDim = 6): ModelConfig {
  return makeConfig({
    model: {
      tower,
      embeddingDim,
      l2Normalize,
      mlp: { hiddenUnits: [16, 8], activation: 'relu', dropout: 0, batchNorm: false },
      cnn: { filters: [4, 8, 8], kernelSize: 3, denseUnits: 12, activation: 'relu', dropout: 0, batchNorm: false },
      recurrent: { tokenEmbeddingDim: 5, units: 7 },
    },
  }).model;
}

const VOCABULARY_SIZE = 30;

/** A batch of plausible inputs: token ids for text, Gaussian values otherwise. */
function sampleBatch(input: TowerInput, batch: number, seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const size = input.featureShape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: batch * size }, () =>
    input.modality === 'text' ? rng.int(input.vocabularySize ?? 2) : rng.normal(),
  );
  return tf.tensor(values, [batch, ...input.featureShape]);
}

function rowNorms(values: Float32Array, dim: number): number[] {
  const norms: number[] = [];
  for (let r = 0; r < values.length / dim; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += values[r * dim + j] ** 2;
    norms.push(Math.sqrt(s));
  }
  return norms;
}

const CASES: { tower: TowerName; input: TowerInput }[] = [
  { tower: 'mlp', input: { featureShape: [784], modality: 'image' } },
  { tower: 'mlp', input: { featureShape: [4], modality: 'tabular' } },
  { tower: 'mlp', input: { featureShape: [2], modality: 'points2d' } },
  { tower: 'mlp', input: { featureShape: [8, 8, 1], modality: 'image' } },
  { tower: 'cnn', input: { featureShape: [8, 8, 1], modality: 'image' } },
  { tower: 'cnn', input: { featureShape: [28, 28, 1], modality: 'image' } },
  { tower: 'lstm', input: { featureShape: [20], modality: 'text', vocabularySize: VOCABULARY_SIZE } },
  { tower: 'gru', input: { featureShape: [20], modality: 'text', vocabularySize: VOCABULARY_SIZE } },
  { tower: 'lstm', input: { featureShape: [32], modality: 'sequence' } },
  { tower: 'gru', input: { featureShape: [32], modality: 'sequence' } },
];

describe('buildTower output shapes and L2 normalisation', () => {
  for (const { tower, input } of CASES) {
    it(`${tower} on [${input.featureShape}] (${input.modality})`, () => {
      const dim = 6;
      const plain = buildTower(modelConfig(tower, false, dim), input, 11);
      const normalised = buildTower(modelConfig(tower, true, dim), input, 11);
      expect(plain.name).toBe('embedding_tower');
      const x = sampleBatch(input, 3, 5);
      const yPlain = plain.predict(x) as tf.Tensor;
      const yNorm = normalised.predict(x) as tf.Tensor;
      expect(yPlain.shape).toEqual([3, dim]);
      expect(yNorm.shape).toEqual([3, dim]);
      const plainValues = yPlain.dataSync() as Float32Array;
      const normValues = yNorm.dataSync() as Float32Array;
      // L2 on: unit norms. Same seed, so the L2 tower is the plain tower divided by its norm (JS reference).
      for (const n of rowNorms(normValues, dim)) expect(Math.abs(n - 1)).toBeLessThan(1e-5);
      const plainNorms = rowNorms(plainValues, dim);
      expect(plainNorms.some((n) => Math.abs(n - 1) > 1e-3)).toBe(true);
      const reference = Array.from(plainValues, (v, i) => v / plainNorms[Math.floor(i / dim)]);
      expectAllClose(normValues, reference, 1e-5);
      tf.dispose([x, yPlain, yNorm]);
      plain.dispose();
      normalised.dispose();
    });
  }

  it('pools the 8×8 digits only while both sides stay ≥ 2 (8 → 4 → 2, third block unpooled)', () => {
    const tower = buildTower(modelConfig('cnn', false), { featureShape: [8, 8, 1], modality: 'image' }, 1);
    const pools = tower.layers.filter((l) => l.getClassName() === 'MaxPooling2D');
    expect(pools.map((l) => l.outputShape)).toEqual([
      [null, 4, 4, 4],
      [null, 2, 2, 8],
    ]);
    tower.dispose();
  });

  it('builds batch-norm and dropout variants whose shapes are unchanged', () => {
    const config = makeConfig({
      model: {
        tower: 'mlp',
        embeddingDim: 3,
        mlp: { hiddenUnits: [8], activation: 'tanh', dropout: 0.5, batchNorm: true },
      },
    }).model;
    const input: TowerInput = { featureShape: [5], modality: 'tabular' };
    const tower = buildTower(config, input, 3);
    const names = tower.layers.map((l) => l.getClassName());
    expect(names).toEqual(['Dense', 'BatchNormalization', 'Activation', 'SeededDropout', 'Dense', 'L2Normalization']);
    const x = sampleBatch(input, 4, 2);
    const y = tower.apply(x, { training: true }) as tf.Tensor;
    expect(y.shape).toEqual([4, 3]);
    tf.dispose([x, y]);
    tower.dispose();
  });
});

describe('seeded initialisation', () => {
  for (const tower of ['mlp', 'cnn', 'lstm'] as TowerName[]) {
    it(`${tower}: the same seed gives identical weights, another seed different ones`, () => {
      const input: TowerInput =
        tower === 'cnn'
          ? { featureShape: [8, 8, 1], modality: 'image' }
          : tower === 'lstm'
            ? { featureShape: [10], modality: 'text', vocabularySize: VOCABULARY_SIZE }
            : { featureShape: [4], modality: 'tabular' };
      const a = buildTower(modelConfig(tower, true), input, 42);
      const b = buildTower(modelConfig(tower, true), input, 42);
      const c = buildTower(modelConfig(tower, true), input, 43);
      const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
      const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
      const wc = c.getWeights().map((w) => Array.from(w.dataSync()));
      expect(wa.length).toBeGreaterThan(0);
      expect(wb).toEqual(wa);
      // Every randomly initialised weight (kernels, embeddings: not biases) differs under another seed.
      const random = a.weights.map((w, i) => (/bias$/.test(w.originalName) ? -1 : i)).filter((i) => i >= 0);
      expect(random.length).toBeGreaterThan(0);
      for (const i of random) expect(wc[i]).not.toEqual(wa[i]);
      for (const m of [a, b, c]) m.dispose();
    });
  }

  it('gives recurrent layers an orthogonal recurrent kernel (rows orthonormal)', () => {
    const tower = buildTower(modelConfig('lstm', false), { featureShape: [32], modality: 'sequence' }, 9);
    const kernel = tower.layers
      .find((l) => l.getClassName() === 'LSTM')!
      .weights.find((w) => /recurrent_kernel/.test(w.originalName))!;
    const [rows, cols] = kernel.shape as number[];
    expect([rows, cols]).toEqual([7, 28]);
    const values = kernel.read().dataSync();
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < rows; j++) {
        let dot = 0;
        for (let k = 0; k < cols; k++) dot += values[i * cols + k] * values[j * cols + k];
        expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-5);
      }
    }
    tower.dispose();
  });

  it('starts the LSTM forget gate open (bias 1 on the forget block, 0 elsewhere)', () => {
    const tower = buildTower(modelConfig('lstm', false), { featureShape: [32], modality: 'sequence' }, 9);
    const bias = tower.layers
      .find((l) => l.getClassName() === 'LSTM')!
      .weights.find((w) => /bias/.test(w.originalName))!;
    const units = 7;
    // Gate order i, f, c, o as in Keras.
    const expected = Array.from({ length: 4 * units }, (_, k) => (k >= units && k < 2 * units ? 1 : 0));
    expect(Array.from(bias.read().dataSync())).toEqual(expected);
    tower.dispose();
  });

  it('orthogonalMatrix gives orthonormal columns when rows > cols', () => {
    const [rows, cols] = [9, 4];
    const m = orthogonalMatrix(rows, cols, new Rng(3));
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < cols; j++) {
        let dot = 0;
        for (let k = 0; k < rows; k++) dot += m[k * cols + i] * m[k * cols + j];
        expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-5);
      }
    }
  });
});

describe('errors', () => {
  it('names the known towers for an unknown name', () => {
    const config = { ...modelConfig('mlp', false), tower: 'transformer' as TowerName };
    expect(() => buildTower(config, { featureShape: [4], modality: 'tabular' }, 1)).toThrow(
      /unknown tower "transformer"; known towers: mlp, cnn, lstm, gru/,
    );
  });

  it('refuses a CNN on rows and a text LSTM without a vocabulary', () => {
    expect(() => buildTower(modelConfig('cnn', false), { featureShape: [4], modality: 'tabular' }, 1)).toThrow(
      /CNN tower needs images/,
    );
    expect(() => buildTower(modelConfig('lstm', false), { featureShape: [20], modality: 'text' }, 1)).toThrow(
      /vocabulary size/,
    );
  });
});

describe('L2Normalization layer', () => {
  it('matches x / sqrt(max(Σx², 1e-12)) and has a finite gradient at 0', () => {
    const layer = new L2Normalization({});
    const rows = [
      [3, 4],
      [0, 0],
      [1e-8, 0],
      [-2, 0.5],
    ];
    const x = tf.tensor2d(rows);
    const y = layer.apply(x) as tf.Tensor;
    const reference = rows.flatMap(([a, b]) => {
      const n = Math.sqrt(Math.max(a * a + b * b, 1e-12));
      return [a / n, b / n];
    });
    expectAllClose(y.dataSync(), reference, 1e-5);
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, tf.tensor2d([[1, 2]]))))(
      tf.zeros([1, 2]),
    );
    const g = grad.dataSync();
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    // At 0 the floor is active: y = x / 1e-6, so dy/dx = 1e6 · (1, 2).
    expectAllClose(g, [1e6, 2e6], 1e-4);
    tf.dispose([x, y, grad]);
  });
});

describe('SeededDropout layer', () => {
  it('is the identity in inference, draws a new mask per training call, and repeats the sequence for a seed', () => {
    const x = tf.ones([4, 50]);
    const run = (seed: number) => {
      const layer = new SeededDropout({ rate: 0.5, seed });
      const inference = layer.apply(x, { training: false }) as tf.Tensor;
      const first = layer.apply(x, { training: true }) as tf.Tensor;
      const second = layer.apply(x, { training: true }) as tf.Tensor;
      const out = [inference, first, second].map((t) => Array.from(t.dataSync()));
      tf.dispose([inference, first, second]);
      return out;
    };
    const [inference, first, second] = run(7);
    expect(inference.every((v) => v === 1)).toBe(true);
    // Kept units are scaled by 1 / (1 − rate) = 2; about half are dropped.
    expect(first.every((v) => v === 0 || v === 2)).toBe(true);
    const dropped = first.filter((v) => v === 0).length / first.length;
    expect(dropped).toBeGreaterThan(0.35);
    expect(dropped).toBeLessThan(0.65);
    expect(second).not.toEqual(first);
    const [, againFirst, againSecond] = run(7);
    expect(againFirst).toEqual(first);
    expect(againSecond).toEqual(second);
    x.dispose();
  });
});

describe('Layers-format round trip', () => {
  it('saves a tower with the custom layers to memory and loads it back with the same embeddings', async () => {
    const config = makeConfig({
      model: {
        tower: 'mlp',
        embeddingDim: 4,
        l2Normalize: true,
        mlp: { hiddenUnits: [8], activation: 'elu', dropout: 0.2, batchNorm: true },
      },
    }).model;
    const input: TowerInput = { featureShape: [6], modality: 'tabular' };
    const tower = buildTower(config, input, 21);
    let artifacts: tf.io.ModelArtifacts | null = null;
    await tower.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(JSON.stringify(artifacts!.modelTopology)).toContain('L2Normalization');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(tower.layers.map((l) => l.getClassName()));
    const x = sampleBatch(input, 5, 8);
    const original = tower.predict(x) as tf.Tensor;
    const reloaded = loaded.predict(x) as tf.Tensor;
    expectAllClose(reloaded.dataSync(), original.dataSync(), 1e-6);
    tf.dispose([x, original, reloaded]);
    tower.dispose();
    loaded.dispose();
  });

  it('round-trips a text LSTM tower too (embedding, orthogonal kernel, forget bias)', async () => {
    const input: TowerInput = { featureShape: [7], modality: 'text', vocabularySize: VOCABULARY_SIZE };
    const tower = buildTower(modelConfig('lstm', true), input, 5);
    let artifacts: tf.io.ModelArtifacts | null = null;
    await tower.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = sampleBatch(input, 4, 3);
    const original = tower.predict(x) as tf.Tensor;
    const reloaded = loaded.predict(x) as tf.Tensor;
    expectAllClose(reloaded.dataSync(), original.dataSync(), 1e-6);
    tf.dispose([x, original, reloaded]);
    tower.dispose();
    loaded.dispose();
  });
});

describe('tensor hygiene', () => {
  it('building, running and disposing a tower leaks nothing', async () => {
    await expectNoLeakedTensors(() => {
      const tower = buildTower(modelConfig('gru', true), { featureShape: [12], modality: 'sequence' }, 4);
      const x = tf.ones([2, 12]);
      const y = tower.apply(x, { training: true }) as tf.Tensor;
      tf.dispose([x, y]);
      tower.dispose();
    });
  });
});
