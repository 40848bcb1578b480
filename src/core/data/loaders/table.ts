/**
 * Delimited tables read into columns. `readTableSteps` streams the bytes (see `tableStream`): it detects the text
 * encoding, the delimiter, the header and decimal commas, handles quoted fields (delimiters, newlines and `""` inside
 * quotes) and CRLF, and refuses ragged rows and repeated column names. Row numbers in errors are the file's line
 * numbers (1 = first line), so a user can find the row in an editor.
 */
import { parseDecimal } from './common';
import { DataLoadError } from './errors';
import {
  type ColumnData,
  ColumnBuilder,
  DecimalCommas,
  LineList,
  firstEncoding,
  NotUtf8,
  type RawRecord,
  RecordTokenizer,
  type TextEncodingChoice,
  textChunks,
  WINDOWS_1252,
} from './tableStream';
import type { FileBytes, ProgressCallback, TableOptions } from './types';

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

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon' };

/** Records read whole for header detection (the first row and the 50 below it). */
const HEAD_RECORDS = 51;

/**
 * A parsed table: header (when detected) and data rows, all with the same number of fields, held by column. Numeric
 * columns keep float32 values only; `texts` gives a column's cells as text (reading the file again for a numeric
 * column whose texts were not kept, which only labels and text columns ever need).
 */
export class Table {
  private readonly textCache = new Map<number, string[]>();

  constructor(
    readonly file: string,
    /** Column names, or null when the first row is data. */
    readonly header: string[] | null,
    /** Line number (1-based) where each data row starts in the file. */
    readonly rowLines: Int32Array,
    readonly columnCount: number,
    readonly delimiter: string,
    /** What was detected (delimiter, header, encoding), for the upload summary. */
    readonly notes: string[],
    private readonly columns: ColumnData[],
    private readonly reread: (j: number) => string[],
  ) {}

  /** Data rows (the header excluded). */
  get rowCount(): number {
    return this.rowLines.length;
  }

  private get offset(): number {
    return this.header ? 1 : 0;
  }

  /** The trimmed text of every data cell of column `j`. */
  texts(j: number): string[] {
    let texts = this.textCache.get(j);
    if (!texts) {
      const all = this.columns[j].strings ?? this.reread(j);
      texts = all.slice(this.offset);
      this.textCache.set(j, texts);
    }
    return texts;
  }

  /**
   * The cell's trimmed text when it is needed to read it: always for a column that keeps its texts, else only for a
   * cell that is not a number within the float32 range. Undefined means `value` holds the number.
   */
  cellText(r: number, j: number): string | undefined {
    const column = this.columns[j];
    const R = r + this.offset;
    return column.strings ? column.strings[R] : column.exceptions.get(R);
  }

  /** The cell's float32 value (NaN when it is not a number). */
  value(r: number, j: number): number {
    return this.columns[j].numbers[r + this.offset];
  }

  /** Trimmed texts of the data cells that are not numbers in range, for a column that keeps only numbers. */
  exceptions(j: number): string[] | null {
    const column = this.columns[j];
    if (column.strings) return null;
    const out: string[] = [];
    for (const [R, t] of column.exceptions) if (R >= this.offset) out.push(t);
    return out;
  }
}

/**
 * Splits delimited text into records (RFC 4180 quoting; CR, LF or CRLF line ends). Lines that are entirely blank are
 * dropped. An unterminated quote is an error naming the line where it opened.
 */
export function parseDelimited(
  text: string,
  delimiter: string,
  file = '',
  progress?: ProgressCallback,
  limit = Infinity,
): RawRecord[] {
  const records: RawRecord[] = [];
  const tokenizer = new RecordTokenizer(delimiter, file, (record) => records.push(record) < limit);
  tokenizer.push(text, true);
  progress?.(1);
  return records;
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
      // Stryker disable next-line StringLiteral: a detection attempt's error is caught, its file name never shown
      records = parseDelimited(sample, delimiter, '', undefined, 20);
    } catch {
      continue;
    }
    // Stryker disable next-line ConditionalExpression: with no records the counts are empty and the median undefined, so the candidate is skipped anyway
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
 * (2) the first row holds a well-known column name (label, class, text, a_…) that does not recur below it, or (3) every
 * first-row cell is non-numeric and its last cell never recurs in the last column while the other labels do
 * (a class label shows up at least twice; a column title once). `below(j)` gives every cell of column `j` under the
 * first row (by default from `records`; a streamed table passes its columns).
 */
export function detectHeader(
  records: readonly string[][],
  below: (j: number) => readonly string[] = (j) => records.slice(1).map((r) => r[j] ?? ''),
): boolean {
  if (records.length === 0) return false;
  const first = records[0];
  const sample = records.slice(1, HEAD_RECORDS);
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
    return !below(j).some((v) => v.trim() === name);
  });
  if (knownName) return true;
  if (sample.length >= 2 && first.every((cell) => parseDecimal(cell) === null)) {
    const last = first.length - 1;
    const title = first[last].trim();
    const labels = below(last).map((v) => v.trim());
    const recurs = labels.length !== new Set(labels).size;
    if (recurs && !labels.includes(title)) return true;
  }
  return false;
}

/** What one pass over the bytes found. */
interface Scan {
  delimiter: ',' | '\t' | ';';
  commas: DecimalCommas;
  blank: boolean;
  records: number;
  head: string[][];
  lines: LineList;
  /** The first record whose field count differs from the first record's. */
  ragged: { line: number; fields: number } | null;
}

/**
 * One pass over the bytes: every record's trimmed cells (decimal commas read as points when `rewrite`) go to `onCells`
 * until a ragged record, after which the text is still tokenized (an unclosed quote further down is reported first).
 */
function* scan(
  file: FileBytes,
  encoding: TextEncodingChoice,
  delimiterGiven: ',' | '\t' | ';' | undefined,
  rewrite: boolean,
  onCells: (cells: string[]) => void,
  progress?: (fraction: number) => void,
  reserve?: (rows: number) => void,
): Generator<void, Scan, void> {
  const commas = new DecimalCommas();
  const result: Scan = {
    // Stryker disable next-line LogicalOperator,StringLiteral: the delimiter is set before the first record is read
    delimiter: delimiterGiven ?? ',',
    commas,
    blank: true,
    records: 0,
    head: [],
    lines: new LineList(),
    ragged: null,
  };
  let expected = 0;
  const onRecord = (record: RawRecord): boolean => {
    const apply = rewrite && result.delimiter !== ',';
    const cells = record.fields.map((f) => commas.cell(f, apply));
    const R = result.records++;
    if (R === 0) expected = cells.length;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: detectHeader reads the first 51 records only; keeping more costs memory only
    if (R < HEAD_RECORDS) result.head.push(cells);
    if (result.ragged) return true;
    if (cells.length !== expected) {
      result.ragged = { line: record.line, fields: cells.length };
      return true;
    }
    result.lines.push(record.line);
    onCells(cells);
    return true;
  };
  let tokenizer: RecordTokenizer | null = null;
  let pending = '';
  const total = Math.max(1, file.bytes.length);
  for (const chunk of textChunks(file.bytes, encoding, file.name)) {
    if (result.blank && chunk.text.trim() !== '') result.blank = false;
    if (tokenizer) tokenizer.push(chunk.text, chunk.final);
    else {
      pending += chunk.text;
      // Stryker disable next-line ConditionalExpression,BooleanLiteral,EqualityOperator: a block that is not final is 1 MiB of bytes, always over 64 Ki characters
      if (!delimiterGiven && pending.length <= 65536 && !chunk.final) continue;
      result.delimiter = delimiterGiven ?? detectDelimiter(pending);
      tokenizer = new RecordTokenizer(result.delimiter, file.name, onRecord);
      tokenizer.push(pending, chunk.final);
      // Stryker disable next-line StringLiteral: pending is not read once the tokenizer exists
      pending = '';
      // Stryker disable next-line ConditionalExpression,LogicalOperator,BooleanLiteral,EqualityOperator,BlockStatement: sizing the columns ahead only saves growing them later
      if (!chunk.final && result.records > 0) {
        // Rows in the whole file, estimated from the first block, so columns are sized once.
        // Stryker disable next-line ArithmeticOperator: sizing the columns ahead only saves growing them later
        const rows = Math.ceil((result.records * total * 1.05) / chunk.end);
        result.lines.reserve(rows);
        reserve?.(rows);
      }
    }
    progress?.(chunk.end / total);
    yield;
  }
  return result;
}

/**
 * Reads a delimited file into a rectangular `Table`, a block of bytes per step (so a caller can yield, report
 * progress and cancel between steps); an empty file or a ragged row is an error.
 */
export function* readTableSteps(file: FileBytes, options: TableOptions = {}): Generator<void, Table, void> {
  const name = file.name;
  let reported = 0;
  const progress = options.progress
    ? (f: number) => {
        if (0.5 * f > reported) options.progress!((reported = 0.5 * f));
      }
    : undefined;
  let encoding = firstEncoding(file.bytes, name);
  // Stryker disable next-line ArrayDeclaration: every pass starts from an empty list
  let builders: ColumnBuilder[] = [];
  const collect = (cells: string[]): void => {
    if (builders.length === 0) builders = cells.map(() => new ColumnBuilder());
    for (let j = 0; j < cells.length; j++) builders[j].push(cells[j]);
  };
  const pass = function* (rewrite: boolean): Generator<void, Scan, void> {
    builders = [];
    // Stryker disable next-line BlockStatement: sizing the columns ahead only saves growing them later
    return yield* scan(file, encoding, options.delimiter, rewrite, collect, progress, (rows) => {
      for (const b of builders) b.reserve(rows);
    });
  };
  let result: Scan;
  try {
    result = yield* pass(true);
  } catch (error) {
    if (!(error instanceof NotUtf8)) throw error;
    encoding = WINDOWS_1252;
    result = yield* pass(true);
  }
  // Decimal commas next to decimal points: the file is left as written, so read it again without the rewrite.
  if (result.commas.commas > 0 && result.commas.points && result.delimiter !== ',') result = yield* pass(false);
  if (result.blank) throw new DataLoadError({ file: name, reason: 'the file is empty' });
  const { delimiter } = result;
  const rewrite = result.commas.apply && delimiter !== ',';
  const columns = builders.map((b) => b.finish());
  const reread = (j: number): string[] => {
    const texts: string[] = [];
    const steps = scan(file, encoding, delimiter, rewrite, (cells) => texts.push(cells[j]));
    while (!steps.next().done);
    return texts;
  };
  const below = (j: number): string[] => {
    const column = columns[j];
    // Stryker disable next-line ConditionalExpression,ArrayDeclaration: every column of the first row has a builder (the first record is never ragged)
    if (!column) return [];
    return (column.strings ?? reread(j)).slice(1);
  };

  const notes: string[] = [];
  if (encoding.note) notes.push(encoding.note);
  if (!options.delimiter) notes.push(`delimiter: ${DELIMITER_NAMES[delimiter]} (detected)`);
  if (rewrite) notes.push('decimal commas read as decimal points (1,5 = 1.5)');
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a file without records is blank, refused above, and detectHeader([]) is false
  const hasHeader = result.records > 0 && (options.header ?? detectHeader(result.head, below));
  // Stryker disable next-line ArrayDeclaration: a file without records is blank, refused above
  const first = result.head[0] ?? [];
  const header = hasHeader ? first : null;
  if (header) {
    const seen = new Map<string, number>();
    header.forEach((h, j) => {
      const key = h.toLowerCase();
      if (key !== '' && seen.has(key)) {
        throw new DataLoadError({
          file: name,
          row: result.lines.view()[0],
          reason: `the header names column "${h}" twice (columns ${seen.get(key)! + 1} and ${j + 1}); rename one so it is clear which is meant`,
        });
      }
      seen.set(key, j);
    });
  }
  notes.push(header ? `header row: ${header.join(', ')}` : 'no header row: the first row is data');
  const rowLines = result.lines.view(hasHeader ? 1 : 0);
  if (result.records - (hasHeader ? 1 : 0) === 0)
    throw new DataLoadError({ file: name, reason: 'the file has a header but no data rows' });
  const columnCount = first.length;
  if (result.ragged) {
    const reference = header ? 'the header has' : `the first row (line ${result.lines.view()[0]}) has`;
    const found = result.ragged.fields;
    throw new DataLoadError({
      file: name,
      row: result.ragged.line,
      reason: `found ${found} field${found === 1 ? '' : 's'} but ${reference} ${columnCount}`,
    });
  }
  return new Table(name, header, rowLines, columnCount, delimiter, notes, columns, reread);
}

/** `readTableSteps` run to the end at once. */
export function readTable(file: FileBytes, options: TableOptions = {}): Table {
  const steps = readTableSteps(file, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
