/**
 * Small helpers shared by the loaders: text decoding, number parsing, class indexing with the checks
 * metric learning needs, and per-column standardisation.
 */
import { DataLoadError } from './errors';

/** A file's text and, when it was not UTF-8, a note naming the encoding it was read as. */
export interface DecodedText {
  text: string;
  note?: string;
}

/**
 * A text file's characters, its encoding detected rather than assumed: strict UTF-8 (with or without a byte-order
 * mark), then UTF-16 with its byte-order mark, then Windows-1252 (the usual "ANSI" of Western spreadsheets) with a
 * note. Files that are neither (UTF-16 without a mark, UTF-32, binary data) are refused with the encoding named, so
 * "café" and "cafè" are never both read as "caf\uFFFD".
 */
export function decodeText(bytes: Uint8Array, file: string): DecodedText {
  const b = bytes;
  if (
    b.length >= 4 &&
    ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) ||
      (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff))
  )
    throw new DataLoadError({ file, reason: 'the file is encoded as UTF-32, which is not read; save it as UTF-8' });
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) {
    const encoding = b[0] === 0xff ? 'utf-16le' : 'utf-16be';
    try {
      const text = new TextDecoder(encoding, { fatal: true }).decode(b.subarray(2));
      return {
        text,
        note: `encoding: ${encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE'} (from its byte-order mark)`,
      };
    } catch {
      throw new DataLoadError({
        file,
        reason: `the file starts with a ${encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE'} byte-order mark but is not valid UTF-16; save it as UTF-8`,
      });
    }
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(b);
    if (text.includes('\0')) throw nulError(file, b);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (error) {
    if (error instanceof DataLoadError) throw error;
  }
  if (b.includes(0)) throw nulError(file, b);
  const text = new TextDecoder('windows-1252').decode(b);
  return {
    text,
    note: 'encoding: not valid UTF-8, read as Windows-1252 (Western European); if accented letters look wrong, save the file as UTF-8',
  };
}

/** NUL bytes: UTF-16 without its byte-order mark, or not a text file at all. */
function nulError(file: string, b: Uint8Array): DataLoadError {
  let evenZeros = 0;
  let oddZeros = 0;
  const n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) if (b[i] === 0) i % 2 === 0 ? evenZeros++ : oddZeros++;
  const utf16 = evenZeros + oddZeros > n / 4 && Math.max(evenZeros, oddZeros) > 4 * Math.min(evenZeros, oddZeros);
  return new DataLoadError({
    file,
    reason: utf16
      ? `the file looks like UTF-16 ${oddZeros > evenZeros ? 'LE' : 'BE'} without a byte-order mark; save it as UTF-8 (or UTF-16 with a byte-order mark)`
      : 'the file holds NUL bytes: it is binary data, not a text table',
  });
}

/** Largest finite float32: values beyond it become ±Infinity in the network. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Cells spreadsheets and pandas write for a missing or non-finite value. */
export const MISSING_VALUE =
  /^(nan|na|n\/a|#n\/a|null|none|nil|missing|\?|-|[+-]?inf(inity)?|#div\/0!|#value!|#num!)$/i;

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number, or null: stricter than `Number()`, which reads '' as 0 and '0x1f' as 31. */
export function parseDecimal(cell: string): number | null {
  const trimmed = cell.trim();
  if (!NUMBER_PATTERN.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/** File name without folders and extension, used as the dataset name. */
export function baseName(fileName: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = last.lastIndexOf('.');
  return dot > 0 ? last.slice(0, dot) : last;
}

/** Lower-case extension without the dot ('' when none). */
export function extensionOf(fileName: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = last.lastIndexOf('.');
  return dot > 0 ? last.slice(dot + 1).toLowerCase() : '';
}

/** Sizes in the unit a user thinks in. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** Class names in a stable order (numbers numerically, else by code point) and each sample's index. */
export interface IndexedClasses {
  classNames: string[];
  labels: Int32Array;
}

/**
 * Maps raw labels to class indices. When every label is a number the classes are sorted numerically
 * (so '10' comes after '9') and named by the number's shortest form ('1.0' and '1' are one class).
 */
export function indexClasses(rawLabels: readonly string[]): IndexedClasses {
  const numeric = rawLabels.length > 0 && rawLabels.every((l) => parseDecimal(l) !== null);
  const names = numeric ? rawLabels.map((l) => String(parseDecimal(l))) : rawLabels.map((l) => l.trim());
  const unique = [...new Set(names)];
  if (numeric) unique.sort((a, b) => Number(a) - Number(b));
  else unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(unique.map((name, i) => [name, i] as [string, number]));
  const labels = new Int32Array(names.length);
  names.forEach((name, i) => (labels[i] = index.get(name)!));
  return { classNames: unique, labels };
}

/** How a loader names the place sample `i` came from, for error messages. */
export interface SampleLocator {
  file: string;
  row?: (sample: number) => number;
  column?: string | number;
  entry?: (sample: number) => string;
}

/**
 * Metric learning forms positive pairs inside a class, so it needs at least 2 classes and at least
 * 2 samples in every class; anything less is refused with the offending class named.
 */
export function checkClasses({ classNames, labels }: IndexedClasses, where: SampleLocator): void {
  if (labels.length === 0) throw new DataLoadError({ file: where.file, reason: 'the file holds no samples' });
  if (classNames.length < 2) {
    throw new DataLoadError({
      file: where.file,
      column: where.column,
      reason: `all ${labels.length} samples have the same label "${classNames[0]}"; metric learning needs at least 2 classes`,
    });
  }
  const counts = new Array<number>(classNames.length).fill(0);
  const firstSample = new Array<number>(classNames.length).fill(-1);
  for (let i = 0; i < labels.length; i++) {
    if (counts[labels[i]]++ === 0) firstSample[labels[i]] = i;
  }
  const single = counts.indexOf(1);
  if (single >= 0) {
    const sample = firstSample[single];
    const others = counts.filter((c) => c === 1).length - 1;
    throw new DataLoadError({
      file: where.file,
      row: where.row?.(sample),
      column: where.column,
      entry: where.entry?.(sample),
      reason:
        `class "${classNames[single]}" has only 1 sample; each class needs at least 2 samples to form a positive pair` +
        (others > 0 ? ` (${others} more class${others > 1 ? 'es' : ''} also ha${others > 1 ? 've' : 's'} only 1)` : ''),
    });
  }
}

/** Per-column mean and population standard deviation. */
export interface ColumnStats {
  mean: Float64Array;
  std: Float64Array;
}

/** Mean and population std (÷ n) of each column of row-major `data` (rows × columns), over all given blocks. */
export function columnStats(blocks: readonly Float32Array[], columns: number): ColumnStats {
  const mean = new Float64Array(columns);
  const std = new Float64Array(columns);
  let rows = 0;
  for (const data of blocks) {
    rows += data.length / columns;
    for (let i = 0; i < data.length; i++) mean[i % columns] += data[i];
  }
  if (rows === 0) return { mean, std };
  for (let j = 0; j < columns; j++) mean[j] /= rows;
  for (const data of blocks) {
    for (let i = 0; i < data.length; i++) {
      const d = data[i] - mean[i % columns];
      std[i % columns] += d * d;
    }
  }
  for (let j = 0; j < columns; j++) std[j] = Math.sqrt(std[j] / rows);
  return { mean, std };
}

/** z-scores `data` in place with `stats`; a constant column (std ≈ 0) becomes 0 rather than NaN. */
export function applyStandardization(data: Float32Array, columns: number, stats: ColumnStats): void {
  for (let i = 0; i < data.length; i++) {
    const j = i % columns;
    const std = stats.std[j];
    data[i] = std > 1e-12 * Math.max(1, Math.abs(stats.mean[j])) ? (data[i] - stats.mean[j]) / std : 0;
  }
}

/** Number of columns that were constant (and so became 0 after standardisation). */
export function constantColumns(stats: ColumnStats): number {
  let count = 0;
  for (let j = 0; j < stats.std.length; j++)
    if (!(stats.std[j] > 1e-12 * Math.max(1, Math.abs(stats.mean[j])))) count++;
  return count;
}
