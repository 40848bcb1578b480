import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../../src/cli/assets';
import { makeConfig, type Config, type DeepPartial } from '../../../src/core/config';
import { loadBuiltinDataset } from '../../../src/core/data/builtin';
import type { LabelledDataset } from '../../../src/core/data/dataset';
import {
  exportTowerFiles,
  loadTower,
  loadTowerFiles,
  readTowerFiles,
  towerWeightsOf,
  towerZip,
  type TowerMetadata,
} from '../../../src/core/export/model';
import { CUSTOM_LAYERS_JS, MODEL_FILES, tfjsUsageSnippet } from '../../../src/core/export/modelSnippet';
import { WeightShapeError } from '../../../src/core/export/weights';
import { Trainer } from '../../../src/core/train/trainer';
import { expectAllClose, expectNoLeakedTensors, useCpuBackend } from '../../helpers/tf';

let blobs: LabelledDataset;

beforeAll(async () => {
  await useCpuBackend();
  blobs = await loadBuiltinDataset('blobs', nodeAssetReader(), { seed: 2 });
});

/** A small blobs run; batch-norm and dropout on, so non-trainable weights and SeededDropout are exercised. */
function blobsConfig(patch: DeepPartial<Config> = {}): Config {
  return makeConfig(
    patch,
    makeConfig({
      seed: 4,
      data: { dataset: 'blobs', evalSamples: 60 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [16], batchNorm: true, dropout: 0.2 }, embeddingDim: 4 },
      batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
    }),
  );
}

function trained(config: Config, steps = 8): Trainer {
  const trainer = Trainer.init(config, blobs);
  for (let i = 0; i < steps; i++) trainer.step();
  return trainer;
}

function metadataOf(trainer: Trainer): TowerMetadata {
  return {
    inputShape: trainer.towerInputShape,
    embeddingDim: trainer.config.model.embeddingDim,
    dataset: 'blobs',
    step: trainer.steps,
    l2Normalize: trainer.config.model.l2Normalize,
    modality: 'points2d',
    config: trainer.config,
  };
}

/** The zip "Download model (TF.js)" gives for `trainer`. */
async function exportZip(trainer: Trainer): Promise<Uint8Array> {
  const tower = await trainer.extractTower();
  const files = await exportTowerFiles(tower, metadataOf(trainer));
  tower.dispose();
  return towerZip(files, metadataOf(trainer));
}

/** The first 40 blobs samples (2-D points), embedded by every test. */
const heldOut = () => ({ features: blobs.features.slice(0, 40 * 2), n: 40 });

describe('tower export (TF.js Layers format)', () => {
  it('writes model.json + weights.bin (+ custom-layers.js, README) that load back to the same embeddings within 1e-5', async () => {
    const trainer = trained(blobsConfig());
    const { features, n } = heldOut();
    const expected = trainer.embed(features, n);
    const zip = await exportZip(trainer);

    const entries = unzipSync(zip);
    expect(Object.keys(entries).sort()).toEqual(
      [MODEL_FILES.readme, MODEL_FILES.customLayers, MODEL_FILES.modelJson, MODEL_FILES.weights].sort(),
    );
    const modelJson = JSON.parse(strFromU8(entries[MODEL_FILES.modelJson]));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(modelJson.userDefinedMetadata.siamesePlayground).toMatchObject({
      inputShape: [2],
      embeddingDim: 4,
      dataset: 'blobs',
      step: 8,
    });
    // Only tfjs's own layers plus L2Normalization: SeededDropout travels as a plain Dropout.
    const classes = modelJson.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name);
    expect(classes).toEqual(['Dense', 'BatchNormalization', 'Activation', 'Dropout', 'Dense', 'L2Normalization']);
    // 2×16 kernel, gamma/beta, moving mean/variance (16 each), 16×4 kernel + 4 bias: every weight, 4 bytes each.
    expect(entries[MODEL_FILES.weights].length).toBe(4 * (2 * 16 + 4 * 16 + 16 * 4 + 4));
    expect(strFromU8(entries[MODEL_FILES.readme])).toContain('tf.loadLayersModel');

    const { model, metadata } = await loadTowerFiles([{ name: 'siamese-tower.zip', bytes: zip }], {
      inputShape: [2],
      embeddingDim: 4,
    });
    expect(metadata?.step).toBe(8);
    const got = tf.tidy(() => (model.predict(tf.tensor2d(features, [n, 2])) as tf.Tensor).dataSync());
    expectAllClose(got, expected, 1e-5);
    // Not a trivial pass: the trained tower differs from a fresh one.
    const fresh = Trainer.init(blobsConfig({ seed: 99 }), blobs);
    expect(Math.max(...Array.from(fresh.embed(features, n), (v, i) => Math.abs(v - expected[i])))).toBeGreaterThan(
      1e-3,
    );

    // Loaded into another run of the same architecture, the app embeds exactly as the exported run did.
    fresh.importModelWeights({ tower: towerWeightsOf(model) }, 8, 'siamese-tower.zip');
    expectAllClose(fresh.embed(features, n), expected, 1e-5);
    expect(fresh.steps).toBe(8);
    // ... and it can go on training from there.
    expect(Number.isFinite(fresh.step().loss)).toBe(true);
    model.dispose();
    fresh.dispose();
    trainer.dispose();
  });

  it('reads model.json and weights.bin picked as two files, as well as the zip', async () => {
    const trainer = trained(blobsConfig({ model: { mlp: { batchNorm: false, dropout: 0 }, l2Normalize: false } }), 3);
    const zip = await exportZip(trainer);
    const entries = unzipSync(zip);
    const { model } = await loadTowerFiles([
      { name: 'weights.bin', bytes: entries['weights.bin'] },
      { name: 'model.json', bytes: entries['model.json'] },
    ]);
    const { features, n } = heldOut();
    const got = tf.tidy(() => (model.predict(tf.tensor2d(features, [n, 2])) as tf.Tensor).dataSync());
    expectAllClose(got, trainer.embed(features, n), 1e-5);
    model.dispose();
    trainer.dispose();
  });

  it('loads in plain TensorFlow.js with only custom-layers.js (and fails without it on a normalised tower)', async () => {
    const trainer = trained(blobsConfig());
    const { features, n } = heldOut();
    const expected = trainer.embed(features, n);
    const entries = unzipSync(await exportZip(trainer));
    trainer.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'siamese-tower-'));
    try {
      // A folder of its own whose node_modules is the project's: plain @tensorflow/tfjs, none of the app's code.
      symlinkSync(resolve(import.meta.dirname, '../../../node_modules'), join(dir, 'node_modules'), 'dir');
      writeFileSync(join(dir, 'model.json'), entries['model.json']);
      writeFileSync(join(dir, 'weights.bin'), entries['weights.bin']);
      writeFileSync(join(dir, 'custom-layers.js'), CUSTOM_LAYERS_JS);
      writeFileSync(join(dir, 'input.json'), JSON.stringify(Array.from(features)));
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      const script = `
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
await tf.setBackend('cpu');
const json = JSON.parse(readFileSync('model.json', 'utf8'));
const bin = readFileSync('weights.bin');
const weights = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
// What tf.loadLayersModel('…/model.json') does after fetching: model.json → artifacts, weights from the manifest.
const artifacts = () => tf.io.getModelArtifactsForJSON(json, async (manifest) => [manifest.flatMap((g) => g.weights), weights]);
let withoutLayers;
try { await tf.loadLayersModel(tf.io.fromMemory(await artifacts())); withoutLayers = 'loaded'; } catch (e) { withoutLayers = e.message; }
await import('./custom-layers.js');
const model = await tf.loadLayersModel(tf.io.fromMemory(await artifacts()));
const input = JSON.parse(readFileSync('input.json', 'utf8'));
const out = model.predict(tf.tensor2d(input, [input.length / 2, 2]));
console.log(JSON.stringify({ withoutLayers, embeddings: Array.from(out.dataSync()) }));
`;
      writeFileSync(join(dir, 'plain.js'), script);
      const output = execFileSync(process.execPath, ['plain.js'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      const result = JSON.parse(output.trim().split('\n').pop()!);
      expect(result.withoutLayers).toMatch(/Unknown layer: L2Normalization/);
      expectAllClose(result.embeddings, expected, 1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports and loads without leaking tensors', async () => {
    const trainer = trained(blobsConfig(), 2);
    const zip = await exportZip(trainer);
    await expectNoLeakedTensors(async () => {
      const tower = await trainer.extractTower();
      await exportTowerFiles(tower, metadataOf(trainer));
      tower.dispose();
      const { model } = await loadTowerFiles([{ name: 'm.zip', bytes: zip }], { inputShape: [2], embeddingDim: 4 });
      model.dispose();
    });
    trainer.dispose();
  });

  it('shows a snippet that loads the tower with tf.loadLayersModel', () => {
    const snippet = tfjsUsageSnippet({ inputShape: [28, 28, 1], embeddingDim: 64, l2Normalize: true });
    expect(snippet).toContain("tf.loadLayersModel('");
    expect(snippet).toContain("import './custom-layers.js'");
    expect(snippet).toContain('[n, 28, 28, 1]');
    expect(tfjsUsageSnippet({ inputShape: [4], embeddingDim: 8, l2Normalize: false })).not.toContain(
      "custom-layers.js'",
    );
  });
});

describe('bad model files get a specific message', () => {
  let zip: Uint8Array;
  let entries: Record<string, Uint8Array>;

  beforeAll(async () => {
    const trainer = trained(blobsConfig(), 1);
    zip = await exportZip(trainer);
    entries = unzipSync(zip);
    trainer.dispose();
  });

  it('truncated model.json', () => {
    const text = strFromU8(entries['model.json']);
    const cut = strToU8(text.slice(0, Math.floor(text.length / 2)));
    expect(() =>
      readTowerFiles([
        { name: 'model.json', bytes: cut },
        { name: 'weights.bin', bytes: entries['weights.bin'] },
      ]),
    ).toThrow('model.json is cut short (its JSON ends early): the file is truncated; download or copy it again');
  });

  it('truncated weights.bin', () => {
    const bytes = entries['weights.bin'];
    expect(() =>
      readTowerFiles([
        { name: 'model.json', bytes: entries['model.json'] },
        { name: 'weights.bin', bytes: bytes.slice(0, 100) },
      ]),
    ).toThrow(
      `weights.bin is cut short: it holds 100 bytes, but model.json describes ${bytes.length.toLocaleString('en')} bytes of weights; the weight file is truncated or belongs to another model`,
    );
  });

  it('truncated zip, missing weights, foreign JSON, graph models and experiment files', () => {
    expect(() => readTowerFiles([{ name: 'siamese-tower.zip', bytes: zip.slice(0, 200) }])).toThrow(
      /siamese-tower\.zip is not a readable zip|holds no model\.json/,
    );
    expect(() => readTowerFiles([{ name: 'model.json', bytes: entries['model.json'] }])).toThrow(
      'weights.bin, which model.json names as its weights, is missing: pick model.json and weights.bin together, or the zip',
    );
    expect(() => readTowerFiles([{ name: 'model.json', bytes: strToU8('{"hello": 1}') }])).toThrow(
      'model.json is not a TensorFlow.js Layers model: it has no "modelTopology"',
    );
    expect(() =>
      readTowerFiles([{ name: 'model.json', bytes: strToU8('{"format": "siamese-playground-experiment"}') }]),
    ).toThrow(/it is an experiment file: use "Import experiment"/);
    expect(() =>
      readTowerFiles([{ name: 'model.json', bytes: strToU8('{"format": "graph-model", "modelTopology": {}}') }]),
    ).toThrow(/is a TensorFlow\.js graph model/);
    expect(() => readTowerFiles([{ name: 'notes.txt', bytes: strToU8('hello') }])).toThrow(
      /notes\.txt holds no model\.json/,
    );
    expect(() => readTowerFiles([])).toThrow(/no file was chosen/);
    const renamed = zipSync({ 'other.txt': strToU8('x') });
    expect(() => readTowerFiles([{ name: 'x.zip', bytes: renamed }])).toThrow(
      'x.zip holds no model.json: pick the zip that "Download model (TF.js)" saved, or model.json together with weights.bin',
    );
  });

  it('a model whose input shape does not fit the loaded dataset', async () => {
    const parsed = readTowerFiles([{ name: 'siamese-tower.zip', bytes: zip }]);
    const before = tf.memory().numTensors;
    await expect(loadTower(parsed, { inputShape: [28, 28, 1], embeddingDim: 4 })).rejects.toThrow(
      'siamese-tower.zip takes samples of shape [2], but the loaded dataset gives samples of shape [28, 28, 1]: load the dataset the model was trained on first',
    );
    await expect(loadTower(parsed, { inputShape: [2], embeddingDim: 16 })).rejects.toThrow(
      'siamese-tower.zip gives embeddings of size 4, but this run\'s embedding size is 16: set "Embedding size" to 4 (and the same tower settings) and load it again',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('weights of another shape: refused before anything is written', async () => {
    const { model } = await loadTowerFiles([{ name: 'siamese-tower.zip', bytes: zip }]);
    const other = Trainer.init(blobsConfig({ model: { mlp: { hiddenUnits: [8] } } }), blobs);
    const { features, n } = heldOut();
    const before = other.embed(features, n);
    let error: unknown;
    try {
      other.importModelWeights({ tower: towerWeightsOf(model) }, 5, 'siamese-tower.zip');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeightShapeError);
    expect((error as Error).message).toBe(
      'tower weight 1 of 7 (Dense/kernel) has shape [2, 16] in siamese-tower.zip, but this model needs [2, 8] (Dense/kernel): the file was saved from a network with other layer sizes or another input; choose the same model settings and try again',
    );
    expect(Array.from(other.embed(features, n))).toEqual(Array.from(before));
    expect(other.steps).toBe(0);
    const noBatchNorm = Trainer.init(blobsConfig({ model: { mlp: { batchNorm: false } } }), blobs);
    expect(() => noBatchNorm.importModelWeights({ tower: towerWeightsOf(model) }, 1, 'siamese-tower.zip')).toThrow(
      "siamese-tower.zip holds 7 tower weight tensors, but this model's tower has 4: it was saved from a network of another architecture (tower type, layers or batch-norm); choose the same model settings and try again",
    );
    model.dispose();
    other.dispose();
    noBatchNorm.dispose();
  });
});
