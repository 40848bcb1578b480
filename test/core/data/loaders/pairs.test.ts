import { describe, expect, it } from 'vitest';
import { loadPairCsv } from '../../../../src/core/data/loaders/pairs';
import { buildCharVocabulary, encodeTexts } from '../../../../src/core/data/text';
import { expectAllClose } from '../../../helpers/tf';
import { expectLoadError, textFile } from './helpers';

describe('loadPairCsv (numeric)', () => {
  const csv = 'a_x,a_y,a_z,b_x,b_y,b_z,label\n1,2,5,1,3,5,1\n4,0,5,2,2,5,0\n3,3,5,0,1,5,0\n';

  it('reads a_/b_ features and 0/1 labels, standardised with statistics shared by a and b', () => {
    const { dataset, summary } = loadPairCsv(textFile('p.csv', csv));
    expect(dataset.kind).toBe('pairs');
    expect(dataset.targetKind).toBe('binary');
    expect(Array.from(dataset.targets)).toEqual([1, 0, 0]);
    expect(dataset.featureShape).toEqual([3]);
    expect(dataset.numPairs).toBe(3);
    const rows = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((r) => r.split(',').map(Number));
    const expectedA: number[] = [];
    const expectedB: number[] = [];
    const stats = [0, 1, 2].map((j) => {
      const all = rows.flatMap((r) => [r[j], r[j + 3]]);
      const mean = all.reduce((s, v) => s + v, 0) / all.length;
      return { mean, std: Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length) };
    });
    for (const r of rows) {
      for (let j = 0; j < 3; j++) {
        expectedA.push(stats[j].std === 0 ? 0 : (r[j] - stats[j].mean) / stats[j].std);
        expectedB.push(stats[j].std === 0 ? 0 : (r[j + 3] - stats[j].mean) / stats[j].std);
      }
    }
    expectAllClose(dataset.a, expectedA, 1e-5);
    expectAllClose(dataset.b, expectedB, 1e-5);
    expect(summary).toMatchObject({ format: 'pair-csv', samples: 3, classes: 2, shape: [3], labelColumn: 'label' });
  });

  it('refuses unequal a_/b_ columns, a bad label, and labels of one kind only', async () => {
    await expectLoadError(() => loadPairCsv(textFile('p.csv', 'a_x,a_y,b_x,label\n1,2,3,1\n1,2,3,0\n')), {
      file: 'p.csv',
      reason: /2 a_ columns but 1 b_ column/,
    });
    await expectLoadError(() => loadPairCsv(textFile('p.csv', 'a_x,b_x,label\n1,2,1\n1,2,2\n')), {
      file: 'p.csv',
      row: 3,
      column: 'label',
      reason: /"2" is not a valid pair label; it must be 1 \(similar\) or 0 \(dissimilar\)/,
    });
    await expectLoadError(() => loadPairCsv(textFile('p.csv', 'a_x,b_x,label\n1,2,1\n1,2,1\n')), {
      file: 'p.csv',
      column: 'label',
      reason: /all 2 pairs are labelled 1/,
    });
    await expectLoadError(() => loadPairCsv(textFile('p.csv', 'a_x,b_x,target\n1,2,1\n1,2,0\n')), {
      file: 'p.csv',
      reason: /no "label" column found; the columns are: "a_x", "b_x", "target"/,
    });
    await expectLoadError(() => loadPairCsv(textFile('p.csv', 'a_x,b_x,label\n1,two,1\n1,2,0\n')), {
      file: 'p.csv',
      row: 2,
      column: 'b_x',
      reason: /"two" is not a number/,
    });
  });
});

describe('loadPairCsv (text)', () => {
  it('reads text_a/text_b with scores as a score dataset with one shared vocabulary', () => {
    const csv = 'text_a\ttext_b\tscore\nhello\thi\t0.9\nhello\tgoodbye\t-0.5\ncat\tdog\t0.25\n';
    const { dataset, summary } = loadPairCsv(textFile('sts.tsv', csv));
    expect(dataset.targetKind).toBe('score');
    expectAllClose(dataset.targets, [0.9, -0.5, 0.25], 1e-6);
    expect(dataset.modality).toBe('text');
    expect(dataset.textsA).toEqual(['hello', 'hello', 'cat']);
    expect(dataset.textsB).toEqual(['hi', 'goodbye', 'dog']);
    const vocabulary = buildCharVocabulary(['hello', 'hello', 'cat', 'hi', 'goodbye', 'dog']);
    expect(dataset.vocabulary).toEqual(vocabulary);
    expect(dataset.featureShape).toEqual([7]);
    expect(Array.from(dataset.b)).toEqual(Array.from(encodeTexts(['hi', 'goodbye', 'dog'], vocabulary, 7)));
    expect(summary).toMatchObject({ format: 'text-pair-csv', samples: 3, classes: 0, labelColumn: 'score' });
  });

  it('accepts scores of exactly -1 and 1 (the cosine range is closed) and refuses -1.0001 and 1.0001', async () => {
    const csv = 'text_a,text_b,score\nsame,same,1\nup,down,-1\nmid,way,0\n';
    const { dataset } = loadPairCsv(textFile('edges.csv', csv));
    expect(dataset.targetKind).toBe('score');
    expect(Array.from(dataset.targets)).toEqual([1, -1, 0]);
    for (const [bad, shown] of [
      ['1.0001', /score 1\.0001 is outside \[-1, 1\]/],
      ['-1.0001', /score -1\.0001 is outside \[-1, 1\]/],
    ] as const) {
      await expectLoadError(() => loadPairCsv(textFile('edges.csv', `text_a,text_b,score\na,b,1\nc,d,${bad}\n`)), {
        file: 'edges.csv',
        row: 3,
        column: 'score',
        reason: shown,
      });
    }
  });

  it('reads 0/1 labels as binary and refuses out-of-range scores and empty texts', async () => {
    const ok = loadPairCsv(textFile('q.csv', 'text_a,text_b,label\na,b,1\nc,d,0\n'));
    expect(ok.dataset.targetKind).toBe('binary');
    await expectLoadError(() => loadPairCsv(textFile('sts.csv', 'text_a,text_b,score\na,b,0.5\nc,d,4.2\n')), {
      file: 'sts.csv',
      row: 3,
      column: 'score',
      reason: /score 4\.2 is outside \[-1, 1\]/,
    });
    await expectLoadError(() => loadPairCsv(textFile('q.csv', 'text_a,text_b,label\na,,1\nc,d,0\n')), {
      file: 'q.csv',
      row: 2,
      column: 'text_b',
      reason: /the text is empty/,
    });
  });
});
