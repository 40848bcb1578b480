/**
 * The one entry point for user data: `loadUpload` looks at the files (extension, then contents) and
 * hands them to the right loader, after a size check. It returns the dataset and a summary the UI shows
 * before the data is used. All loaders are pure functions over bytes: no file system, no DOM.
 */
import type { Dataset } from '../dataset';
import { extensionOf, formatBytes } from './common';
import {
  LABEL_COLUMN_NAMES,
  nonNumericFraction,
  readTableSteps,
  resolveColumn,
  type Table,
  tabularFromTable,
} from './csv';
import { DataLoadError } from './errors';
import { imageFilesSteps, imageZipSteps } from './images';
import { loadNpyDataset, parseNpyHeader } from './npy';
import { isPairTable, pairsFromTable } from './pairs';
import { TEXT_COLUMN_NAMES, textFromTable } from './textCsv';
import type {
  FileBytes,
  ImageOptions,
  LoadResult,
  NpyOptions,
  TabularOptions,
  TextOptions,
  UploadSummary,
} from './types';

export { DataLoadError } from './errors';
export type { DataLoadErrorDetails, UploadChoices } from './errors';
export type * from './types';
export { loadTabularCsv, readTable, readTableSteps, detectDelimiter, detectHeader, parseDelimited } from './csv';
export { loadTextCsv } from './textCsv';
export { loadPairCsv, type PairOptions } from './pairs';
export { loadNpyDataset, parseNpyHeader } from './npy';
export { decodeImage, resizeArea } from './imageDecode';
export { loadImageFiles, loadImageZip } from './images';

/** Default per-file size limit: bigger files would stall a browser tab while parsing. */
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;

/** How to read a table; 'auto' decides from its columns (pair columns → pairs, free text → text). */
export type TableKind = 'auto' | 'tabular' | 'text' | 'pairs';

/** Every option of every loader, plus the dispatcher's own. */
export interface UploadOptions extends TabularOptions, TextOptions, ImageOptions, NpyOptions {
  /** Refuse any single file larger than this. Default 100 MB. */
  maxBytes?: number;
  /** Force how a CSV/TSV is read. Default 'auto'. */
  tableKind?: TableKind;
  /** Stops a long read between two steps (an image, a block of rows); the load then fails with "cancelled". */
  signal?: AbortSignal;
}

/** Longest stretch of work between two yields to the event loop, so a cancel or a repaint can get in. */
const SLICE_MS = 40;

/** Runs a stepped reader, yielding to the event loop every SLICE_MS and stopping when `signal` is aborted. */
async function runStepsAsync<T>(steps: Generator<void, T, void>, file: string, signal?: AbortSignal): Promise<T> {
  let sliceStart = Date.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (Date.now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      sliceStart = Date.now();
    }
    if (signal?.aborted) throw cancelled(file);
  }
}

function cancelled(file: string): DataLoadError {
  return new DataLoadError({ file, reason: 'reading was cancelled; nothing was loaded' });
}

/**
 * The last guard before a dataset leaves the loaders: every feature and target is a finite number. Each loader
 * already refuses what it reads wrongly with a precise message; this catches whatever a decoder lets through.
 */
function checkFinite(result: LoadResult, file: string): void {
  const d = result.dataset;
  const arrays = d.kind === 'labelled' ? [d.features] : [d.a, d.b, d.targets];
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]))
        throw new DataLoadError({ file, reason: `value ${i} came out as ${values[i]}; the file is damaged` });
    }
  }
}

const TABLE_EXTENSIONS = new Set(['csv', 'tsv', 'txt']);
const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg']);
const SUPPORTED =
  'a .csv/.tsv/.txt table, one or two .npy arrays, a .zip of image folders, or PNG/JPEG images in class folders';

const PAIR_SIDE = { a: /^a_./i, b: /^b_./i };

/**
 * Decides how to read a table, and refuses to guess when the columns allow several readings: a header with
 * text_a/text_b or a_…/b_… columns is a pair file (one side alone is refused: a pair file needs both); a named text
 * column (text/sentence/word), or non-label columns that are all mostly non-numeric, make it a text file; numeric
 * columns alone make it tabular. Text and numeric feature columns together could be either, so the user chooses.
 */
function tableKind(table: Table, options: UploadOptions): Exclude<TableKind, 'auto'> {
  if (options.tableKind && options.tableKind !== 'auto') return options.tableKind;
  if (isPairTable(table)) return 'pairs';
  const header = table.header ?? [];
  const has = (test: (h: string) => boolean) => header.some(test);
  const textA = has((h) => h.toLowerCase() === 'text_a');
  const textB = has((h) => h.toLowerCase() === 'text_b');
  const sideA = has((h) => PAIR_SIDE.a.test(h));
  const sideB = has((h) => PAIR_SIDE.b.test(h));
  if (textA !== textB || sideA !== sideB) {
    const [present, missing] =
      textA !== textB
        ? textA
          ? ['text_a', 'text_b']
          : ['text_b', 'text_a']
        : sideA
          ? ['a_… columns', 'b_… columns']
          : ['b_… columns', 'a_… columns'];
    throw new DataLoadError({
      file: table.file,
      reason: `the header has ${present} but no ${missing}: as a pair file one side is missing; read it as a plain table instead?`,
      choices: { option: 'tableKind', values: ['tabular', 'text'] },
    });
  }
  if (options.textColumn !== undefined) return 'text';
  if (header.some((h) => TEXT_COLUMN_NAMES.includes(h.toLowerCase()))) return 'text';
  const labelIndex = resolveColumn(table, options.labelColumn, 'label', LABEL_COLUMN_NAMES, table.columnCount - 1);
  const textColumns: number[] = [];
  const numericColumns: number[] = [];
  for (let j = 0; j < table.columnCount; j++) {
    if (j === labelIndex) continue;
    (nonNumericFraction(table, j) > 0.5 ? textColumns : numericColumns).push(j);
  }
  if (textColumns.length === 0) return 'tabular';
  if (numericColumns.length === 0) return 'text';
  const names = (columns: number[]) =>
    columns
      .slice(0, 3)
      .map((j) => (table.header ? `"${table.header[j]}"` : `column ${j + 1}`))
      .join(', ') + (columns.length > 3 ? ', …' : '');
  throw new DataLoadError({
    file: table.file,
    reason: `${names(textColumns)} ${textColumns.length > 1 ? 'hold' : 'holds'} text but ${names(numericColumns)} ${numericColumns.length > 1 ? 'hold' : 'holds'} numbers: it could be a text dataset (the numbers ignored) or a numeric table (the text refused); choose how to read it`,
    choices: { option: 'tableKind', values: ['text', 'tabular'] },
  });
}

async function loadTable(file: FileBytes, options: UploadOptions): Promise<LoadResult> {
  const table = await runStepsAsync(readTableSteps(file, options), file.name, options.signal);
  const kind = tableKind(table, options);
  if (kind === 'pairs') return pairsFromTable(table, options);
  if (kind === 'text') return textFromTable(table, options);
  return tabularFromTable(table, options);
}

/** Of two .npy files, the labels are the 1-D one (or the one named like labels / y). */
function splitNpyPair(files: FileBytes[]): [FileBytes, FileBytes] {
  const [first, second] = files;
  const oneD = files.filter((f) => {
    const shape = parseNpyHeader(f).shape;
    return shape.length === 1 || (shape.length === 2 && shape[1] === 1);
  });
  if (oneD.length === 1) return oneD[0] === first ? [second, first] : [first, second];
  const labelLike = (f: FileBytes): boolean => /label|(^|[^a-z])y([^a-z]|$)/i.test(f.name.replace(/\.npy$/i, ''));
  if (labelLike(first) && !labelLike(second)) return [second, first];
  if (labelLike(second) && !labelLike(first)) return [first, second];
  throw new DataLoadError({
    file: `${first.name}, ${second.name}`,
    reason: 'cannot tell which .npy holds the labels: make it 1-D [n] or name it e.g. labels.npy',
  });
}

/**
 * Loads an upload: one table, one or two .npy files, one .zip of class folders, or several images with
 * class names. Any problem is a `DataLoadError` saying where and why; nothing is ever loaded in part.
 */
export async function loadUpload(
  files: FileBytes[],
  options: UploadOptions = {},
): Promise<{ dataset: Dataset; summary: UploadSummary }> {
  if (files.length === 0) throw new DataLoadError({ file: '', reason: `no files given; upload ${SUPPORTED}` });
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  for (const file of files) {
    if (file.bytes.length > maxBytes) {
      throw new DataLoadError({
        file: file.name,
        reason: `the file is too large: ${formatBytes(file.bytes.length)}; the limit is ${formatBytes(maxBytes)} (maxBytes)`,
      });
    }
  }
  if (options.signal?.aborted) throw cancelled(files[0].name);
  options.progress?.(0);
  const extensions = files.map((f) => extensionOf(f.name));
  let result: LoadResult;
  if (files.length === 1 && TABLE_EXTENSIONS.has(extensions[0])) result = await loadTable(files[0], options);
  else if (files.length === 1 && extensions[0] === 'zip')
    result = await runStepsAsync(imageZipSteps(files[0], options), files[0].name, options.signal);
  else if (extensions.every((e) => e === 'npy') && files.length <= 2) {
    result =
      files.length === 1
        ? loadNpyDataset(files[0], undefined, options)
        : loadNpyDataset(...splitNpyPair(files), options);
  } else if (
    extensions.some((e) => IMAGE_EXTENSIONS.has(e)) &&
    !extensions.some((e) => TABLE_EXTENSIONS.has(e) || e === 'npy' || e === 'zip')
  ) {
    result = await runStepsAsync(imageFilesSteps(files, options), files[0].name, options.signal);
  } else {
    const names = files
      .slice(0, 5)
      .map((f) => f.name)
      .join(', ');
    throw new DataLoadError({
      file: names + (files.length > 5 ? ', …' : ''),
      reason: `unsupported upload; expected ${SUPPORTED}`,
    });
  }
  checkFinite(result, files.map((f) => f.name).join(', '));
  options.progress?.(1);
  return result;
}
