/**
 * One error type for every way an upload can be wrong, so the UI can point at the exact spot
 * (file, row, column) instead of showing a stack trace. Loaders never load part of a file: the first bad
 * row fails the whole load with one of these.
 */

/** Where in an upload a problem sits; everything but `file` and `reason` is optional. */
export interface DataLoadErrorDetails {
  /** The uploaded file's name (for archives, the archive's name). */
  file: string;
  /** Spreadsheet-style row number: 1 is the first line of the file (the header, when there is one). */
  row?: number;
  /** Column name from the header, or its 1-based position (like `row`) when the file has no header. */
  column?: string | number;
  /** Path of the member inside an archive (e.g. `cats/3.png` inside `photos.zip`). */
  entry?: string;
  /** Why, in words a user can act on. */
  reason: string;
  /**
   * Set when the file could be read several ways: the upload option that decides and its possible values. The page
   * offers them as buttons; the CLI names its flag (--kind, --label-column).
   */
  choices?: UploadChoices;
}

/** The readings an ambiguous file allows: an upload option and the values it may take. */
export interface UploadChoices {
  option: 'tableKind' | 'labelColumn';
  values: string[];
}

/** A user-data problem with its location; `message` reads `iris.csv, row 12, column "x": why`. */
export class DataLoadError extends Error {
  readonly file: string;
  readonly row?: number;
  readonly column?: string | number;
  readonly entry?: string;
  readonly reason: string;
  readonly choices?: UploadChoices;

  constructor(details: DataLoadErrorDetails) {
    super(composeMessage(details));
    this.name = 'DataLoadError';
    this.file = details.file;
    this.row = details.row;
    this.column = details.column;
    this.entry = details.entry;
    this.reason = details.reason;
    if (details.choices) this.choices = details.choices;
  }
}

function composeMessage({ file, row, column, entry, reason, choices }: DataLoadErrorDetails): string {
  const where = [file || 'upload'];
  if (entry !== undefined) where.push(`file "${entry}"`);
  if (row !== undefined) where.push(`row ${row}`);
  if (column !== undefined) where.push(typeof column === 'number' ? `column ${column}` : `column "${column}"`);
  const choice = choices ? ` (${choices.values.map((v) => JSON.stringify(v)).join(' or ')})` : '';
  return `${where.join(', ')}: ${reason}${choice}`;
}
