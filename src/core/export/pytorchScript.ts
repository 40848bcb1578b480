/**
 * "Scale out with PyTorch": one self-contained Python script (torch + numpy only) that trains the current
 * experiment — same tower, objective, miner, distance, optimiser, P×K batches, split-input, seed and step count —
 * on CPU, on a GPU, or on several processes under `torchrun` (DistributedDataParallel: gloo on CPU, nccl on GPUs),
 * reading the dataset files of datasetFiles.ts and printing the same held-out metrics as `npm run train`.
 *
 * The script's body is a real Python file, train.py next to this module, so Python tools check it; each side loads
 * its text (the worker through Vite's `?raw`, the CLI from disk) and passes it in. Pure (no DOM, no Node APIs): the
 * CLI writes the result to disk, the worker hands it to the page as a download.
 * Every option of the config is either handled by the script or refused here with a message that names it; the
 * list below is checked against config.ts by the tests, so a new option cannot be forgotten silently.
 */
import {
  ACTIVATIONS,
  BACKENDS,
  BATCH_MODES,
  DISTANCES,
  HEAD_COMBINES,
  LOSSES,
  MINERS,
  MINING_MODES,
  OPTIMIZERS,
  REDUCTIONS,
  TOWERS,
  traitsOfDescription,
  validate,
  type Config,
} from '../config';
import type { Dataset } from '../data/dataset';
import { splitLayout } from '../data/splitInput';
import { datasetFiles, exportDatasetInfo, type ExportDatasetInfo, type ExportFile } from './datasetFiles';

/** File name of the script in an export. */
export const PYTORCH_SCRIPT_FILE = 'train.py';

/** The line of train.py after which its body begins; the stand-ins above it are replaced by the experiment. */
export const PYTORCH_BODY_MARKER = '# ---- end of stand-ins ----\n';

/** The body of train.py (`trainPy`, its whole text): everything after the stand-ins' marker line. */
export function pytorchScriptBody(trainPy: string): string {
  const at = trainPy.indexOf(PYTORCH_BODY_MARKER);
  if (at < 0) throw new Error(`train.py has no line "${PYTORCH_BODY_MARKER.trim()}" before the script's body`);
  return trainPy.slice(at + PYTORCH_BODY_MARKER.length);
}

/** A config the script cannot reproduce; `option` is the dotted path of the field at fault. */
export class PytorchExportError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'PytorchExportError';
  }
}

/**
 * Every leaf option of Config and what the script does with it. `training.backend` picks the tfjs backend in the
 * browser; in the script it only sets the default of --device ('cpu' stays on the CPU, anything else means
 * "a GPU when there is one"). `data.dataset`, `data.validationFraction` and `data.evalSamples` act through the
 * exported dataset files (which hold exactly the playground's train and held-out split).
 */
export const PYTORCH_HANDLED_OPTIONS: Readonly<Record<string, string>> = Object.freeze({
  seed: 'torch.manual_seed for the weights; numpy stream per rank for the batches (and the exported split)',
  'data.dataset': 'the exported dataset files',
  'data.validationFraction': 'the exported split',
  'data.evalSamples': 'the exported held-out set',
  'data.unseenClasses': 'the exported split: training files hold only the seen classes, held-out files the unseen',
  'data.unseenCount': 'the exported split (the seeded choice of unseen classes is made before export)',
  'data.splitInput': 'halves a | b cut by the script',
  'data.splitRatio': 'the cut of the halves',
  'model.tower': 'MLP, CNN, LSTM or GRU tower',
  'model.mlp.hiddenUnits': 'Linear layers',
  'model.mlp.activation': 'activation after each hidden layer',
  'model.mlp.dropout': 'nn.Dropout after each hidden layer',
  'model.mlp.batchNorm': 'nn.BatchNorm1d before the activation',
  'model.cnn.filters': 'Conv2d blocks',
  'model.cnn.kernelSize': 'Conv2d kernel, "same" padding',
  'model.cnn.denseUnits': 'Linear layer after the conv blocks',
  'model.cnn.activation': 'activation of the blocks and the dense layer',
  'model.cnn.dropout': 'nn.Dropout before the embedding layer',
  'model.cnn.batchNorm': 'nn.BatchNorm2d in each block',
  'model.recurrent.tokenEmbeddingDim': 'nn.Embedding of text tokens',
  'model.recurrent.units': 'LSTM / GRU units',
  'model.embeddingDim': 'output size of the tower',
  'model.l2Normalize': 'L2 normalisation layer',
  'objective.loss': 'contrastive, triplet, binary head, cosine-regression head or InfoNCE',
  'objective.distance': 'euclidean, squared-euclidean, cosine, manhattan or mahalanobis',
  'objective.margin': 'contrastive / triplet margin and mining categories',
  'objective.softMargin': 'softplus triplet loss',
  'objective.reduction': 'triplet reduction',
  'objective.temperature': 'InfoNCE temperature',
  'objective.headCombine': 'binary head input',
  'objective.mahalanobisRegularization': 'ridge of the Mahalanobis covariance',
  'mining.miner': 'online and offline miners',
  'mining.mode': 'online (in the batch) or offline (pool re-mined every pass)',
  'batch.mode': 'P×K, pairs or triplets',
  'batch.size': 'samples / pairs / triplets per batch and process',
  'batch.classesPerBatch': 'P of a P×K batch',
  'batch.positiveFraction': 'share of positive pairs',
  'optimizer.name': 'Adam, SGD or RMSprop with the tfjs defaults',
  'optimizer.learningRate': 'learning rate',
  'training.steps': 'default of --steps',
  'training.evalEvery': 'default of --eval-every',
  'training.threshold': 'accuracy at that distance threshold in the metrics',
  'training.backend': 'default of --device',
});

/** The values of each option with a closed set of names that the script implements. */
const SUPPORTED_NAMES: Readonly<Record<string, readonly string[]>> = {
  'model.tower': TOWERS,
  'model.mlp.activation': ACTIVATIONS,
  'model.cnn.activation': ACTIVATIONS,
  'objective.loss': LOSSES,
  'objective.distance': DISTANCES,
  'objective.reduction': REDUCTIONS,
  'objective.headCombine': HEAD_COMBINES,
  'mining.miner': MINERS,
  'mining.mode': MINING_MODES,
  'batch.mode': BATCH_MODES,
  'optimizer.name': OPTIMIZERS,
  'training.backend': BACKENDS,
};

/** Names the Python template knows (a new name added to config.ts must be added to the template first). */
const TEMPLATE_NAMES: Readonly<Record<string, readonly string[]>> = {
  'model.tower': ['mlp', 'cnn', 'lstm', 'gru'],
  'model.mlp.activation': ['relu', 'tanh', 'elu', 'selu', 'sigmoid', 'linear'],
  'model.cnn.activation': ['relu', 'tanh', 'elu', 'selu', 'sigmoid', 'linear'],
  'objective.loss': ['contrastive', 'triplet', 'binary', 'cosine-regression', 'infonce'],
  'objective.distance': ['euclidean', 'squared-euclidean', 'cosine', 'manhattan', 'mahalanobis'],
  'objective.reduction': ['mean-non-zero', 'mean'],
  'objective.headCombine': ['abs-diff', 'concat'],
  'mining.miner': ['all', 'hard', 'semi-hard', 'easy', 'batch-hard', 'random'],
  'mining.mode': ['online', 'offline'],
  'batch.mode': ['pk', 'pairs', 'triplets'],
  'optimizer.name': ['adam', 'sgd', 'rmsprop'],
  'training.backend': ['auto', 'webgl', 'wasm', 'cpu'],
};

/** Dotted paths of every leaf of a config-shaped object (arrays are leaves). */
export function optionPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    optionPaths(child, prefix ? `${prefix}.${key}` : key),
  );
}

function valueAt(config: Config, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], config);
}

/**
 * Throws PytorchExportError unless the script can reproduce `config` on data described by `info`: the config must
 * be valid for that data (validate()), carry no option the exporter does not know, and use only names the
 * script implements.
 */
export function checkPytorchExportable(config: Config, info: ExportDatasetInfo): void {
  const issues = validate(config, traitsOfDescription(info));
  if (issues.length > 0) {
    throw new PytorchExportError(
      issues[0].path,
      `this experiment cannot be exported because its configuration is not valid: ${issues.map((i) => i.message).join('; ')}`,
    );
  }
  for (const path of optionPaths(config)) {
    if (!(path in PYTORCH_HANDLED_OPTIONS)) {
      throw new PytorchExportError(
        path,
        `the option ${path} is not exported to PyTorch (the script generator does not know it yet); reset it to its default or train this experiment in the playground`,
      );
    }
  }
  for (const [path, names] of Object.entries(SUPPORTED_NAMES)) {
    const value = String(valueAt(config, path));
    if (!names.includes(value) || !TEMPLATE_NAMES[path].includes(value)) {
      throw new PytorchExportError(
        path,
        `${path} "${value}" is not exported to PyTorch; the script implements ${TEMPLATE_NAMES[path].join(', ')}`,
      );
    }
  }
  if (
    (config.model.tower === 'lstm' || config.model.tower === 'gru') &&
    info.modality === 'text' &&
    !(info.vocabularySize && info.vocabularySize >= 2)
  ) {
    throw new PytorchExportError(
      'model.tower',
      'a recurrent tower on text needs the vocabulary size of the dataset, which the export did not get',
    );
  }
}

/**
 * A Python literal of a JSON-like value (dicts, lists, strings, finite numbers, booleans, null), indented.
 * JSON string escapes are valid Python string escapes, so strings go through JSON.stringify.
 */
export function pythonLiteral(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent + 4);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`pythonLiteral: ${value} has no JSON form`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null))
      return `[${value.map((v) => pythonLiteral(v)).join(', ')}]`;
    return `[\n${value.map((v) => pad + pythonLiteral(v, indent + 4)).join(',\n')},\n${' '.repeat(indent)}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pythonLiteral(v, indent + 4)}`).join(',\n')},\n${' '.repeat(indent)}}`;
  }
  throw new Error(`pythonLiteral: cannot write a ${typeof value}`);
}

/** Printable ASCII without quotes or backslashes, for the docstring. */
function plain(text: string): string {
  return text.replace(/[^\x20-\x7e]|["'\\]/g, '?');
}

/** One line per part of the experiment, in plain words, for the script's docstring. */
function describe(config: Config, info: ExportDatasetInfo): string[] {
  const m = config.model;
  const o = config.objective;
  const b = config.batch;
  const tower =
    m.tower === 'mlp'
      ? `MLP ${[...m.mlp.hiddenUnits, m.embeddingDim].join(' -> ')} (${m.mlp.activation}${m.mlp.batchNorm ? ', batch-norm' : ''}${m.mlp.dropout > 0 ? `, dropout ${m.mlp.dropout}` : ''})`
      : m.tower === 'cnn'
        ? `CNN conv ${m.cnn.filters.join('/')} (kernel ${m.cnn.kernelSize}${m.cnn.batchNorm ? ', batch-norm' : ''})${m.cnn.denseUnits > 0 ? ` -> dense ${m.cnn.denseUnits}` : ''} -> ${m.embeddingDim}`
        : `${m.tower.toUpperCase()} ${m.recurrent.units} units${info.modality === 'text' ? ` over a ${m.recurrent.tokenEmbeddingDim}-d token embedding` : ''} -> ${m.embeddingDim}`;
  const loss =
    o.loss === 'triplet'
      ? `triplet (${o.softMargin ? 'soft margin' : `margin ${o.margin}`}, ${o.reduction})`
      : o.loss === 'contrastive'
        ? `contrastive (margin ${o.margin})`
        : o.loss === 'infonce'
          ? `InfoNCE (temperature ${o.temperature})`
          : o.loss === 'binary'
            ? `binary cross-entropy head on ${o.headCombine}`
            : 'cosine-regression head';
  const batch = config.data.splitInput
    ? `${b.size} samples cut into halves at ${config.data.splitRatio} (split-input)`
    : b.mode === 'pk'
      ? `P x K = ${b.classesPerBatch} classes x ${b.size / b.classesPerBatch} samples`
      : `${b.size} ${b.mode}${b.mode === 'pairs' ? ` (${b.positiveFraction} positive)` : ''}`;
  return [
    `dataset   ${plain(info.name)} (${info.kind}, ${info.modality}, sample shape [${info.featureShape.join(', ')}]; ${info.trainCount} train / ${info.testCount} held out)`,
    `tower     ${tower}${m.l2Normalize ? ', L2-normalised' : ''}`,
    `loss      ${loss}, ${o.distance} distance`,
    `mining    ${config.mining.miner} (${config.mining.mode})`,
    `batches   ${batch}`,
    `optimiser ${config.optimizer.name}, learning rate ${config.optimizer.learningRate}`,
    `run       ${config.training.steps} steps, seed ${config.seed}`,
  ];
}

/**
 * The text of the PyTorch script for `config` on data described by `info` (from datasetFiles); `trainPy` is the
 * text of train.py. Throws PytorchExportError, naming the option, when the experiment cannot be exported.
 */
export function pytorchScript(config: Config, info: ExportDatasetInfo, trainPy: string): string {
  checkPytorchExportable(config, info);
  const dataset: Record<string, unknown> = {
    name: info.name,
    kind: info.kind,
    modality: info.modality,
    featureShape: info.featureShape,
    numClasses: info.numClasses,
    vocabularySize: info.vocabularySize ?? null,
    targetKind: info.targetKind ?? null,
  };
  if (config.data.splitInput) {
    const layout = splitLayout(info.featureShape, config.data.splitRatio);
    dataset.splitLayout = { sizeA: layout.sizeA, sizeB: layout.sizeB, halfShape: layout.halfShape };
  }
  const header = [
    '#!/usr/bin/env python3',
    '"""Siamese Playground experiment, exported to PyTorch.',
    '',
    ...describe(config, info).map((line) => `    ${line}`),
    '',
    "Reads the dataset files exported with this script (dataset.json + .npy: the playground's own train and",
    'held-out split) and prints progress on stderr and, last on stdout, one JSON line with the held-out metrics',
    '(leave-one-out P@1, R-precision, MAP@R), as `npm run train` does. Needs torch and numpy only.',
    '',
    '    python3 train.py                                 # a GPU when there is one, else the CPU',
    '    python3 train.py --device cpu --threads 4 --steps 2000',
    '    torchrun --nproc_per_node=4 train.py            # DistributedDataParallel: nccl on GPUs, gloo on CPUs',
    '',
    '(torchrun of torch 1.13 on Python 3.11, e.g. Debian 12\'s python3-torch, crashes on its default "--redirects 0";',
    'add "--redirects 2 --tee 2" there.)',
    '',
    'Under torchrun every process draws its own batches (seeded by its rank) and the gradients are averaged, so',
    'each step sees N batches; rank 0 evaluates and prints. Batch-norm statistics are per process.',
    "Initial weights and batch draws differ from the browser's (other random streams), so metrics agree within",
    'run-to-run spread, not digit for digit.',
    '"""',
  ];
  return [
    ...header,
    '',
    '# The experiment, as configured in the playground (src/core/config.ts).',
    `CONFIG = ${pythonLiteral(config)}`,
    '',
    '# The exported data (checked against dataset.json when the script starts).',
    `DATASET = ${pythonLiteral(dataset)}`,
    '',
    `DEFAULT_DEVICE = ${JSON.stringify(config.training.backend === 'cpu' ? 'cpu' : 'auto')}`,
    pytorchScriptBody(trainPy),
  ].join('\n');
}

/**
 * Everything an export holds: the dataset files, `train.py` and `config.json` (the config, to load back into the
 * playground); `trainPy` is the text of train.py. Throws PytorchExportError for experiments the script cannot
 * reproduce.
 */
export function pytorchExportFiles(config: Config, dataset: Dataset, trainPy: string): ExportFile[] {
  checkPytorchExportable(config, exportDatasetInfo(dataset)); // before the (larger) work of writing the arrays
  const { info, files } = datasetFiles(dataset, config);
  const script = pytorchScript(config, info, trainPy);
  const encoder = new TextEncoder();
  return [
    { name: PYTORCH_SCRIPT_FILE, bytes: encoder.encode(script) },
    { name: 'config.json', bytes: encoder.encode(`${JSON.stringify(config, null, 2)}\n`) },
    ...files,
  ];
}
