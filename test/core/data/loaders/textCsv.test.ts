import { describe, expect, it } from 'vitest';
import { loadTextCsv } from '../../../../src/core/data/loaders/textCsv';
import { buildCharVocabulary, decodeTokens, encodeTexts } from '../../../../src/core/data/text';
import { expectLoadError, textFile } from './helpers';

const WORDS = 'id,word,label\n1,cat,animal\n2,dog,animal\n3,"red, dark",colour\n4,blue,colour\n';

describe('loadTextCsv', () => {
  it('encodes the named text column with the shared char vocabulary and keeps the texts', () => {
    const { dataset, summary } = loadTextCsv(textFile('words.csv', WORDS));
    const texts = ['cat', 'dog', 'red, dark', 'blue'];
    expect(dataset.texts).toEqual(texts);
    expect(dataset.modality).toBe('text');
    expect(dataset.featureShape).toEqual([9]);
    expect(dataset.vocabulary).toEqual(buildCharVocabulary(texts));
    expect(Array.from(dataset.features)).toEqual(Array.from(encodeTexts(texts, dataset.vocabulary!, 9)));
    expect(decodeTokens(dataset.features.subarray(0, 9), dataset.vocabulary!)).toBe('cat');
    expect(dataset.classNames).toEqual(['animal', 'colour']);
    expect(Array.from(dataset.labels)).toEqual([0, 0, 1, 1]);
    expect(summary).toMatchObject({ format: 'text-csv', samples: 4, classes: 2, shape: [9], labelColumn: 'label' });
    expect(summary.notes.join('\n')).toMatch(/1 other column ignored/);
  });

  it('caps the length at maxLength and falls back to first/last columns without names', () => {
    const csv = 'a very long sentence indeed,x\nshort,x\nanother long one here,y\nhm,y\n';
    const { dataset, summary } = loadTextCsv(textFile('t.csv', csv), { maxLength: 10 });
    expect(dataset.featureShape).toEqual([10]);
    expect(dataset.texts![0]).toBe('a very long sentence indeed');
    expect(decodeTokens(dataset.features.subarray(0, 10), dataset.vocabulary!)).toBe('a very lon');
    expect(summary.notes.join('\n')).toMatch(/2 texts longer than that were cut/);
    expect(dataset.numSamples).toBe(4);
  });

  it('refuses an empty text, naming its row and column', async () => {
    await expectLoadError(() => loadTextCsv(textFile('w.csv', 'text,label\nhello,a\n  ,a\nbye,b\nyo,b\n')), {
      file: 'w.csv',
      row: 3,
      column: 'text',
      reason: /the text is empty/,
    });
  });

  it('refuses a single-sample class, one class, and a missing named column', async () => {
    await expectLoadError(() => loadTextCsv(textFile('w.csv', 'text,label\nhello,a\nhi,a\nbye,b\n')), {
      file: 'w.csv',
      row: 4,
      column: 'label',
      reason: /class "b" has only 1 sample/,
    });
    await expectLoadError(() => loadTextCsv(textFile('w.csv', 'text,label\nhello,a\nhi,a\n')), {
      file: 'w.csv',
      column: 'label',
      reason: /same label "a"/,
    });
    await expectLoadError(() => loadTextCsv(textFile('w.csv', WORDS), { textColumn: 'body' }), {
      file: 'w.csv',
      reason: /text column "body" not found; the columns are: "id", "word", "label"/,
    });
  });
});
