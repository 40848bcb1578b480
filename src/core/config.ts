/**
 * The single source of truth for every option of an experiment: the UI forms, the URL, saved files and the CLI all
 * read and write this shape. `DEFAULT_CONFIG` holds every default and `validate()` explains what is wrong and what is
 * allowed; option names and shape (options.ts) and loss / miner / dataset rules (capabilities.ts) are re-exported.
 */
import { type DatasetTraits, hasMargin, PAIR_LOSSES } from './capabilities';
import {
  ACTIVATIONS,
  BACKENDS,
  BATCH_MODES,
  DISTANCES,
  HEAD_COMBINES,
  LOSSES,
  MAX_EVAL_SAMPLES,
  MINERS,
  MINING_MODES,
  OPTIMIZERS,
  REDUCTIONS,
  TOWERS,
  type Config,
  unseenClassCount,
} from './options';

export * from './capabilities';
export * from './options';

export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  seed: 1,
  data: {
    dataset: 'fashion-mnist',
    validationFraction: 0.2,
    evalSamples: 2000,
    splitInput: false,
    splitRatio: 0.5,
    unseenClasses: [],
    unseenCount: 0,
  },
  model: {
    tower: 'mlp',
    mlp: { hiddenUnits: [128], activation: 'relu', dropout: 0, batchNorm: false },
    cnn: { filters: [16, 32], kernelSize: 3, denseUnits: 64, activation: 'relu', dropout: 0, batchNorm: false },
    recurrent: { tokenEmbeddingDim: 16, units: 32 },
    embeddingDim: 64,
    l2Normalize: true,
  },
  objective: {
    loss: 'triplet',
    distance: 'euclidean',
    margin: 0.2,
    softMargin: false,
    reduction: 'mean-non-zero',
    temperature: 0.1,
    headCombine: 'abs-diff',
    mahalanobisRegularization: 1e-3,
  },
  mining: { miner: 'all', mode: 'online' },
  batch: { mode: 'pk', size: 64, classesPerBatch: 8, positiveFraction: 0.5 },
  optimizer: { name: 'adam', learningRate: 1e-3 },
  training: { steps: 500, evalEvery: 100, threshold: null, backend: 'auto' },
} satisfies Config) as Readonly<Config>;

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object | null ? DeepPartial<T[K]> : T[K];
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A fresh, mutable copy of `base` (default: the defaults) with `overrides` merged in, group by group. */
export function makeConfig(overrides: DeepPartial<Config> = {}, base: Readonly<Config> = DEFAULT_CONFIG): Config {
  const merge = (target: unknown, patch: unknown): unknown => {
    if (!isPlainObject(target) || !isPlainObject(patch))
      // Stryker disable next-line ConditionalExpression: unreachable as false: the loop skips undefined values and makeConfig's default turns an undefined argument into {}
      return patch === undefined ? structuredClone(target) : structuredClone(patch);
    const out: Record<string, unknown> = structuredClone(target);
    for (const [key, value] of Object.entries(patch)) {
      // A parsed document may carry these keys; assigning them would change the object's prototype.
      if (value === undefined || key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      out[key] = key in out ? merge(out[key], value) : structuredClone(value);
    }
    return out;
  };
  return merge(base, overrides) as Config;
}

/** One problem with a config: the dotted path of the field and a sentence saying what is wrong and what is allowed. */
export interface ConfigIssue {
  path: string;
  message: string;
}

function oneOf<T extends string>(issues: ConfigIssue[], path: string, value: unknown, allowed: readonly T[]): void {
  // Stryker disable next-line ConditionalExpression: a list of strings never includes a non-string, so the type test only states the intent
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    issues.push({ path, message: `${path} is ${JSON.stringify(value)}; allowed: ${allowed.join(', ')}` });
  }
}

function numberIn(
  issues: ConfigIssue[],
  path: string,
  value: unknown,
  min: number,
  max: number,
  opts: { integer?: boolean; minExclusive?: boolean } = {},
): void {
  const kind = opts.integer ? 'a whole number' : 'a number';
  const lower = opts.minExclusive ? `greater than ${min}` : `at least ${min}`;
  if (
    // Stryker disable next-line ConditionalExpression: Number.isFinite is false for every non-number, so the type test only states the intent
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (opts.integer && !Number.isInteger(value)) ||
    (opts.minExclusive ? value <= min : value < min) ||
    value > max
  ) {
    issues.push({
      path,
      message: `${path} is ${JSON.stringify(value)}; it must be ${kind} ${lower} and at most ${max}`,
    });
  }
}

function bool(issues: ConfigIssue[], path: string, value: unknown): void {
  if (typeof value !== 'boolean')
    issues.push({ path, message: `${path} is ${JSON.stringify(value)}; it must be true or false` });
}

/**
 * Every problem with `config`, each with its path and an explanation; [] when it is usable.
 * With `data`, also the combinations that cannot work on that dataset (e.g. a CNN on rows of a CSV).
 */
export function validate(config: Config, data?: DatasetTraits): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!isPlainObject(config)) return [{ path: '', message: 'the configuration must be an object' }];
  for (const group of ['data', 'model', 'objective', 'mining', 'batch', 'optimizer', 'training'] as const) {
    if (!isPlainObject(config[group])) return [{ path: group, message: `${group} is missing; it must be an object` }];
  }
  const { data: d, model: m, objective: o, mining: mi, batch: b, optimizer: opt, training: t } = config;

  numberIn(issues, 'seed', config.seed, 0, 2 ** 32 - 1, { integer: true });
  if (typeof d.dataset !== 'string' || d.dataset.trim() === '')
    issues.push({ path: 'data.dataset', message: 'data.dataset must name a built-in dataset or an upload' });
  numberIn(issues, 'data.validationFraction', d.validationFraction, 0.05, 0.5);
  // Evaluation ranks every held-out sample against every other: 4·n² bytes of distances (1.6 GB at 20,000) and
  // seconds of work per evaluation at that size, so larger sets are refused here rather than failing mid-run.
  numberIn(issues, 'data.evalSamples', d.evalSamples, 10, MAX_EVAL_SAMPLES, { integer: true });
  bool(issues, 'data.splitInput', d.splitInput);
  numberIn(issues, 'data.splitRatio', d.splitRatio, 0.1, 0.9);
  checkUnseenShape(issues, d.unseenClasses, d.unseenCount);

  oneOf(issues, 'model.tower', m.tower, TOWERS);
  if (!isPlainObject(m.mlp) || !isPlainObject(m.cnn) || !isPlainObject(m.recurrent)) {
    issues.push({ path: 'model', message: 'model.mlp, model.cnn and model.recurrent must all be objects' });
  } else {
    if (!Array.isArray(m.mlp.hiddenUnits) || m.mlp.hiddenUnits.length > 6)
      issues.push({
        path: 'model.mlp.hiddenUnits',
        message: 'model.mlp.hiddenUnits must be a list of at most 6 layer widths',
      });
    else
      m.mlp.hiddenUnits.forEach((u, i) =>
        numberIn(issues, `model.mlp.hiddenUnits[${i}]`, u, 1, 4096, { integer: true }),
      );
    oneOf(issues, 'model.mlp.activation', m.mlp.activation, ACTIVATIONS);
    numberIn(issues, 'model.mlp.dropout', m.mlp.dropout, 0, 0.9);
    bool(issues, 'model.mlp.batchNorm', m.mlp.batchNorm);
    if (!Array.isArray(m.cnn.filters) || m.cnn.filters.length < 1 || m.cnn.filters.length > 4)
      issues.push({ path: 'model.cnn.filters', message: 'model.cnn.filters must list 1 to 4 conv blocks' });
    else m.cnn.filters.forEach((f, i) => numberIn(issues, `model.cnn.filters[${i}]`, f, 1, 512, { integer: true }));
    numberIn(issues, 'model.cnn.kernelSize', m.cnn.kernelSize, 1, 9, { integer: true });
    numberIn(issues, 'model.cnn.denseUnits', m.cnn.denseUnits, 0, 4096, { integer: true });
    oneOf(issues, 'model.cnn.activation', m.cnn.activation, ACTIVATIONS);
    numberIn(issues, 'model.cnn.dropout', m.cnn.dropout, 0, 0.9);
    bool(issues, 'model.cnn.batchNorm', m.cnn.batchNorm);
    numberIn(issues, 'model.recurrent.tokenEmbeddingDim', m.recurrent.tokenEmbeddingDim, 1, 512, { integer: true });
    numberIn(issues, 'model.recurrent.units', m.recurrent.units, 1, 1024, { integer: true });
  }
  numberIn(issues, 'model.embeddingDim', m.embeddingDim, 1, 1024, { integer: true });
  bool(issues, 'model.l2Normalize', m.l2Normalize);

  oneOf(issues, 'objective.loss', o.loss, LOSSES);
  oneOf(issues, 'objective.distance', o.distance, DISTANCES);
  numberIn(issues, 'objective.margin', o.margin, 0, 100, { minExclusive: true });
  bool(issues, 'objective.softMargin', o.softMargin);
  oneOf(issues, 'objective.reduction', o.reduction, REDUCTIONS);
  numberIn(issues, 'objective.temperature', o.temperature, 0.01, 10);
  oneOf(issues, 'objective.headCombine', o.headCombine, HEAD_COMBINES);
  numberIn(issues, 'objective.mahalanobisRegularization', o.mahalanobisRegularization, 0, 10, { minExclusive: true });

  oneOf(issues, 'mining.miner', mi.miner, MINERS);
  oneOf(issues, 'mining.mode', mi.mode, MINING_MODES);

  oneOf(issues, 'batch.mode', b.mode, BATCH_MODES);
  numberIn(issues, 'batch.size', b.size, 2, 4096, { integer: true });
  numberIn(issues, 'batch.classesPerBatch', b.classesPerBatch, 2, 1024, { integer: true });
  numberIn(issues, 'batch.positiveFraction', b.positiveFraction, 0.1, 0.9);

  oneOf(issues, 'optimizer.name', opt.name, OPTIMIZERS);
  numberIn(issues, 'optimizer.learningRate', opt.learningRate, 0, 10, { minExclusive: true });

  numberIn(issues, 'training.steps', t.steps, 1, 10_000_000, { integer: true });
  numberIn(issues, 'training.evalEvery', t.evalEvery, 0, 10_000_000, { integer: true });
  if (t.threshold !== null) numberIn(issues, 'training.threshold', t.threshold, 0, 1e6);
  oneOf(issues, 'training.backend', t.backend, BACKENDS);

  if (issues.length > 0) return issues;

  // Combinations that cannot work, whatever the data.
  if (o.distance === 'cosine' && hasMargin(o.loss) && o.margin > 2) {
    issues.push({
      path: 'objective.margin',
      message: `cosine distance lies in [0, 2], so a margin of ${o.margin} can never be met; use a margin of at most 2`,
    });
  }
  if (m.l2Normalize && o.distance === 'euclidean' && hasMargin(o.loss) && o.margin > 2) {
    issues.push({
      path: 'objective.margin',
      message: `L2-normalised embeddings are at most 2 apart, so a margin of ${o.margin} can never be met; use a margin of at most 2 or turn off L2 normalisation`,
    });
  }
  if (m.l2Normalize && o.distance === 'squared-euclidean' && hasMargin(o.loss) && o.margin > 4) {
    issues.push({
      path: 'objective.margin',
      message: `L2-normalised embeddings are at most 4 apart in squared distance, so a margin of ${o.margin} can never be met`,
    });
  }
  if (b.mode === 'pk') {
    const k = b.size / b.classesPerBatch;
    if (!Number.isInteger(k) || k < 2) {
      issues.push({
        path: 'batch.size',
        message: `a P×K batch of ${b.size} samples over ${b.classesPerBatch} classes gives K = ${k}; batch.size must be a multiple of batch.classesPerBatch with at least 2 samples per class`,
      });
    }
  }
  if (mi.mode === 'offline' && b.mode === 'pk') {
    issues.push({
      path: 'mining.mode',
      message:
        'offline mining picks pairs or triplets once per epoch, so it needs batch.mode "pairs" or "triplets"; online mining is the one that uses P×K batches',
    });
  }
  if (b.mode === 'triplets' && (PAIR_LOSSES.includes(o.loss) || o.loss === 'infonce')) {
    issues.push({
      path: 'batch.mode',
      message: `the ${o.loss} loss does not take triplets; use batch.mode "pk" or "pairs"`,
    });
  }
  if (b.mode === 'pairs' && o.loss === 'triplet') {
    issues.push({
      path: 'batch.mode',
      message:
        'the triplet loss needs anchors, positives and negatives; use batch.mode "pk" (online mining) or "triplets"',
    });
  }
  if (b.mode === 'pairs' && o.loss === 'infonce' && !d.splitInput) {
    issues.push({
      path: 'batch.mode',
      message:
        'InfoNCE contrasts each anchor with the rest of its batch; use batch.mode "pk" so that every anchor has positives',
    });
  }
  if (d.splitInput && m.tower === 'cnn') {
    issues.push({
      path: 'data.splitInput',
      message:
        'split-input cuts each sample into two feature vectors, which a CNN cannot take as images; use the MLP or a recurrent tower',
    });
  }

  const unseen = unseenClassCount(d);
  if (unseen > 0 && d.splitInput)
    issues.push({
      path: 'data.unseenClasses',
      message:
        'split-input measures whether two halves belong to one sample, not classes; turn off split-input to hold out classes',
    });

  if (data) {
    if (unseen > 0) issues.push(...unseenIssuesOn(data, d.unseenClasses, unseen));
    if (m.tower === 'cnn' && data.modality !== 'image') {
      issues.push({
        path: 'model.tower',
        message: `a CNN tower needs images, but this dataset holds ${data.modality} data; use the MLP tower`,
      });
    }
    if ((m.tower === 'lstm' || m.tower === 'gru') && data.modality !== 'text' && data.modality !== 'sequence') {
      issues.push({
        path: 'model.tower',
        message: `${m.tower === 'lstm' ? 'an' : 'a'} ${m.tower.toUpperCase()} tower reads sequences, but this dataset holds ${data.modality} data; use the MLP${data.modality === 'image' ? ' or CNN' : ''} tower`,
      });
    }
    if (data.kind === 'pairs') {
      if (!PAIR_LOSSES.includes(o.loss)) {
        issues.push({
          path: 'objective.loss',
          message: `a pair file has no class labels, so the ${o.loss} loss cannot form its batches; use contrastive, binary or cosine-regression`,
        });
      }
      if (b.mode !== 'pairs')
        issues.push({
          path: 'batch.mode',
          message: 'a pair file provides its pairs ready-made; use batch.mode "pairs"',
        });
      if (d.splitInput)
        issues.push({
          path: 'data.splitInput',
          message: 'split-input needs whole samples to cut in two; a pair file is already pairs',
        });
      if (data.targetKind === 'score' && o.loss !== 'cosine-regression') {
        issues.push({
          path: 'objective.loss',
          message: 'this pair file holds similarity scores, not 0/1 labels; use the cosine-regression loss',
        });
      }
    } else if (!d.splitInput) {
      const classes = (data.numClasses ?? 0) - unseen;
      if (classes + unseen < 2)
        issues.push({ path: 'data.dataset', message: 'metric learning needs at least 2 classes in the data' });
      else if (b.mode === 'pk' && b.classesPerBatch > classes) {
        issues.push({
          path: 'batch.classesPerBatch',
          message:
            unseen > 0
              ? `${unseen} of the dataset's ${classes + unseen} classes are held out as unseen, so training has ${classes} and a batch cannot hold ${b.classesPerBatch}; use at most ${classes}`
              : `the dataset has ${classes} classes, so a batch cannot hold ${b.classesPerBatch}; use at most ${classes}`,
        });
      }
    }
  }
  return issues;
}

function checkUnseenShape(issues: ConfigIssue[], classes: unknown, count: unknown): void {
  const path = 'data.unseenClasses';
  if (!Array.isArray(classes) || classes.length > 1024) {
    issues.push({ path, message: `${path} must be a list of class ids (at most 1024); [] holds out none` });
  } else {
    classes.forEach((c, i) => numberIn(issues, `${path}[${i}]`, c, 0, 1023, { integer: true }));
    if (new Set(classes).size !== classes.length)
      issues.push({ path, message: `${path} names a class more than once (${classes.join(', ')})` });
    else if (classes.length === 1)
      issues.push({
        path,
        message: `${path} holds out one class (${classes[0]}); retrieval among unseen classes needs at least 2`,
      });
  }
  numberIn(issues, 'data.unseenCount', count, 0, 1023, { integer: true });
  if (count === 1)
    issues.push({
      path: 'data.unseenCount',
      message: 'data.unseenCount is 1; retrieval among unseen classes needs at least 2 (0 turns the protocol off)',
    });
  if (Array.isArray(classes) && classes.length > 0 && typeof count === 'number' && count > 0)
    issues.push({
      path: 'data.unseenCount',
      message: 'hold out classes either by list (data.unseenClasses) or by count (data.unseenCount), not both',
    });
}

/** What the unseen-class protocol cannot do on these data: pair files, missing class ids, < 2 seen classes. */
function unseenIssuesOn(data: DatasetTraits, list: number[], unseen: number): ConfigIssue[] {
  const path = list.length > 0 ? 'data.unseenClasses' : 'data.unseenCount';
  if (data.kind === 'pairs')
    return [
      { path, message: 'a pair file has no classes to hold out; the unseen-class protocol needs labelled samples' },
    ];
  const classes = data.numClasses ?? 0;
  const missing = list.filter((c) => c >= classes);
  if (missing.length > 0)
    return [
      {
        path,
        message: `the dataset has classes 0..${classes - 1}, so it has no class ${missing.join(', ')} to hold out`,
      },
    ];
  if (classes - unseen < 2)
    return [
      {
        path,
        message: `holding out ${unseen} of ${classes} classes leaves ${classes - unseen} to train on; at least 2 must stay seen`,
      },
    ];
  return [];
}

/** Throws one Error listing every issue (for the CLI and for code paths that must not go on). */
export function assertValid(config: Config, data?: DatasetTraits): void {
  const issues = validate(config, data);
  if (issues.length > 0) throw new ConfigError(issues);
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => i.message).join('; '));
    this.name = 'ConfigError';
  }
}
