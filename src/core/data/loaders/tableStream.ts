/**
 * The streaming half of the table reader: bytes are decoded a block at a time (the encoding detected, not assumed:
 * strict UTF-8 with or without a byte-order mark, then UTF-16 with its mark, then Windows-1252 with a note, so
 * "café" and "cafè" are never both read as "caf\uFFFD"; UTF-32 and UTF-16 without a mark are refused by name), split into records by an incremental RFC 4180 tokenizer, and each cell goes straight into a growing
 * column. A numeric column keeps only its float32 values (plus the text of any cell that is not a number, for the
 * error message), so reading a table costs a few bytes per cell rather than a JavaScript string per cell.
 */
import { FLOAT32_MAX, nulError, parseDecimal } from './common';
import { DataLoadError } from './errors';

/** One record of a delimited text with the line where it starts. */
export interface RawRecord {
  fields: string[];
  line: number;
}

/** Bytes decoded per step: big enough to parse quickly, small enough that a cancel or a repaint gets in. */
export const CHUNK_BYTES = 1 << 20;

function isFieldEnd(code: number, delimiterCode: number): boolean {
  return code === delimiterCode || code === 10 || code === 13;
}

function countLineBreaks(segment: string): number {
  let breaks = 0;
  // Stryker disable next-line EqualityOperator: reading one past the end gives NaN, which is no line break
  for (let i = 0; i < segment.length; i++) {
    const code = segment.charCodeAt(i);
    if (code === 10 || (code === 13 && segment.charCodeAt(i + 1) !== 10)) breaks++;
  }
  return breaks;
}

/**
 * Splits delimited text into records as it arrives (RFC 4180 quoting; CR, LF or CRLF line ends). A record is handed
 * on only once it is complete, so it is parsed exactly as if the whole text had been given at once; an unfinished
 * record waits for more text (and is retried only once the text held has doubled, so a huge quoted field costs linear
 * time). Blank lines are dropped. An unterminated quote is an error naming the line where it opened.
 */
export class RecordTokenizer {
  private buffer = '';
  private line = 1;
  private retryAt = 0;
  private stopped = false;
  private readonly delimiterCode: number;

  /** `onRecord` returns false to stop reading (the rest of the text is ignored). */
  constructor(
    delimiter: string,
    private readonly file: string,
    private readonly onRecord: (record: RawRecord) => boolean | undefined,
  ) {
    this.delimiterCode = delimiter.charCodeAt(0);
  }

  /** Adds text; `final` marks its end, when an unfinished record is either complete or an error. */
  push(chunk: string, final: boolean): void {
    if (this.stopped) return;
    // Stryker disable next-line ConditionalExpression,StringLiteral: appending to an empty buffer gives the same text
    this.buffer = this.buffer === '' ? chunk : this.buffer + chunk;
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: retrying sooner or later changes only the time; every record is handed on at the final push at the latest
    if (!final && this.buffer.length < this.retryAt) return;
    this.run(final);
  }

  private run(final: boolean): void {
    const text = this.buffer;
    const n = text.length;
    const delimiterCode = this.delimiterCode;
    let line = this.line;
    let recordLine = line;
    let recordStart = 0;
    let fields: string[] = [];
    let i = 0;
    const endRecord = (): boolean => {
      const blank = fields.length === 1 && fields[0].trim() === '';
      const go = blank || this.onRecord({ fields, line: recordLine }) !== false;
      fields = [];
      return go;
    };
    const wait = (): void => {
      this.buffer = text.slice(recordStart);
      this.line = recordLine;
      // Stryker disable next-line ArithmeticOperator: when to retry changes only the time
      this.retryAt = 2 * this.buffer.length;
    };
    // Stryker disable next-line EqualityOperator: a pass at i === n reads one blank field, which is dropped or kept as an empty remainder
    while (i < n) {
      let k = i;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: reading one past the end gives NaN, which is no space
      while (k < n && text.charCodeAt(k) === 32) k++;
      let value: string;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: reading one past the end gives NaN, which is no quote
      if (k < n && text.charCodeAt(k) === 34) {
        // Quoted field: "" is a quote; delimiters and line breaks are data.
        const quoteLine = line;
        value = '';
        k++;
        let complete = true;
        for (;;) {
          const close = text.indexOf('"', k);
          // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: a quote ending unfinished text read as closing leaves the field at the end of the text, so the record waits anyway; close is never 0 (the search starts after the opening quote)
          if (close < 0 || (close + 1 >= n && !final)) {
            if (!final) {
              complete = false;
              break;
            }
            throw new DataLoadError({
              file: this.file,
              row: quoteLine,
              reason: 'a quoted field opened on this line is never closed (missing ")',
            });
          }
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
        if (!complete) {
          wait();
          return;
        }
        // Anything between the closing quote and the delimiter is kept as written (lenient, like spreadsheets).
        const rest = k;
        // Stryker disable next-line EqualityOperator: reading one past the end gives NaN, which is no field end, and the field is cut at the end of the text either way
        while (k < n && !isFieldEnd(text.charCodeAt(k), delimiterCode)) k++;
        value += text.slice(rest, k);
      } else {
        k = i;
        // Stryker disable next-line EqualityOperator: reading one past the end gives NaN, which is no field end, and the field is cut at the end of the text either way
        while (k < n && !isFieldEnd(text.charCodeAt(k), delimiterCode)) k++;
        value = text.slice(i, k);
      }
      if (k >= n) {
        if (!final) {
          wait();
          return;
        }
        fields.push(value);
        if (!endRecord()) {
          this.stop();
          return;
        }
        i = n;
        break;
      }
      const code = text.charCodeAt(k);
      if (code === delimiterCode) {
        fields.push(value);
        i = k + 1;
        if (i >= n) {
          if (!final) {
            wait();
            return;
          }
          fields.push('');
          if (!endRecord()) {
            this.stop();
            return;
          }
        }
      } else {
        // Stryker disable next-line ConditionalExpression,LogicalOperator: waiting at any other line end only hands the record on at the next push
        if (code === 13 && k + 1 >= n && !final) {
          wait();
          return;
        }
        fields.push(value);
        i = code === 13 && text.charCodeAt(k + 1) === 10 ? k + 2 : k + 1;
        if (!endRecord()) {
          this.stop();
          return;
        }
        line++;
        recordLine = line;
        recordStart = i;
      }
    }
    this.buffer = '';
    this.line = line;
    this.retryAt = 0;
  }

  private stop(): void {
    this.stopped = true;
    // Stryker disable next-line StringLiteral: a stopped tokenizer never reads its buffer again
    this.buffer = '';
  }
}

/** How a table's bytes are read as text. */
export interface TextEncodingChoice {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  /** Bytes to skip (a UTF-16 byte-order mark). */
  start: number;
  note?: string;
}

/**
 * The encoding to try first: UTF-32 and NUL bytes are refused at once, a UTF-16
 * byte-order mark decides, else strict UTF-8 (whose failure part-way falls back to Windows-1252; see `textChunks`).
 */
export function firstEncoding(b: Uint8Array, file: string): TextEncodingChoice {
  if (
    // Stryker disable next-line ConditionalExpression: a shorter array reads undefined there, which matches neither mark
    b.length >= 4 &&
    ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) ||
      (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff))
  )
    throw new DataLoadError({ file, reason: 'the file is encoded as UTF-32, which is not read; save it as UTF-8' });
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) {
    const le = b[0] === 0xff;
    return {
      encoding: le ? 'utf-16le' : 'utf-16be',
      start: 2,
      note: `encoding: ${le ? 'UTF-16 LE' : 'UTF-16 BE'} (from its byte-order mark)`,
    };
  }
  if (b.includes(0)) throw nulError(file, b);
  return { encoding: 'utf-8', start: 0 };
}

/** The Windows-1252 reading, used when a file turns out not to be UTF-8. */
export const WINDOWS_1252: TextEncodingChoice = {
  encoding: 'windows-1252',
  start: 0,
  note: 'encoding: not valid UTF-8, read as Windows-1252 (Western European); if accented letters look wrong, save the file as UTF-8',
};

/** Thrown by `textChunks` when bytes are not valid UTF-8: the reader starts again as Windows-1252. */
export class NotUtf8 extends Error {}

/**
 * The text of `bytes` a block at a time. A leading U+FEFF is dropped. Invalid UTF-8 throws `NotUtf8`; invalid UTF-16
 * (after its byte-order mark) is a DataLoadError naming the encoding.
 */
export function* textChunks(
  bytes: Uint8Array,
  choice: TextEncodingChoice,
  file: string,
): Generator<{ text: string; end: number; final: boolean }, void, void> {
  // Stryker disable next-line ConditionalExpression,StringLiteral: Windows-1252 decoding never fails (every byte is a character)
  const decoder = new TextDecoder(choice.encoding, { fatal: choice.encoding !== 'windows-1252' });
  let first = true;
  // Stryker disable next-line EqualityOperator: after a block that is not final the offset is below the length; the final block returns
  for (let offset = choice.start; offset < bytes.length || first; offset += CHUNK_BYTES) {
    const end = Math.min(bytes.length, offset + CHUNK_BYTES);
    const final = end >= bytes.length;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(offset, end), { stream: !final });
    } catch {
      if (choice.encoding === 'utf-8') throw new NotUtf8();
      const name = choice.encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE';
      throw new DataLoadError({
        file,
        reason: `the file starts with a ${name} byte-order mark but is not valid UTF-16; save it as UTF-8`,
      });
    }
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    yield { text, end, final };
    // Stryker disable next-line ConditionalExpression: after the final block the offset passes the end and the loop ends anyway
    if (final) return;
  }
}

const DECIMAL_COMMA = /^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$/;
const DECIMAL_POINT = /^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * What the cells say about decimal commas (`1,5`), which are read as points when the fields are not comma-separated,
 * some cell is written that way and no cell uses a decimal point (a file that mixes both is left as written).
 */
export class DecimalCommas {
  commas = 0;
  points = false;

  /** The trimmed cell, with a decimal comma read as a point when `rewrite` (the reading being tried). */
  cell(raw: string, rewrite: boolean): string {
    const t = raw.trim();
    if (t.includes(',')) {
      if (DECIMAL_COMMA.test(t)) {
        this.commas++;
        return rewrite ? t.replace(',', '.') : t;
      }
    } else if (!this.points && t.includes('.') && DECIMAL_POINT.test(t)) this.points = true;
    return t;
  }

  /** Whether the file's decimal commas are to be read as points. */
  get apply(): boolean {
    return this.commas > 0 && !this.points;
  }
}

/** Distinct texts a column shares one string for before it stops looking (each class label is stored once). */
const INTERN_LIMIT = 1024;

/** A column read so far: float32 values (NaN where the cell is not a number) and the texts it needs. */
export interface ColumnData {
  numbers: Float32Array;
  /** Every cell's trimmed text, while the column may be text (or has few distinct values); null for numeric ones. */
  strings: string[] | null;
  /** With `strings` null: the text of each cell that is not a number within the float32 range, by record. */
  exceptions: Map<number, string>;
}

/** Grows one column cell by cell (see `ColumnData`). */
export class ColumnBuilder {
  private numbers = new Float32Array(256);
  private length = 0;
  private strings: string[] | null = [];
  private intern: Map<string, string> | null = new Map();
  private exceptions = new Map<number, string>();
  /** A cell below the first record is not a number: the column may be text, so it keeps its strings. */
  private textual = false;

  /** Makes room for `rows` cells in all (an estimate from the first block, so the column rarely grows again). */
  // Stryker disable next-line BlockStatement: reserving room only saves growing the array later
  reserve(rows: number): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: reserving room only saves growing the array later
    if (rows > this.numbers.length) this.numbers = grow(this.numbers, rows);
  }

  push(t: string): void {
    const r = this.length++;
    if (r === this.numbers.length) this.numbers = grow(this.numbers, Math.ceil(r * 1.25));
    const value = parseDecimal(t);
    const bad = value === null || Math.abs(value) > FLOAT32_MAX;
    this.numbers[r] = value ?? Number.NaN;
    if (this.strings) {
      let s = t;
      if (this.intern) {
        const shared = this.intern.get(t);
        // Stryker disable next-line ConditionalExpression: the shared string is equal to the cell's; sharing saves memory only
        if (shared !== undefined) s = shared;
        else {
          this.intern.set(t, t);
          if (this.intern.size > INTERN_LIMIT) this.intern = null;
        }
      }
      this.strings.push(s);
      if (bad && r > 0) this.textual = true;
      if (!this.intern && !this.textual) {
        // Numbers only (the first record may be a header): the values and that first text are all it needs.
        const first = this.strings[0];
        this.strings = null;
        const firstValue = parseDecimal(first);
        if (firstValue === null || Math.abs(firstValue) > FLOAT32_MAX) this.exceptions.set(0, first);
      }
    } else if (bad) this.exceptions.set(r, t);
  }

  finish(): ColumnData {
    return { numbers: this.numbers.subarray(0, this.length), strings: this.strings, exceptions: this.exceptions };
  }
}

/** A copy of `array` with room for `size` elements. */
export function grow<T extends Float32Array | Int32Array>(array: T, size: number): T {
  const grown = new (array.constructor as new (n: number) => T)(size);
  grown.set(array);
  return grown;
}

/** Line numbers, one per record, in a growing Int32Array. */
export class LineList {
  private lines = new Int32Array(256);
  length = 0;

  push(line: number): void {
    if (this.length === this.lines.length) this.lines = grow(this.lines, Math.ceil(this.length * 1.25));
    this.lines[this.length++] = line;
  }

  // Stryker disable next-line BlockStatement: reserving room only saves growing the array later
  reserve(rows: number): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: reserving room only saves growing the array later
    if (rows > this.lines.length) this.lines = grow(this.lines, rows);
  }

  /** The lines from record `from` on (a view, not a copy). */
  view(from = 0): Int32Array {
    return this.lines.subarray(from, this.length);
  }
}
