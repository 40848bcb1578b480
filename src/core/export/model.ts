/**
 * The trained tower as TensorFlow.js Layers files (model.json + weights.bin, what `tf.loadLayersModel` reads), and
 * the way back: reading those files (or the zip holding them), checking them and loading the tower, with a specific
 * error for each way a file can be wrong. Saving goes through `tf.io.withSaveHandler` and loading through
 * `tf.io.fromMemory`, so nothing here touches the DOM or the file system.
 *
 * SeededDropout layers are written as tfjs's own Dropout (both are the identity at inference), so plain tfjs needs
 * only L2Normalization registered (custom-layers.js in the zip) to read an exported tower.
 */
import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { Config } from '../config';
// Registers L2Normalization and SeededDropout, which loading needs.
import '../model/layers';
import { endedEarly } from './json';
import { CUSTOM_LAYERS_JS, MODEL_FILES, modelReadme } from './modelSnippet';
import type { NamedWeight } from './weights';

/** What model.json carries about the run in `userDefinedMetadata.siamesePlayground`. */
export interface TowerMetadata {
  /** Shape of one input sample (without the batch axis). */
  inputShape: number[];
  embeddingDim: number;
  /** Built-in name or `upload:<file>`. */
  dataset: string;
  step: number;
  l2Normalize: boolean;
  modality: string;
  /** The run's full configuration, to set the playground up the same way again. */
  config?: Config;
  /** Text towers: token id → token (0 = padding, 1 = unknown). */
  vocabulary?: string[];
}

/** A model file the app refuses; the message says which file and what is wrong. */
export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** The two Layers-format files of a tower. */
export interface TowerFiles {
  /** model.json text (topology, weight manifest, metadata). */
  modelJson: string;
  /** weights.bin: every weight, float32 little-endian, in manifest order. */
  weights: Uint8Array;
}

const METADATA_KEY = 'siamesePlayground';

/** The tower's artifacts as `model.save` produces them (through a handler that keeps them in memory). */
async function saveArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('internal: the tower was not saved');
  return saved;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** SeededDropout → Dropout (same rate, no seed): identical at inference and known to every tfjs. */
function portableTopology(topology: unknown): unknown {
  const copy = structuredClone(topology);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      if (node.class_name === 'SeededDropout' && isObject(node.config)) {
        const { seed: _seed, ...rest } = node.config;
        node.class_name = 'Dropout';
        node.config = rest;
      }
      Object.values(node).forEach(visit);
    }
  };
  visit(copy);
  return copy;
}

/**
 * model.json + weights.bin of `model` (the tower), with `metadata` in userDefinedMetadata. model.json is the
 * format `tf.loadLayersModel(url)` and `tf.io.browserFiles` read: `weightsManifest` names weights.bin.
 */
export async function exportTowerFiles(model: tf.LayersModel, metadata: TowerMetadata): Promise<TowerFiles> {
  const artifacts = await saveArtifacts(model);
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: 'Siamese Playground',
    modelTopology: portableTopology(artifacts.modelTopology),
    weightsManifest: [{ paths: [MODEL_FILES.weights], weights: artifacts.weightSpecs ?? [] }],
    userDefinedMetadata: { [METADATA_KEY]: metadata },
  };
  return { modelJson: JSON.stringify(json), weights };
}

/** The zip users download: model.json, weights.bin, custom-layers.js and a README with the loading snippet. */
export function towerZip(files: TowerFiles, metadata: TowerMetadata): Uint8Array {
  const info = {
    inputShape: metadata.inputShape,
    embeddingDim: metadata.embeddingDim,
    l2Normalize: metadata.l2Normalize,
    text: metadata.modality === 'text',
  };
  return zipSync({
    [MODEL_FILES.modelJson]: strToU8(files.modelJson),
    [MODEL_FILES.weights]: [files.weights, { level: 0 }],
    [MODEL_FILES.customLayers]: strToU8(CUSTOM_LAYERS_JS),
    [MODEL_FILES.readme]: strToU8(modelReadme({ ...info, dataset: metadata.dataset, step: metadata.step })),
  });
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** JSON.parse with a message that says whether the text was cut short or is not JSON at all. */
function parseJsonFile(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (text.trim() === '') throw new ModelFileError(`${fileName} is empty`);
    if (endedEarly(text, error))
      throw new ModelFileError(
        `${fileName} is cut short (its JSON ends early): the file is truncated; download or copy it again`,
      );
    throw new ModelFileError(`${fileName} is not valid JSON (${(error as Error).message})`);
  }
}

/** A file picked by the user: a zip of the export, or model.json and its weight file(s) side by side. */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

/** The parsed parts of an exported tower, checked for consistency but not yet loaded. */
export interface ParsedTowerFiles {
  topology: JsonObject;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  metadata: Partial<TowerMetadata> | null;
  /** Where the model came from, for messages. */
  source: string;
}

const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * Reads a tower from a zip (the app's export) or from model.json + weight file(s), and checks everything that can be
 * checked without building it: JSON that is complete, a Layers model (not a graph model), weight files present and
 * of exactly the size the manifest describes. Throws ModelFileError with a specific message otherwise.
 */
export function readTowerFiles(files: readonly InputFile[]): ParsedTowerFiles {
  if (files.length === 0)
    throw new ModelFileError(
      'no file was chosen: pick the downloaded model zip, or model.json together with weights.bin',
    );
  let entries: InputFile[] = [...files];
  let source = files.length === 1 ? files[0].name : files.map((f) => f.name).join(' + ');
  if (files.length === 1 && isZip(files[0].bytes)) {
    let unzipped: Record<string, Uint8Array>;
    try {
      unzipped = unzipSync(files[0].bytes);
    } catch (error) {
      throw new ModelFileError(
        `${files[0].name} is not a readable zip (${(error as Error).message}); it may be truncated`,
      );
    }
    entries = Object.entries(unzipped).map(([name, bytes]) => ({ name, bytes }));
    source = files[0].name;
  }
  const jsonFiles = entries.filter((f) => /\.json$/i.test(f.name));
  const modelEntry =
    jsonFiles.find((f) => baseName(f.name) === MODEL_FILES.modelJson) ??
    (jsonFiles.length === 1 ? jsonFiles[0] : undefined);
  if (!modelEntry) {
    const what =
      files.length === 1 && !isZip(files[0].bytes) && /\.zip$/i.test(files[0].name)
        ? `${files[0].name} is not a zip file (it may be truncated or renamed)`
        : `${source} holds no model.json`;
    throw new ModelFileError(
      `${what}: pick the zip that "Download model (TF.js)" saved, or model.json together with weights.bin`,
    );
  }
  const modelName = baseName(modelEntry.name);
  const raw = parseJsonFile(strFromU8(modelEntry.bytes), modelName);
  if (!isObject(raw))
    throw new ModelFileError(
      `${modelName} is JSON but not a TensorFlow.js model: it holds no object with "modelTopology"`,
    );
  if (raw.format === 'graph-model') {
    throw new ModelFileError(
      `${modelName} is a TensorFlow.js graph model; only Layers models (what "Download model (TF.js)" saves, format "layers-model") can be loaded`,
    );
  }
  if (!isObject(raw.modelTopology)) {
    const hint =
      'format' in raw && raw.format === 'siamese-playground-experiment'
        ? ' (it is an experiment file: use "Import experiment")'
        : '';
    throw new ModelFileError(`${modelName} is not a TensorFlow.js Layers model: it has no "modelTopology"${hint}`);
  }
  const manifest = raw.weightsManifest;
  if (
    !Array.isArray(manifest) ||
    !manifest.every((g) => isObject(g) && Array.isArray(g.paths) && Array.isArray(g.weights))
  ) {
    throw new ModelFileError(`${modelName} has no valid "weightsManifest" (a list of { paths, weights })`);
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of manifest as { paths: unknown[]; weights: unknown[] }[]) {
    for (const spec of group.weights) {
      if (
        !isObject(spec) ||
        typeof spec.name !== 'string' ||
        !Array.isArray(spec.shape) ||
        !spec.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)
      ) {
        throw new ModelFileError(`${modelName} lists a weight without a name and a shape of whole numbers`);
      }
      const dtype = (spec.dtype as string | undefined) ?? 'float32';
      if (!(dtype in BYTES_PER_VALUE) || 'quantization' in spec) {
        throw new ModelFileError(
          `${modelName} stores weight ${spec.name} as ${'quantization' in spec ? 'quantised values' : dtype}; only float32, int32 and bool weights can be loaded`,
        );
      }
      weightSpecs.push(spec as unknown as tf.io.WeightsManifestEntry);
    }
    for (const path of group.paths) {
      const wanted = baseName(String(path));
      const file = entries.find((f) => baseName(f.name) === wanted);
      if (!file)
        throw new ModelFileError(
          `${wanted}, which ${modelName} names as its weights, is missing: pick model.json and ${wanted} together, or the zip`,
        );
      parts.push(file.bytes);
    }
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const expected = weightSpecs.reduce(
    (n, s) => n + s.shape.reduce((a, b) => a * b, 1) * BYTES_PER_VALUE[s.dtype ?? 'float32'],
    0,
  );
  if (total !== expected) {
    const names = [
      ...new Set((manifest as { paths: unknown[] }[]).flatMap((g) => g.paths.map((p) => baseName(String(p))))),
    ].join(', ');
    throw new ModelFileError(
      `${names} ${total < expected ? 'is cut short' : 'is too long'}: it holds ${total.toLocaleString('en')} bytes, but ${modelName} describes ${expected.toLocaleString('en')} bytes of weights; ` +
        'the weight file is truncated or belongs to another model',
    );
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.length;
  }
  const userMeta = raw.userDefinedMetadata;
  const metadata =
    isObject(userMeta) && isObject(userMeta[METADATA_KEY]) ? (userMeta[METADATA_KEY] as Partial<TowerMetadata>) : null;
  return { topology: raw.modelTopology, weightSpecs, weightData: weightData.buffer, metadata, source };
}

/** What the loaded tower must fit: the current run's input and embedding size. */
export interface TowerExpectation {
  inputShape: readonly number[];
  embeddingDim: number;
}

/**
 * Builds the tower of `parsed` with `tf.loadLayersModel` (tf.io.fromMemory) and checks it fits `expected`: samples
 * of the loaded dataset's shape in, embeddings of the run's size out. The caller owns (and disposes) the model.
 */
export async function loadTower(parsed: ParsedTowerFiles, expected?: TowerExpectation): Promise<tf.LayersModel> {
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: parsed.topology,
        weightSpecs: parsed.weightSpecs,
        weightData: parsed.weightData,
      }),
    );
  } catch (error) {
    const detail = (error as Error).message;
    const unknown = /Unknown layer: (\w+)/.exec(detail);
    throw new ModelFileError(
      unknown
        ? `${parsed.source} uses a layer this app does not know (${unknown[1]}); only towers saved by Siamese Playground can be loaded`
        : `${parsed.source} could not be built into a model: ${detail}`,
    );
  }
  if (expected) {
    try {
      checkTowerFits(model, expected, parsed.source);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  return model;
}

function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws a ModelFileError when `model` does not take samples of `expected.inputShape` or give `expected.embeddingDim` values. */
export function checkTowerFits(model: tf.LayersModel, expected: TowerExpectation, source: string): void {
  const input = model.inputs[0].shape.slice(1);
  if (input.length !== expected.inputShape.length || input.some((d, i) => d !== null && d !== expected.inputShape[i])) {
    throw new ModelFileError(
      `${source} takes samples of shape ${formatShape(input)}, but the loaded dataset gives samples of shape ${formatShape(expected.inputShape)}: ` +
        'load the dataset the model was trained on first',
    );
  }
  const output = model.outputs[0].shape;
  const dim = output[output.length - 1];
  if (output.length !== 2 || dim !== expected.embeddingDim) {
    throw new ModelFileError(
      `${source} gives embeddings of size ${dim}, but this run's embedding size is ${expected.embeddingDim}: set "Embedding size" to ${dim} ` +
        '(and the same tower settings) and load it again',
    );
  }
}

/** Every weight of a loaded tower, as data in the tower's own order (what Trainer.importModelWeights takes). */
export function towerWeightsOf(model: tf.LayersModel): NamedWeight[] {
  return model.weights.map((w) => ({
    name: w.name,
    shape: [...w.shape] as number[],
    values: (w.read().dataSync() as Float32Array).slice(),
  }));
}

/** Reads, checks and loads a tower in one go (see readTowerFiles and loadTower). */
export async function loadTowerFiles(
  files: readonly InputFile[],
  expected?: TowerExpectation,
): Promise<{ model: tf.LayersModel; metadata: Partial<TowerMetadata> | null }> {
  const parsed = readTowerFiles(files);
  return { model: await loadTower(parsed, expected), metadata: parsed.metadata };
}
