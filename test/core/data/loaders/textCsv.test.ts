import { describe, expect, it } from 'vitest';
import { loadTextCsv, sequenceLength } from '../../../../src/core/data/loaders/textCsv';
import { buildCharVocabulary, decodeTokens, encodeTexts } from '../../../../src/core/data/text';
import { expectLoadError, textFile } from './helpers';
import { messageOf } from '../../../helpers/errors';

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

describe('text tables: lengths, columns and messages', () => {
  it('sequenceLength: the longest text capped at maxLength, counting the texts that were cut', () => {
    const notes: string[] = [];
    expect(sequenceLength([3, 7, 5], 10, notes)).toBe(7);
    expect(sequenceLength([3, 7, 5], 5, notes)).toBe(5);
    expect(sequenceLength([3, 7, 9], 5, notes)).toBe(5);
    expect(sequenceLength([0, 0], 5, notes)).toBe(1);
    expect(sequenceLength([4], 1, notes)).toBe(1);
    expect(notes).toEqual([
      'sequence length 7 characters',
      'sequence length 5 characters; 1 text longer than that were cut',
      'sequence length 5 characters; 2 texts longer than that were cut',
      'sequence length 1 characters',
      'sequence length 1 characters; 1 text longer than that were cut',
    ]);
    for (const bad of [0, 2.5, Number.NaN]) {
      expect(() => sequenceLength([3], bad, [])).toThrow(`maxLength must be a whole number ≥ 1, got ${bad}`);
    }
  });

  it('finds the text column among numbers, refuses one column, empty texts and text = label', () => {
    const { dataset, summary } = loadTextCsv(
      textFile('t.csv', 'id,x,words,label\n1,2,hello,a\n2,3,hi,a\n3,4,yo,b\n4,5,bye,b\n'),
    );
    expect(dataset.texts).toEqual(['hello', 'hi', 'yo', 'bye']);
    expect(summary.notes).toContain('text column: "words", label column: "label"');
    expect(summary.notes).toContain('2 other columns ignored');
    expect(summary.notes).toContain(`vocabulary: ${dataset.vocabulary!.length - 2} characters (+ padding and unknown)`);
    expect(dataset.description).toBe('Uploaded from t.csv: 4 texts, 2 classes, 5 characters each');
    expect(summary).toMatchObject({ format: 'text-csv', samples: 4, classes: 2, shape: [5], labelColumn: 'label' });
    expect(dataset.source).toEqual({ type: 'upload', ref: 't.csv' });
    // The label column is never taken as the text, even when it holds words and comes first.
    const labelFirst = loadTextCsv(textFile('t.csv', 'label,words\na,hello\na,hi\nb,yo\nb,bye\n')).dataset;
    expect(labelFirst.texts).toEqual(['hello', 'hi', 'yo', 'bye']);
    // A column only half text is not "mostly text".
    const half = loadTextCsv(textFile('t.csv', 'code,words,label\n1,hello,a\nx,hi,a\n2,yo,b\ny,bye,b\n')).dataset;
    expect(half.texts).toEqual(['hello', 'hi', 'yo', 'bye']);
    expect(
      messageOf(() => loadTextCsv(textFile('t.csv', 'text,label\nhello,a\nhi,a\n'), { labelColumn: 'nope' })),
    ).toBe('t.csv: label column "nope" not found; the columns are: "text", "label"');
    const three = loadTextCsv(textFile('t.csv', 'text,x,label\nhello,1,a\nhi,2,a\nyo,3,b\nbye,4,b\n')).summary.notes;
    expect(three).toContain('1 other column ignored');
    const two = loadTextCsv(textFile('t.csv', 'text,label\nhello,a\nhi,a\nyo,b\nbye,b\n')).summary.notes;
    expect(two.join('\n')).not.toMatch(/ignored/);
    expect(messageOf(() => loadTextCsv(textFile('t.csv', 'text\nhello\nhi\n')))).toBe(
      't.csv: the file has 1 column; it needs a text column and a label column',
    );
    expect(messageOf(() => loadTextCsv(textFile('t.csv', 'text,label\nhello,a\n,a\nyo,b\nbye,b\n')))).toBe(
      't.csv, row 3, column "text": the text is empty',
    );
    expect(
      messageOf(() => loadTextCsv(textFile('t.csv', 'text,label\nhello,a\nhi,a\n'), { textColumn: 'label' })),
    ).toBe('t.csv: the text column and the label column are the same column (label)');
  });
});
