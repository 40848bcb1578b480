/**
 * Leaf types of the worker protocol that several features share: what the page knows about the loaded data, sample
 * previews, the points the charts draw and the run's state. Imports nothing from the other protocol files.
 */
import type { BackendName, DatasetTraits } from '../../core/config';
import type { Modality } from '../../core/data/dataset';
import type { UploadChoices } from '../../core/data/loaders/errors';
import type { UploadSummary } from '../../core/data/loaders/types';
import type { ExperimentMetricsPoint, ExperimentProgressPoint } from '../../core/export/experiment';

/** The backends the worker can run on (`auto` is resolved before it reaches here). */
export type ActiveBackend = Exclude<BackendName, 'auto'>;

/** What the UI needs to know about the loaded data (no features: those stay in the worker). */
export interface DatasetInfo {
  /** Built-in name or `upload:<file>`. */
  name: string;
  title: string;
  description: string;
  kind: 'labelled' | 'pairs';
  modality: Modality;
  numSamples: number;
  featureShape: number[];
  classNames: string[];
  /** What validate() may know about this data, as core's `traitsOf(dataset)` reads it. */
  traits: DatasetTraits;
  /** Set for uploads: what the loader understood. */
  upload?: UploadSummary;
}

/**
 * A few samples to show (data panel preview and hover): image pixels in [0,1] (n × h × w × c), table rows, or texts.
 * For the held-out set, `index` i matches point i of every snapshot.
 */
export interface SamplePreview {
  kind: 'image' | 'row' | 'text';
  /** Shape of one sample: [h, w, c] for images, [d] for rows. */
  shape: number[];
  count: number;
  labels: Int32Array;
  /** image/row: count × prod(shape) values. */
  values?: Float32Array;
  /** text: one string per sample. */
  texts?: string[];
  /** row: column names when known. */
  columns?: string[];
}

/** One training step as the charts need it: the history shape experiment files store. */
export type ProgressPoint = ExperimentProgressPoint;

/** Held-out metrics at one step (the subset the UI charts and shows), as experiment files store them. */
export type MetricsPoint = ExperimentMetricsPoint;

/** An uploaded file as the page reads it (`className`: the class folder it came from, for image folders). */
export interface UploadFile {
  name: string;
  bytes: ArrayBuffer;
  className?: string;
}

/**
 * How the user asked an ambiguous upload to be read: one of the values a `dataset-error`'s `choices` offered, under
 * its option (a table kind, or the label column).
 */
export interface UploadReading {
  tableKind?: 'tabular' | 'text' | 'pairs';
  labelColumn?: string;
}

export type { UploadChoices };

/** The training loop's state as the controls show it. */
export type RunState = 'empty' | 'ready' | 'running' | 'paused' | 'stopped';
