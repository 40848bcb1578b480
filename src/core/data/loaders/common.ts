/**
 * Small helpers shared by the loaders: the NUL-byte error, number parsing, class indexing with the checks
 * metric learning needs, and per-column standardisation.
 */
import { DataLoadError } from './errors';

/** NUL bytes: UTF-16 without its byte-order mark, or not a text file at all. */
export function nulError(file: string, b: Uint8Array): DataLoadError {
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
