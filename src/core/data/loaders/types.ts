/**
 * Shapes shared by the upload loaders. Loaders are pure functions over bytes: the UI reads `File`s into
 * `FileBytes`, tests build the bytes themselves, and nothing here touches the file system or the DOM.
 */
import type { Dataset } from '../dataset';

/** One uploaded file. `className` is set when the user dropped a folder of images (folder = class). */
export interface FileBytes {
  name: string;
  bytes: Uint8Array;
  className?: string;
}

/** Which loader read the upload; shown to the user and kept with runs. */
export type UploadFormat =
  | 'tabular-csv'
  | 'text-csv'
  | 'pair-csv'
  | 'text-pair-csv'
  | 'npy'
  | 'image-zip'
  | 'image-files';

/** What the UI shows before the data is used, so the user can check it was read as intended. */
export interface UploadSummary {
  format: UploadFormat;
  /** Samples (labelled data) or pairs (pair files). */
  samples: number;
  /** Number of classes; 2 for 0/1 pair files, 0 for scored pairs. */
  classes: number;
  /** Shape of one sample (`featureShape`). */
  shape: number[];
  /** The column the labels came from (tables only). */
  labelColumn?: string;
  /** Decisions a user may want to know about: detected delimiter/header, skipped files, scaling. */
  notes: string[];
}

/** Every loader returns the dataset and its summary together. */
export interface LoadResult<D extends Dataset = Dataset> {
  dataset: D;
  summary: UploadSummary;
}

/** Called with a fraction in [0, 1] while big inputs are parsed, so the UI can show a bar. */
export type ProgressCallback = (fraction: number) => void;

/** Options of the delimited-table readers (tabular, text and pair CSVs). */
export interface TableOptions {
  /** Field separator; detected from the first lines (`,` `\t` `;`) when absent. */
  delimiter?: ',' | '\t' | ';';
  /** Whether the first row is a header; detected when absent (see `detectHeader`). */
  header?: boolean;
  progress?: ProgressCallback;
}

/** Options of the tabular loader. */
export interface TabularOptions extends TableOptions {
  /**
   * The label column: a header name, or a 0-based index (negative counts from the end). Default: a column
   * named label/class/target/y/species (case-insensitive), else the last column.
   */
  labelColumn?: string | number;
  /**
   * z-score each feature column (population std, i.e. divided by n) so that distances weigh columns
   * alike; constant columns become 0. Default true.
   */
  standardize?: boolean;
}

/** Options of the text loaders (text CSV and text pair files). */
export interface TextOptions extends TableOptions {
  /** The text column (text CSV): header name or 0-based index. Default: text/sentence/word, else the first. */
  textColumn?: string | number;
  /** The label column (text CSV): header name or 0-based index. Default: label/class/…, else the last. */
  labelColumn?: string | number;
  /** Longest token sequence kept; sequences are min(longest text, maxLength) long. Default 32. */
  maxLength?: number;
}

/** Options of the image loaders. */
export interface ImageOptions {
  /** Output size: one number for a square, or [height, width]. Default 28 (28×28). */
  imageSize?: number | [number, number];
  /** 'grey' (Rec. 601 luma, 1 channel) or 'rgb' (3 channels). Default 'grey'. */
  colorMode?: 'grey' | 'rgb';
  /** Refuse a zip whose members would unpack to more than this many bytes. Default 200 MB. */
  maxUnpackedBytes?: number;
  /** Refuse more images than this (memory: each is h·w·c floats). Default 20 000. */
  maxImages?: number;
  /** Refuse an upload whose images hold more source pixels than this, summed (decoding time). Default 64 million. */
  maxUploadPixels?: number;
  progress?: ProgressCallback;
}

/** Options of the NumPy loader. */
export interface NpyOptions {
  /** z-score [n, d] feature arrays per column (as the tabular loader). Default true. Images are never z-scored. */
  standardize?: boolean;
}
