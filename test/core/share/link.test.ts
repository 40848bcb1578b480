import { describe, expect, it } from 'vitest';
import { makeConfig, MINERS, validate, type Config } from '../../../src/core/config';
import { BUILTIN_DATASETS } from '../../../src/core/data/builtin';
import { Rng } from '../../../src/core/rng';
import { defaultConfigFor, LINK_FIELDS, parseLink, serialiseLink } from '../../../src/core/share/link';

const traitsOf = (dataset: string) => {
  const info = BUILTIN_DATASETS.find((b) => b.name === dataset)!;
  return { kind: 'labelled' as const, modality: info.modality, numClasses: info.numClasses };
};

describe('serialiseLink', () => {
  it("writes the dataset, the seed and only the fields that differ from the dataset's defaults", () => {
    expect(serialiseLink({ dataset: 'moons', seed: 1, config: defaultConfigFor('moons') })).toBe(
      '?dataset=moons&seed=1',
    );
    const config = defaultConfigFor('moons');
    config.objective.margin = 0.3;
    config.mining.miner = 'semi-hard';
    config.model.mlp.hiddenUnits = [64, 32];
    config.seed = 7;
    expect(serialiseLink({ dataset: 'moons', seed: 7, config })).toBe(
      '?dataset=moons&seed=7&hidden=64,32&margin=0.3&miner=semi-hard',
    );
    expect(serialiseLink({ dataset: 'moons', seed: 7, config, lesson: 'margins-101', classroom: true })).toBe(
      '?dataset=moons&seed=7&hidden=64,32&margin=0.3&miner=semi-hard&lesson=margins-101&classroom=1',
    );
  });

  it('writes booleans as 1/0, a best threshold as "best", and never the backend', () => {
    const config = defaultConfigFor('iris');
    config.model.l2Normalize = !config.model.l2Normalize;
    config.training.threshold = 0.25;
    config.training.backend = 'wasm';
    const link = serialiseLink({ dataset: 'iris', seed: 3, config });
    expect(link).toBe(`?dataset=iris&seed=3&l2=${config.model.l2Normalize ? 1 : 0}&threshold=0.25`);
  });

  it('refuses uploads: their data cannot travel in a URL', () => {
    expect(() =>
      serialiseLink({ dataset: 'upload:my.csv', seed: 1, config: makeConfig({ data: { dataset: 'upload:my.csv' } }) }),
    ).toThrow(
      'only built-in datasets can be shared in a link; "upload:my.csv" is not one (export the experiment instead)',
    );
  });
});

describe('parseLink', () => {
  it("round-trips every built-in's defaults and random valid changes, with no problems", () => {
    const rng = new Rng(5);
    let checked = 0;
    for (const b of BUILTIN_DATASETS) {
      for (let trial = 0; trial < 25; trial++) {
        const config: Config = defaultConfigFor(b.name);
        config.seed = rng.int(100_000);
        if (trial > 0) {
          config.objective.margin = Math.round(rng.uniform(0, 1) * 150 + 1) / 100;
          config.mining.miner = rng.pick(MINERS);
          config.optimizer.learningRate = [1e-4, 3e-4, 1e-3, 0.01][rng.int(4)];
          config.model.embeddingDim = 2 + rng.int(60);
          config.objective.temperature = 0.05 + rng.int(10) / 10;
          if (b.modality !== 'image' && rng.uniform(0, 1) < 0.5)
            config.model.mlp.hiddenUnits = [8 + rng.int(50), 4 + rng.int(20)];
          if (rng.uniform(0, 1) < 0.3) config.training.threshold = rng.uniform(0, 1);
        }
        if (validate(config, traitsOf(b.name)).length > 0) continue;
        const link = serialiseLink({ dataset: b.name, seed: config.seed, config });
        const { value, problems } = parseLink(link);
        expect(problems, link).toEqual([]);
        expect(value.dataset).toBe(b.name);
        expect(value.seed).toBe(config.seed);
        expect(value.config).toEqual(config);
        expect(value.hasSetup).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('restores a typical shared link: non-default margin, miner and seed', () => {
    const { value, problems } = parseLink('?dataset=fashion-mnist&seed=42&margin=0.35&miner=semi-hard');
    expect(problems).toEqual([]);
    expect(value.config.objective.margin).toBe(0.35);
    expect(value.config.mining.miner).toBe('semi-hard');
    expect(value.config.seed).toBe(42);
    expect(value.config).toEqual(
      makeConfig(
        { seed: 42, objective: { margin: 0.35 }, mining: { miner: 'semi-hard' } },
        defaultConfigFor('fashion-mnist'),
      ),
    );
  });

  it('reports unknown keys, bad names and values that are not numbers, and keeps the defaults for them', () => {
    const { value, problems } = parseLink('?dataset=moons&colour=red&miner=hardest&margin=abc&l2=maybe&hidden=12,x');
    const defaults = defaultConfigFor('moons');
    expect(problems).toEqual([
      '"colour" is not a setting links know; it was ignored',
      '"hidden=12,x" must be whole numbers separated by commas, e.g. 128,64; the default (32,32) is used',
      '"l2=maybe" must be 1 (on) or 0 (off); the default (0) is used',
      '"margin=abc" is not a decimal number; the default (0.5) is used',
      '"miner=hardest" is not a known miner; allowed: all, hard, semi-hard, easy, batch-hard, random; the default (all) is used',
    ]);
    expect(value.config).toEqual(defaults);
  });

  it("reports out-of-range numbers with validate()'s explanation, and keeps the defaults", () => {
    const { value, problems } = parseLink('?dataset=digits&seed=-4&margin=500&lr=0&dim=2000&hidden=64,0');
    expect(problems).toEqual([
      '"seed=-4" cannot be used: seed is -4; it must be a whole number at least 0 and at most 4294967295; the default (1) is used',
      '"hidden=64,0" cannot be used: model.mlp.hiddenUnits[1] is 0; it must be a whole number at least 1 and at most 4096; the default (' +
        defaultConfigFor('digits').model.mlp.hiddenUnits.join(',') +
        ') is used',
      '"dim=2000" cannot be used: model.embeddingDim is 2000; it must be a whole number at least 1 and at most 1024; the default (' +
        defaultConfigFor('digits').model.embeddingDim +
        ') is used',
      '"margin=500" cannot be used: objective.margin is 500; it must be a number greater than 0 and at most 100; the default (' +
        defaultConfigFor('digits').objective.margin +
        ') is used',
      '"lr=0" cannot be used: optimizer.learningRate is 0; it must be a number greater than 0 and at most 10; the default (0.001) is used',
    ]);
    expect(value.config).toEqual(defaultConfigFor('digits'));
    expect(validate(value.config, traitsOf('digits'))).toEqual([]);
  });

  it('reports combinations that cannot work, including clashes with defaults the link did not set', () => {
    // Fashion-MNIST's default P×K batch is 64 samples over 8 classes; 7 classes do not divide 64.
    const clash = parseLink('?dataset=fashion-mnist&classes=7&margin=0.4');
    expect(clash.problems).toEqual([
      '"classes=7" cannot be used: a P×K batch of 64 samples over 7 classes gives K = 9.142857142857142; batch.size must be a multiple of batch.classesPerBatch with at least 2 samples per class; the default (8) is used',
    ]);
    expect(clash.value.config.objective.margin).toBe(0.4);
    expect(clash.value.config.batch.classesPerBatch).toBe(8);
    // A CNN tower on 2-D points: the tower is blamed.
    const cnn = parseLink('?dataset=moons&tower=cnn');
    expect(cnn.problems).toHaveLength(1);
    expect(cnn.problems[0]).toMatch(
      /^"tower=cnn" cannot be used: a CNN tower needs images, but this dataset holds points2d data; use the MLP tower; the default \(mlp\) is used$/,
    );
    expect(cnn.value.config.model.tower).toBe('mlp');
    // More classes per batch than the dataset has.
    const iris = parseLink('?dataset=iris&classes=5&batchSize=20');
    expect(iris.problems.join(' ')).toMatch(/the dataset has 3 classes, so a batch cannot hold 5/);
    expect(validate(iris.value.config, traitsOf('iris'))).toEqual([]);
  });

  it('reports an unknown dataset and uses the default one', () => {
    const { value, problems } = parseLink('?dataset=mnist&seed=3');
    expect(problems).toEqual([
      `"dataset=mnist" is not a built-in dataset; allowed: ${BUILTIN_DATASETS.map((b) => b.name).join(', ')}. fashion-mnist is used`,
    ]);
    expect(value.dataset).toBe('fashion-mnist');
    expect(value.config.data.dataset).toBe('fashion-mnist');
    expect(value.seed).toBe(3);
  });

  it('reads lesson, classroom, backend and debug; repeated keys are reported', () => {
    const { value, problems } = parseLink('?backend=wasm&debug=1&lesson=mining-intro&classroom=1&seed=5&seed=6');
    expect(problems).toEqual(['"seed" appears more than once in the link; the first value (5) is used']);
    expect(value).toMatchObject({
      backend: 'wasm',
      debug: true,
      lesson: 'mining-intro',
      classroom: true,
      seed: 5,
      hasSetup: true,
    });
    expect(value.config.training.backend).toBe('wasm');
    const plain = parseLink('?backend=wasm&debug=1');
    expect(plain.problems).toEqual([]);
    expect(plain.value.hasSetup).toBe(false);
    expect(plain.value.config).toEqual({
      ...defaultConfigFor('fashion-mnist'),
      training: { ...defaultConfigFor('fashion-mnist').training, backend: 'wasm' },
    });
    expect(parseLink('?backend=gpu').problems).toEqual([
      '"backend=gpu" is not a known backend; allowed: auto, webgl, wasm, cpu; the default (auto) is used',
    ]);
    expect(parseLink('?classroom=yes').problems).toEqual(['"classroom=yes" must be 1 (on) or 0 (off); it was ignored']);
    expect(parseLink('').value.hasSetup).toBe(false);
    expect(parseLink('?tour=1', ['tour']).problems).toEqual([]);
  });

  it('never trusts the URL: whatever the query, the configuration passes validate()', () => {
    const rng = new Rng(11);
    const keys = [...LINK_FIELDS.map((f) => f.key), 'dataset', 'seed', 'backend', 'junk'];
    const values = [
      '0',
      '1',
      '-1',
      '2',
      '7',
      '64',
      '1e9',
      'NaN',
      'Infinity',
      '',
      'abc',
      '0.5',
      '3.7',
      'best',
      'cnn',
      'lstm',
      'pairs',
      'offline',
      'hard',
      'moons',
      'typo-words',
      '1,2,3',
      '9999',
      '0.01',
    ];
    for (let trial = 0; trial < 300; trial++) {
      const parts = Array.from(
        { length: 1 + rng.int(8) },
        () => `${rng.pick(keys)}=${encodeURIComponent(rng.pick(values))}`,
      );
      const { value } = parseLink(`?${parts.join('&')}`);
      expect(validate(value.config, traitsOf(value.dataset)), parts.join('&')).toEqual([]);
      expect(value.config.data.dataset).toBe(value.dataset);
      expect(value.seed).toBe(value.config.seed);
    }
  });
});
