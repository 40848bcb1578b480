/**
 * What the worker knows about its data: loading a built-in or parsing an upload, and what the page is told about
 * a dataset (its description, traits and a preview of its samples). Features stay here; the page gets previews.
 */
import { traitsOf } from '../core/capabilities';
import { builtinInfo, loadBuiltinDataset, type AssetReader } from '../core/data/builtin';
import { featureSize, type Dataset } from '../core/data/dataset';
import { DataLoadError, loadUpload, type UploadSummary } from '../core/data/loaders/index';
import type { Trainer } from '../core/train/trainer';
import type { DatasetInfo, SamplePreview, UploadFile, UploadReading, WorkerEvent } from './protocol';

/** Samples in a dataset preview. */
export const PREVIEW_SAMPLES = 32;

/**
 * A dataset with what the page was told about it. Previews are built afresh for each event that carries one: their
 * buffers are transferred, so a posted preview is gone from this side.
 */
export interface Loaded {
  dataset: Dataset;
  info: DatasetInfo;
}

export async function loadBuiltin(
  name: string,
  readAsset: AssetReader,
  seed: number,
  options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<Loaded> {
  const about = builtinInfo(name);
  const dataset = await loadBuiltinDataset(name, readAsset, { seed, ...options });
  return { dataset, info: describe(dataset, name, about.title, about.description) };
}

/**
 * Parses uploaded files; `progress` hears the parsed fraction, `signal` stops the read between two blocks, `reading`
 * says how the user chose to read an ambiguous file.
 */
export async function parseUpload(
  files: UploadFile[],
  progress: (fraction: number) => void,
  signal?: AbortSignal,
  reading: UploadReading = {},
): Promise<Loaded> {
  const { dataset, summary } = await loadUpload(
    files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes), className: f.className })),
    {
      progress,
      ...(signal ? { signal } : {}),
      ...(reading.tableKind ? { tableKind: reading.tableKind } : {}),
      ...(reading.labelColumn !== undefined ? { labelColumn: reading.labelColumn } : {}),
    },
  );
  const fileNames = files.map((f) => f.name).join(', ');
  // Many files (a folder of class folders) get a short name; the title still lists them.
  const uploadName = files.length === 1 ? files[0].name : files.length <= 3 ? fileNames : `${files.length} images`;
  const title = files.length <= 3 ? fileNames : uploadName;
  return { dataset, info: describe(dataset, `upload:${uploadName}`, title, dataset.description, summary) };
}

/** The cancel switch of each upload parse, from when its command is queued until the parse ends. */
export class UploadReads {
  private readonly controllers = new Map<number, AbortController>();

  queued(requestId: number): void {
    this.controllers.set(requestId, new AbortController());
  }

  /** Stops the parse between two blocks (or before it starts); it then fails with "reading was cancelled". */
  cancel(requestId: number): void {
    this.controllers.get(requestId)?.abort();
  }

  async parse(
    command: { requestId: number; files: UploadFile[]; reading?: UploadReading },
    progress: (f: number) => void,
  ) {
    try {
      return await parseUpload(
        command.files,
        progress,
        this.controllers.get(command.requestId)?.signal,
        command.reading,
      );
    } finally {
      this.controllers.delete(command.requestId);
    }
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A failed load as the page hears it, with the readings to choose from when the file was ambiguous. */
export function datasetError(requestId: number, error: unknown): Extract<WorkerEvent, { type: 'dataset-error' }> {
  const choices = error instanceof DataLoadError ? error.choices : undefined;
  return { type: 'dataset-error', requestId, message: messageOf(error), ...(choices ? { choices } : {}) };
}

/** What the UI shows about a dataset (no features). */
export function describe(
  dataset: Dataset,
  name: string,
  title: string,
  description: string,
  upload?: UploadSummary,
): DatasetInfo {
  const classNames =
    dataset.kind === 'labelled' ? dataset.classNames : dataset.targetKind === 'binary' ? ['different', 'similar'] : [];
  return {
    name,
    title,
    description,
    kind: dataset.kind,
    modality: dataset.modality,
    numSamples: dataset.kind === 'labelled' ? dataset.numSamples : dataset.numPairs,
    featureShape: [...dataset.featureShape],
    classNames: [...classNames],
    traits: traitsOf(dataset),
    upload,
  };
}

function previewKind(dataset: Dataset): SamplePreview['kind'] {
  if (dataset.modality === 'image') return 'image';
  if (dataset.modality === 'text') return 'text';
  return 'row';
}

/** Builds a preview from sample indices of a flat feature array. */
function previewFrom(
  kind: SamplePreview['kind'],
  shape: number[],
  features: Float32Array,
  indices: number[],
  labels: Int32Array,
  texts?: string[],
  columns?: string[],
): SamplePreview {
  const size = featureSize(shape);
  const preview: SamplePreview = {
    kind,
    shape: [...shape],
    count: indices.length,
    labels: Int32Array.from(indices, (i) => labels[i]),
  };
  if (kind === 'text' && texts) preview.texts = indices.map((i) => texts[i] ?? '');
  else {
    const values = new Float32Array(indices.length * size);
    indices.forEach((i, k) => values.set(features.subarray(i * size, (i + 1) * size), k * size));
    preview.values = values;
  }
  if (columns) preview.columns = [...columns];
  return preview;
}

/** Up to 32 samples, taking classes in turn so every class shows. */
export function previewOf(dataset: Dataset): SamplePreview {
  if (dataset.kind === 'pairs') {
    const n = Math.min(PREVIEW_SAMPLES, dataset.numPairs);
    const labels = Int32Array.from(dataset.targets, (t) => (t > 0.5 ? 1 : 0));
    return previewFrom(
      previewKind(dataset),
      dataset.featureShape,
      dataset.a,
      Array.from({ length: n }, (_, i) => i),
      labels,
      dataset.textsA,
    );
  }
  const byClass: number[][] = dataset.classNames.map(() => []);
  for (let i = 0; i < dataset.numSamples; i++) byClass[dataset.labels[i]]?.push(i);
  const picked: number[] = [];
  for (
    let round = 0;
    picked.length < Math.min(PREVIEW_SAMPLES, dataset.numSamples) && round < dataset.numSamples;
    round++
  ) {
    for (const members of byClass)
      if (round < members.length && picked.length < PREVIEW_SAMPLES) picked.push(members[round]);
  }
  return previewFrom(
    previewKind(dataset),
    dataset.featureShape,
    dataset.features,
    picked,
    dataset.labels,
    dataset.texts,
    dataset.featureNames,
  );
}

/** The run's held-out samples in snapshot order (for hover). */
export function heldOutPreview(trainer: Trainer, dataset: Dataset): SamplePreview {
  const h = trainer.heldOutSamples();
  const count = h.labels.length;
  const indices = Array.from({ length: count }, (_, i) => i);
  const columns = dataset.kind === 'labelled' ? dataset.featureNames : undefined;
  return previewFrom(previewKind(dataset), h.shape, h.features, indices, h.labels, h.texts, columns);
}
