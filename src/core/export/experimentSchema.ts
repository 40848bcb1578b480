/**
 * The experiment file's shape: its format tag and version, the types of each section, the limits a file must keep
 * and its error type, and the strict readers of each section that experiment.ts assembles into a whole file.
 */
import { QUERY_AGAINST_TRAINING } from '../capabilities';
import type { Config } from '../config';
import { endedEarly, ForbiddenKeyError, parseJsonStrict } from './json';
import { decodeBase64, type ModelWeights, type WeightSpec } from './weights';

/** The `format` field every experiment file carries. */
export const EXPERIMENT_FORMAT = 'siamese-playground-experiment';
/** The version this app writes and reads. */
export const EXPERIMENT_VERSION = 1;

/** One training step of the chart history (the worker's progress points are this type). */
export interface ExperimentProgressPoint {
  step: number;
  epoch: number;
  loss: number;
  /** Triplet categories over all valid triplets of the batch (absent for pair batches). */
  easy?: number;
  semiHard?: number;
  hard?: number;
}

/** One held-out evaluation of the chart history (the worker's metrics points are this type). */
export interface ExperimentMetricsPoint {
  step: number;
  precisionAt1: number | null;
  rPrecision: number | null;
  mapAtR: number | null;
  pairAccuracy: number | null;
  auc: number | null;
  validationLoss: number | null;
  /** Alignment (Wang & Isola 2020) of the held-out embedding: mean squared distance of same-class pairs, in [0, 4]. */
  alignment?: number | null;
  /** Uniformity: log of the mean exp(−2·d²) over all held-out pairs, in [−8, 0] (0 = all in one spot). */
  uniformity?: number | null;
  /** Unseen-class protocol: MAP@R on held-out samples of the training classes, next to `mapAtR` on unseen ones. */
  seenMapAtR?: number | null;
  /** Plain-language warning when embeddings crowd into one point or shrink far inside the margin (scale collapse). */
  collapseWarning?: string;
}

/**
 * Held-out queries ranked against the training set (the protocol `protocol` names), as the page computed them on
 * request at `step`: figures beside the leave-one-out history, not part of it. NaN (no query scored) is null.
 */
export interface ExperimentReference {
  protocol: typeof QUERY_AGAINST_TRAINING;
  step: number;
  precisionAt1: number | null;
  rPrecision: number | null;
  mapAtR: number | null;
  queries: number;
  excludedQueries: number;
}

/** An uploaded file kept with the experiment (only when the user asks: it can be large). */
export interface UploadedFile {
  name: string;
  /** Class folder of an image in a folder upload. */
  className?: string;
  bytes: Uint8Array;
}

/** Which data the run trained on. */
export type DatasetReference =
  | { kind: 'builtin'; name: string }
  /** `files` null: only the name was kept; the same upload must be loaded before the run can reopen. */
  | { kind: 'upload'; name: string; files: UploadedFile[] | null };

/** A run, as files and autosaves hold it. */
export interface Experiment {
  /** Short human title, e.g. "fashion-mnist · triplet / all · step 230". */
  title: string;
  /** ISO 8601 time of saving. */
  savedAt: string;
  /** The whole configuration; `config.seed` is the run's seed. */
  config: Config;
  dataset: DatasetReference;
  /** Steps trained when the weights were taken. */
  step: number;
  epoch: number;
  history: { progress: ExperimentProgressPoint[]; metrics: ExperimentMetricsPoint[] };
  /** The latest query-against-reference figures of the run, when they were asked for. */
  reference?: ExperimentReference;
  /** Every weight (tower, with batch-norm statistics, and head); null = a configuration without a trained network. */
  weights: ModelWeights | null;
}

/** A file (or stored run) that cannot be read as an experiment; the message says what is wrong. */
export class ExperimentFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentFileError';
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Largest step, epoch or count a file may hold: far beyond any run (training.steps allows 10 million). */
export const MAX_COUNT = 1e9;

export function isWholeNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COUNT;
}

/** Largest experiment file the app opens: a full 100 MB upload in base64 plus a large network's weights. */
export const MAX_EXPERIMENT_BYTES = 200 * 1024 * 1024;

/** Refuses a file larger than MAX_EXPERIMENT_BYTES before it is read, with its size in the message. */
export function checkExperimentSize(bytes: number, source = 'the file'): void {
  if (bytes > MAX_EXPERIMENT_BYTES) {
    fail(
      source,
      `is ${(bytes / 1024 / 1024).toFixed(1)} MB; experiment files up to ${MAX_EXPERIMENT_BYTES / 1024 / 1024} MB are opened; nothing was changed`,
    );
  }
}

export function fail(source: string, message: string): never {
  throw new ExperimentFileError(`${source} ${message}`);
}

/** JSON.parse with a message that tells a cut-short file from text that is not JSON at all. */
export function parseJson(text: string, source: string): unknown {
  if (text.trim() === '') fail(source, 'is empty: it holds no experiment');
  try {
    return parseJsonStrict(text);
  } catch (error) {
    if (error instanceof ForbiddenKeyError) fail(source, `${error.message}; nothing was changed`);
    if (endedEarly(text, error))
      fail(
        source,
        'is cut short: its JSON ends before the experiment does (the file is truncated); nothing was changed',
      );
    fail(source, `is not an experiment file: it is not valid JSON (${(error as Error).message}); nothing was changed`);
  }
}

export function readWeightSpecs(value: unknown, source: string, part: string): WeightSpec[] {
  if (!Array.isArray(value)) fail(source, `has no list of ${part} weights in its "weights" section`);
  return value.map((w, i) => {
    if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every(isWholeNumber)) {
      fail(source, `describes ${part} weight ${i + 1} without a name and a shape of whole numbers`);
    }
    return { name: w.name, shape: [...(w.shape as number[])] };
  });
}

export function readProgress(value: unknown, source: string): ExperimentProgressPoint[] {
  if (!isObject(value)) fail(source, 'has no progress history (history.progress)');
  const columns = ['step', 'epoch', 'loss', 'easy', 'semiHard', 'hard'] as const;
  const data: Record<string, unknown[]> = {};
  for (const c of columns) {
    const column = value[c];
    if (!Array.isArray(column)) fail(source, `has no "${c}" column in its progress history`);
    data[c] = column;
  }
  const n = data.step.length;
  for (const c of columns)
    if (data[c].length !== n)
      fail(source, `has a progress history whose "${c}" column has ${data[c].length} entries for ${n} steps`);
  const points: ExperimentProgressPoint[] = [];
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const step = data.step[i];
    const epoch = data.epoch[i];
    if (!isWholeNumber(step) || step <= previous)
      fail(source, `has a progress history whose steps do not count up (entry ${i + 1} is ${JSON.stringify(step)})`);
    if (!isWholeNumber(epoch))
      fail(source, `has a progress history with an epoch that is not a whole number (entry ${i + 1})`);
    previous = step;
    const num = (c: string): number | undefined => {
      const v = data[c][i];
      if (v === null) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v))
        fail(source, `has a progress history with a "${c}" value that is not a number (entry ${i + 1})`);
      if (c !== 'loss' && !isWholeNumber(v))
        fail(source, `has a progress history whose "${c}" count is not a whole number in 0–1e9 (entry ${i + 1})`);
      return v;
    };
    const point: ExperimentProgressPoint = { step, epoch, loss: num('loss') ?? Number.NaN };
    const easy = num('easy');
    const semiHard = num('semiHard');
    const hard = num('hard');
    if (easy !== undefined) point.easy = easy;
    if (semiHard !== undefined) point.semiHard = semiHard;
    if (hard !== undefined) point.hard = hard;
    points.push(point);
  }
  return points;
}

const METRIC_FIELDS = ['precisionAt1', 'rPrecision', 'mapAtR', 'pairAccuracy', 'auc', 'validationLoss'] as const;

/** Optional fields of a metrics entry and their ranges (uniformity ≥ −8: squared distances on the unit sphere are ≤ 4). */
const GEOMETRY_FIELDS = [
  ['alignment', 0, 4],
  ['uniformity', -8, 0],
  ['seenMapAtR', 0, 1],
] as const;

export function readMetrics(value: unknown, source: string): ExperimentMetricsPoint[] {
  if (!Array.isArray(value)) fail(source, 'has no metrics history (history.metrics)');
  return value.map((m, i) => {
    if (!isObject(m) || !isWholeNumber(m.step)) fail(source, `has a metrics entry without a step (entry ${i + 1})`);
    const point: ExperimentMetricsPoint = {
      step: m.step,
      precisionAt1: null,
      rPrecision: null,
      mapAtR: null,
      pairAccuracy: null,
      auc: null,
      validationLoss: null,
    };
    for (const f of METRIC_FIELDS) {
      const v = m[f];
      if (v !== null && v !== undefined && (typeof v !== 'number' || !Number.isFinite(v)))
        fail(source, `has a metrics entry whose ${f} is not a number (entry ${i + 1})`);
      if (typeof v === 'number' && f !== 'validationLoss' && (v < 0 || v > 1))
        fail(source, `has a metrics entry whose ${f} is ${v}, outside [0, 1] (entry ${i + 1})`);
      point[f] = (v ?? null) as number | null;
    }
    for (const [f, lo, hi] of GEOMETRY_FIELDS) {
      const v = m[f];
      if (v === null || v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
        fail(
          source,
          `has a metrics entry whose ${f} is ${JSON.stringify(v)}, not a number in [${lo}, ${hi}] (entry ${i + 1})`,
        );
      point[f] = v;
    }
    if (typeof m.collapseWarning === 'string') point.collapseWarning = m.collapseWarning;
    return point;
  });
}

/** The optional `reference` section: the named protocol, a step, figures in [0, 1] or null, whole counts. */
export function readReference(value: unknown, source: string): ExperimentReference | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || value.protocol !== QUERY_AGAINST_TRAINING)
    fail(source, `has a "reference" section that is not "${QUERY_AGAINST_TRAINING}"`);
  if (!isWholeNumber(value.step)) fail(source, 'has a "reference" section without a step');
  const figure = (key: 'precisionAt1' | 'rPrecision' | 'mapAtR'): number | null => {
    const v = value[key];
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1)
      fail(source, `has a "reference" ${key} of ${JSON.stringify(v)}, not a number in [0, 1]`);
    return v;
  };
  if (!isWholeNumber(value.queries) || !isWholeNumber(value.excludedQueries))
    fail(source, 'has a "reference" section without whole query counts');
  return {
    protocol: QUERY_AGAINST_TRAINING,
    step: value.step,
    precisionAt1: figure('precisionAt1'),
    rPrecision: figure('rPrecision'),
    mapAtR: figure('mapAtR'),
    queries: value.queries,
    excludedQueries: value.excludedQueries,
  };
}

export function readDataset(value: unknown, source: string): DatasetReference {
  if (!isObject(value) || typeof value.name !== 'string')
    fail(source, 'does not say which dataset the run used (a "dataset" with a "name")');
  const name = value.name;
  if (value.kind === 'builtin') return { kind: 'builtin', name };
  if (value.kind !== 'upload')
    fail(source, `names a dataset of unknown kind ${JSON.stringify(value.kind)}; allowed: builtin, upload`);
  const files = value.files;
  if (files === null || files === undefined) return { kind: 'upload', name, files: null };
  if (!Array.isArray(files)) fail(source, 'has an uploaded-data section that is not a list of files');
  return {
    kind: 'upload',
    name,
    files: files.map((f, i) => {
      if (!isObject(f) || typeof f.name !== 'string' || typeof f.base64 !== 'string')
        fail(source, `has uploaded file ${i + 1} without a name and its bytes`);
      let bytes: Uint8Array;
      try {
        bytes = decodeBase64(f.base64, `uploaded file ${f.name}`);
      } catch (error) {
        fail(source, `holds a damaged copy of the uploaded data: ${(error as Error).message}`);
      }
      return { name: f.name, ...(typeof f.className === 'string' ? { className: f.className } : {}), bytes };
    }),
  };
}
