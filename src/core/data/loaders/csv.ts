/**
 * Delimited tables (CSV, TSV, semicolon-separated) read into labelled tabular datasets.
 *
 * The table reader (`readTable`) is shared with the text and pair loaders: it detects the delimiter and
 * the header, handles quoted fields (delimiters, newlines and `""` inside quotes), CRLF, the text encoding
 * (see `decodeText`) and decimal commas, and refuses ragged rows and repeated column names. Row numbers in errors are the file's line numbers (1 = first line), so a user
 * can find the row in an editor.
 */
import type { LabelledDataset } from '../dataset';
import {
  applyStandardization,
  baseName,
  checkClasses,
  columnStats,
  constantColumns,
  decodeText,
  FLOAT32_MAX,
  indexClasses,
  MISSING_VALUE,
  parseDecimal,
} from './common';
import { DataLoadError } from './errors';
import type { FileBytes, LoadResult, ProgressCallback, TableOptions, TabularOptions } from './types';

/** A parsed table: header (when detected) and data rows, all with the same number of fields. */
export interface Table {
  file: string;
  /** Column names, or null when the first row is data. */
  header: string[] | null;
  rows: string[][];
  /** Line number (1-based) where each data row starts in the file. */
  rowLines: number[];
  columnCount: number;
  delimiter: string;
  /** What was detected (delimiter, header), for the upload summary. */
  notes: string[];
}

/** Column names that mark a first row as a header even when no column is numeric. */
const HEADER_WORDS = new Set([
  'label',
  'class',
  'target',
  'y',
  'species',
  'category',
  'text',
  'sentence',
  'word',
  'text_a',
  'text_b',
  'score',
]);

/** Default label columns, in order of preference (case-insensitive). */
export const LABEL_COLUMN_NAMES = ['label', 'class', 'target', 'y', 'species'];

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon' };

/** One record of a delimited text with the line where it starts. */
interface RawRecord {
  fields: string[];
  line: number;
}

/**
 * Splits delimited text into records (RFC 4180 quoting; CR, LF or CRLF line ends). Lines that are
 * entirely blank are dropped. An unterminated quote is an error naming the line where it opened.
 */
export function parseDelimited(
  text: string,
  delimiter: string,
  file = '',
  progress?: ProgressCallback,
  limit = Infinity,
): RawRecord[] {
  const records: RawRecord[] = [];
  const n = text.length;
  const delimiterCode = delimiter.charCodeAt(0);
  const progressEvery = 1 << 20;
  let nextProgress = progressEvery;
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = (): void => {
    const blank = fields.length === 1 && fields[0].trim() === '';
    if (!blank) records.push({ fields, line: recordLine });
    fields = [];
  };
  while (i < n && records.length < limit) {
    if (progress && i >= nextProgress) {
      progress(i / n);
      nextProgress += progressEvery;
    }
    let k = i;
    while (k < n && text.charCodeAt(k) === 32) k++;
    let value: string;
    if (k < n && text.charCodeAt(k) === 34) {
      // Quoted field: "" is a quote; delimiters and line breaks are data.
      const quoteLine = line;
      value = '';
      k++;
      for (;;) {
        const close = text.indexOf('"', k);
        if (close < 0)
          throw new DataLoadError({
            file,
            row: quoteLine,
            reason: 'a quoted field opened on this line is never closed (missing ")',
          });
        const segment = text.slice(k, close);
        line += countLineBreaks(segment);
        value += segment;
        if (text.charCodeAt(close + 1) === 34) {
          value += '"';
          k = close + 2;
        } else {
          k = close + 1;
          break;
        }
      }
      // Anything between the closing quote and the delimiter is kept as written (lenient, like spreadsheets).
      const rest = k;
      while (k < n && !isFieldEnd(text.charCodeAt(k), delimiterCode)) k++;
      value += text.slice(rest, k);
    } else {
      k = i;
      while (k < n && !isFieldEnd(text.charCodeAt(k), delimiterCode)) k++;
      value = text.slice(i, k);
    }
    fields.push(value);
    if (k >= n) {
      endRecord();
      i = n;
      break;
    }
    const code = text.charCodeAt(k);
    if (code === delimiterCode) {
      i = k + 1;
      if (i >= n) {
        fields.push('');
        endRecord();
      }
    } else {
      i = code === 13 && text.charCodeAt(k + 1) === 10 ? k + 2 : k + 1;
      endRecord();
      line++;
      recordLine = line;
    }
  }
  return records;
}

function isFieldEnd(code: number, delimiterCode: number): boolean {
  return code === delimiterCode || code === 10 || code === 13;
}

function countLineBreaks(segment: string): number {
  let breaks = 0;
  for (let i = 0; i < segment.length; i++) {
    const code = segment.charCodeAt(i);
    if (code === 10 || (code === 13 && segment.charCodeAt(i + 1) !== 10)) breaks++;
  }
  return breaks;
}

/**
 * Picks the delimiter that splits the first lines into the same number (≥ 2) of fields; tab, then
 * semicolon, then comma when several do (a semicolon file may hold decimal commas).
 */
export function detectDelimiter(text: string): ',' | '\t' | ';' {
  const sample = text.length > 65536 ? text.slice(0, text.lastIndexOf('\n', 65536) + 1 || 65536) : text;
  let best: { delimiter: ',' | '\t' | ';'; fields: number } | null = null;
  for (const delimiter of ['\t', ';', ','] as const) {
    let records: RawRecord[];
    try {
      records = parseDelimited(sample, delimiter, '', undefined, 20);
    } catch {
      continue;
    }
    if (records.length === 0) continue;
    const counts = records.map((r) => r.fields.length);
    const consistent = counts.every((c) => c === counts[0]);
    if (consistent && counts[0] >= 2) return delimiter;
    const typical = counts.sort((a, b) => a - b)[Math.floor(counts.length / 2)];
    if (typical >= 2 && (!best || typical > best.fields)) best = { delimiter, fields: typical };
  }
  return best?.delimiter ?? ',';
}

/**
 * The first row is a header when (1) a column is numeric in the data rows but not in the first row,
 * (2) the first row holds a well-known column name (label, class, text, a_…) that does not recur below it, or (3) every first-row
 * cell is non-numeric and its last cell never recurs in the last column while the other labels do
 * (a class label shows up at least twice; a column title once).
 */
export function detectHeader(records: readonly string[][]): boolean {
  if (records.length === 0) return false;
  const first = records[0];
  const sample = records.slice(1, 51);
  if (sample.length > 0) {
    for (let j = 0; j < first.length; j++) {
      const titleLike = first[j].trim() !== '' && parseDecimal(first[j]) === null;
      if (titleLike && sample.every((r) => r[j] !== undefined && parseDecimal(r[j]) !== null)) return true;
    }
  }
  const knownName = first.some((cell, j) => {
    const name = cell.trim();
    if (!HEADER_WORDS.has(name.toLowerCase()) && !/^[ab]_./i.test(name)) return false;
    // A label value such as "y" (yes/no data) recurs further down; a column title does not.
    return !records.slice(1).some((r) => (r[j] ?? '').trim() === name);
  });
  if (knownName) return true;
  if (sample.length >= 2 && first.every((cell) => parseDecimal(cell) === null)) {
    const last = first.length - 1;
    const title = first[last].trim();
    const labels = records.slice(1).map((r) => (r[last] ?? '').trim());
    const recurs = labels.length !== new Set(labels).size;
    if (recurs && !labels.includes(title)) return true;
  }
  return false;
}

const DECIMAL_COMMA = /^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$/;
const DECIMAL_POINT = /^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Decimal commas (`1,5`) are read as decimal points when the fields are not comma-separated, some cell is written
 * that way and no cell uses a decimal point: a file that mixes both is left as it is (its cells are then reported
 * as not numbers) rather than guessed at. Rewrites the cells in place; returns whether it did.
 */
function readDecimalCommas(records: RawRecord[], delimiter: string): boolean {
  if (delimiter === ',') return false;
  let commas = 0;
  for (const record of records) {
    for (const cell of record.fields) {
      const t = cell.trim();
      if (DECIMAL_POINT.test(t)) return false;
      if (DECIMAL_COMMA.test(t)) commas++;
    }
  }
  if (commas === 0) return false;
  for (const record of records) {
    record.fields = record.fields.map((cell) => (DECIMAL_COMMA.test(cell.trim()) ? cell.replace(',', '.') : cell));
  }
  return true;
}

/** Reads a delimited file into a rectangular `Table`; an empty file or a ragged row is an error. */
export function readTable(file: FileBytes | { name: string; text: string }, options: TableOptions = {}): Table {
  const name = file.name;
  const decoded =
    'text' in file
      ? { text: file.text.charCodeAt(0) === 0xfeff ? file.text.slice(1) : file.text }
      : decodeText(file.bytes, name);
  const text = decoded.text;
  if (text.trim() === '') throw new DataLoadError({ file: name, reason: 'the file is empty' });
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const records = parseDelimited(
    text,
    delimiter,
    name,
    options.progress ? (f) => options.progress!(0.5 * f) : undefined,
  );
  const notes: string[] = [];
  if (decoded.note) notes.push(decoded.note);
  if (!options.delimiter) notes.push(`delimiter: ${DELIMITER_NAMES[delimiter]} (detected)`);
  if (readDecimalCommas(records, delimiter)) notes.push('decimal commas read as decimal points (1,5 = 1.5)');
  const hasHeader = options.header ?? detectHeader(records.map((r) => r.fields));
  const header = hasHeader ? records[0].fields.map((c) => c.trim()) : null;
  if (header) {
    const seen = new Map<string, number>();
    header.forEach((h, j) => {
      const key = h.toLowerCase();
      if (key !== '' && seen.has(key)) {
        throw new DataLoadError({
          file: name,
          row: records[0].line,
          reason: `the header names column "${h}" twice (columns ${seen.get(key)! + 1} and ${j + 1}); rename one so it is clear which is meant`,
        });
      }
      seen.set(key, j);
    });
  }
  notes.push(header ? `header row: ${header.join(', ')}` : 'no header row: the first row is data');
  const dataRecords = hasHeader ? records.slice(1) : records;
  if (dataRecords.length === 0)
    throw new DataLoadError({ file: name, reason: 'the file has a header but no data rows' });
  const columnCount = header ? header.length : dataRecords[0].fields.length;
  for (const record of dataRecords) {
    if (record.fields.length !== columnCount) {
      const reference = header ? 'the header has' : `the first row (line ${dataRecords[0].line}) has`;
      throw new DataLoadError({
        file: name,
        row: record.line,
        reason: `found ${record.fields.length} field${record.fields.length === 1 ? '' : 's'} but ${reference} ${columnCount}`,
      });
    }
  }
  return {
    file: name,
    header,
    rows: dataRecords.map((r) => r.fields),
    rowLines: dataRecords.map((r) => r.line),
    columnCount,
    delimiter,
    notes,
  };
}

/** How errors name column `j`: its header name, else its 1-based position. */
export function columnName(table: Table, j: number): string | number {
  return table.header ? table.header[j] : j + 1;
}

/** Column names for listings ("column 3" when there is no header). */
export function columnList(table: Table): string {
  return table.header
    ? table.header.map((h) => `"${h}"`).join(', ')
    : `${table.columnCount} unnamed columns (no header row)`;
}

/**
 * Resolves a column given by name (exact, then case-insensitive) or 0-based index (negative from the
 * end); when not given, the first header name in `defaults`, else `fallback`.
 */
export function resolveColumn(
  table: Table,
  spec: string | number | undefined,
  role: string,
  defaults: readonly string[],
  fallback: number,
): number {
  if (typeof spec === 'number') {
    const j = spec < 0 ? table.columnCount + spec : spec;
    if (!Number.isInteger(spec) || j < 0 || j >= table.columnCount) {
      throw new DataLoadError({
        file: table.file,
        reason: `${role} column index ${spec} is out of range; the file has ${table.columnCount} columns (0-based)`,
      });
    }
    return j;
  }
  if (typeof spec === 'string') {
    if (!table.header) {
      throw new DataLoadError({
        file: table.file,
        reason: `${role} column "${spec}" not found: the file has no header row; give the column's 0-based index instead`,
      });
    }
    let j = table.header.indexOf(spec);
    if (j < 0) j = table.header.findIndex((h) => h.toLowerCase() === spec.toLowerCase());
    if (j < 0)
      throw new DataLoadError({
        file: table.file,
        reason: `${role} column "${spec}" not found; the columns are: ${columnList(table)}`,
      });
    return j;
  }
  if (table.header) {
    const matches = defaults.flatMap((candidate) => {
      const j = table.header!.findIndex((h) => h.toLowerCase() === candidate);
      return j >= 0 ? [j] : [];
    });
    // A column such as "y" next to "x" can be a coordinate: only columns that read like class labels compete.
    const labelLike = matches.filter((j) => everyValueRecurs(table, j));
    if (matches.length > 1 && labelLike.length === 1) return labelLike[0];
    if (labelLike.length > 1) {
      const names = labelLike.map((j) => table.header![j]);
      throw new DataLoadError({
        file: table.file,
        reason: `several columns could hold the ${role}s (${names.map((n) => `"${n}"`).join(', ')}); choose the ${role} column`,
        choices: { option: 'labelColumn', values: names },
      });
    }
    if (matches.length === 1) return matches[0];
  }
  return fallback;
}

/**
 * Whether column `j` reads like class labels: every value present, a name or a whole number, and appearing at least
 * twice (as each class must).
 */
function everyValueRecurs(table: Table, j: number): boolean {
  const counts = new Map<string, number>();
  for (const row of table.rows) {
    const v = row[j].trim();
    if (v === '' || MISSING_VALUE.test(v)) return false;
    const number = parseDecimal(v);
    if (number !== null && !Number.isInteger(number)) return false;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  for (const c of counts.values()) if (c < 2) return false;
  return true;
}

/**
 * The number in a cell, or a DataLoadError naming the cell: an empty cell, a missing-value marker (NaN, NA, inf…),
 * a number beyond double precision or beyond float32 (the network's numbers) each get their own reason.
 */
export function numericCell(table: Table, r: number, j: number): number {
  const cell = table.rows[r][j];
  const value = parseDecimal(cell);
  if (value === null || Math.abs(value) > FLOAT32_MAX) {
    const t = cell.trim();
    const reason =
      t === ''
        ? 'the cell is empty (missing values are not supported)'
        : MISSING_VALUE.test(t)
          ? `"${t}" marks a missing or non-finite value; every value must be a finite number (fill in or remove the row)`
          : value !== null || /^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(t)
            ? `${t} is beyond the float32 range (±3.4e38) the network computes in; rescale the column`
            : `"${t}" is not a number`;
    throw new DataLoadError({ file: table.file, row: table.rowLines[r], column: columnName(table, j), reason });
  }
  return value;
}

/** Label cells as strings; an empty label is an error. */
export function labelCells(table: Table, j: number): string[] {
  return table.rows.map((row, r) => {
    const label = row[j].trim();
    if (label === '')
      throw new DataLoadError({
        file: table.file,
        row: table.rowLines[r],
        column: columnName(table, j),
        reason: 'the label is empty',
      });
    return label;
  });
}

const NUMERIC_LOOKING = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Fraction of non-empty cells of column `j` that are not numbers (text columns score near 1). Missing-value
 * markers (NaN, NA, inf) and numbers out of range count as numbers: they belong to a numeric column, where they
 * are reported cell by cell.
 */
export function nonNumericFraction(table: Table, j: number): number {
  let filled = 0;
  let text = 0;
  for (const row of table.rows) {
    const cell = row[j].trim();
    if (cell === '') continue;
    filled++;
    if (!NUMERIC_LOOKING.test(cell) && !MISSING_VALUE.test(cell)) text++;
  }
  return filled === 0 ? 0 : text / filled;
}

/** A tabular dataset from a parsed table: one label column, every other column a numeric feature. */
export function tabularFromTable(table: Table, options: TabularOptions = {}): LoadResult<LabelledDataset> {
  if (table.columnCount < 2) {
    throw new DataLoadError({
      file: table.file,
      reason: `the file has ${table.columnCount} column; it needs at least one feature column and a label column`,
    });
  }
  const labelIndex = resolveColumn(table, options.labelColumn, 'label', LABEL_COLUMN_NAMES, table.columnCount - 1);
  const featureColumns = Array.from({ length: table.columnCount }, (_, j) => j).filter((j) => j !== labelIndex);
  const n = table.rows.length;
  const d = featureColumns.length;
  const features = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < d; k++) features[r * d + k] = numericCell(table, r, featureColumns[k]);
    if (options.progress && r % 4096 === 4095) options.progress(0.5 + (0.5 * r) / n);
  }
  const classes = indexClasses(labelCells(table, labelIndex));
  const labelName = columnName(table, labelIndex);
  checkClasses(classes, { file: table.file, column: labelName, row: (i) => table.rowLines[i] });
  const notes = [
    ...table.notes,
    `label column: ${typeof labelName === 'number' ? `column ${labelName}` : `"${labelName}"`}`,
  ];
  if (options.standardize ?? true) {
    const stats = columnStats([features], d);
    applyStandardization(features, d, stats);
    const constant = constantColumns(stats);
    notes.push(
      `features standardised (z-score per column)${constant > 0 ? `; ${constant} constant column${constant > 1 ? 's' : ''} set to 0` : ''}`,
    );
  }
  options.progress?.(1);
  const featureNames = table.header ? featureColumns.map((j) => table.header![j]) : undefined;
  const dataset: LabelledDataset = {
    kind: 'labelled',
    name: baseName(table.file),
    description: `Uploaded from ${table.file}: ${n} samples, ${d} features, ${classes.classNames.length} classes`,
    modality: d === 2 ? 'points2d' : 'tabular',
    features,
    featureShape: [d],
    labels: classes.labels,
    classNames: classes.classNames,
    numSamples: n,
    featureNames,
    source: { type: 'upload', ref: table.file },
  };
  return {
    dataset,
    summary: {
      format: 'tabular-csv',
      samples: n,
      classes: classes.classNames.length,
      shape: [d],
      labelColumn: String(labelName),
      notes,
    },
  };
}

/** A labelled tabular dataset from CSV/TSV bytes (see `readTable` and `tabularFromTable`). */
export function loadTabularCsv(file: FileBytes, options: TabularOptions = {}): LoadResult<LabelledDataset> {
  return tabularFromTable(readTable(file, options), options);
}
