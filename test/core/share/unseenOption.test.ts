import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config';
import {
  type Experiment,
  ExperimentFileError,
  parseExperiment,
  serialiseExperiment,
} from '../../../src/core/export/experiment';
import { defaultConfigFor, parseLink, serialiseLink } from '../../../src/core/share/link';

describe('the unseen-class option travels with a run', () => {
  it('share links write and read a class list and a count', () => {
    const config = defaultConfigFor('fashion-mnist');
    config.data.unseenClasses = [5, 6, 7, 8, 9];
    config.batch.classesPerBatch = 4;
    const link = serialiseLink({ dataset: 'fashion-mnist', seed: 1, config });
    expect(link).toContain('unseen=5,6,7,8,9');
    const { value, problems } = parseLink(link);
    expect(problems).toEqual([]);
    expect(value.config).toEqual(config);

    const counted = parseLink('?dataset=digits&unseenCount=3&classes=4');
    expect(counted.problems).toEqual([]);
    expect(counted.value.config.data.unseenCount).toBe(3);
  });

  it('a link naming a class the dataset lacks is reported and the option stays off', () => {
    const { value, problems } = parseLink('?dataset=digits&unseen=4,12&classes=4');
    expect(problems).toEqual([
      expect.stringMatching(/"unseen=4,12" cannot be used: .*no class 12.*default \(\) is used/),
    ]);
    expect(value.config.data.unseenClasses).toEqual([]);
  });

  it('experiment files keep the option and the alignment / uniformity / seen-class MAP@R history', () => {
    const config = makeConfig({ data: { dataset: 'digits', unseenCount: 4 }, batch: { classesPerBatch: 4 } });
    const metrics = [
      {
        step: 10,
        precisionAt1: 0.5,
        rPrecision: 0.4,
        mapAtR: 0.3,
        pairAccuracy: 0.7,
        auc: 0.8,
        validationLoss: null,
        alignment: 0.9,
        uniformity: -1.5,
        seenMapAtR: 0.6,
      },
    ];
    const experiment: Experiment = {
      title: 't',
      savedAt: '2025-01-02T03:04:05.000Z',
      config,
      dataset: { kind: 'builtin', name: 'digits' },
      step: 0,
      epoch: 0,
      history: { progress: [], metrics },
      weights: null,
    };
    const text = serialiseExperiment(experiment);
    const back = parseExperiment(text, 'run.json');
    expect(back.config.data.unseenCount).toBe(4);
    expect(back.history.metrics).toEqual(metrics);

    const broken = text.replace('"uniformity":-1.5', '"uniformity":3');
    expect(() => parseExperiment(broken, 'run.json')).toThrow(ExperimentFileError);
    expect(() => parseExperiment(broken, 'run.json')).toThrow(/uniformity is 3, not a number in \[-8, 0\]/);
  });
});
