/**
 * Pair files: each row is one ready-made pair (a, b) with a target, for verification data that has no
 * class labels. Numeric pairs use `a_…`/`b_…` feature columns and a 0/1 `label`; text pairs use
 * `text_a`, `text_b` and either a 0/1 `label` or a similarity `score` in [-1, 1].
 */
import type { PairDataset } from '../dataset';
import { buildCharVocabulary, encodeTexts } from '../text';
import { applyStandardization, baseName, columnStats, constantColumns, parseDecimal } from './common';
import { columnList, numericCell, readTable, type Table } from './csv';
import { DataLoadError } from './errors';
import { DEFAULT_MAX_TEXT_LENGTH, sequenceLength, textCells, textLength } from './textCsv';
import type { FileBytes, LoadResult, TableOptions, TabularOptions, TextOptions } from './types';

/** Options of the pair loader: standardisation for numeric pairs, sequence length for text pairs. */
export type PairOptions = TableOptions & Pick<TabularOptions, 'standardize'> & Pick<TextOptions, 'maxLength'>;

function findColumn(table: Table, name: string): number {
  return table.header ? table.header.findIndex((h) => h.toLowerCase() === name) : -1;
}

/** Whether a table's header marks it as a pair file (text_a + text_b, or a_… and b_… columns). */
export function isPairTable(table: Table): boolean {
  if (!table.header) return false;
  if (findColumn(table, 'text_a') >= 0 && findColumn(table, 'text_b') >= 0) return true;
  return table.header.some((h) => /^a_./i.test(h)) && table.header.some((h) => /^b_./i.test(h));
}

/** 0/1 targets from column `j`; anything else is an error naming the cell. */
function binaryTargets(table: Table, j: number): Float32Array {
  const targets = new Float32Array(table.rowCount);
  let positives = 0;
  table.texts(j).forEach((cell, r) => {
    const value = parseDecimal(cell);
    if (value !== 0 && value !== 1) {
      const shown = cell === '' ? 'the label is empty' : `"${cell}" is not a valid pair label`;
      throw new DataLoadError({
        file: table.file,
        row: table.rowLines[r],
        column: table.header![j],
        reason: `${shown}; it must be 1 (similar) or 0 (dissimilar)`,
      });
    }
    targets[r] = value;
    positives += value;
  });
  if (positives === 0 || positives === targets.length) {
    throw new DataLoadError({
      file: table.file,
      column: table.header![j],
      reason: `all ${targets.length} pairs are labelled ${positives === 0 ? 0 : 1}; a pair file needs both similar (1) and dissimilar (0) pairs`,
    });
  }
  return targets;
}

function targetColumn(table: Table, wanted: readonly string[]): number {
  for (const name of wanted) {
    const j = findColumn(table, name);
    if (j >= 0) return j;
  }
  throw new DataLoadError({
    file: table.file,
    reason: `no ${wanted.map((w) => `"${w}"`).join(' or ')} column found; the columns are: ${columnList(table)}`,
  });
}

function numericPairs(table: Table, options: PairOptions): LoadResult<PairDataset> {
  const header = table.header!;
  const aColumns = header.flatMap((h, j) => (/^a_./i.test(h) ? [j] : []));
  const bColumns = header.flatMap((h, j) => (/^b_./i.test(h) ? [j] : []));
  if (aColumns.length !== bColumns.length) {
    throw new DataLoadError({
      file: table.file,
      reason: `${aColumns.length} a_ column${aColumns.length === 1 ? '' : 's'} but ${bColumns.length} b_ column${bColumns.length === 1 ? '' : 's'}; both sides of a pair need the same features (a_x ↔ b_x)`,
    });
  }
  const labelIndex = targetColumn(table, ['label']);
  const n = table.rowCount;
  const d = aColumns.length;
  const a = new Float32Array(n * d);
  const b = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < d; k++) {
      a[r * d + k] = numericCell(table, r, aColumns[k]);
      b[r * d + k] = numericCell(table, r, bColumns[k]);
    }
  }
  const targets = binaryTargets(table, labelIndex);
  const notes = [
    ...table.notes,
    `${d} features per side: ${aColumns.map((j) => header[j]).join(', ')} ↔ ${bColumns.map((j) => header[j]).join(', ')}`,
  ];
  const ignored = table.columnCount - 2 * d - 1;
  if (ignored > 0) notes.push(`${ignored} other column${ignored > 1 ? 's' : ''} ignored`);
  if (options.standardize ?? true) {
    // One set of statistics for both sides, so a pair of equal rows stays equal after scaling.
    const stats = columnStats([a, b], d);
    applyStandardization(a, d, stats);
    applyStandardization(b, d, stats);
    const constant = constantColumns(stats);
    notes.push(
      `features standardised with statistics shared by a and b${constant > 0 ? `; ${constant} constant feature${constant > 1 ? 's' : ''} set to 0` : ''}`,
    );
  }
  options.progress?.(1);
  const dataset: PairDataset = {
    kind: 'pairs',
    name: baseName(table.file),
    description: `Uploaded pairs from ${table.file}: ${n} pairs, ${d} features per side`,
    modality: d === 2 ? 'points2d' : 'tabular',
    a,
    b,
    featureShape: [d],
    targets,
    targetKind: 'binary',
    numPairs: n,
    source: { type: 'upload', ref: table.file },
  };
  return {
    dataset,
    summary: { format: 'pair-csv', samples: n, classes: 2, shape: [d], labelColumn: header[labelIndex], notes },
  };
}

function textPairs(table: Table, options: PairOptions): LoadResult<PairDataset> {
  const header = table.header!;
  const textA = textCells(table, findColumn(table, 'text_a'));
  const textB = textCells(table, findColumn(table, 'text_b'));
  const targetIndex = targetColumn(table, ['label', 'score']);
  const targetKind = header[targetIndex].toLowerCase() === 'label' ? 'binary' : 'score';
  const notes = [...table.notes];
  let targets: Float32Array;
  if (targetKind === 'binary') {
    targets = binaryTargets(table, targetIndex);
    if (findColumn(table, 'score') >= 0) notes.push('both "label" and "score" columns found; using "label" (0/1)');
  } else {
    targets = new Float32Array(table.rowCount);
    for (let r = 0; r < table.rowCount; r++) {
      const score = numericCell(table, r, targetIndex);
      if (score < -1 || score > 1) {
        throw new DataLoadError({
          file: table.file,
          row: table.rowLines[r],
          column: header[targetIndex],
          reason: `score ${score} is outside [-1, 1], the range of a cosine similarity; rescale the scores (e.g. a 0–5 scale divided by 5)`,
        });
      }
      targets[r] = score;
    }
  }
  const length = sequenceLength(
    [...textA, ...textB].map(textLength),
    options.maxLength ?? DEFAULT_MAX_TEXT_LENGTH,
    notes,
  );
  const vocabulary = buildCharVocabulary([...textA, ...textB]);
  notes.push(`vocabulary: ${vocabulary.length - 2} characters (+ padding and unknown)`);
  options.progress?.(1);
  const n = textA.length;
  const dataset: PairDataset = {
    kind: 'pairs',
    name: baseName(table.file),
    description: `Uploaded text pairs from ${table.file}: ${n} pairs, ${targetKind === 'binary' ? '0/1 labels' : 'similarity scores'}`,
    modality: 'text',
    a: encodeTexts(textA, vocabulary, length),
    b: encodeTexts(textB, vocabulary, length),
    featureShape: [length],
    targets,
    targetKind,
    numPairs: n,
    vocabulary,
    textsA: textA,
    textsB: textB,
    source: { type: 'upload', ref: table.file },
  };
  return {
    dataset,
    summary: {
      format: 'text-pair-csv',
      samples: n,
      classes: targetKind === 'binary' ? 2 : 0,
      shape: [length],
      labelColumn: header[targetIndex],
      notes,
    },
  };
}

/** A pair dataset from a parsed table: text pairs when it has text_a/text_b, else numeric a_/b_ pairs. */
export function pairsFromTable(table: Table, options: PairOptions = {}): LoadResult<PairDataset> {
  if (!isPairTable(table)) {
    throw new DataLoadError({
      file: table.file,
      reason: `not a pair file: it needs a header with text_a and text_b columns, or a_… and b_… feature columns; the columns are: ${columnList(table)}`,
    });
  }
  return findColumn(table, 'text_a') >= 0 && findColumn(table, 'text_b') >= 0
    ? textPairs(table, options)
    : numericPairs(table, options);
}

/** A pair dataset from CSV/TSV bytes. */
export function loadPairCsv(file: FileBytes, options: PairOptions = {}): LoadResult<PairDataset> {
  return pairsFromTable(readTable(file, options), options);
}
