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
import {
  checkExperimentSize,
  EXPERIMENT_FORMAT,
  EXPERIMENT_VERSION,
  type Experiment,
  type ExperimentProgressPoint,
  fail,
  isObject,
  isWholeNumber,
  parseJson,
  readDataset,
  readMetrics,
  readProgress,
  readReference,
  readWeightSpecs,
} from './experimentSchema';
import {
  decodeBase64,
  encodeBase64,
  float32Bytes,
  float32FromBytes,
  packWeights,
  unpackWeights,
  type ModelWeights,
} from './weights';

export {
  checkExperimentSize,
  type DatasetReference,
  EXPERIMENT_FORMAT,
  EXPERIMENT_VERSION,
  type Experiment,
  ExperimentFileError,
  type ExperimentMetricsPoint,
  type ExperimentProgressPoint,
  type ExperimentReference,
  MAX_COUNT,
  MAX_EXPERIMENT_BYTES,
  type UploadedFile,
} from './experimentSchema';

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
    ...(experiment.reference ? { reference: { ...experiment.reference } } : {}),
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
  const reference = readReference(raw.reference, source);
  if (reference) experiment.reference = reference;
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
  if (experiment.reference && experiment.reference.step > experiment.step)
    fail(source, `has reference figures of step ${experiment.reference.step}, past the saved step ${experiment.step}`);
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
