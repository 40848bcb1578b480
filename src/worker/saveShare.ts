/**
 * The worker's half of save-and-share: building the downloads from the current run (tower zip, Projector files,
 * PyTorch script), loading a tower back into it, and building a reopened run. Called by TrainingSession; everything
 * here works on a Trainer and a Dataset, so it is tested in Node with real tfjs.
 */
import type { AssetReader } from '../core/data/builtin';
import { builtinInfo, loadBuiltinDataset } from '../core/data/builtin';
import type { Dataset } from '../core/data/dataset';
import { loadUpload, type UploadSummary } from '../core/data/loaders/index';
import { splitInputHalves } from '../core/data/splitInput';
import { bundleFiles, projectorFiles } from '../core/export/embeddings';
import { pytorchExportFiles } from '../core/export/pytorchScript';
// The script's Python source, bundled as text by Vite (the CLI reads the same file from disk).
import trainPy from '../core/export/train.py?raw';
import {
  exportTowerFiles,
  loadTower,
  readTowerFiles,
  towerWeightsOf,
  towerZip,
  type TowerMetadata,
} from '../core/export/model';
import { ConfigError } from '../core/config';
import { readExperimentBytes } from '../core/export/experiment';
import { fileSafe } from '../core/export/fileNames';
import { Trainer } from '../core/train/trainer';
import { describe, type Loaded } from './datasets';
import type { DatasetInfo, RestoreDataset, SaveShareCommand, SaveShareEvent } from './protocol';

/** A file for the page to save. */
export interface Download {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

/** The run's tower as the zip "Download model (TF.js)" saves. */
export async function modelDownload(trainer: Trainer, dataset: Dataset, info: DatasetInfo): Promise<Download> {
  const tower = await trainer.extractTower();
  try {
    const metadata: TowerMetadata = {
      inputShape: trainer.towerInputShape,
      embeddingDim: trainer.config.model.embeddingDim,
      dataset: info.name,
      step: trainer.steps,
      l2Normalize: trainer.config.model.l2Normalize,
      modality: dataset.modality,
      config: trainer.config,
      ...(dataset.vocabulary ? { vocabulary: dataset.vocabulary } : {}),
    };
    const files = await exportTowerFiles(tower, metadata);
    return {
      fileName: `siamese-tower-${fileSafe(info.name)}-step${trainer.steps}.zip`,
      mimeType: 'application/zip',
      bytes: towerZip(files, metadata),
    };
  } finally {
    tower.dispose();
  }
}

/**
 * The held-out embeddings as the Projector files, zipped: point i is held-out sample i (as in the scatter).
 * Split-input runs embed each sample's first half (as the scatter shows); pair files the first side of each pair.
 */
export function embeddingsDownload(trainer: Trainer, dataset: Dataset, info: DatasetInfo): Download {
  const held = trainer.heldOutSamples();
  const n = held.labels.length;
  const c = trainer.config;
  const inputs = c.data.splitInput
    ? splitInputHalves(held.features, n, held.shape, c.data.splitRatio).a
    : held.features;
  const vectors = trainer.embed(inputs, n);
  const files = projectorFiles({
    vectors,
    n,
    dim: c.model.embeddingDim,
    labels: held.labels,
    classNames: dataset.kind === 'labelled' ? dataset.classNames : [],
    images:
      dataset.modality === 'image' && held.shape.length === 3
        ? { values: held.features, shape: held.shape }
        : undefined,
    texts: held.texts,
    tensorName: `${info.name.replace(/^upload:/, '')} (step ${trainer.steps})`,
  });
  const bundle = bundleFiles(files, `embeddings-${fileSafe(info.name)}-step${trainer.steps}.zip`);
  return {
    fileName: bundle.name,
    mimeType: bundle.name.endsWith('.zip') ? 'application/zip' : 'text/tab-separated-values',
    bytes: bundle.bytes,
  };
}

/** The PyTorch export of the run's experiment (pytorchScript.ts): train.py, config.json and the dataset files, zipped. */
export function pytorchDownload(trainer: Trainer, dataset: Dataset, info: DatasetInfo): Download {
  const bundle = bundleFiles(
    pytorchExportFiles(trainer.config, dataset, trainPy),
    `pytorch-${fileSafe(info.name)}.zip`,
  );
  return {
    fileName: bundle.name,
    mimeType: bundle.name.endsWith('.zip') ? 'application/zip' : 'text/x-python',
    bytes: bundle.bytes,
  };
}

/**
 * Loads a tower (the zip, or model.json + weights.bin) into `trainer`: it must take this dataset's samples, give
 * embeddings of this run's size and have exactly this tower's weight shapes. The step count stays. Throws a
 * specific error otherwise, with the run unchanged. Returns the name of what was loaded.
 */
export async function loadModelInto(
  trainer: Trainer,
  files: readonly { name: string; bytes: ArrayBuffer }[],
): Promise<string> {
  const input = files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));
  const parsed = readTowerFiles(input);
  const hint = savedSettingsHint(parsed.metadata);
  const withHint = (error: unknown): Error => {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(hint ? `${message} (${hint})` : message);
  };
  let model: Awaited<ReturnType<typeof loadTower>>;
  try {
    model = await loadTower(parsed, {
      inputShape: trainer.towerInputShape,
      embeddingDim: trainer.config.model.embeddingDim,
    });
  } catch (error) {
    throw withHint(error);
  }
  try {
    trainer.importModelWeights({ tower: towerWeightsOf(model) }, trainer.steps, parsed.source);
  } catch (error) {
    throw withHint(error);
  } finally {
    model.dispose();
  }
  return parsed.source;
}

/**
 * "the file's model: mlp tower, hidden units 128, embedding size 64, trained on fashion-mnist": the settings to
 * choose when a model does not fit the current run (from model.json's metadata; null when it has none).
 */
export function savedSettingsHint(metadata: Partial<TowerMetadata> | null): string | null {
  const config = metadata?.config;
  if (!config || typeof config !== 'object' || !config.model) return null;
  const m = config.model;
  const layers =
    m.tower === 'mlp'
      ? `hidden units ${m.mlp?.hiddenUnits?.join(', ') || 'none'}`
      : m.tower === 'cnn'
        ? `filters ${m.cnn?.filters?.join(', ')}, dense units ${m.cnn?.denseUnits}`
        : `${m.recurrent?.units} recurrent units`;
  return `the file's model: ${m.tower} tower, ${layers}, embedding size ${m.embeddingDim}${metadata?.dataset ? `, trained on ${metadata.dataset}` : ''}`;
}

/** What a reopened run's data is, with what the page shows about it. */
export interface RestoredData {
  dataset: Dataset;
  name: string;
  title: string;
  description: string;
  upload?: UploadSummary;
}

/**
 * The data of a run to reopen: a built-in (its synthetic sets drawn with `seed`, as a fresh load would), the
 * upload's files, or, for an upload saved without its files, the upload loaded now if it has the same name.
 */
export async function loadRestoreDataset(
  ref: RestoreDataset,
  readAsset: AssetReader,
  seed: number,
  current: { dataset: Dataset; info: DatasetInfo } | null,
): Promise<RestoredData> {
  if (ref.kind === 'builtin') {
    const info = builtinInfo(ref.name);
    return {
      dataset: await loadBuiltinDataset(ref.name, readAsset, { seed }),
      name: ref.name,
      title: info.title,
      description: info.description,
    };
  }
  if (!ref.files) {
    if (current && current.info.name === ref.name) {
      return {
        dataset: current.dataset,
        name: ref.name,
        title: current.info.title,
        description: current.info.description,
        upload: current.info.upload,
      };
    }
    const fileName = ref.name.replace(/^upload:/, '');
    throw new Error(
      `this run trained on uploaded data (${fileName}) that was not saved with it: upload ${fileName} and use it, then open the run again ` +
        '(or save runs with "Include uploaded data")',
    );
  }
  const { dataset, summary } = await loadUpload(
    ref.files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes), className: f.className })),
  );
  const fileNames = ref.files.map((f) => f.name).join(', ');
  return { dataset, name: ref.name, title: fileNames, description: dataset.description, upload: summary };
}

type DownloadCommand = Extract<SaveShareCommand, { type: 'export-model' | 'export-embeddings' | 'export-pytorch' }>;

/** The `file-ready` answer to a download request, its bytes in a buffer of their own (it is transferred). */
export async function downloadEvent(
  command: DownloadCommand,
  trainer: Trainer,
  { dataset, info }: Loaded,
  run: number,
): Promise<SaveShareEvent> {
  const file =
    command.type === 'export-model'
      ? await modelDownload(trainer, dataset, info)
      : command.type === 'export-embeddings'
        ? embeddingsDownload(trainer, dataset, info)
        : pytorchDownload(trainer, dataset, info);
  const bytes =
    file.bytes.byteOffset === 0 && file.bytes.byteLength === file.bytes.buffer.byteLength
      ? file.bytes.buffer
      : file.bytes.slice().buffer;
  return {
    type: 'file-ready',
    requestId: command.requestId,
    run,
    fileName: file.fileName,
    mimeType: file.mimeType,
    bytes: bytes as ArrayBuffer,
  };
}

/**
 * A saved run rebuilt off to the side: its data, a trainer for its configuration (validated once, by
 * Trainer.init), its weights and step. Throws with a plain-language message and leaves nothing allocated when any
 * part fails, so the current run is untouched until the caller swaps this one in.
 */
export async function rebuildSavedRun(
  command: Extract<SaveShareCommand, { type: 'restore-run' }>,
  readAsset: AssetReader,
  current: Loaded | null,
): Promise<{ trainer: Trainer; loaded: Loaded }> {
  const data = await loadRestoreDataset(command.dataset, readAsset, command.config.seed, current);
  const { dataset } = data;
  let trainer: Trainer;
  try {
    trainer = Trainer.init(command.config, dataset);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new Error(`the saved configuration cannot run on this data: ${error.message}`);
    throw error;
  }
  try {
    if (command.weights) trainer.importModelWeights(command.weights, command.step, command.source);
  } catch (error) {
    trainer.dispose();
    throw error;
  }
  return {
    trainer,
    loaded: { dataset, info: describe(dataset, data.name, data.title, data.description, data.upload) },
  };
}

/** An experiment file read in the worker: size cap, strict UTF-8, prototype-safe JSON, finite values, weight shapes. */
export function readExperimentEvent(
  command: Extract<SaveShareCommand, { type: 'read-experiment' }>,
): Extract<SaveShareEvent, { type: 'experiment-read' }> {
  const experiment = readExperimentBytes(new Uint8Array(command.bytes), command.name);
  return { type: 'experiment-read', requestId: command.requestId, name: command.name, experiment };
}
