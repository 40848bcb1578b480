/**
 * Labelled tabular datasets from delimited tables (CSV, TSV, semicolon-separated), and the column helpers the text and
 * pair loaders share: resolving a column by name or index, reading a cell as a number or a label with an error that
 * names the cell. The table itself is read by `./table`.
 */
import type { LabelledDataset } from '../dataset';
import {
  applyStandardization,
  baseName,
  checkClasses,
  columnStats,
  constantColumns,
  FLOAT32_MAX,
  indexClasses,
  MISSING_VALUE,
  parseDecimal,
} from './common';
import { DataLoadError } from './errors';
import { readTable, type Table } from './table';
import type { FileBytes, LoadResult, TabularOptions } from './types';

export { detectDelimiter, detectHeader, parseDelimited, readTable, readTableSteps, Table } from './table';

/** Default label columns, in order of preference (case-insensitive). */
export const LABEL_COLUMN_NAMES = ['label', 'class', 'target', 'y', 'species'];

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
  for (const v of table.texts(j)) {
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
  const cell = table.cellText(r, j);
  if (cell === undefined) return table.value(r, j);
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
  return table.texts(j).map((label, r) => {
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
  const exceptions = table.exceptions(j);
  // A column that keeps only numbers: every cell but its exceptions is a number.
  let filled = exceptions ? table.rowCount - exceptions.length : 0;
  let text = 0;
  for (const cell of exceptions ?? table.texts(j)) {
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
  const n = table.rowCount;
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
