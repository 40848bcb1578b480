import { describe, expect, it } from 'vitest';
import { makeConfig, validate } from '../../src/core/config';
import {
  configForBuiltin,
  configForUpload,
  formatUnitList,
  parseNumberField,
  parseUnitList,
  loadedTraits,
  updateConfig,
} from '../../src/ui/state/configForm';
import type { DatasetInfo } from '../../src/worker/protocol';

/** An upload's info; a labelled one's traits as the worker reads them (pair files name their target kind). */
const upload = (over: Partial<DatasetInfo>): DatasetInfo => {
  const info = {
    name: 'upload:x',
    title: 'x',
    description: '',
    kind: 'labelled' as const,
    modality: 'tabular' as const,
    numSamples: 100,
    featureShape: [5],
    classNames: ['a', 'b', 'c'],
    ...over,
  };
  return {
    traits: {
      kind: info.kind,
      modality: info.modality,
      numClasses: info.classNames.length,
      featureShape: info.featureShape,
    },
    ...info,
  };
};

describe('config form helpers', () => {
  it('parses comma-separated layer widths', () => {
    expect(parseUnitList('128, 64')).toEqual({ ok: true, value: [128, 64] });
    expect(parseUnitList(' 32 ')).toEqual({ ok: true, value: [32] });
    expect(parseUnitList('')).toEqual({ ok: true, value: [] });
    const bad = parseUnitList('128, x');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain('"x"');
    expect(parseUnitList('0').ok).toBe(false);
    expect(parseUnitList('1.5').ok).toBe(false);
    expect(formatUnitList([128, 64])).toBe('128, 64');
  });

  it('parses numbers', () => {
    expect(parseNumberField('0.001', 'Learning rate')).toEqual({ ok: true, value: 0.001 });
    expect(parseNumberField('', 'Margin')).toEqual({ ok: false, message: 'Margin must be a number' });
    expect(parseNumberField('abc', 'Margin').ok).toBe(false);
  });

  it('starts a built-in from its suggested config, keeping seed and backend', () => {
    const previous = makeConfig({ seed: 7, training: { backend: 'cpu' } });
    const c = configForBuiltin('iris', previous);
    expect(c.data.dataset).toBe('iris');
    expect(c.batch.classesPerBatch).toBe(3);
    expect(c.seed).toBe(7);
    expect(c.training.backend).toBe('cpu');
    expect(validate(c, { kind: 'labelled', modality: 'tabular', numClasses: 3 })).toEqual([]);
  });

  it('makes a valid config for uploads of each kind', () => {
    const cases: DatasetInfo[] = [
      upload({}),
      upload({
        modality: 'image',
        featureShape: [28, 28, 1],
        classNames: Array.from({ length: 12 }, (_, i) => `${i}`),
      }),
      upload({ modality: 'text', featureShape: [40], classNames: ['pos', 'neg'] }),
      upload({ modality: 'points2d', featureShape: [2] }),
      upload({
        kind: 'pairs',
        classNames: ['different', 'same'],
        traits: { kind: 'pairs', modality: 'tabular', featureShape: [5], targetKind: 'binary' },
        upload: { format: 'pair-csv', samples: 10, classes: 2, shape: [5], notes: [] },
      }),
      upload({
        kind: 'pairs',
        classNames: [],
        traits: { kind: 'pairs', modality: 'tabular', featureShape: [5], targetKind: 'score' },
        upload: { format: 'pair-csv', samples: 10, classes: 0, shape: [5], notes: [] },
      }),
    ];
    for (const info of cases) {
      const c = configForUpload(info);
      expect(c.data.dataset).toBe('upload:x');
      expect(validate(c, loadedTraits(info)), info.modality + info.kind).toEqual([]);
    }
    expect(configForUpload(cases[1]).model.tower).toBe('cnn');
    expect(configForUpload(cases[1]).batch.classesPerBatch).toBe(8);
    expect(configForUpload(cases[2]).batch.classesPerBatch).toBe(2);
    expect(configForUpload(cases[2]).model.tower).toBe('gru');
    expect(configForUpload(cases[5]).objective.loss).toBe('cosine-regression');
    // The loss follows the target kind core read off the file (traits), not the upload summary's class count.
    expect(configForUpload({ ...cases[5], upload: undefined }).objective.loss).toBe('cosine-regression');
    expect(configForUpload({ ...cases[4], upload: undefined }).objective.loss).toBe('contrastive');
  });

  it('updates one group without touching the original', () => {
    const c = makeConfig();
    const d = updateConfig(c, 'objective', { margin: 0.7 });
    expect(d.objective.margin).toBe(0.7);
    expect(c.objective.margin).toBe(0.2);
    expect(d.model).toBe(c.model);
  });
});
