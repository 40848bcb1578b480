import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, makeConfig, validate, assertValid, ConfigError, type Config } from '../../../src/core/config';

const paths = (c: Config, data?: Parameters<typeof validate>[1]) => validate(c, data).map((i) => i.path);

describe('config', () => {
  it('the defaults are valid and match the CLI recipe (MLP 784→128→64, L2, 8×8 batches, Adam 1e-3)', () => {
    expect(validate(makeConfig())).toEqual([]);
    const c = makeConfig();
    expect(c.model.mlp.hiddenUnits).toEqual([128]);
    expect(c.model.embeddingDim).toBe(64);
    expect(c.model.l2Normalize).toBe(true);
    expect([c.batch.size, c.batch.classesPerBatch]).toEqual([64, 8]);
    expect([c.optimizer.name, c.optimizer.learningRate]).toEqual(['adam', 1e-3]);
  });

  it('makeConfig merges group by group and never mutates the defaults', () => {
    const c = makeConfig({ objective: { margin: 0.5 }, model: { mlp: { hiddenUnits: [32, 16] } } });
    expect(c.objective.margin).toBe(0.5);
    expect(c.objective.loss).toBe(DEFAULT_CONFIG.objective.loss);
    expect(c.model.mlp.hiddenUnits).toEqual([32, 16]);
    expect(c.model.mlp.activation).toBe('relu');
    c.model.mlp.hiddenUnits.push(8);
    expect(DEFAULT_CONFIG.model.mlp.hiddenUnits).toEqual([128]);
  });

  it('unknown names list what is allowed', () => {
    const issues = validate(makeConfig({ objective: { loss: 'hinge' as never } }));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('objective.loss');
    expect(issues[0].message).toContain('"hinge"');
    expect(issues[0].message).toContain('contrastive, triplet, binary, cosine-regression, infonce');
    expect(validate(makeConfig({ mining: { miner: 'hardest' as never } }))[0].message).toContain('semi-hard');
    expect(validate(makeConfig({ objective: { distance: 'chebyshev' as never } }))[0].message).toContain('mahalanobis');
  });

  it('numbers out of range say the allowed range', () => {
    const [lr] = validate(makeConfig({ optimizer: { learningRate: -1 } }));
    expect(lr.path).toBe('optimizer.learningRate');
    expect(lr.message).toMatch(/greater than 0/);
    const [units] = validate(makeConfig({ model: { mlp: { hiddenUnits: [128, 2.5] } } }));
    expect(units.path).toBe('model.mlp.hiddenUnits[1]');
    expect(units.message).toMatch(/whole number/);
    expect(paths(makeConfig({ model: { embeddingDim: 0 } }))).toEqual(['model.embeddingDim']);
    expect(paths(makeConfig({ data: { splitRatio: 0.95 } }))).toEqual(['data.splitRatio']);
    expect(paths(makeConfig({ seed: NaN }))).toEqual(['seed']);
    const [evalSamples] = validate(makeConfig({ data: { evalSamples: 50_000 } }));
    expect(evalSamples.path).toBe('data.evalSamples');
    expect(evalSamples.message).toMatch(/at most 20000/);
    expect(validate(makeConfig({ data: { evalSamples: 20_000 } }))).toEqual([]);
  });

  it('explains combinations that cannot work', () => {
    expect(validate(makeConfig({ batch: { size: 60, classesPerBatch: 8 } }))[0].message).toMatch(
      /multiple of batch.classesPerBatch/,
    );
    expect(validate(makeConfig({ objective: { distance: 'cosine', margin: 3 } }))[0].message).toMatch(
      /cosine distance lies in \[0, 2\]/,
    );
    expect(validate(makeConfig({ objective: { margin: 2.5 } }))[0].message).toMatch(/L2-normalised/);
    expect(paths(makeConfig({ objective: { loss: 'triplet' }, batch: { mode: 'pairs' } }))).toEqual(['batch.mode']);
    expect(paths(makeConfig({ objective: { loss: 'contrastive' }, batch: { mode: 'triplets' } }))).toEqual([
      'batch.mode',
    ]);
    expect(paths(makeConfig({ mining: { mode: 'offline' } }))).toEqual(['mining.mode']);
    expect(paths(makeConfig({ data: { splitInput: true }, model: { tower: 'cnn' } }))).toEqual(['data.splitInput']);
  });

  it('checks the config against the data it will train on', () => {
    const c = makeConfig({ model: { tower: 'cnn' } });
    const tabular = { kind: 'labelled' as const, modality: 'tabular' as const, numClasses: 3 };
    expect(
      validate(c, tabular)
        .map((i) => i.message)
        .join(),
    ).toMatch(/CNN tower needs images/);
    expect(validate(makeConfig({ model: { tower: 'gru' } }), tabular)[0].message).toMatch(/GRU tower reads sequences/);
    expect(validate(makeConfig(), tabular)[0].message).toMatch(/has 3 classes, so a batch cannot hold 8/);
    expect(validate(makeConfig(), { kind: 'labelled', modality: 'tabular', numClasses: 1 })[0].message).toMatch(
      /at least 2 classes/,
    );
    const pairs = { kind: 'pairs' as const, modality: 'text' as const, targetKind: 'score' as const };
    const msgs = validate(makeConfig({ objective: { loss: 'contrastive' }, batch: { mode: 'pairs' } }), pairs).map(
      (i) => i.message,
    );
    expect(msgs.join()).toMatch(/similarity scores, not 0\/1 labels/);
    expect(validate(makeConfig({ objective: { loss: 'cosine-regression' }, batch: { mode: 'pairs' } }), pairs)).toEqual(
      [],
    );
  });

  it('assertValid throws one error carrying every issue', () => {
    const bad = makeConfig({ optimizer: { learningRate: 0 }, model: { embeddingDim: -1 } });
    expect(() => assertValid(bad)).toThrow(ConfigError);
    try {
      assertValid(bad);
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.path).sort()).toEqual([
        'model.embeddingDim',
        'optimizer.learningRate',
      ]);
    }
  });
});
