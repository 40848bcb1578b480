/**
 * The registry of built-in datasets: the shipped files under public/datasets (decoded by binaryFormat.ts)
 * and the seeded synthetic generators. Pure: the caller injects how a shipped file is read
 * (`nodeAssetReader` in the CLI and tests, `fetch('/datasets/' + name)` in the browser).
 */
import type { Config, DeepPartial } from '../config';
import { Rng } from '../rng';
import { decodePayload, parseDatasetHeader, type DatasetHeader } from './binaryFormat';
import { featureSize, type LabelledDataset, type Modality } from './dataset';
import { generateBlobs, generateMoons, generateSequenceEvents, generateSpirals, SYNTHETIC_LICENCE } from './synthetic';
import { generateTypoWords } from './typoWords';

/** How a read of a shipped file reports its progress and is cancelled (both optional). */
export interface AssetReadOptions {
  /** Bytes received so far (called as they arrive; the last call has them all). */
  onBytes?: (received: number) => void;
  /** Aborting it rejects the read with an AbortError (`isAbortError`). */
  signal?: AbortSignal;
}

/** Reads one shipped file, named relative to public/datasets (e.g. 'digits.bin'). */
export type AssetReader = (fileName: string, options?: AssetReadOptions) => Promise<Uint8Array>;

/** The error a cancelled read rejects with; named AbortError, as fetch's own rejection is. */
export function abortError(): Error {
  const error = new Error('the download was cancelled');
  error.name = 'AbortError';
  return error;
}

/** True for the rejection of a read or load cancelled through its AbortSignal. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** What the UI and CLI show about a built-in dataset before loading it. */
/**
 * Reads shipped dataset files over HTTP (the browser and the worker: `fetchAssetReader('/datasets/')`). Only the
 * app's own origin is asked; a failed request names the file and the HTTP status.
 */
export function fetchAssetReader(baseUrl: string): AssetReader {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (fileName, options = {}) => {
    const { onBytes, signal } = options;
    const failed = (error: unknown): Error =>
      isAbortError(error)
        ? abortError()
        : new Error(`could not download the built-in dataset file ${fileName}: ${(error as Error).message}`);
    let response: Response;
    try {
      response = await fetch(`${base}${fileName}`, { signal });
    } catch (error) {
      throw failed(error);
    }
    if (!response.ok)
      throw new Error(`could not download the built-in dataset file ${fileName}: HTTP ${response.status}`);
    if (!onBytes || !response.body) return new Uint8Array(await response.arrayBuffer());
    // Read chunk by chunk so the caller hears the progress; the header of the file says how many bytes to expect.
    const chunks: Uint8Array[] = [];
    let received = 0;
    try {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || !value) break;
        chunks.push(value);
        received += value.length;
        onBytes(received);
      }
    } catch (error) {
      throw failed(error);
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  };
}

export interface BuiltinInfo {
  name: string;
  title: string;
  /** One line, plain words. */
  description: string;
  modality: Modality;
  source: 'file' | 'synthetic';
  licence: string;
  numClasses: number;
  approxSamples: number;
  /** Config fragment that makes a good default for this dataset (tower, embeddingDim, batch P, margin …). */
  suggested: DeepPartial<Config>;
}

/** Seed of the synthetic sets when the caller gives none (the config's default seed). */
const DEFAULT_SYNTHETIC_SEED = 1;

const FASHION_LICENCE = 'MIT (Expat), Copyright 2017 Zalando SE';
const SKLEARN_LICENCE = 'BSD-3-Clause, Copyright 2007-2019 Scikit-Learn Developers';

/** 2-D sets: the embedding is 2-D and not normalised, so the embedding plot is the learned map itself. */
function planarSuggestion(name: string, classes: number, batchSize: number): DeepPartial<Config> {
  return {
    data: { dataset: name },
    model: { tower: 'mlp', mlp: { hiddenUnits: [32, 32] }, embeddingDim: 2, l2Normalize: false },
    objective: { loss: 'triplet', margin: 0.5 },
    batch: { mode: 'pk', size: batchSize, classesPerBatch: classes },
  };
}

/** Every built-in dataset, in the order the UI lists them. */
export const BUILTIN_DATASETS: readonly BuiltinInfo[] = Object.freeze([
  {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST',
    description: '14,000 small greyscale photos of clothing in 10 classes, with 2,000 of its own test images held out.',
    modality: 'image',
    source: 'file',
    licence: FASHION_LICENCE,
    numClasses: 10,
    approxSamples: 14_000,
    suggested: {
      data: { dataset: 'fashion-mnist' },
      model: { tower: 'mlp', mlp: { hiddenUnits: [128] }, embeddingDim: 64, l2Normalize: true },
      // Margin 1 (unit-norm embeddings, distances in [0, 2]) rather than the parity recipe's 0.2: batch-all averages
      // over the triplets that still violate the margin, so with 0.2 its loss stays near 0.2 while the embedding
      // improves; with 1 the demo's loss visibly falls (≈0.71 → 0.51 over 400 steps) at a similar MAP@R (0.60).
      objective: { loss: 'triplet', margin: 1 },
      batch: { mode: 'pk', size: 64, classesPerBatch: 8 },
    },
  },
  {
    name: 'fashion-mnist-full',
    title: 'Fashion-MNIST, all 70,000',
    description:
      'All 60,000 training photos of clothing and the 10,000 test photos, evaluated live; a 30 MB download when chosen.',
    modality: 'image',
    source: 'file',
    licence: FASHION_LICENCE,
    numClasses: 10,
    approxSamples: 70_000,
    suggested: {
      data: { dataset: 'fashion-mnist-full', evalSamples: 10_000 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [128] }, embeddingDim: 64, l2Normalize: true },
      objective: { loss: 'triplet', margin: 1 },
      batch: { mode: 'pk', size: 64, classesPerBatch: 8 },
    },
  },
  {
    name: 'digits',
    title: 'Handwritten digits (8×8)',
    description: '1,797 tiny handwritten digits 0–9; small and quick to train.',
    modality: 'image',
    source: 'file',
    licence: SKLEARN_LICENCE,
    numClasses: 10,
    approxSamples: 1_797,
    suggested: {
      data: { dataset: 'digits' },
      model: { tower: 'mlp', mlp: { hiddenUnits: [64] }, embeddingDim: 32, l2Normalize: true },
      objective: { loss: 'triplet', margin: 0.2 },
      batch: { mode: 'pk', size: 64, classesPerBatch: 8 },
    },
  },
  {
    name: 'iris',
    title: 'Iris flowers',
    description: '150 iris flowers of 3 species, 4 measurements each (standardised).',
    modality: 'tabular',
    source: 'file',
    licence: SKLEARN_LICENCE,
    numClasses: 3,
    approxSamples: 150,
    suggested: {
      data: { dataset: 'iris' },
      model: { tower: 'mlp', mlp: { hiddenUnits: [16] }, embeddingDim: 8, l2Normalize: true },
      objective: { loss: 'triplet', margin: 0.2 },
      batch: { mode: 'pk', size: 24, classesPerBatch: 3 },
    },
  },
  {
    name: 'blobs',
    title: 'Gaussian blobs',
    description: '5 clouds of 2-D points; the easiest case, good for a first look.',
    modality: 'points2d',
    source: 'synthetic',
    licence: SYNTHETIC_LICENCE,
    numClasses: 5,
    approxSamples: 500,
    suggested: planarSuggestion('blobs', 5, 60),
  },
  {
    name: 'moons',
    title: 'Two moons',
    description: 'Two interleaving half circles of 2-D points that no straight line separates.',
    modality: 'points2d',
    source: 'synthetic',
    licence: SYNTHETIC_LICENCE,
    numClasses: 2,
    approxSamples: 400,
    suggested: planarSuggestion('moons', 2, 64),
  },
  {
    name: 'spirals',
    title: 'Three spirals',
    description: 'Three spiral arms of 2-D points winding around each other; the network must unroll them.',
    modality: 'points2d',
    source: 'synthetic',
    licence: SYNTHETIC_LICENCE,
    numClasses: 3,
    approxSamples: 450,
    suggested: planarSuggestion('spirals', 3, 60),
  },
  {
    name: 'sequence-events',
    title: 'Signal context → event',
    description: 'Wave signals cut into a context and the event that follows; 15% of events break the pattern.',
    modality: 'sequence',
    source: 'synthetic',
    licence: SYNTHETIC_LICENCE,
    numClasses: 5,
    approxSamples: 600,
    suggested: {
      data: { dataset: 'sequence-events', splitInput: true, splitRatio: 0.75 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [64] }, embeddingDim: 16, l2Normalize: true },
      batch: { mode: 'pk', size: 60, classesPerBatch: 5 },
    },
  },
  {
    name: 'typo-words',
    title: "Typo'd words",
    description: "38 English words, each spelt 30 ways with typos; similar means 'the same word'.",
    modality: 'text',
    source: 'synthetic',
    licence: SYNTHETIC_LICENCE,
    numClasses: 38,
    approxSamples: 1_140,
    suggested: {
      data: { dataset: 'typo-words' },
      model: { tower: 'gru', recurrent: { tokenEmbeddingDim: 16, units: 32 }, embeddingDim: 32, l2Normalize: true },
      objective: { loss: 'triplet', margin: 0.2 },
      batch: { mode: 'pk', size: 64, classesPerBatch: 8 },
    },
  },
] satisfies BuiltinInfo[]);

/** The registry entry of `name`; an unknown name is an Error that lists the known ones. */
export function builtinInfo(name: string): BuiltinInfo {
  const info = BUILTIN_DATASETS.find((d) => d.name === name);
  if (!info)
    throw new Error(`unknown built-in dataset "${name}"; known: ${BUILTIN_DATASETS.map((d) => d.name).join(', ')}`);
  return info;
}

/**
 * Loads a built-in dataset: shipped files through `readAsset`, synthetic sets from `options.seed`
 * (default 1). Image features are scaled to [0, 1]; iris is z-scored per column (see `standardiseColumns`).
 */
export async function loadBuiltinDataset(
  name: string,
  readAsset: AssetReader,
  options: {
    seed?: number;
    /** Fraction of the payload downloaded, 0–1 (shipped files only). */
    onProgress?: (fraction: number) => void;
    /** Cancels the download; the load then rejects with an AbortError. */
    signal?: AbortSignal;
  } = {},
): Promise<LabelledDataset> {
  const info = builtinInfo(name);
  if (info.source === 'synthetic') {
    const seed = options.seed ?? DEFAULT_SYNTHETIC_SEED;
    const dataset = generateSynthetic(name, new Rng(seed));
    return { ...dataset, source: { ...dataset.source, ref: `${dataset.source.ref} seed=${seed}` } };
  }
  const headerFile = `${name}.json`;
  const { onProgress, signal } = options;
  const headerBytes = await readAsset(headerFile, { signal });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(headerBytes));
  } catch (error) {
    throw new Error(
      `dataset header ${headerFile} is not valid JSON (${(error as Error).message}); rebuild it with \`npm run datasets\``,
    );
  }
  const header = parseDatasetHeader(json, headerFile);
  if (header.name !== name) throw new Error(`dataset header ${headerFile} describes "${header.name}", not "${name}"`);
  const expected = header.payload.compressedBytes;
  const onBytes = onProgress ? (received: number) => onProgress(Math.min(1, received / expected)) : undefined;
  const payload = await readAsset(header.payload.file, { signal, onBytes });
  if (signal?.aborted) throw abortError();
  const sections = decodePayload(header, payload);
  const dataset = datasetFromSections(header, sections, info);
  if (name === 'iris') standardiseColumns(dataset.features, featureSize(dataset.featureShape));
  return dataset;
}

function generateSynthetic(name: string, rng: Rng): LabelledDataset {
  switch (name) {
    case 'blobs':
      return generateBlobs({}, rng);
    case 'moons':
      return generateMoons({}, rng);
    case 'spirals':
      return generateSpirals({}, rng);
    case 'sequence-events':
      return generateSequenceEvents({}, rng);
    case 'typo-words':
      return generateTypoWords({}, rng);
    default:
      throw new Error(`built-in dataset "${name}" is marked synthetic but has no generator`);
  }
}

function datasetFromSections(
  header: DatasetHeader,
  sections: ReturnType<typeof decodePayload>,
  info: BuiltinInfo,
): LabelledDataset {
  const size = featureSize(header.featureShape);
  const stored = sections.features;
  const storedLabels = sections.labels;
  const where = `dataset payload ${header.payload.file}`;
  if (!stored || stored.length !== header.numSamples * size)
    throw new Error(`${where} must hold ${header.numSamples} × ${size} feature values`);
  if (!storedLabels || storedLabels.length !== header.numSamples)
    throw new Error(`${where} must hold ${header.numSamples} labels`);
  const features = new Float32Array(stored.length);
  for (let i = 0; i < stored.length; i++) features[i] = stored[i] / header.scale;
  const labels = new Int32Array(header.numSamples);
  for (let i = 0; i < labels.length; i++) {
    if (storedLabels[i] >= header.classNames.length)
      throw new Error(
        `${where}: sample ${i} has label ${storedLabels[i]} but there are only ${header.classNames.length} classes`,
      );
    labels[i] = storedLabels[i];
  }
  const dataset: LabelledDataset = {
    kind: 'labelled',
    name: header.name,
    description: header.description,
    modality: info.modality,
    features,
    featureShape: [...header.featureShape],
    labels,
    classNames: [...header.classNames],
    numSamples: header.numSamples,
    source: { type: 'builtin', ref: header.name, licence: header.licence },
  };
  if (header.testCount > 0) {
    const start = header.numSamples - header.testCount;
    dataset.testIndices = Int32Array.from({ length: header.testCount }, (_, k) => start + k);
  }
  return dataset;
}

/**
 * Z-scores each column in place (population statistics over all rows). Iris ships raw centimetres whose
 * columns differ in spread by 4×; the dataset has no fixed split, so the statistics of all 150 rows are used
 * — the held-out rows' share of a mean and a spread of 4 columns is negligible, and it keeps loading split-free.
 */
export function standardiseColumns(features: Float32Array, columns: number): void {
  const rows = features.length / columns;
  for (let c = 0; c < columns; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += features[r * columns + c];
    const mean = sum / rows;
    let squares = 0;
    for (let r = 0; r < rows; r++) squares += (features[r * columns + c] - mean) ** 2;
    const std = Math.sqrt(squares / rows) || 1;
    for (let r = 0; r < rows; r++) features[r * columns + c] = (features[r * columns + c] - mean) / std;
  }
}
