/**
 * Text classification tables (a text column and a label column) turned into character-level token
 * sequences with the shared vocabulary code of `../text`, so uploads and the built-in text set tokenise
 * alike. The raw texts are kept for previews.
 */
import type { LabelledDataset } from '../dataset';
import { buildCharVocabulary, encodeTexts } from '../text';
import { baseName, checkClasses, indexClasses } from './common';
import {
  columnName,
  LABEL_COLUMN_NAMES,
  labelCells,
  nonNumericFraction,
  readTable,
  resolveColumn,
  type Table,
} from './csv';
import { DataLoadError } from './errors';
import type { FileBytes, LoadResult, TextOptions } from './types';

/** Default text columns, in order of preference (case-insensitive). */
export const TEXT_COLUMN_NAMES = ['text', 'sentence', 'word'];

/** Default sequence cap: long enough for words and short phrases, short enough for a browser LSTM. */
export const DEFAULT_MAX_TEXT_LENGTH = 32;

/** Length in characters as the tokenizer counts them (code points, so an emoji is one token). */
export function textLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** Texts of column `j`, trimmed; an empty text is an error naming its row. */
export function textCells(table: Table, j: number): string[] {
  return table.texts(j).map((text, r) => {
    if (text === '')
      throw new DataLoadError({
        file: table.file,
        row: table.rowLines[r],
        column: columnName(table, j),
        reason: 'the text is empty',
      });
    return text;
  });
}

/** Sequence length for `texts`: the longest text, capped at `maxLength`, and a note when texts were cut. */
export function sequenceLength(lengths: readonly number[], maxLength: number, notes: string[]): number {
  if (!(Number.isInteger(maxLength) && maxLength >= 1))
    throw new Error(`maxLength must be a whole number ≥ 1, got ${maxLength}`);
  let longest = 1;
  // Stryker disable next-line EqualityOperator: replacing the longest with an equal length leaves it unchanged
  for (const l of lengths) if (l > longest) longest = l;
  const length = Math.min(longest, maxLength);
  const cut = lengths.filter((l) => l > length).length;
  notes.push(
    `sequence length ${length} characters${cut > 0 ? `; ${cut} text${cut > 1 ? 's' : ''} longer than that were cut` : ''}`,
  );
  return length;
}

/** A labelled text dataset from a parsed table (see the module comment). */
export function textFromTable(table: Table, options: TextOptions = {}): LoadResult<LabelledDataset> {
  if (table.columnCount < 2) {
    throw new DataLoadError({
      file: table.file,
      reason: `the file has ${table.columnCount} column; it needs a text column and a label column`,
    });
  }
  const labelIndex = resolveColumn(table, options.labelColumn, 'label', LABEL_COLUMN_NAMES, table.columnCount - 1);
  const others = Array.from({ length: table.columnCount }, (_, j) => j).filter((j) => j !== labelIndex);
  const mostlyText = others.find((j) => nonNumericFraction(table, j) > 0.5) ?? others[0];
  const textIndex = resolveColumn(table, options.textColumn, 'text', TEXT_COLUMN_NAMES, mostlyText);
  if (textIndex === labelIndex) {
    throw new DataLoadError({
      file: table.file,
      reason: `the text column and the label column are the same column (${columnName(table, textIndex)})`,
    });
  }
  const texts = textCells(table, textIndex);
  const classes = indexClasses(labelCells(table, labelIndex));
  const labelName = columnName(table, labelIndex);
  checkClasses(classes, { file: table.file, column: labelName, row: (i) => table.rowLines[i] });
  const textName = columnName(table, textIndex);
  const notes = [
    ...table.notes,
    `text column: ${JSON.stringify(String(textName))}, label column: ${JSON.stringify(String(labelName))}`,
  ];
  const ignored = table.columnCount - 2;
  if (ignored > 0) notes.push(`${ignored} other column${ignored > 1 ? 's' : ''} ignored`);
  const length = sequenceLength(texts.map(textLength), options.maxLength ?? DEFAULT_MAX_TEXT_LENGTH, notes);
  const vocabulary = buildCharVocabulary(texts);
  notes.push(`vocabulary: ${vocabulary.length - 2} characters (+ padding and unknown)`);
  const features = encodeTexts(texts, vocabulary, length);
  options.progress?.(1);
  const n = texts.length;
  const dataset: LabelledDataset = {
    kind: 'labelled',
    name: baseName(table.file),
    description: `Uploaded from ${table.file}: ${n} texts, ${classes.classNames.length} classes, ${length} characters each`,
    modality: 'text',
    features,
    featureShape: [length],
    labels: classes.labels,
    classNames: classes.classNames,
    numSamples: n,
    vocabulary,
    texts,
    source: { type: 'upload', ref: table.file },
  };
  return {
    dataset,
    summary: {
      format: 'text-csv',
      samples: n,
      classes: classes.classNames.length,
      shape: [length],
      labelColumn: String(labelName),
      notes,
    },
  };
}

/** A labelled text dataset from CSV/TSV bytes. */
export function loadTextCsv(file: FileBytes, options: TextOptions = {}): LoadResult<LabelledDataset> {
  return textFromTable(readTable(file, options), options);
}
