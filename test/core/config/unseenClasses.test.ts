import { describe, expect, it } from 'vitest';
import { type DatasetTraits, makeConfig, validate } from '../../../src/core/config';

const TEN: DatasetTraits = { kind: 'labelled', modality: 'image', numClasses: 10 };
const PAIRS: DatasetTraits = { kind: 'pairs', modality: 'tabular', targetKind: 'binary' };
const issuesOf = (data: object, traits?: DatasetTraits, batch: object = { classesPerBatch: 4 }) =>
  validate(makeConfig({ data, batch }), traits);

describe('validate(): the unseen-class option', () => {
  it('accepts off, a list of class ids that exist, and a count, leaving at least 2 seen classes', () => {
    expect(issuesOf({}, TEN)).toEqual([]);
    expect(issuesOf({ unseenClasses: [5, 6, 7, 8, 9] }, TEN)).toEqual([]);
    expect(issuesOf({ unseenCount: 5 }, TEN)).toEqual([]);
    expect(issuesOf({ unseenClasses: [0, 1, 2, 3, 4, 5, 6, 7] }, TEN, { classesPerBatch: 2 })).toEqual([]);
  });

  it('refuses ids that are not whole, not finite, repeated or missing from the data', () => {
    expect(issuesOf({ unseenClasses: [5, 1.5] })[0]).toMatchObject({ path: 'data.unseenClasses[1]' });
    expect(issuesOf({ unseenClasses: [5, Number.NaN] })[0].message).toMatch(/whole number/);
    expect(issuesOf({ unseenClasses: [5, -1] })[0].path).toBe('data.unseenClasses[1]');
    expect(issuesOf({ unseenClasses: [5, 5] })[0].message).toMatch(/more than once/);
    expect(issuesOf({ unseenClasses: '5,6' })[0].message).toMatch(/list of class ids/);
    expect(issuesOf({ unseenClasses: [8, 12] }, TEN)).toEqual([
      { path: 'data.unseenClasses', message: expect.stringMatching(/classes 0\.\.9, so it has no class 12/) },
    ]);
  });

  it('needs at least 2 unseen and 2 seen classes', () => {
    expect(issuesOf({ unseenClasses: [3] })[0].message).toMatch(/at least 2/);
    expect(issuesOf({ unseenCount: 1 })[0].message).toMatch(/at least 2/);
    expect(issuesOf({ unseenCount: 9 }, TEN, { classesPerBatch: 2 })[0].message).toMatch(/leaves 1 to train on/);
    expect(issuesOf({ unseenClasses: [0, 1, 2, 3, 4, 5, 6, 7, 8] }, TEN, { classesPerBatch: 2 })[0].message).toMatch(
      /at least 2 must stay seen/,
    );
    expect(issuesOf({ unseenCount: 2.5 })[0].path).toBe('data.unseenCount');
    expect(issuesOf({ unseenCount: Number.POSITIVE_INFINITY })[0].path).toBe('data.unseenCount');
  });

  it('refuses a list and a count together, pair files, split-input, and a batch wider than the seen classes', () => {
    expect(issuesOf({ unseenClasses: [1, 2], unseenCount: 3 })[0].message).toMatch(/either by list .* or by count/);
    expect(issuesOf({ unseenCount: 2 }, PAIRS).map((i) => i.message)).toContain(
      'a pair file has no classes to hold out; the unseen-class protocol needs labelled samples',
    );
    expect(issuesOf({ unseenCount: 2, splitInput: true })[0].path).toBe('data.unseenClasses');
    expect(issuesOf({ unseenClasses: [5, 6, 7, 8, 9] }, TEN, { classesPerBatch: 8 })).toEqual([
      {
        path: 'batch.classesPerBatch',
        message: expect.stringMatching(/5 of the dataset's 10 classes are held out as unseen.*use at most 5/),
      },
    ]);
  });
});
