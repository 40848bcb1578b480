/**
 * The PyTorch export's pure parts, without Python: every config option is accounted for, bad experiments are
 * refused with the option named, the dataset files hold exactly the trainer's split, and .npy / zip bytes are
 * well formed. (test/export/pytorch.test.ts runs the scripts with real PyTorch.)
 */
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../../src/cli/assets';
import { readTrainPy } from '../../../src/cli/trainPy';
import { DEFAULT_CONFIG, makeConfig, type Config } from '../../../src/core/config';
import { loadBuiltinDataset } from '../../../src/core/data/builtin';
import type { LabelledDataset } from '../../../src/core/data/dataset';
import { parseNpyHeader, readNpyValues } from '../../../src/core/data/loaders/npy';
import {
  datasetFiles,
  encodeNpy,
  experimentSplit,
  exportDatasetInfo,
  zipExportFiles,
  DATASET_MANIFEST_FILE,
} from '../../../src/core/export/datasetFiles';
import {
  checkPytorchExportable,
  optionPaths,
  pytorchExportFiles,
  pytorchScript,
  pythonLiteral,
  PytorchExportError,
  PYTORCH_BODY_MARKER,
  PYTORCH_HANDLED_OPTIONS,
  PYTORCH_SCRIPT_FILE,
  pytorchScriptBody,
} from '../../../src/core/export/pytorchScript';
import { Trainer } from '../../../src/core/train/trainer';
import { useCpuBackend } from '../../helpers/tf';

let digits: LabelledDataset;
beforeAll(async () => {
  await useCpuBackend();
  digits = await loadBuiltinDataset('digits', nodeAssetReader());
});

function errorOf(fn: () => unknown): PytorchExportError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PytorchExportError);
    return error as PytorchExportError;
  }
  throw new Error('expected a PytorchExportError, but nothing was thrown');
}

describe('option coverage', () => {
  it('handles exactly the options of config.ts (a new option breaks this test until the exporter handles it)', () => {
    expect(Object.keys(PYTORCH_HANDLED_OPTIONS).sort()).toEqual(optionPaths(DEFAULT_CONFIG).sort());
  });

  it('refuses an option it does not know, naming it', () => {
    const config = makeConfig({ data: { dataset: 'digits' } }) as Config & { model: { attention?: boolean } };
    config.model.attention = true;
    const error = errorOf(() => checkPytorchExportable(config, exportDatasetInfo(digits)));
    expect(error.option).toBe('model.attention');
    expect(error.message).toMatch(/model\.attention is not exported to PyTorch/);
  });

  it('refuses an invalid experiment with the path and the reason', () => {
    const config = makeConfig({ data: { dataset: 'digits' }, model: { tower: 'gru' } });
    const error = errorOf(() => pytorchScript(config, exportDatasetInfo(digits), readTrainPy()));
    expect(error.option).toBe('model.tower');
    expect(error.message).toMatch(/not valid.*GRU tower reads sequences/);
    const offline = makeConfig({ data: { dataset: 'digits' }, mining: { mode: 'offline' } });
    expect(errorOf(() => pytorchExportFiles(offline, digits, readTrainPy())).option).toBe('mining.mode');
  });

  it('writes the whole config and the dataset facts into the script', () => {
    const config = makeConfig({
      data: { dataset: 'digits' },
      objective: { distance: 'mahalanobis' },
      training: { backend: 'cpu', threshold: 0.7 },
    });
    const script = pytorchScript(
      config,
      { ...exportDatasetInfo(digits), trainCount: 1437, testCount: 360 },
      readTrainPy(),
    );
    expect(script.startsWith('#!/usr/bin/env python3\n"""Siamese Playground experiment')).toBe(true);
    expect(script).toContain('"distance": "mahalanobis"');
    expect(script).toContain('"threshold": 0.7');
    expect(script).toContain('DEFAULT_DEVICE = "cpu"');
    expect(script).toContain('"featureShape": [8, 8, 1]');
    expect(script).toMatch(
      /dataset {3}digits \(labelled, image, sample shape \[8, 8, 1\]; 1437 train \/ 360 held out\)/,
    );
    expect(script).toContain('nn.parallel.DistributedDataParallel');
  });
});

describe("train.py, the script's source", () => {
  it('the export is its body after the stand-ins, with the experiment written in their place', () => {
    const trainPy = readTrainPy();
    const config = makeConfig({ data: { dataset: 'digits' } });
    const script = pytorchScript(config, exportDatasetInfo(digits), trainPy);
    const body = trainPy.slice(trainPy.indexOf(PYTORCH_BODY_MARKER) + PYTORCH_BODY_MARKER.length);
    expect(body.length).toBeGreaterThan(10_000);
    expect(script.endsWith(body)).toBe(true);
    // The stand-ins are gone: one CONFIG, one DATASET and one DEFAULT_DEVICE, the experiment's.
    expect(script.match(/^CONFIG = /gm)).toHaveLength(1);
    expect(script.match(/^DATASET = /gm)).toHaveLength(1);
    expect(script.match(/^DEFAULT_DEVICE = /gm)).toHaveLength(1);
    expect(script).not.toContain('CONFIG = {}');
    expect(script).not.toContain(PYTORCH_BODY_MARKER);
  });

  it('a train.py without the marker line is refused, naming the line', () => {
    expect(() => pytorchScriptBody('import torch\n')).toThrow(/train\.py has no line "# ---- end of stand-ins ----"/);
  });
});

describe('pythonLiteral', () => {
  it('writes Python literals for JSON-like values', () => {
    expect(pythonLiteral({ a: true, b: null, c: [1, 2.5], d: 'x"\\\n', e: { f: false } })).toBe(
      '{\n    "a": True,\n    "b": None,\n    "c": [1, 2.5],\n    "d": "x\\"\\\\\\n",\n    "e": {\n        "f": False,\n    },\n}',
    );
    expect(() => pythonLiteral(NaN)).toThrow(/no JSON form/);
  });
});

describe('dataset files', () => {
  it('encodes .npy files that our own loader reads back', () => {
    const values = Float32Array.from([1.5, -2, 3.25, 0, 7, 8]);
    const bytes = encodeNpy(values, [2, 3]);
    expect(bytes.length).toBe(128 + 24); // header padded to 64 bytes (a multiple of 64), then 6 float32
    const file = { name: 'x.npy', bytes };
    const header = parseNpyHeader(file);
    expect(header.shape).toEqual([2, 3]);
    expect(header.descr).toBe('<f4');
    expect(header.dataOffset % 64).toBe(0);
    expect(Array.from(readNpyValues(file, header, new Float32Array(6)))).toEqual(Array.from(values));
    const ints = { name: 'y.npy', bytes: encodeNpy(Int32Array.from([3, -1, 2]), [3]) };
    const intHeader = parseNpyHeader(ints);
    expect(intHeader.descr).toBe('<i4');
    expect(intHeader.shape).toEqual([3]);
    expect(Array.from(readNpyValues(ints, intHeader, new Float64Array(3)))).toEqual([3, -1, 2]);
    expect(() => encodeNpy(values, [4])).toThrow(/needs 4 values, got 6/);
  });

  it.each([
    ['seeded stratified split', { seed: 3 }],
    ['held-out set capped by data.evalSamples', { seed: 5, data: { evalSamples: 100 } }],
  ])('holds the held-out samples the trainer evaluates (%s)', (_name, overrides) => {
    const config = makeConfig({
      ...overrides,
      data: { dataset: 'digits', ...(overrides as { data?: object }).data },
      training: { steps: 1 },
    });
    const trainer = Trainer.init(config, digits);
    const heldOut = trainer.heldOutSamples();
    trainer.dispose();
    const { test, train } = experimentSplit(digits, config);
    expect(Array.from(test.labels)).toEqual(Array.from(heldOut.labels));
    expect(Array.from(test.features)).toEqual(Array.from(heldOut.features));
    // 20% of the 1,797 digits, stratified per class, is 359 held out; evalSamples caps what is evaluated.
    expect(train.numSamples).toBe(1438);
    expect(test.numSamples).toBe(Math.min(config.data.evalSamples, 359));
  });

  it('under the unseen-class protocol exports the split the trainer uses: seen classes to train on, unseen ones held out', () => {
    const config = makeConfig({
      data: { dataset: 'digits', unseenClasses: [5, 6, 7, 8, 9] },
      batch: { classesPerBatch: 4 },
      seed: 4,
    });
    const trainer = Trainer.init(config, digits);
    const heldOut = trainer.heldOutSamples();
    trainer.dispose();
    const { test, train } = experimentSplit(digits, config);
    expect(Array.from(test.labels)).toEqual(Array.from(heldOut.labels));
    expect(Array.from(test.features)).toEqual(Array.from(heldOut.features));
    expect(new Set(train.labels)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(new Set(test.labels)).toEqual(new Set([5, 6, 7, 8, 9]));
    expect(() => checkPytorchExportable(config, exportDatasetInfo(digits))).not.toThrow();
  });

  it('writes a manifest and train/test arrays with the split sizes', () => {
    const config = makeConfig({ data: { dataset: 'digits' }, seed: 2 });
    const { info, files, manifest } = datasetFiles(digits, config);
    expect(files.map((f) => f.name)).toEqual([
      DATASET_MANIFEST_FILE,
      'train_x.npy',
      'train_y.npy',
      'test_x.npy',
      'test_y.npy',
    ]);
    expect(info.trainCount + info.testCount).toBe(digits.numSamples);
    expect(manifest.split).toEqual({ seed: 2, validationFraction: 0.2, evalSamples: 2000, fixedTestSplit: false });
    const parsed = JSON.parse(new TextDecoder().decode(files[0].bytes));
    expect(parsed.files).toEqual({
      trainFeatures: 'train_x.npy',
      trainLabels: 'train_y.npy',
      testFeatures: 'test_x.npy',
      testLabels: 'test_y.npy',
    });
    expect(parseNpyHeader({ name: 'train_x.npy', bytes: files[1].bytes }).shape).toEqual([info.trainCount, 8, 8, 1]);
  });

  it('zips an export into one download', () => {
    const files = pytorchExportFiles(makeConfig({ data: { dataset: 'digits' } }), digits, readTrainPy());
    expect(files[0].name).toBe(PYTORCH_SCRIPT_FILE);
    const unzipped = unzipSync(zipExportFiles(files, 'digits-pytorch'));
    expect(Object.keys(unzipped).sort()).toEqual(files.map((f) => `digits-pytorch/${f.name}`).sort());
    expect(new TextDecoder().decode(unzipped['digits-pytorch/train.py'])).toContain('CONFIG = {');
    expect(() => zipExportFiles([{ name: '../evil', bytes: new Uint8Array(1) }])).toThrow(/plain file name/);
  });
});
