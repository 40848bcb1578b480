/**
 * The dataset files of an experiment export ("scale out with PyTorch"): the exact train / held-out split the
 * playground trains and evaluates on for a config, written as NumPy `.npy` arrays plus a `dataset.json` manifest,
 * so that a script outside the browser (the exported PyTorch script, or anyone's own code) reads the same numbers.
 *
 * Labelled data:  train_x.npy [n, ...featureShape]  train_y.npy [n] int32 class ids
 *                 test_x.npy  [m, ...featureShape]  test_y.npy  [m] int32
 * Pair files:     train_a.npy, train_b.npy [n, ...featureShape], train_t.npy [n] float32 targets
 *                 test_a.npy,  test_b.npy,  test_t.npy
 * Features are float32 (images scaled to [0, 1], as the playground sees them); text token ids are int32
 * (0 = padding, 1 = unknown; the vocabulary is in the manifest). Samples are whole (not split-input halves):
 * the script cuts them itself. The held-out arrays are exactly what the playground evaluates: the dataset's own
 * test split or the seeded stratified split, limited to `data.evalSamples` as the trainer does.
 *
 * Pure: returns bytes; the CLI writes them to disk and the browser offers them as a download.
 */
import { zipSync } from 'fflate';
import type { Config } from '../config';
import {
  featureSize,
  subsetLabelled,
  type Dataset,
  type LabelledDataset,
  type Modality,
  type PairDataset,
} from '../data/dataset';
import { stratifiedSplit, trainTestSplit, trainTestSplitPairs } from '../data/split';
import { splitLayout } from '../data/splitInput';
import { protocolOf, unseenClassSplit } from '../data/unseen';
import { Rng } from '../rng';

/** `format` field of the manifest, so readers can tell the file apart from other JSON. */
export const DATASET_FILES_FORMAT = 'siamese-playground-dataset';
/** Bumped when the layout of the files changes incompatibly. */
export const DATASET_FILES_VERSION = 1;
/** Name of the manifest file. */
export const DATASET_MANIFEST_FILE = 'dataset.json';

/** One file of an export: a name (no directories) and its bytes. */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

/** What the script generator needs to know about the exported data (also written into the manifest). */
export interface ExportDatasetInfo {
  name: string;
  kind: 'labelled' | 'pairs';
  modality: Modality;
  /** Shape of one whole sample as stored. */
  featureShape: number[];
  /** Classes of a labelled dataset; 0 for pair files. */
  numClasses: number;
  /** Text: vocabulary size (token ids 0..size-1). */
  vocabularySize?: number;
  /** Pair files: 0/1 labels or similarity scores. */
  targetKind?: 'binary' | 'score';
  /** Samples (labelled) or pairs (pair files) in the exported training and held-out files. */
  trainCount: number;
  testCount: number;
}

/** The manifest written as dataset.json. */
export interface DatasetManifest {
  format: typeof DATASET_FILES_FORMAT;
  version: typeof DATASET_FILES_VERSION;
  name: string;
  kind: 'labelled' | 'pairs';
  modality: Modality;
  featureShape: number[];
  /** Stored type of the feature arrays. */
  featureDtype: 'float32' | 'int32';
  classNames: string[];
  vocabulary?: string[];
  targetKind?: 'binary' | 'score';
  trainCount: number;
  testCount: number;
  /** How the held-out set was chosen, so it can be reproduced. */
  split: { seed: number; validationFraction: number; evalSamples: number; fixedTestSplit: boolean };
  /** Role → file name. */
  files: Record<string, string>;
}

/**
 * A NumPy .npy file (format 1.0, little-endian, C order) holding `values` with `shape`: '<f4' for a
 * Float32Array, '<i4' for an Int32Array.
 */
export function encodeNpy(values: Float32Array | Int32Array, shape: readonly number[]): Uint8Array {
  if (shape.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error(`encodeNpy: the shape must list whole sizes ≥ 0, got [${shape.join(', ')}]`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count)
    throw new Error(`encodeNpy: shape [${shape.join(', ')}] needs ${count} values, got ${values.length}`);
  const descr = values instanceof Float32Array ? '<f4' : '<i4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces and ending in \n, is a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  if (header.length > 0xffff) throw new Error('encodeNpy: the header is too long for format 1.0');
  const out = new Uint8Array(10 + header.length + values.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  if (values instanceof Float32Array) for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  else for (let i = 0; i < values.length; i++) view.setInt32(i * 4, values[i], true);
  return out;
}

/**
 * The train and held-out data the playground's trainer uses for `config` (same seeded split, same evaluation
 * limit): the trainer's first fork of `Rng(config.seed)` splits, then `data.evalSamples` caps the held-out set
 * with a stratified subsample from the same stream. Under the unseen-class protocol the training part holds only the
 * seen classes and the held-out part only the unseen ones, as in the trainer.
 */
export function experimentSplit(
  dataset: LabelledDataset,
  config: Config,
): { train: LabelledDataset; test: LabelledDataset };
export function experimentSplit(dataset: PairDataset, config: Config): { train: PairDataset; test: PairDataset };
export function experimentSplit(dataset: Dataset, config: Config): { train: Dataset; test: Dataset };
export function experimentSplit(dataset: Dataset, config: Config): { train: Dataset; test: Dataset } {
  const splitRng = new Rng(config.seed).fork();
  if (dataset.kind === 'pairs') return trainTestSplitPairs(dataset, config.data.validationFraction, splitRng);
  const protocol = protocolOf(config.data, dataset.classNames, config.seed);
  const { train, test } =
    protocol.kind === 'unseen-classes'
      ? unseenClassSplit(dataset, protocol.classes, config.data.validationFraction, splitRng)
      : trainTestSplit(dataset, config.data.validationFraction, splitRng);
  return { train, test: limitEvalSet(test, config.data.evalSamples, splitRng) };
}

/** The trainer's cap on the held-out set (see Trainer): a stratified subsample of at most `max` samples. */
function limitEvalSet(test: LabelledDataset, max: number, rng: Rng): LabelledDataset {
  if (test.numSamples <= max) return test;
  const fraction = max / test.numSamples;
  const { test: keep } = stratifiedSplit(test.labels, test.classNames.length, Math.min(fraction, 0.999), rng);
  return subsetLabelled(test, keep.slice(0, max));
}

/** The part of {@link ExportDatasetInfo} known before splitting (counts 0). */
export function exportDatasetInfo(dataset: Dataset): ExportDatasetInfo {
  return {
    name: dataset.name,
    kind: dataset.kind,
    modality: dataset.modality,
    featureShape: [...dataset.featureShape],
    numClasses: dataset.kind === 'labelled' ? dataset.classNames.length : 0,
    ...(dataset.vocabulary ? { vocabularySize: dataset.vocabulary.length } : {}),
    ...(dataset.kind === 'pairs' ? { targetKind: dataset.targetKind } : {}),
    trainCount: 0,
    testCount: 0,
  };
}

/** Token ids are whole numbers stored as floats in the dataset; the files keep them as int32. */
function featureArray(values: Float32Array, modality: Modality): Float32Array | Int32Array {
  return modality === 'text' ? Int32Array.from(values, (v) => Math.round(v)) : values;
}

/**
 * The dataset files of `config`'s experiment on `dataset`: dataset.json plus the .npy arrays listed in the module
 * comment, and the info the script generator takes. Throws (with the reason) when the split is impossible, as the
 * trainer would.
 */
export function datasetFiles(
  dataset: Dataset,
  config: Config,
): { info: ExportDatasetInfo; files: ExportFile[]; manifest: DatasetManifest } {
  const info = exportDatasetInfo(dataset);
  const shape = dataset.featureShape;
  const files: ExportFile[] = [];
  const names: Record<string, string> = {};
  const add = (role: string, name: string, values: Float32Array | Int32Array, arrayShape: number[]) => {
    names[role] = name;
    files.push({ name, bytes: encodeNpy(values, arrayShape) });
  };
  if (config.data.splitInput) splitLayout(shape, config.data.splitRatio); // fails early, naming the shape, when a sample cannot be cut
  if (dataset.kind === 'pairs') {
    const { train, test } = experimentSplit(dataset, config);
    info.trainCount = train.numPairs;
    info.testCount = test.numPairs;
    for (const [prefix, part] of [
      ['train', train],
      ['test', test],
    ] as const) {
      add(`${prefix}A`, `${prefix}_a.npy`, featureArray(part.a, dataset.modality), [part.numPairs, ...shape]);
      add(`${prefix}B`, `${prefix}_b.npy`, featureArray(part.b, dataset.modality), [part.numPairs, ...shape]);
      add(`${prefix}Targets`, `${prefix}_t.npy`, Float32Array.from(part.targets), [part.numPairs]);
    }
  } else {
    const { train, test } = experimentSplit(dataset, config);
    info.trainCount = train.numSamples;
    info.testCount = test.numSamples;
    for (const [prefix, part] of [
      ['train', train],
      ['test', test],
    ] as const) {
      if (part.features.length !== part.numSamples * featureSize(shape))
        throw new Error(`internal: ${prefix} features do not match the sample shape`);
      add(`${prefix}Features`, `${prefix}_x.npy`, featureArray(part.features, dataset.modality), [
        part.numSamples,
        ...shape,
      ]);
      add(`${prefix}Labels`, `${prefix}_y.npy`, Int32Array.from(part.labels), [part.numSamples]);
    }
  }
  const manifest: DatasetManifest = {
    format: DATASET_FILES_FORMAT,
    version: DATASET_FILES_VERSION,
    name: dataset.name,
    kind: dataset.kind,
    modality: dataset.modality,
    featureShape: [...shape],
    featureDtype: dataset.modality === 'text' ? 'int32' : 'float32',
    classNames: dataset.kind === 'labelled' ? [...dataset.classNames] : [],
    ...(dataset.vocabulary ? { vocabulary: [...dataset.vocabulary] } : {}),
    ...(dataset.kind === 'pairs' ? { targetKind: dataset.targetKind } : {}),
    trainCount: info.trainCount,
    testCount: info.testCount,
    split: {
      seed: config.seed,
      validationFraction: config.data.validationFraction,
      evalSamples: config.data.evalSamples,
      fixedTestSplit: (dataset.testIndices?.length ?? 0) > 0,
    },
    files: names,
  };
  files.unshift({
    name: DATASET_MANIFEST_FILE,
    bytes: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
  });
  return { info, files, manifest };
}

/** All files in one .zip (a single download in the browser), stored under `folder/` when given. */
export function zipExportFiles(files: readonly ExportFile[], folder = ''): Uint8Array {
  const prefix = folder ? `${folder.replace(/\/+$/, '')}/` : '';
  const entries: Record<string, Uint8Array> = {};
  for (const f of files) {
    if (!/^[\w.-]+$/.test(f.name)) throw new Error(`export file name "${f.name}" must be a plain file name`);
    entries[prefix + f.name] = f.bytes;
  }
  return zipSync(entries, { level: 6 });
}
