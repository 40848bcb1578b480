/**
 * validate() field by field: every numeric option at and just past both ends of its documented range, every switch
 * and every named choice, the shape checks, the combinations that cannot work and the checks against a dataset's
 * traits, each with the exact sentence the user reads. The ranges below are the documented ones (the options panel
 * and the CLI's --help describe the same), written out here rather than read from the code under test.
 */
import { describe, expect, it } from 'vitest';
import {
  ACTIVATIONS,
  assertValid,
  BACKENDS,
  BATCH_MODES,
  type Config,
  ConfigError,
  type DatasetTraits,
  DEFAULT_CONFIG,
  type DeepPartial,
  DISTANCES,
  HEAD_COMBINES,
  LOSSES,
  makeConfig,
  MINERS,
  MINING_MODES,
  OPTIMIZERS,
  REDUCTIONS,
  TOWERS,
  validate,
} from '../../../src/core/config';

/** A default config with `value` written at a dotted path (`model.mlp.hiddenUnits[0]` indexes a list). */
function withValue(path: string, value: unknown, overrides: DeepPartial<Config> = {}): Config {
  const config = makeConfig(overrides) as unknown as Record<string, unknown>;
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node = config as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
  return config as unknown as Config;
}

const messagesAt = (config: Config, path: string, data?: DatasetTraits) =>
  validate(config, data)
    .filter((i) => i.path === path)
    .map((i) => i.message);

interface Range {
  path: string;
  min: number;
  max: number;
  integer?: boolean;
  minExclusive?: boolean;
}

const RANGES: Range[] = [
  { path: 'seed', min: 0, max: 4294967295, integer: true },
  { path: 'data.validationFraction', min: 0.05, max: 0.5 },
  { path: 'data.evalSamples', min: 10, max: 20000, integer: true },
  { path: 'data.splitRatio', min: 0.1, max: 0.9 },
  { path: 'data.unseenCount', min: 0, max: 1023, integer: true },
  { path: 'model.mlp.hiddenUnits[0]', min: 1, max: 4096, integer: true },
  { path: 'model.mlp.dropout', min: 0, max: 0.9 },
  { path: 'model.cnn.filters[1]', min: 1, max: 512, integer: true },
  { path: 'model.cnn.kernelSize', min: 1, max: 9, integer: true },
  { path: 'model.cnn.denseUnits', min: 0, max: 4096, integer: true },
  { path: 'model.cnn.dropout', min: 0, max: 0.9 },
  { path: 'model.recurrent.tokenEmbeddingDim', min: 1, max: 512, integer: true },
  { path: 'model.recurrent.units', min: 1, max: 1024, integer: true },
  { path: 'model.embeddingDim', min: 1, max: 1024, integer: true },
  { path: 'objective.margin', min: 0, max: 100, minExclusive: true },
  { path: 'objective.temperature', min: 0.01, max: 10 },
  { path: 'objective.mahalanobisRegularization', min: 0, max: 10, minExclusive: true },
  { path: 'batch.size', min: 2, max: 4096, integer: true },
  { path: 'batch.classesPerBatch', min: 2, max: 1024, integer: true },
  { path: 'batch.positiveFraction', min: 0.1, max: 0.9 },
  { path: 'optimizer.learningRate', min: 0, max: 10, minExclusive: true },
  { path: 'training.steps', min: 1, max: 10000000, integer: true },
  { path: 'training.evalEvery', min: 0, max: 10000000, integer: true },
  { path: 'training.threshold', min: 0, max: 1000000 },
];

/** The range sentence, as the options panel documents it. */
function rangeMessage(r: Range, value: unknown): string {
  const kind = r.integer ? 'a whole number' : 'a number';
  const lower = r.minExclusive ? `greater than ${r.min}` : `at least ${r.min}`;
  return `${r.path} is ${JSON.stringify(value)}; it must be ${kind} ${lower} and at most ${r.max}`;
}

describe('validate(): numeric ranges', () => {
  // The list fields get a second entry so that the index in the path is tested too.
  const base: DeepPartial<Config> = { model: { cnn: { filters: [16, 32] } } };

  for (const r of RANGES) {
    it(`${r.path}: in range at both ends, refused just outside, with the range in words`, () => {
      const rangeIssues = (v: unknown) =>
        messagesAt(withValue(r.path, v, base), r.path).filter((m) => m.includes('; it must be'));
      if (!r.minExclusive) expect(rangeIssues(r.min)).toEqual([]);
      expect(rangeIssues(r.max)).toEqual([]);
      const step = r.integer ? 1 : Math.min(1e-6, r.max / 1e6);
      const outside = [r.minExclusive ? r.min : r.min - step, r.max + step, Number.NaN, Number.POSITIVE_INFINITY, '1'];
      if (r.integer) outside.push(r.min + 0.5);
      for (const v of outside) expect(rangeIssues(v)).toEqual([rangeMessage(r, v)]);
    });
  }

  it('a non-integer field refuses NaN although NaN is neither below nor above its range', () => {
    expect(messagesAt(withValue('optimizer.learningRate', Number.NaN), 'optimizer.learningRate')).toEqual([
      'optimizer.learningRate is null; it must be a number greater than 0 and at most 10',
    ]);
  });

  it('training.threshold may be null (no threshold)', () => {
    expect(validate(makeConfig({ training: { threshold: null } }))).toEqual([]);
    expect(validate(makeConfig({ training: { threshold: 0.5 } }))).toEqual([]);
  });
});

describe('validate(): switches and named choices', () => {
  for (const path of [
    'data.splitInput',
    'model.mlp.batchNorm',
    'model.cnn.batchNorm',
    'model.l2Normalize',
    'objective.softMargin',
  ]) {
    it(`${path} must be true or false`, () => {
      expect(messagesAt(withValue(path, 'yes'), path)).toEqual([`${path} is "yes"; it must be true or false`]);
      expect(messagesAt(withValue(path, 0), path)).toEqual([`${path} is 0; it must be true or false`]);
      expect(messagesAt(withValue(path, false), path)).toEqual([]);
    });
  }

  const choices: [string, readonly string[]][] = [
    ['model.tower', TOWERS],
    ['model.mlp.activation', ACTIVATIONS],
    ['model.cnn.activation', ACTIVATIONS],
    ['objective.loss', LOSSES],
    ['objective.distance', DISTANCES],
    ['objective.reduction', REDUCTIONS],
    ['objective.headCombine', HEAD_COMBINES],
    ['mining.miner', MINERS],
    ['mining.mode', MINING_MODES],
    ['batch.mode', BATCH_MODES],
    ['optimizer.name', OPTIMIZERS],
    ['training.backend', BACKENDS],
  ];
  for (const [path, allowed] of choices) {
    it(`${path} names one of its choices and the message lists them`, () => {
      expect(messagesAt(withValue(path, 'nope'), path)).toEqual([`${path} is "nope"; allowed: ${allowed.join(', ')}`]);
      expect(messagesAt(withValue(path, 3), path)).toEqual([`${path} is 3; allowed: ${allowed.join(', ')}`]);
    });
  }
});

describe('validate(): shape', () => {
  it('refuses a non-object config and a missing or non-object group, naming it', () => {
    expect(validate(null as never)).toEqual([{ path: '', message: 'the configuration must be an object' }]);
    expect(validate([] as never)).toEqual([{ path: '', message: 'the configuration must be an object' }]);
    for (const group of ['data', 'model', 'objective', 'mining', 'batch', 'optimizer', 'training']) {
      const message = `${group} is missing; it must be an object`;
      expect(validate(withValue(group, undefined))).toEqual([{ path: group, message }]);
      expect(validate(withValue(group, []))).toEqual([{ path: group, message }]);
    }
  });

  it('needs model.mlp, model.cnn and model.recurrent each to be an object', () => {
    for (const part of ['mlp', 'cnn', 'recurrent']) {
      expect(messagesAt(withValue(`model.${part}`, 5), 'model')).toEqual([
        'model.mlp, model.cnn and model.recurrent must all be objects',
      ]);
    }
  });

  it('needs a dataset name that is not blank', () => {
    const message = ['data.dataset must name a built-in dataset or an upload'];
    for (const bad of ['', '   ', 5])
      expect(messagesAt(withValue('data.dataset', bad), 'data.dataset')).toEqual(message);
    expect(messagesAt(withValue('data.dataset', 'x'), 'data.dataset')).toEqual([]);
  });

  it('takes 0 to 6 hidden layers and 1 to 4 conv blocks', () => {
    const units = 'model.mlp.hiddenUnits';
    const unitsMessage = ['model.mlp.hiddenUnits must be a list of at most 6 layer widths'];
    expect(messagesAt(withValue(units, []), units)).toEqual([]);
    expect(messagesAt(withValue(units, [8, 8, 8, 8, 8, 8]), units)).toEqual([]);
    expect(messagesAt(withValue(units, [8, 8, 8, 8, 8, 8, 8]), units)).toEqual(unitsMessage);
    expect(messagesAt(withValue(units, 'wide'), units)).toEqual(unitsMessage);
    const filters = 'model.cnn.filters';
    const filtersMessage = ['model.cnn.filters must list 1 to 4 conv blocks'];
    expect(messagesAt(withValue(filters, [8]), filters)).toEqual([]);
    expect(messagesAt(withValue(filters, [8, 8, 8, 8]), filters)).toEqual([]);
    expect(messagesAt(withValue(filters, []), filters)).toEqual(filtersMessage);
    expect(messagesAt(withValue(filters, [8, 8, 8, 8, 8]), filters)).toEqual(filtersMessage);
    expect(messagesAt(withValue(filters, 'deep'), filters)).toEqual(filtersMessage);
  });

  it('checks the unseen-class list: a list of at most 1024 distinct ids, at least 2, not beside a count', () => {
    const path = 'data.unseenClasses';
    const listMessage = 'data.unseenClasses must be a list of class ids (at most 1024); [] holds out none';
    expect(messagesAt(withValue(path, 'all'), path)).toEqual([listMessage]);
    expect(
      messagesAt(
        withValue(
          path,
          Array.from({ length: 1025 }, (_, i) => i),
        ),
        path,
      ),
    ).toEqual([listMessage]);
    expect(
      messagesAt(
        withValue(
          path,
          Array.from({ length: 1024 }, (_, i) => i),
        ),
        path,
      ),
    ).toEqual([]);
    expect(messagesAt(withValue(path, [3, 3]), path)).toEqual([
      'data.unseenClasses names a class more than once (3, 3)',
    ]);
    expect(messagesAt(withValue(path, [4]), path)).toEqual([
      'data.unseenClasses holds out one class (4); retrieval among unseen classes needs at least 2',
    ]);
    expect(messagesAt(withValue(path, [1, 1.5]), 'data.unseenClasses[1]')).toEqual([
      'data.unseenClasses[1] is 1.5; it must be a whole number at least 0 and at most 1023',
    ]);
    expect(messagesAt(makeConfig({ data: { unseenCount: 1 } }), 'data.unseenCount')).toEqual([
      'data.unseenCount is 1; retrieval among unseen classes needs at least 2 (0 turns the protocol off)',
    ]);
    expect(messagesAt(makeConfig({ data: { unseenClasses: [1, 2], unseenCount: 2 } }), 'data.unseenCount')).toEqual([
      'hold out classes either by list (data.unseenClasses) or by count (data.unseenCount), not both',
    ]);
    expect(validate(makeConfig({ data: { unseenClasses: [1, 2], unseenCount: 0 } }))).toEqual([]);
    // A malformed list or count gets its own message, not also the list-and-count one.
    expect(validate(withValue('data.unseenCount', '2', { data: { unseenClasses: [1, 2] } }))).toEqual([
      {
        path: 'data.unseenCount',
        message: 'data.unseenCount is "2"; it must be a whole number at least 0 and at most 1023',
      },
    ]);
    expect(validate(makeConfig({ data: { unseenClasses: [], unseenCount: 2 } }))).toEqual([]);
  });
});

describe('validate(): combinations that cannot work', () => {
  const only = (overrides: DeepPartial<Config>, data?: DatasetTraits) => validate(makeConfig(overrides), data);

  it('a margin beyond the largest possible distance, per distance and normalisation', () => {
    expect(only({ objective: { distance: 'cosine', margin: 2 } })).toEqual([]);
    expect(only({ objective: { distance: 'cosine', margin: 2.5 } })).toEqual([
      {
        path: 'objective.margin',
        message: 'cosine distance lies in [0, 2], so a margin of 2.5 can never be met; use a margin of at most 2',
      },
    ]);
    // InfoNCE has no margin, so its (unused) margin is not checked.
    expect(only({ objective: { loss: 'infonce', distance: 'cosine', margin: 3 } })).toEqual([]);
    expect(only({ objective: { margin: 2 } })).toEqual([]);
    expect(only({ objective: { margin: 3 } })).toEqual([
      {
        path: 'objective.margin',
        message:
          'L2-normalised embeddings are at most 2 apart, so a margin of 3 can never be met; use a margin of at most 2 or turn off L2 normalisation',
      },
    ]);
    expect(only({ objective: { margin: 3 }, model: { l2Normalize: false } })).toEqual([]);
    // Past 4 as well, the Euclidean case says only its own bound.
    expect(only({ objective: { margin: 5 } }).map((i) => i.message)).toEqual([
      'L2-normalised embeddings are at most 2 apart, so a margin of 5 can never be met; use a margin of at most 2 or turn off L2 normalisation',
    ]);
    expect(only({ objective: { distance: 'manhattan', margin: 3 } })).toEqual([]);
    expect(only({ objective: { distance: 'squared-euclidean', margin: 4 } })).toEqual([]);
    expect(only({ objective: { distance: 'squared-euclidean', margin: 4.5 } })).toEqual([
      {
        path: 'objective.margin',
        message:
          'L2-normalised embeddings are at most 4 apart in squared distance, so a margin of 4.5 can never be met',
      },
    ]);
    expect(only({ objective: { distance: 'squared-euclidean', margin: 4.5 }, model: { l2Normalize: false } })).toEqual(
      [],
    );
    expect(
      only({ objective: { loss: 'infonce', distance: 'squared-euclidean', margin: 4.5, temperature: 0.1 } }),
    ).toEqual([]);
  });

  it('are only judged once every field is valid', () => {
    expect(only({ optimizer: { learningRate: -1 }, objective: { margin: 3 } }).map((i) => i.path)).toEqual([
      'optimizer.learningRate',
    ]);
  });

  it('a P×K batch needs K = size / classes to be a whole number of at least 2', () => {
    expect(only({ batch: { size: 16, classesPerBatch: 8 } })).toEqual([]);
    expect(only({ batch: { size: 8, classesPerBatch: 8 } })).toEqual([
      {
        path: 'batch.size',
        message:
          'a P×K batch of 8 samples over 8 classes gives K = 1; batch.size must be a multiple of batch.classesPerBatch with at least 2 samples per class',
      },
    ]);
    expect(only({ batch: { mode: 'pairs', size: 60 }, objective: { loss: 'contrastive' } })).toEqual([]);
  });

  it('batch modes against mining modes and losses, each in its own words', () => {
    expect(only({ mining: { mode: 'offline' } })).toEqual([
      {
        path: 'mining.mode',
        message:
          'offline mining picks pairs or triplets once per epoch, so it needs batch.mode "pairs" or "triplets"; online mining is the one that uses P×K batches',
      },
    ]);
    expect(only({ mining: { mode: 'offline' }, batch: { mode: 'triplets' } })).toEqual([]);
    expect(only({ batch: { mode: 'triplets' } })).toEqual([]);
    for (const loss of ['contrastive', 'infonce'] as const) {
      expect(only({ objective: { loss }, batch: { mode: 'triplets' } })).toEqual([
        { path: 'batch.mode', message: `the ${loss} loss does not take triplets; use batch.mode "pk" or "pairs"` },
      ]);
    }
    expect(only({ batch: { mode: 'pairs' } })).toEqual([
      {
        path: 'batch.mode',
        message:
          'the triplet loss needs anchors, positives and negatives; use batch.mode "pk" (online mining) or "triplets"',
      },
    ]);
    expect(only({ objective: { loss: 'infonce' }, batch: { mode: 'pairs' } })).toEqual([
      {
        path: 'batch.mode',
        message:
          'InfoNCE contrasts each anchor with the rest of its batch; use batch.mode "pk" so that every anchor has positives',
      },
    ]);
    // Split-input pairs the two halves of each sample, so InfoNCE on pairs is the split-input recipe.
    expect(only({ objective: { loss: 'infonce' }, batch: { mode: 'pairs' }, data: { splitInput: true } })).toEqual([]);
  });

  it('split-input refuses a CNN and held-out classes', () => {
    expect(only({ data: { splitInput: true }, model: { tower: 'cnn' } })).toEqual([
      {
        path: 'data.splitInput',
        message:
          'split-input cuts each sample into two feature vectors, which a CNN cannot take as images; use the MLP or a recurrent tower',
      },
    ]);
    expect(only({ data: { splitInput: true, unseenCount: 2 } })).toEqual([
      {
        path: 'data.unseenClasses',
        message:
          'split-input measures whether two halves belong to one sample, not classes; turn off split-input to hold out classes',
      },
    ]);
  });
});

describe('validate(config, traits): against the dataset', () => {
  const TEN: DatasetTraits = { kind: 'labelled', modality: 'image', numClasses: 10 };
  const tabular = (numClasses?: number): DatasetTraits => ({ kind: 'labelled', modality: 'tabular', numClasses });
  const binaryPairs: DatasetTraits = { kind: 'pairs', modality: 'tabular', targetKind: 'binary' };
  const check = (overrides: DeepPartial<Config>, data: DatasetTraits) => validate(makeConfig(overrides), data);

  it('towers against the modality', () => {
    expect(check({ model: { tower: 'cnn' } }, tabular(8))).toEqual([
      {
        path: 'model.tower',
        message: 'a CNN tower needs images, but this dataset holds tabular data; use the MLP tower',
      },
    ]);
    expect(check({ model: { tower: 'cnn' } }, TEN)).toEqual([]);
    expect(check({ model: { tower: 'lstm' } }, tabular(8))).toEqual([
      {
        path: 'model.tower',
        message: 'an LSTM tower reads sequences, but this dataset holds tabular data; use the MLP tower',
      },
    ]);
    expect(check({ model: { tower: 'gru' } }, TEN)).toEqual([
      {
        path: 'model.tower',
        message: 'a GRU tower reads sequences, but this dataset holds image data; use the MLP or CNN tower',
      },
    ]);
    expect(check({ model: { tower: 'lstm' } }, { kind: 'labelled', modality: 'text', numClasses: 8 })).toEqual([]);
    expect(check({ model: { tower: 'gru' } }, { kind: 'labelled', modality: 'sequence', numClasses: 8 })).toEqual([]);
    expect(check({}, { kind: 'labelled', modality: 'text', numClasses: 8 })).toEqual([]);
  });

  it('a pair file: pair losses, pair batches, no split-input, cosine regression for scores', () => {
    expect(check({}, binaryPairs)).toEqual([
      {
        path: 'objective.loss',
        message:
          'a pair file has no class labels, so the triplet loss cannot form its batches; use contrastive, binary or cosine-regression',
      },
      { path: 'batch.mode', message: 'a pair file provides its pairs ready-made; use batch.mode "pairs"' },
    ]);
    const pairRun: DeepPartial<Config> = { objective: { loss: 'contrastive' }, batch: { mode: 'pairs' } };
    expect(check(pairRun, binaryPairs)).toEqual([]);
    expect(check({ ...pairRun, data: { splitInput: true } }, binaryPairs)).toEqual([
      {
        path: 'data.splitInput',
        message: 'split-input needs whole samples to cut in two; a pair file is already pairs',
      },
    ]);
    expect(check(pairRun, { ...binaryPairs, targetKind: 'score' })).toEqual([
      {
        path: 'objective.loss',
        message: 'this pair file holds similarity scores, not 0/1 labels; use the cosine-regression loss',
      },
    ]);
  });

  it('class counts: at least 2 in the data, and no more per batch than training has', () => {
    const tooFew = [{ path: 'data.dataset', message: 'metric learning needs at least 2 classes in the data' }];
    expect(check({}, tabular(1))).toEqual(tooFew);
    expect(check({}, tabular(undefined))).toEqual(tooFew);
    expect(check({ batch: { size: 4, classesPerBatch: 2 } }, tabular(2))).toEqual([]);
    expect(check({}, tabular(8))).toEqual([]);
    expect(check({}, tabular(7))).toEqual([
      {
        path: 'batch.classesPerBatch',
        message: 'the dataset has 7 classes, so a batch cannot hold 8; use at most 7',
      },
    ]);
    expect(check({ data: { unseenCount: 3 } }, TEN)).toEqual([
      {
        path: 'batch.classesPerBatch',
        message:
          "3 of the dataset's 10 classes are held out as unseen, so training has 7 and a batch cannot hold 8; use at most 7",
      },
    ]);
    // Only a P×K batch draws whole classes; split-input does not use classes at all.
    expect(check({ objective: { loss: 'contrastive' }, batch: { mode: 'pairs' } }, tabular(3))).toEqual([]);
    expect(check({ data: { splitInput: true } }, tabular(1))).toEqual([]);
  });

  it('held-out classes must exist and leave at least 2 to train on', () => {
    expect(check({ data: { unseenClasses: [9, 10] }, batch: { classesPerBatch: 4 } }, TEN)).toEqual([
      {
        path: 'data.unseenClasses',
        message: 'the dataset has classes 0..9, so it has no class 10 to hold out',
      },
    ]);
    expect(check({ data: { unseenClasses: [10, 11] }, batch: { classesPerBatch: 4 } }, TEN)).toEqual([
      {
        path: 'data.unseenClasses',
        message: 'the dataset has classes 0..9, so it has no class 10, 11 to hold out',
      },
    ]);
    expect(check({ data: { unseenCount: 8 }, batch: { classesPerBatch: 2 } }, TEN)).toEqual([]);
    expect(
      messagesAt(makeConfig({ data: { unseenCount: 9 }, batch: { classesPerBatch: 2 } }), 'data.unseenCount', TEN),
    ).toEqual(['holding out 9 of 10 classes leaves 1 to train on; at least 2 must stay seen']);
    const pairRun: DeepPartial<Config> = { objective: { loss: 'contrastive' }, batch: { mode: 'pairs' } };
    const noClasses = 'a pair file has no classes to hold out; the unseen-class protocol needs labelled samples';
    expect(messagesAt(makeConfig({ ...pairRun, data: { unseenCount: 2 } }), 'data.unseenCount', binaryPairs)).toEqual([
      noClasses,
    ]);
    expect(
      messagesAt(makeConfig({ ...pairRun, data: { unseenClasses: [0, 1] } }), 'data.unseenClasses', binaryPairs),
    ).toEqual([noClasses]);
  });
});

describe('makeConfig', () => {
  it('replaces a list wholesale rather than merging it entry by entry', () => {
    const base = makeConfig({ model: { mlp: { hiddenUnits: [128, 64] } } });
    expect(makeConfig({ model: { mlp: { hiddenUnits: [8] } } }, base).model.mlp.hiddenUnits).toEqual([8]);
  });

  it('keeps a value of the wrong kind as given, so that validate() can name it', () => {
    const config = makeConfig({ model: { mlp: 5 as never } });
    expect(config.model.mlp).toBe(5);
    expect(messagesAt(config, 'model')).toEqual(['model.mlp, model.cnn and model.recurrent must all be objects']);
    expect(makeConfig({ training: { threshold: 0.7 } }).training.threshold).toBe(0.7);
    expect(
      makeConfig({ training: { threshold: null } }, makeConfig({ training: { threshold: 0.7 } })).training.threshold,
    ).toBe(null);
  });

  it('skips undefined values and keys that would reach a prototype', () => {
    const parsed = JSON.parse(
      '{"seed": 3, "__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "prototype": {"x": 1}, "data": {"__proto__": {"polluted": 1}}}',
    );
    const config = makeConfig(parsed);
    expect(config.seed).toBe(3);
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(config.data)).toBe(Object.prototype);
    expect(Object.hasOwn(config, 'constructor')).toBe(false);
    expect(Object.hasOwn(config, 'prototype')).toBe(false);
    expect((config as unknown as { polluted?: number }).polluted).toBeUndefined();
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
    const skipped = makeConfig({ seed: undefined, extra: undefined } as never);
    expect(skipped.seed).toBe(DEFAULT_CONFIG.seed);
    expect('extra' in skipped).toBe(false);
    // A key the defaults lack is copied, not shared.
    const added = { list: [1] };
    const withExtra = makeConfig({ extra: added } as never) as unknown as { extra: { list: number[] } };
    added.list.push(2);
    expect(withExtra.extra).toEqual({ list: [1] });
  });
});

describe('assertValid', () => {
  it('passes a valid config and throws a ConfigError whose message joins every issue', () => {
    expect(() => assertValid(makeConfig())).not.toThrow();
    const bad = makeConfig({ optimizer: { learningRate: 0 }, model: { embeddingDim: 0 } });
    let caught: unknown;
    try {
      assertValid(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe(
      'model.embeddingDim is 0; it must be a whole number at least 1 and at most 1024; ' +
        'optimizer.learningRate is 0; it must be a number greater than 0 and at most 10',
    );
  });
});
