/**
 * Pure helpers behind the model form: parsing what people type, building the config a dataset should start with,
 * and the data traits `validate()` needs. Kept free of React and the DOM so they are tested in Node.
 */
import { makeConfig, type Config, type DatasetTraits } from '../../core/config';
import { BUILTIN_DATASETS } from '../../core/data/builtin';
import type { DatasetInfo } from '../../worker/protocol';

/** A parsed form field: the value, or a sentence saying what is wrong. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** "128, 64" → [128, 64]; "" → [] (a linear embedding). Rejects anything that is not a positive whole number. */
export function parseUnitList(text: string): Parsed<number[]> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: [] };
  const parts = trimmed.split(/[\s,]+/).filter((p) => p !== '');
  const out: number[] = [];
  for (const part of parts) {
    if (!/^\d+$/.test(part) || Number(part) < 1) {
      return {
        ok: false,
        message: `"${part}" is not a layer width; write whole numbers separated by commas, e.g. 128, 64`,
      };
    }
    out.push(Number(part));
  }
  return { ok: true, value: out };
}

/** Formats a list of widths the way `parseUnitList` reads it back. */
export function formatUnitList(units: readonly number[]): string {
  return units.join(', ');
}

/** A number input's text → a finite number (the range is validate()'s business). */
export function parseNumberField(text: string, label: string): Parsed<number> {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value)) return { ok: false, message: `${label} must be a number` };
  return { ok: true, value };
}

/**
 * What validate() may know about the loaded dataset (undefined before any dataset is loaded): the traits the worker
 * read off the data with core's `traitsOf(dataset)`, so page and worker judge a config by the same rule.
 */
export function loadedTraits(info: DatasetInfo | null): DatasetTraits | undefined {
  return info?.traits;
}

/** The suggested config of a built-in dataset, keeping the user's seed and backend. */
export function configForBuiltin(name: string, previous?: Config): Config {
  const builtin = BUILTIN_DATASETS.find((b) => b.name === name);
  const config = makeConfig(builtin ? builtin.suggested : { data: { dataset: name } });
  config.data.dataset = name;
  if (previous) {
    config.seed = previous.seed;
    config.training.backend = previous.training.backend;
  }
  return config;
}

/**
 * A config that trains sensibly on freshly uploaded data: a tower that fits its modality (CNN for images, GRU for
 * text, MLP otherwise), P×K batches with at most as many classes per batch as the data has, and pair batches with a
 * pair loss for pair files (cosine regression for scored pairs).
 */
export function configForUpload(info: DatasetInfo, previous?: Config): Config {
  const config = makeConfig({ data: { dataset: info.name } });
  if (previous) {
    config.seed = previous.seed;
    config.training.backend = previous.training.backend;
  }
  config.model.tower = info.modality === 'image' ? 'cnn' : info.modality === 'text' ? 'gru' : 'mlp';
  if (info.modality === 'points2d') {
    config.model.embeddingDim = 2;
    config.model.l2Normalize = false;
    config.model.mlp.hiddenUnits = [32, 32];
    config.objective.margin = 0.5;
  } else if (info.modality === 'tabular') {
    config.model.mlp.hiddenUnits = [64];
    config.model.embeddingDim = 16;
  } else {
    config.model.embeddingDim = 32;
  }
  if (info.kind === 'pairs') {
    const scored = info.traits.targetKind === 'score';
    config.objective.loss = scored ? 'cosine-regression' : 'contrastive';
    config.batch.mode = 'pairs';
    config.batch.size = 64;
    config.mining.miner = 'all';
    return config;
  }
  const classes = info.classNames.length;
  const perBatch = Math.max(2, Math.min(8, classes));
  const perClass = Math.max(2, Math.floor(64 / perBatch));
  config.batch.mode = 'pk';
  config.batch.classesPerBatch = perBatch;
  config.batch.size = perBatch * perClass;
  return config;
}

/** Immutable update of one group of the config (the form edits one field at a time). */
export function updateConfig<G extends keyof Omit<Config, 'seed'>>(
  config: Config,
  group: G,
  patch: Partial<Config[G]>,
): Config {
  return { ...config, [group]: { ...config[group], ...patch } };
}

/** One short sentence per choice, shown next to the objective, distance and miner selects. */
export const HELP = {
  loss: {
    contrastive: 'Pulls same-class pairs together and pushes different-class pairs at least a margin apart.',
    triplet: 'Makes each anchor closer to a same-class sample than to a different-class one, by a margin.',
    binary: 'A small head reads the two embeddings and predicts "same" or "different".',
    'cosine-regression': 'Makes the cosine of two embeddings match a similarity score.',
    infonce: 'Each anchor must pick out its positives among the whole batch (softmax over distances).',
  },
  distance: {
    euclidean: 'Straight-line distance between embeddings.',
    'squared-euclidean': 'Straight-line distance squared: far pairs count much more.',
    cosine: 'One minus the cosine of the angle: only direction matters, not length.',
    manhattan: 'Sum of the absolute differences along each axis.',
    mahalanobis: "Euclidean distance after whitening by the embeddings' covariance.",
  },
  miner: {
    all: 'Trains on every triplet that still violates the margin.',
    hard: 'Only triplets whose negative is closer than the positive.',
    'semi-hard': 'Negatives farther than the positive but still inside the margin: hard, yet stable.',
    easy: 'Only triplets already satisfied by the margin (to see that they teach little).',
    'batch-hard': 'For each anchor, its farthest positive and nearest negative in the batch.',
    random: 'Any valid triplets, picked at random.',
  },
} as const;
