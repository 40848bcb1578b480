/**
 * The experiment file: one versioned JSON document holding everything needed to reopen a run exactly where it was:
 * the configuration (with its seed), which dataset (a built-in's name, or an upload's name and, if the user chose,
 * its files), the step, the chart history and every weight of the network. The same shape is autosaved to
 * IndexedDB by the page.
 *
 * Reading is strict: a file that is cut short, foreign JSON, another version, a configuration validate() rejects,
 * a history that does not add up or weights that disagree with their manifest each get their own message, and
 * nothing is returned half-read. Whether the weights fit the network the configuration builds is checked where that
 * network exists (Trainer.importModelWeights), again before anything changes. No tfjs here.
 */
import { makeConfig, validate, type Config, type DeepPartial } from '../config';
import { BUILTIN_DATASETS } from '../data/builtin';
import { endedEarly, ForbiddenKeyError, parseJsonStrict } from './json';
import {
  decodeBase64,
  encodeBase64,
  float32Bytes,
  float32FromBytes,
  packWeights,
  unpackWeights,
  type ModelWeights,
  type WeightSpec,
} from './weights';

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
  /** Plain-language warning when embeddings crowd into one point or shrink far inside the margin (scale collapse). */
  collapseWarning?: string;
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

/** "fashion-mnist · triplet / all · step 230": what lists of saved runs show. */
export function experimentTitle(config: Config, step: number): string {
  const data = config.data.dataset.replace(/^upload:/, '');
  return `${data} · ${config.objective.loss} / ${config.mining.miner} · step ${step}`;
}

// ─── writing ─────────────────────────────────────────────────────────────────────────────────────────────

/** JSON cannot hold NaN or ±Infinity (a halted run's last loss): they are written as null. */
function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/** The progress history as columns (far smaller in JSON than one object per step). */
export function progressColumns(
  points: readonly ExperimentProgressPoint[],
): Record<'step' | 'epoch' | 'loss' | 'easy' | 'semiHard' | 'hard', (number | null)[]> {
  return {
    step: points.map((p) => p.step),
    epoch: points.map((p) => p.epoch),
    loss: points.map((p) => finiteOrNull(p.loss)),
    easy: points.map((p) => finiteOrNull(p.easy)),
    semiHard: points.map((p) => finiteOrNull(p.semiHard)),
    hard: points.map((p) => finiteOrNull(p.hard)),
  };
}

/** The experiment file's text (JSON, UTF-8). Weights are float32 little-endian bytes in base64; uploads likewise. */
export function serialiseExperiment(experiment: Experiment): string {
  const { dataset, weights } = experiment;
  const packed = weights ? packWeights(weights) : null;
  const doc = {
    format: EXPERIMENT_FORMAT,
    version: EXPERIMENT_VERSION,
    title: experiment.title,
    savedAt: experiment.savedAt,
    seed: experiment.config.seed,
    config: experiment.config,
    dataset:
      dataset.kind === 'builtin'
        ? { kind: 'builtin', name: dataset.name }
        : {
            kind: 'upload',
            name: dataset.name,
            files: dataset.files
              ? dataset.files.map((f) => ({
                  name: f.name,
                  ...(f.className !== undefined ? { className: f.className } : {}),
                  base64: encodeBase64(f.bytes),
                }))
              : null,
          },
    step: experiment.step,
    epoch: experiment.epoch,
    history: {
      progress: progressColumns(experiment.history.progress),
      metrics: experiment.history.metrics.map((m) => ({ ...m })),
    },
    weights: packed
      ? {
          encoding: 'float32-le-base64',
          tower: packed.tower,
          head: packed.head,
          data: encodeBase64(float32Bytes(packed.values)),
        }
      : null,
  };
  return JSON.stringify(doc);
}

// ─── reading ─────────────────────────────────────────────────────────────────────────────────────────────

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Largest step, epoch or count a file may hold: far beyond any run (training.steps allows 10 million). */
export const MAX_COUNT = 1e9;

function isWholeNumber(v: unknown): v is number {
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

function fail(source: string, message: string): never {
  throw new ExperimentFileError(`${source} ${message}`);
}

/** JSON.parse with a message that tells a cut-short file from text that is not JSON at all. */
function parseJson(text: string, source: string): unknown {
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

function readWeightSpecs(value: unknown, source: string, part: string): WeightSpec[] {
  if (!Array.isArray(value)) fail(source, `has no list of ${part} weights in its "weights" section`);
  return value.map((w, i) => {
    if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every(isWholeNumber)) {
      fail(source, `describes ${part} weight ${i + 1} without a name and a shape of whole numbers`);
    }
    return { name: w.name, shape: [...(w.shape as number[])] };
  });
}

function readProgress(value: unknown, source: string): ExperimentProgressPoint[] {
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

function readMetrics(value: unknown, source: string): ExperimentMetricsPoint[] {
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
    if (typeof m.collapseWarning === 'string') point.collapseWarning = m.collapseWarning;
    return point;
  });
}

function readDataset(value: unknown, source: string): DatasetReference {
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

/**
 * Reads an experiment file's text. Throws ExperimentFileError, naming `source`, when the text is cut short, is
 * not JSON, is JSON of something else, has another version, or holds anything checkExperiment refuses.
 */
export function parseExperiment(text: string, source = 'the file'): Experiment {
  const raw = parseJson(text, source);
  if (!isObject(raw) || raw.format !== EXPERIMENT_FORMAT) {
    const hint =
      isObject(raw) && 'modelTopology' in raw ? ' (it is a TensorFlow.js model.json: use "Load model" for it)' : '';
    fail(
      source,
      `is not a Siamese Playground experiment: it has no "format": "${EXPERIMENT_FORMAT}"${hint}; nothing was changed`,
    );
  }
  const version = raw.version;
  if (version !== EXPERIMENT_VERSION) {
    if (typeof version === 'number' && Number.isInteger(version) && version > EXPERIMENT_VERSION) {
      fail(
        source,
        `was saved by a newer Siamese Playground (experiment format version ${version}); this app reads version ${EXPERIMENT_VERSION} only; nothing was changed`,
      );
    }
    fail(
      source,
      `has experiment format version ${JSON.stringify(version)}, which this app cannot read (it reads version ${EXPERIMENT_VERSION}); nothing was changed`,
    );
  }
  if (!isObject(raw.config)) fail(source, 'holds no configuration (a "config" object)');
  const config = makeConfig(raw.config as DeepPartial<Config>);
  if (raw.seed !== undefined && raw.seed !== config.seed)
    fail(source, `says seed ${JSON.stringify(raw.seed)} but its configuration says seed ${config.seed}`);
  const history = raw.history;
  if (!isObject(history)) fail(source, 'holds no history (a "history" object)');
  let weights: ModelWeights | null = null;
  const w = raw.weights;
  if (w !== null && w !== undefined) {
    if (!isObject(w)) fail(source, 'has a "weights" section that is not an object');
    if (w.encoding !== 'float32-le-base64')
      fail(source, `stores its weights as ${JSON.stringify(w.encoding)}; this app reads "float32-le-base64"`);
    if (typeof w.data !== 'string') fail(source, 'has a "weights" section without its data');
    const tower = readWeightSpecs(w.tower, source, 'tower');
    const head = readWeightSpecs(w.head, source, 'head');
    let values: Float32Array;
    try {
      values = float32FromBytes(decodeBase64(w.data, 'its weight data'), 'its weight data');
      weights = unpackWeights(tower, head, values, 'its weight data');
    } catch (error) {
      fail(source, `holds damaged weights: ${(error as Error).message}`);
    }
  }
  const experiment: Experiment = {
    title: typeof raw.title === 'string' ? raw.title : experimentTitle(config, isWholeNumber(raw.step) ? raw.step : 0),
    savedAt: typeof raw.savedAt === 'string' ? raw.savedAt : '',
    config,
    dataset: readDataset(raw.dataset, source),
    step: raw.step as number,
    epoch: raw.epoch as number,
    history: { progress: readProgress(history.progress, source), metrics: readMetrics(history.metrics, source) },
    weights,
  };
  return checkExperiment(experiment, source);
}

/**
 * Reads an experiment file's bytes: the size cap first (before any text is made), then strict UTF-8, then
 * parseExperiment. The page runs this in a worker and the CLI on `--experiment`, so both refuse the same files with
 * the same messages.
 */
export function readExperimentBytes(bytes: Uint8Array, source = 'the file'): Experiment {
  checkExperimentSize(bytes.length, source);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail(source, 'is not UTF-8 text, so it is not an experiment file (JSON); nothing was changed');
  }
  return parseExperiment(text, source);
}

/**
 * The checks every experiment passes before it is used, whether read from a file or from storage: a usable
 * configuration, a dataset that matches it (a known built-in, or an upload), whole step counts, a history that does
 * not run past the step, and weights whose sizes match their shapes. Returns the experiment, or throws.
 */
export function checkExperiment(experiment: Experiment, source = 'the saved run'): Experiment {
  const { config, dataset } = experiment;
  const issues = validate(config);
  if (issues.length > 0)
    fail(source, `holds a configuration this app cannot use: ${issues.map((i) => i.message).join('; ')}`);
  if (dataset.name !== config.data.dataset)
    fail(source, `names the dataset "${dataset.name}" but its configuration names "${config.data.dataset}"`);
  if (dataset.kind === 'builtin' && !BUILTIN_DATASETS.some((b) => b.name === dataset.name)) {
    fail(
      source,
      `names the dataset "${dataset.name}", which is not a built-in; known: ${BUILTIN_DATASETS.map((b) => b.name).join(', ')}`,
    );
  }
  if (dataset.kind === 'upload' && !dataset.name.startsWith('upload:'))
    fail(source, `names an uploaded dataset "${dataset.name}" that does not start with "upload:"`);
  if (!isWholeNumber(experiment.step))
    fail(source, `has a step count that is not a whole number in 0–1e9 (${JSON.stringify(experiment.step)})`);
  if (!isWholeNumber(experiment.epoch))
    fail(source, `has an epoch count that is not a whole number in 0–1e9 (${JSON.stringify(experiment.epoch)})`);
  const last = experiment.history.progress[experiment.history.progress.length - 1];
  if (last && last.step > experiment.step)
    fail(source, `has a history that reaches step ${last.step}, past the saved step ${experiment.step}`);
  if (experiment.step > 0 && !experiment.weights)
    fail(source, `was saved at step ${experiment.step} but holds no weights`);
  if (experiment.weights) {
    for (const w of [...experiment.weights.tower, ...experiment.weights.head]) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (!(w.values instanceof Float32Array) || w.values.length !== size)
        fail(source, `has weight ${w.name} with ${w.values?.length ?? 0} values for shape [${w.shape.join(', ')}]`);
      for (let i = 0; i < w.values.length; i++) {
        if (!Number.isFinite(w.values[i]))
          fail(
            source,
            `has weight ${w.name} holding ${w.values[i]} at index ${i}; every weight must be a finite number (the file is damaged); nothing was changed`,
          );
      }
    }
  }
  return experiment;
}
