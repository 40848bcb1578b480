import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../../src/cli/assets';
import { makeConfig, type Config } from '../../../src/core/config';
import { BUILTIN_DATASETS, loadBuiltinDataset } from '../../../src/core/data/builtin';
import type { LabelledDataset } from '../../../src/core/data/dataset';
import {
  checkExperiment,
  EXPERIMENT_FORMAT,
  ExperimentFileError,
  experimentTitle,
  parseExperiment,
  serialiseExperiment,
  type Experiment,
  type ExperimentProgressPoint,
} from '../../../src/core/export/experiment';
import {
  decodeBase64,
  encodeBase64,
  float32Bytes,
  float32FromBytes,
  readableWeightName,
  WeightShapeError,
} from '../../../src/core/export/weights';
import { Rng } from '../../../src/core/rng';
import { Trainer } from '../../../src/core/train/trainer';
import { expectAllClose, useCpuBackend } from '../../helpers/tf';

let blobs: LabelledDataset;

beforeAll(async () => {
  await useCpuBackend();
  blobs = await loadBuiltinDataset('blobs', nodeAssetReader(), { seed: 6 });
});

function blobsConfig(): Config {
  return makeConfig({
    seed: 6,
    data: { dataset: 'blobs', evalSamples: 60 },
    model: { tower: 'mlp', mlp: { hiddenUnits: [12], batchNorm: true }, embeddingDim: 3 },
    objective: { loss: 'triplet', margin: 0.35 },
    mining: { miner: 'semi-hard' },
    batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
  });
}

/** A run of `steps` steps as the page would save it, with its trainer (caller disposes). */
function savedRun(steps: number, config = blobsConfig()): { experiment: Experiment; trainer: Trainer } {
  const trainer = Trainer.init(config, blobs);
  const progress: ExperimentProgressPoint[] = [];
  for (let i = 0; i < steps; i++) {
    const r = trainer.step();
    progress.push({
      step: r.step,
      epoch: r.epoch,
      loss: r.loss,
      ...(r.counts ? { easy: r.counts.easy, semiHard: r.counts.semiHard, hard: r.counts.hard } : {}),
    });
  }
  const evaluation = trainer.evaluate();
  const metrics = [
    {
      step: evaluation.step,
      precisionAt1: evaluation.metrics!.precisionAt1,
      rPrecision: evaluation.metrics!.rPrecision,
      mapAtR: evaluation.metrics!.mapAtR,
      pairAccuracy: null,
      auc: evaluation.metrics!.auc,
      validationLoss: evaluation.validationLoss,
      collapseWarning: 'example warning',
    },
  ];
  const experiment: Experiment = {
    title: experimentTitle(config, trainer.steps),
    savedAt: '2025-01-02T03:04:05.000Z',
    config,
    dataset: { kind: 'builtin', name: 'blobs' },
    step: trainer.steps,
    epoch: trainer.epoch,
    history: { progress, metrics },
    weights: trainer.exportModelWeights(),
  };
  return { experiment, trainer };
}

/** Parses and expects an ExperimentFileError with exactly `message`. */
function expectRefused(text: string, message: string, source = 'run.json'): void {
  let error: unknown;
  try {
    parseExperiment(text, source);
  } catch (e) {
    error = e;
  }
  expect(error, 'the file should be refused').toBeInstanceOf(ExperimentFileError);
  expect((error as Error).message).toBe(message);
}

describe('experiment files', () => {
  it('round-trip: configuration, seed, dataset, history and weights come back; the weights embed identically', () => {
    const { experiment, trainer } = savedRun(12);
    const text = serialiseExperiment(experiment);
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({
      format: EXPERIMENT_FORMAT,
      version: 1,
      seed: 6,
      step: 12,
      dataset: { kind: 'builtin', name: 'blobs' },
    });
    expect(experiment.title).toBe('blobs · triplet / semi-hard · step 12');

    const back = parseExperiment(text, 'run.json');
    expect(back.config).toEqual(experiment.config);
    expect(back.config.seed).toBe(6);
    expect(back.dataset).toEqual(experiment.dataset);
    expect(back.step).toBe(12);
    expect(back.epoch).toBe(experiment.epoch);
    expect(back.history).toEqual(experiment.history);
    expect(back.weights!.tower.map((w) => w.shape)).toEqual(experiment.weights!.tower.map((w) => w.shape));
    back.weights!.tower.forEach((w, i) =>
      expect(Array.from(w.values)).toEqual(Array.from(experiment.weights!.tower[i].values)),
    );

    // A new run built from the file's configuration, given the file's weights, embeds exactly like the saved one.
    const restored = Trainer.init(back.config, blobs);
    const features = blobs.features.slice(0, 2 * 50);
    expect(
      Math.max(...Array.from(restored.embed(features, 50), (v, i) => Math.abs(v - trainer.embed(features, 50)[i]))),
    ).toBeGreaterThan(1e-3);
    restored.importModelWeights(back.weights!, back.step, 'run.json');
    expectAllClose(restored.embed(features, 50), trainer.embed(features, 50), 1e-6);
    expect(restored.steps).toBe(12);
    // The batch-norm statistics came back too (a copy of the trainable weights alone would lose them).
    expect(restored.exportModelWeights().tower.length).toBe(trainer.exportModelWeights().tower.length);
    expect(restored.evaluate().metrics!.mapAtR).toBeCloseTo(trainer.evaluate().metrics!.mapAtR, 6);
    restored.dispose();
    trainer.dispose();
  });

  it("keeps uploaded data when asked, and a halted run's non-finite loss as NaN", () => {
    const { experiment, trainer } = savedRun(2);
    trainer.dispose();
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) % 256);
    const config = makeConfig({ data: { dataset: 'upload:points.csv' } }, experiment.config);
    const withUpload: Experiment = {
      ...experiment,
      config,
      dataset: {
        kind: 'upload',
        name: 'upload:points.csv',
        files: [
          { name: 'points.csv', bytes },
          { name: 'a.png', className: 'cats', bytes: bytes.slice(0, 7) },
        ],
      },
      history: {
        ...experiment.history,
        progress: [...experiment.history.progress.slice(0, 1), { step: 2, epoch: 0, loss: Number.NaN }],
      },
    };
    const back = parseExperiment(serialiseExperiment(withUpload));
    expect(back.dataset).toEqual(withUpload.dataset);
    expect(back.history.progress[1].loss).toBeNaN();
    const nameOnly = parseExperiment(
      serialiseExperiment({ ...withUpload, dataset: { kind: 'upload', name: 'upload:points.csv', files: null } }),
    );
    expect(nameOnly.dataset).toEqual({ kind: 'upload', name: 'upload:points.csv', files: null });
  });

  it('a truncated file', () => {
    const { experiment, trainer } = savedRun(3);
    trainer.dispose();
    const text = serialiseExperiment(experiment);
    for (const cut of [10, Math.floor(text.length / 2), text.length - 1]) {
      expectRefused(
        text.slice(0, cut),
        'run.json is cut short: its JSON ends before the experiment does (the file is truncated); nothing was changed',
      );
    }
    expectRefused('', 'run.json is empty: it holds no experiment');
    expect(() => parseExperiment('hello', 'run.json')).toThrow(
      /^run\.json is not an experiment file: it is not valid JSON \(.+\); nothing was changed$/,
    );
  });

  it('a wrong version, and foreign JSON', () => {
    const { experiment, trainer } = savedRun(1);
    trainer.dispose();
    const doc = JSON.parse(serialiseExperiment(experiment));
    expectRefused(
      JSON.stringify({ ...doc, version: 2 }),
      'run.json was saved by a newer Siamese Playground (experiment format version 2); this app reads version 1 only; nothing was changed',
    );
    expectRefused(
      JSON.stringify({ ...doc, version: '1' }),
      'run.json has experiment format version "1", which this app cannot read (it reads version 1); nothing was changed',
    );
    expectRefused(
      JSON.stringify({ ...doc, version: undefined }),
      'run.json has experiment format version undefined, which this app cannot read (it reads version 1); nothing was changed',
    );
    expectRefused(
      '{"name": "my package", "version": 1}',
      'run.json is not a Siamese Playground experiment: it has no "format": "siamese-playground-experiment"; nothing was changed',
    );
    expectRefused(
      '[1, 2, 3]',
      'run.json is not a Siamese Playground experiment: it has no "format": "siamese-playground-experiment"; nothing was changed',
    );
    expectRefused(
      '{"format": "layers-model", "modelTopology": {}}',
      'run.json is not a Siamese Playground experiment: it has no "format": "siamese-playground-experiment" (it is a TensorFlow.js model.json: use "Load model" for it); nothing was changed',
    );
  });

  it('weights that disagree with their manifest, or damaged', () => {
    const { experiment, trainer } = savedRun(1);
    trainer.dispose();
    const doc = JSON.parse(serialiseExperiment(experiment));
    const total = experiment.weights!.tower.reduce((n, w) => n + w.values.length, 0);
    const wrongShape = structuredClone(doc);
    wrongShape.weights.tower[0].shape = [2, 13];
    expectRefused(
      JSON.stringify(wrongShape),
      `run.json holds damaged weights: its weight data holds ${total} weight values, but its manifest describes ${total + 2}: the weights are cut short or were edited`,
    );
    const cut = structuredClone(doc);
    cut.weights.data = cut.weights.data.slice(0, 48);
    expectRefused(
      JSON.stringify(cut),
      `run.json holds damaged weights: its weight data holds 9 weight values, but its manifest describes ${total}: the weights are cut short or were edited`,
    );
    cut.weights.data = cut.weights.data.slice(0, 40);
    expectRefused(
      JSON.stringify(cut),
      'run.json holds damaged weights: its weight data holds 30 bytes of weights, which is not a whole number of float32 values: it is cut short',
    );
    const garbage = structuredClone(doc);
    garbage.weights.data = `@@@@${garbage.weights.data.slice(4)}`;
    expectRefused(
      JSON.stringify(garbage),
      'run.json holds damaged weights: its weight data is not valid base64: unexpected character "@" at position 1',
    );
    const noWeights = structuredClone(doc);
    noWeights.weights = null;
    expectRefused(JSON.stringify(noWeights), 'run.json was saved at step 1 but holds no weights');
  });

  it('weights of another shape than the configuration builds: the run refuses them and keeps its own', () => {
    const { experiment, trainer } = savedRun(2);
    trainer.dispose();
    // The file is consistent in itself, but its configuration now builds a wider tower than the weights fit.
    const edited = JSON.parse(serialiseExperiment(experiment));
    edited.config.model.mlp.hiddenUnits = [20];
    const parsed = parseExperiment(JSON.stringify(edited), 'run.json');
    const run = Trainer.init(parsed.config, blobs);
    const before = run.exportModelWeights();
    expect(() => run.importModelWeights(parsed.weights!, parsed.step, 'run.json')).toThrow(WeightShapeError);
    expect(() => run.importModelWeights(parsed.weights!, parsed.step, 'run.json')).toThrow(
      'tower weight 1 of 7 (Dense/kernel) has shape [2, 12] in run.json, but this model needs [2, 20] (Dense/kernel): the file was saved from a network with other layer sizes or another input; choose the same model settings and try again',
    );
    expect(run.steps).toBe(0);
    run
      .exportModelWeights()
      .tower.forEach((w, i) => expect(Array.from(w.values)).toEqual(Array.from(before.tower[i].values)));
    run.dispose();
  });

  it('configurations, datasets and histories that do not add up', () => {
    const { experiment, trainer } = savedRun(2);
    trainer.dispose();
    const doc = JSON.parse(serialiseExperiment(experiment));
    const badMargin = structuredClone(doc);
    badMargin.config.objective.margin = -1;
    expectRefused(
      JSON.stringify(badMargin),
      'run.json holds a configuration this app cannot use: objective.margin is -1; it must be a number greater than 0 and at most 100',
    );
    const badMiner = structuredClone(doc);
    badMiner.config.mining.miner = 'hardest';
    expectRefused(
      JSON.stringify(badMiner),
      'run.json holds a configuration this app cannot use: mining.miner is "hardest"; allowed: all, hard, semi-hard, easy, batch-hard, random',
    );
    expectRefused(JSON.stringify({ ...doc, seed: 99 }), 'run.json says seed 99 but its configuration says seed 6');
    expectRefused(
      JSON.stringify({ ...doc, dataset: { kind: 'builtin', name: 'moons' } }),
      'run.json names the dataset "moons" but its configuration names "blobs"',
    );
    const unknown = structuredClone(doc);
    unknown.dataset.name = 'mnist';
    unknown.config.data.dataset = 'mnist';
    expectRefused(
      JSON.stringify(unknown),
      `run.json names the dataset "mnist", which is not a built-in; known: ${BUILTIN_DATASETS.map((b) => b.name).join(', ')}`,
    );
    expectRefused(
      JSON.stringify({ ...doc, step: 1 }),
      'run.json has a history that reaches step 2, past the saved step 1',
    );
    expectRefused(
      JSON.stringify({ ...doc, step: -3 }),
      'run.json has a step count that is not a whole number in 0–1e9 (-3)',
    );
    const backwards = structuredClone(doc);
    backwards.history.progress.step = [2, 1];
    expectRefused(
      JSON.stringify(backwards),
      'run.json has a progress history whose steps do not count up (entry 2 is 1)',
    );
    const ragged = structuredClone(doc);
    ragged.history.progress.loss = [0.5];
    expectRefused(
      JSON.stringify(ragged),
      'run.json has a progress history whose "loss" column has 1 entries for 2 steps',
    );
    expectRefused(JSON.stringify({ ...doc, history: undefined }), 'run.json holds no history (a "history" object)');
  });

  it('checkExperiment guards stored runs the same way', () => {
    const { experiment, trainer } = savedRun(1);
    trainer.dispose();
    expect(checkExperiment(experiment)).toBe(experiment);
    const broken: Experiment = {
      ...experiment,
      weights: { tower: [{ ...experiment.weights!.tower[0], values: new Float32Array(3) }], head: [] },
    };
    expect(() => checkExperiment(broken, 'the saved run "x"')).toThrow(
      /^the saved run "x" has weight .+ with 3 values for shape \[2, 12\]$/,
    );
  });
});

describe('weight bytes', () => {
  it('base64 round-trips any bytes and matches the standard encoding', () => {
    const rng = new Rng(3);
    for (const length of [0, 1, 2, 3, 4, 5, 100, 100_001]) {
      const bytes = Uint8Array.from({ length }, () => rng.int(256));
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(decodeBase64(text, 'x'))).toEqual(Array.from(bytes));
    }
    expect(() => decodeBase64('abc', 'the data')).toThrow(
      'the data is not valid base64: its length is not a multiple of 4 (the text is cut short)',
    );
  });

  it('float32 little-endian bytes round-trip exactly', () => {
    const values = Float32Array.of(0, -0.5, 1e-30, 3.4e38, Math.PI);
    expect(Array.from(float32FromBytes(float32Bytes(values), 'w'))).toEqual(Array.from(values));
    expect(() => float32FromBytes(new Uint8Array(7), 'weights.bin')).toThrow(
      'weights.bin holds 7 bytes of weights, which is not a whole number of float32 values: it is cut short',
    );
  });

  it("weight names lose tfjs's per-session numbering", () => {
    expect(readableWeightName('dense_Dense11/kernel_4')).toBe('Dense/kernel');
    expect(readableWeightName('batch_normalization_BatchNormalization2/moving_mean')).toBe(
      'BatchNormalization/moving_mean',
    );
    expect(readableWeightName('head/bias')).toBe('head/bias');
  });
});
