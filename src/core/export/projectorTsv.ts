/**
 * The TensorFlow Embedding Projector's TSV format (projector.tensorflow.org → "Load"), used to export a run's
 * embeddings and by `npm run evaluate` to read embeddings from anywhere:
 *  - vectors.tsv: one vector per line, values separated by tabs, no header.
 *  - metadata.tsv: one line per vector; with two or more columns the first line is a header whose first
 *    column is the label. With a single column the Projector expects NO header; our writer always writes one
 *    (the label column is named, so a file says what it holds), and our reader accepts both when it knows how
 *    many vectors to expect.
 * Pure string ↔ array functions, no file system: the CLI and the browser do the I/O.
 */

/** A malformed file; the message names the file and the line. */
export class TsvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TsvFormatError';
  }
}

/**
 * vectors.tsv text. Each value is written with the fewest digits that read back as the same float32, so
 * files stay small and round-trip exactly. Non-finite values are refused (the Projector cannot show them).
 */
export function serializeVectorsTsv(vectors: Float32Array, n: number, dim: number): string {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(dim) || dim < 1)
    throw new Error(`serializeVectorsTsv: bad shape [${n}, ${dim}]`);
  if (vectors.length !== n * dim)
    throw new Error(`serializeVectorsTsv: expected ${n}×${dim} = ${n * dim} values, got ${vectors.length}`);
  const lines: string[] = new Array(n);
  const row: string[] = new Array(dim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) {
      const value = vectors[i * dim + k];
      if (!Number.isFinite(value))
        throw new Error(
          `serializeVectorsTsv: vector ${i + 1} has a non-finite value (${value}) at position ${k + 1}; cannot export it`,
        );
      row[k] = shortestFloat32(value);
    }
    lines[i] = row.join('\t');
  }
  return n === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Fewest significant digits that parse back to the same float32 (at most 9 are ever needed). */
function shortestFloat32(value: number): string {
  if (value === 0) return '0';
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === value) return text;
  }
  return String(Number(value.toPrecision(9)));
}

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Lines without a trailing empty line and without a UTF-8 byte-order mark. */
function splitLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

/**
 * Reads vectors.tsv. Blank lines are skipped (as the Projector does); errors name the file and the 1-based line,
 * e.g. `vectors.tsv, line 12: "abc" is not a number` or `vectors.tsv, line 7 has 63 values, expected 64`.
 */
export function parseVectorsTsv(text: string, fileName: string): { vectors: Float32Array; n: number; dim: number } {
  const lines = splitLines(text);
  let dim = 0;
  let firstLine = 0;
  const values: number[] = [];
  let n = 0;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l].trim();
    if (line === '') continue;
    const fields = line.split('\t');
    if (dim === 0) {
      dim = fields.length;
      firstLine = l + 1;
    } else if (fields.length !== dim) {
      throw new TsvFormatError(
        `${fileName}, line ${l + 1} has ${fields.length} ${fields.length === 1 ? 'value' : 'values'}, expected ${dim} (as on line ${firstLine})`,
      );
    }
    for (const field of fields) {
      const trimmed = field.trim();
      if (!NUMBER_PATTERN.test(trimmed)) {
        throw new TsvFormatError(
          `${fileName}, line ${l + 1}: ${JSON.stringify(field)} is not a number${field.includes(',') || field.includes(' ') ? ' (values must be separated by tabs)' : ''}`,
        );
      }
      const value = Number(trimmed);
      if (!(Math.abs(value) <= FLOAT32_MAX)) {
        throw new TsvFormatError(
          `${fileName}, line ${l + 1}, column ${values.length - n * dim + 1}: ${trimmed} is beyond the float32 range (±3.4e38) embeddings are computed in`,
        );
      }
      values.push(value);
    }
    n++;
  }
  if (n === 0) throw new TsvFormatError(`${fileName} is empty: expected one vector per line, values separated by tabs`);
  return { vectors: Float32Array.from(values), n, dim };
}

/**
 * metadata.tsv text: a header line (`columns`, label first), then one line per vector. Tabs and line breaks
 * inside values would break the format, so they are replaced by spaces.
 */
export function serializeMetadataTsv(columns: string[], rows: string[][]): string {
  if (columns.length === 0) throw new Error('serializeMetadataTsv: at least one column (the label) is needed');
  const clean = (value: string): string => String(value).replace(/[\t\r\n]+/g, ' ');
  const lines = [columns.map(clean).join('\t')];
  rows.forEach((row, i) => {
    if (row.length !== columns.length)
      throw new Error(`serializeMetadataTsv: row ${i + 1} has ${row.length} values for ${columns.length} columns`);
    lines.push(row.map(clean).join('\t'));
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Reads metadata.tsv. Two or more columns: the first line is the header. One column: the first line is a header
 * (our writer's convention) unless `expectedRows` says the file has exactly one line per vector (the
 * Projector's convention for single-column files), in which case the header is `['label']`.
 * `labels` is the first column of every row.
 */
export function parseMetadataTsv(
  text: string,
  fileName: string,
  expectedRows?: number,
): { header: string[]; labels: string[]; rows: string[][] } {
  const lines = splitLines(text);
  if (lines.length === 0)
    throw new TsvFormatError(`${fileName} is empty: expected a header line (label first) and one line per vector`);
  const firstFields = lines[0].split('\t');
  const singleColumnWithoutHeader =
    firstFields.length === 1 && expectedRows !== undefined && lines.length === expectedRows;
  const header = singleColumnWithoutHeader ? ['label'] : firstFields.map((f) => f.trim());
  const rows: string[][] = [];
  for (let l = singleColumnWithoutHeader ? 0 : 1; l < lines.length; l++) {
    const fields = lines[l].split('\t');
    if (fields.length !== header.length) {
      throw new TsvFormatError(
        `${fileName}, line ${l + 1} has ${fields.length} ${fields.length === 1 ? 'column' : 'columns'}, expected ${header.length} (as in the header: ${header.join(', ')})`,
      );
    }
    rows.push(fields.map((f) => f.trim()));
  }
  return { header, labels: rows.map((r) => r[0]), rows };
}

/** Throws a clear error when metadata.tsv does not have exactly one row per vector of vectors.tsv. */
export function checkProjectorPair(
  vectorCount: number,
  metadataRows: number,
  vectorsFile = 'vectors.tsv',
  metadataFile = 'metadata.tsv',
): void {
  if (vectorCount !== metadataRows) {
    throw new TsvFormatError(
      `${metadataFile} has ${metadataRows} ${metadataRows === 1 ? 'row' : 'rows'} but ${vectorsFile} has ${vectorCount} ${vectorCount === 1 ? 'vector' : 'vectors'}; they must match line for line (the metadata needs a header line first)`,
    );
  }
}

/**
 * Class indices for string labels: classNames are the unique labels sorted (numerically when both labels are
 * numbers, so "2" < "10"; otherwise by code point), and indices[i] is the position of labels[i] in them.
 */
export function labelsToIndices(labels: string[]): { indices: Int32Array; classNames: string[] } {
  const classNames = [...new Set(labels)].sort(compareLabels);
  const position = new Map(classNames.map((name, i) => [name, i]));
  return { indices: Int32Array.from(labels, (label) => position.get(label)!), classNames };
}

function compareLabels(a: string, b: string): number {
  const numberA = a.trim() !== '' ? Number(a) : NaN;
  const numberB = b.trim() !== '' ? Number(b) : NaN;
  if (Number.isFinite(numberA) && Number.isFinite(numberB) && numberA !== numberB) return numberA - numberB;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What `npm run evaluate` needs from a vectors.tsv + metadata.tsv pair, checked against each other. */
export interface ProjectorData {
  vectors: Float32Array;
  n: number;
  dim: number;
  header: string[];
  labels: string[];
  indices: Int32Array;
  classNames: string[];
}

/** Parses and cross-checks a vectors.tsv + metadata.tsv pair. */
export function parseProjectorPair(
  vectorsText: string,
  metadataText: string,
  vectorsFile = 'vectors.tsv',
  metadataFile = 'metadata.tsv',
): ProjectorData {
  const { vectors, n, dim } = parseVectorsTsv(vectorsText, vectorsFile);
  const { header, labels } = parseMetadataTsv(metadataText, metadataFile, n);
  checkProjectorPair(n, labels.length, vectorsFile, metadataFile);
  return { vectors, n, dim, header, labels, ...labelsToIndices(labels) };
}
