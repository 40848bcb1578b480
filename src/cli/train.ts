/**
 * `npm run train -- --dataset fashion-mnist --tower mlp --loss triplet --miner semi-hard --steps 500 --seed 1`
 *
 * Trains headlessly on the same core as the playground. Progress goes to stderr; the last line on stdout is one
 * JSON object: steps, backend, stepsPerSecond, finalLoss, metrics {precisionAt1, rPrecision, mapAtR} (held out).
 * Bad flags, unknown names and unreadable files end with a one-line error and exit code 2.
 */
import { basename } from 'node:path';
import {
  ConfigError,
  DEFAULT_CONFIG,
  makeConfig,
  QUERY_AGAINST_TRAINING,
  unseenClassCount,
  type Config,
} from '../core/config';
import { builtinInfo } from '../core/data/builtin';
import { type EvaluationProtocol, fitPkBatch } from '../core/data/unseen';
import type { Geometry } from '../core/metrics/geometry';
import type { SeenClassMetrics } from '../core/train/types';
import { lessonConfig } from '../core/lessons/lessons';
import type { Metrics, PairSampleSize } from '../core/metrics/evaluate';
import type { RetrievalMetrics } from '../core/metrics/retrieval';
import { scaleCollapseOf } from '../core/metrics/scaleCollapse';
import { Trainer } from '../core/train/trainer';
import { parseArgs, TRAIN_FLAGS, usage, UsageError } from './args';
import { type CliData, loadCliData, loadExperimentData, readConfigFile, readExperimentFile } from './inputs';
import { selectNodeBackend } from './backend';
import { prepareEmbeddingsDir, writeEmbeddings, type EmbeddingsOut } from './embeddingsOut';
import { lessonOfFlags } from './lessonFlag';

const EXTRA_FLAGS = {
  config: false,
  backend: false,
  data: false,
  lesson: false,
  'embeddings-out': false,
  kind: false,
  'label-column': false,
  experiment: false,
  help: true,
  quiet: true,
};
const TABLE_KINDS = ['tabular', 'text', 'pairs'] as const;
const EXTRA_HELP = {
  config: 'JSON file with a (partial) configuration; flags override it',
  backend: 'auto | wasm | cpu (auto: wasm, else cpu)',
  data: 'train on your own file instead of a built-in (CSV/TSV, .npy, image .zip, text CSV, pair file)',
  lesson:
    "run a lesson's configuration and steps (ids: src/core/lessons/lessons.ts, e.g. mining-hard); flags change it",
  'embeddings-out':
    'write the held-out embeddings of the last evaluation to DIR as vectors.tsv + metadata.tsv (Embedding Projector)',
  kind: 'how to read a --data table that could be read several ways: tabular | text | pairs',
  'label-column': 'the label column of a --data table (header name)',
  experiment:
    'continue an exported experiment file (--steps: how many more steps; --data: its upload if not saved in it)',
  quiet: 'no progress on stderr',
  help: 'this text',
};

export interface TrainSummary {
  steps: number;
  backend: string;
  stepsPerSecond: number;
  finalLoss: number;
  metrics: {
    precisionAt1: number;
    rPrecision: number;
    mapAtR: number;
    recallAt1?: number;
    auc?: number;
    pairAccuracy?: number;
    /** Verification at the threshold in effect (unseen-class protocol: the one chosen on the seen classes). */
    thresholdAccuracy?: number;
    threshold?: number;
    /** auc and pairAccuracy come from a seeded balanced sample of held-out pairs: how many of how many. */
    pairSample?: PairSampleSize;
  } | null;
  /** Which classes `metrics` are about: `unseen-classes` lists the held-out classes training never saw. */
  protocol: EvaluationProtocol;
  /** Unseen-class protocol: retrieval on held-out samples of the training classes and the threshold chosen there. */
  seenMetrics: SeenClassMetrics | null;
  /** Alignment and uniformity (Wang & Isola 2020) of the held-out embedding `metrics` describe. */
  geometry: Geometry | null;
  /** Held-out queries against the training set as the reference; null for pair files and split inputs. */
  queryAgainstTraining?: ReturnType<typeof referenceSummary> | null;
  pairMetrics?: { auc: number; accuracy: number; threshold: number; meanSquaredError?: number } | null;
  /**
   * Plain-language warnings about the held-out embedding at the end: collapse to one point, or a scale collapse
   * (nearly all distances a small fraction of the margin or of the embedding's scale).
   */
  warnings: string[];
  /** The scale-collapse check's numbers (null for pair files and untrained runs). */
  scaleCollapse: {
    squeezed: boolean;
    fractionBelow: number;
    limit: number;
    medianPositive: number;
    medianNegative: number;
  } | null;
  dataset: string;
  seed: number;
  /** The lesson whose configuration the run used (`--lesson`). */
  lesson?: string;
  /** Where `--embeddings-out` wrote the held-out embeddings. */
  embeddingsOut?: EmbeddingsOut;
  stopped?: string;
  /** What was read: the upload summary and its notes for --data, the built-in's size otherwise. */
  data: { kind: string; samples: number; classes: number; shape: number[]; notes: string[] };
  config: Config;
}

/** The collapse and scale-collapse warnings of the final evaluation, and the scale-collapse numbers. */
function embeddingHealth(
  m: Metrics | null,
  config: Config,
  step: number,
): Pick<TrainSummary, 'warnings' | 'scaleCollapse'> {
  if (!m) return { warnings: [], scaleCollapse: null };
  const scale = scaleCollapseOf(m, config, step);
  const warnings: string[] = [];
  if (m.collapse.message) warnings.push(m.collapse.message);
  if (scale?.message) warnings.push(scale.message);
  const scaleCollapse = scale && {
    squeezed: scale.squeezed,
    fractionBelow: scale.fractionBelow,
    limit: scale.limit,
    medianPositive: scale.medianPositive,
    medianNegative: scale.medianNegative,
  };
  return { warnings, scaleCollapse };
}

/** The `data` part of the summary, and the lines stderr shows for it. */
function describeData({ dataset, summary }: CliData): TrainSummary['data'] {
  if (summary)
    return {
      kind: summary.format,
      samples: summary.samples,
      classes: summary.classes,
      shape: summary.shape,
      notes: summary.notes,
    };
  const samples = dataset.kind === 'labelled' ? dataset.numSamples : dataset.numPairs;
  const classes = dataset.kind === 'labelled' ? dataset.classNames.length : 2;
  return { kind: 'builtin', samples, classes, shape: dataset.featureShape, notes: [] };
}

/** Runs one training session and returns its summary (the CLI prints it; tests call this directly). */
export async function runTrain(argv: string[], log: (line: string) => void): Promise<TrainSummary> {
  const { patch, extra } = parseArgs(argv, TRAIN_FLAGS, EXTRA_FLAGS);
  const kind = typeof extra.kind === 'string' ? extra.kind : undefined;
  if (kind !== undefined && !(TABLE_KINDS as readonly string[]).includes(kind))
    throw new UsageError(`--kind is "${kind}"; allowed: ${TABLE_KINDS.join(', ')}`);
  const choices = {
    ...(kind ? { kind: kind as (typeof TABLE_KINDS)[number] } : {}),
    ...(typeof extra['label-column'] === 'string' ? { labelColumn: extra['label-column'] } : {}),
  };
  const dataPath = typeof extra.data === 'string' ? extra.data : undefined;
  const experiment = typeof extra.experiment === 'string' ? await readExperimentFile(extra.experiment) : null;
  let config: Config;
  let lesson: ReturnType<typeof lessonOfFlags> = null;
  if (experiment) {
    const others = Object.keys(patch).filter(
      (k) => k !== 'training' || Object.keys(patch.training ?? {}).some((t) => t !== 'steps'),
    );
    if (others.length > 0 || extra.config !== undefined || extra.lesson !== undefined)
      throw new UsageError(
        '--experiment takes its configuration from the file; only --steps, --data, --backend, --embeddings-out and --quiet go with it',
      );
    config = makeConfig(
      { training: { steps: patch.training?.steps ?? experiment.config.training.steps } },
      experiment.config,
    );
  } else {
    const fromFile = typeof extra.config === 'string' ? await readConfigFile(extra.config) : {};
    lesson = lessonOfFlags(extra, patch, fromFile);
    const datasetName = lesson?.dataset ?? patch.data?.dataset ?? fromFile.data?.dataset ?? DEFAULT_CONFIG.data.dataset;
    const suggested = dataPath ? {} : builtinInfo(datasetName).suggested;
    const base = lesson ? lessonConfig(lesson) : makeConfig(suggested);
    config = makeConfig(patch, makeConfig(fromFile, base));
    if (dataPath) config.data.dataset = `upload:${basename(dataPath)}`;
  }
  const embeddingsDir = typeof extra['embeddings-out'] === 'string' ? extra['embeddings-out'] : undefined;
  if (embeddingsDir !== undefined) await prepareEmbeddingsDir(embeddingsDir);

  const wanted = typeof extra.backend === 'string' ? extra.backend : 'auto';
  if (wanted !== 'auto' && wanted !== 'wasm' && wanted !== 'cpu')
    throw new UsageError(`--backend is "${wanted}"; allowed: auto, wasm, cpu`);
  const { backend, fallbackReason } = await selectNodeBackend(wanted);
  if (fallbackReason) log(`note: ${fallbackReason}`);

  const data = experiment
    ? await loadExperimentData(experiment, dataPath, choices)
    : await loadCliData(config.data.dataset, dataPath, config.seed, choices);
  const { dataset } = data;
  const described = describeData(data);
  if (data.summary) {
    log(
      `data: ${described.kind}, ${described.samples} samples, ${described.classes} classes, shape [${described.shape.join(', ')}]`,
    );
    for (const note of described.notes) log(`note: ${note}`);
  }
  if (!experiment && dataset.kind === 'labelled' && patch.batch?.classesPerBatch === undefined) {
    // Holding classes out can leave fewer training classes than the batch asks for; the batch is refitted, said aloud.
    const fit = fitPkBatch(config.batch, dataset.classNames.length - unseenClassCount(config.data));
    if (fit && unseenClassCount(config.data) > 0) {
      config.batch.classesPerBatch = fit.classesPerBatch;
      log(`note: ${fit.note}; --classes sets it`);
    }
  }
  const trainer = Trainer.init(config, dataset);
  const protocol = trainer.protocol;
  if (protocol.kind === 'unseen-classes')
    log(
      `unseen-class protocol: training never sees ${protocol.classNames.join(', ')}; held-out metrics are about them only`,
    );
  if (experiment?.weights) {
    try {
      trainer.importModelWeights(experiment.weights, experiment.step, basename(extra.experiment as string));
    } catch (error) {
      trainer.dispose();
      throw error;
    }
    log(`continuing ${basename(extra.experiment as string)} from step ${experiment.step}`);
  }
  log(
    `training ${config.model.tower} on ${dataset.name} (${backend}): ${config.objective.loss} loss, ${config.mining.miner} miner, ${config.objective.distance} distance, ${config.training.steps} steps`,
  );

  let trainMs = 0;
  let finalLoss = NaN;
  let lossSum = 0;
  let lossCount = 0;
  const total = config.training.steps;
  const evalEvery = config.training.evalEvery;
  for (let s = 1; s <= total; s++) {
    const t0 = performance.now();
    const result = trainer.step();
    trainMs += performance.now() - t0;
    finalLoss = result.loss;
    if (trainer.stopReason) break;
    lossSum += result.loss;
    lossCount++;
    const report = s === total || (evalEvery > 0 && s % evalEvery === 0);
    if (report && s !== total) {
      const ev = trainer.evaluate();
      const m = ev.metrics;
      const counts = result.counts
        ? ` easy/semi/hard ${result.counts.easy}/${result.counts.semiHard}/${result.counts.hard}`
        : '';
      log(
        `step ${s} epoch ${result.epoch} loss ${(lossSum / lossCount).toFixed(4)}${counts}` +
          (m ? ` P@1 ${m.precisionAt1.toFixed(3)} MAP@R ${m.mapAtR.toFixed(3)}` : '') +
          (ev.seen ? ` (seen classes MAP@R ${ev.seen.mapAtR.toFixed(3)})` : '') +
          (ev.geometry
            ? ` align ${ev.geometry.alignment.toFixed(3)} uniform ${ev.geometry.uniformity.toFixed(3)}`
            : '') +
          (ev.pairs ? ` AUC ${ev.pairs.auc.toFixed(3)}` : '') +
          ` (${((s / trainMs) * 1000).toFixed(1)} steps/s)`,
      );
      lossSum = 0;
      lossCount = 0;
    }
  }
  const steps = trainer.steps;
  const stopped = trainer.stopReason?.message;
  if (stopped) log(`stopped: ${stopped}`);
  const evaluation = trainer.evaluate();
  const againstTraining = trainer.evaluateAgainstTraining();
  let embeddingsOut: EmbeddingsOut | undefined;
  try {
    if (embeddingsDir !== undefined) embeddingsOut = await writeEmbeddings(embeddingsDir, trainer, dataset);
  } finally {
    trainer.dispose();
  }
  const health = embeddingHealth(evaluation.metrics, config, steps);
  for (const warning of health.warnings) log(`warning: ${warning}`);
  if (embeddingsOut)
    log(`wrote ${embeddingsOut.files.join(' + ')} (${embeddingsOut.n} × ${embeddingsOut.dim}) to ${embeddingsDir}`);
  const m = evaluation.metrics;
  return {
    steps,
    backend,
    stepsPerSecond: steps > 0 ? (steps / trainMs) * 1000 : 0,
    finalLoss,
    metrics: m
      ? {
          precisionAt1: m.precisionAt1,
          rPrecision: m.rPrecision,
          mapAtR: m.mapAtR,
          recallAt1: m.recallAtK[1],
          auc: m.auc,
          pairAccuracy: m.pairAccuracy,
          thresholdAccuracy: m.thresholdMetrics.accuracy,
          threshold: m.thresholdMetrics.threshold,
          pairSample: m.pairSample,
        }
      : null,
    protocol,
    seenMetrics: evaluation.seen,
    geometry: evaluation.geometry,
    queryAgainstTraining: againstTraining ? referenceSummary(againstTraining) : null,
    pairMetrics: evaluation.pairs,
    ...health,
    dataset: dataset.name,
    seed: config.seed,
    ...(lesson ? { lesson: lesson.id } : {}),
    ...(embeddingsOut ? { embeddingsOut } : {}),
    ...(stopped ? { stopped } : {}),
    data: described,
    config,
  };
}

/**
 * The held-out samples queried against the training samples (the reference); `metrics` is leave-one-out within
 * the held-out set.
 */
function referenceSummary(m: RetrievalMetrics) {
  return {
    protocol: QUERY_AGAINST_TRAINING,
    precisionAt1: m.precisionAt1,
    rPrecision: m.rPrecision,
    mapAtR: m.mapAtR,
    recallAt1: m.recallAtK[1],
    queries: m.queries,
    excludedQueries: m.excludedQueries,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(`${usage('train', TRAIN_FLAGS, EXTRA_HELP)}\n`);
    return;
  }
  const quiet = argv.includes('--quiet');
  try {
    const summary = await runTrain(argv, (line) => {
      if (!quiet) process.stderr.write(`${line}\n`);
    });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    if (summary.stopped) process.exitCode = 1;
  } catch (error) {
    const known =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      (error instanceof Error && ['DataLoadError', 'ExperimentFileError', 'WeightShapeError'].includes(error.name));
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message.split('\n')[0]}\n`);
    if (!known && error instanceof Error && process.env.DEBUG) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) void main();
