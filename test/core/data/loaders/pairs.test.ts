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

describe('pair files: detection, messages and notes', () => {
  const load = (text: string, name = 'p.csv', options = {}) => loadPairCsv(textFile(name, text), options);
  const errorOf = (text: string, name = 'p.csv'): string => {
    try {
      load(text, name);
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };

  it('is a pair file only with both text_a and text_b, or both a_ and b_ feature columns', () => {
    expect(errorOf('text_a,label\nx,1\ny,0\n')).toBe(
      'p.csv: not a pair file: it needs a header with text_a and text_b columns, or a_… and b_… feature columns; the columns are: "text_a", "label"',
    );
    expect(errorOf('a_x,label\n1,1\n2,0\n')).toMatch(/^p\.csv: not a pair file/);
    // "a_" alone is not a feature name, and the prefix must start the name.
    expect(errorOf('a_,b_,label\n1,2,1\n3,4,0\n')).toMatch(/^p\.csv: not a pair file/);
    expect(errorOf('xa_1,xb_1,label\n1,2,1\n3,4,0\n')).toMatch(/^p\.csv: not a pair file/);
    // Column names are matched without regard to case; text_b may come first.
    const text = load('TEXT_B,Text_A,Label\nhi,hello,1\ncat,dog,0\n').dataset;
    expect(text.textsA).toEqual(['hello', 'dog']);
    expect(text.textsB).toEqual(['hi', 'cat']);
    expect(load('B_x,A_x,label\n1,2,1\n3,4,0\n', 'p.csv', { standardize: false }).dataset.a).toEqual(
      Float32Array.from([2, 4]),
    );
  });

  it('numeric pairs: matching sides, a label column, 0/1 labels of both kinds, each refusal in words', () => {
    expect(errorOf('a_x,a_y,b_x,label\n1,2,3,1\n4,5,6,0\n')).toBe(
      'p.csv: 2 a_ columns but 1 b_ column; both sides of a pair need the same features (a_x ↔ b_x)',
    );
    expect(errorOf('a_x,b_x,b_y,label\n1,2,3,1\n4,5,6,0\n')).toBe(
      'p.csv: 1 a_ column but 2 b_ columns; both sides of a pair need the same features (a_x ↔ b_x)',
    );
    expect(errorOf('a_x,b_x,target\n1,2,1\n4,5,0\n')).toBe(
      'p.csv: no "label" column found; the columns are: "a_x", "b_x", "target"',
    );
    expect(errorOf('a_x,b_x,label\n1,2,1\n4,5,2\n')).toBe(
      'p.csv, row 3, column "label": "2" is not a valid pair label; it must be 1 (similar) or 0 (dissimilar)',
    );
    expect(errorOf('a_x,b_x,label\n1,2,1\n4,5,\n')).toBe(
      'p.csv, row 3, column "label": the label is empty; it must be 1 (similar) or 0 (dissimilar)',
    );
    expect(errorOf('a_x,b_x,label\n1,2,1\n4,5,1\n')).toBe(
      'p.csv, column "label": all 2 pairs are labelled 1; a pair file needs both similar (1) and dissimilar (0) pairs',
    );
    expect(errorOf('a_x,b_x,label\n1,2,0\n4,5,0\n')).toBe(
      'p.csv, column "label": all 2 pairs are labelled 0; a pair file needs both similar (1) and dissimilar (0) pairs',
    );
  });

  it('numeric pairs: features in column order per side, notes on ignored and constant columns, 2-D as points', () => {
    const { dataset, summary } = load('id,a_x,a_y,b_x,b_y,note,label\n7,1,5,2,5,n,1\n8,3,5,4,5,m,0\n9,0,5,1,5,k,0\n');
    expect(dataset.modality).toBe('points2d');
    expect(dataset.description).toBe('Uploaded pairs from p.csv: 3 pairs, 2 features per side');
    expect(dataset.name).toBe('p');
    expect(summary).toMatchObject({ format: 'pair-csv', samples: 3, classes: 2, shape: [2], labelColumn: 'label' });
    expect(summary.notes).toContain('2 features per side: a_x, a_y ↔ b_x, b_y');
    expect(summary.notes).toContain('2 other columns ignored');
    expect(summary.notes).toContain(
      'features standardised with statistics shared by a and b; 1 constant feature set to 0',
    );
    const raw = load('a_x,a_y,a_z,b_x,b_y,b_z,c,label\n1,1,1,2,1,1,x,1\n3,1,1,4,1,1,y,0\n', 'q.csv', {
      standardize: false,
    });
    expect(raw.dataset.modality).toBe('tabular');
    expect(Array.from(raw.dataset.a)).toEqual([1, 1, 1, 3, 1, 1]);
    expect(Array.from(raw.dataset.b)).toEqual([2, 1, 1, 4, 1, 1]);
    expect(raw.summary.notes).toContain('1 other column ignored');
    expect(raw.summary.notes.join('\n')).not.toMatch(/standardised/);
    const twoConstant = load('a_x,a_y,a_z,b_x,b_y,b_z,label\n1,1,1,2,1,1,1\n3,1,1,4,1,1,0\n').summary.notes;
    expect(twoConstant).toContain(
      'features standardised with statistics shared by a and b; 2 constant features set to 0',
    );
    const noneIgnored = load('a_x,b_x,label\n1,2,1\n3,4,0\n').summary.notes;
    expect(noneIgnored.join('\n')).not.toMatch(/ignored|constant/);
  });

  it('text pairs: label or score, the score range, notes and the description', () => {
    const scored = load('text_a\ttext_b\tscore\nhello\thi\t0.9\ncat\tdog\t-1\n', 's.tsv');
    expect(scored.dataset.targetKind).toBe('score');
    expect(Array.from(scored.dataset.targets)).toEqual([Float32Array.from([0.9])[0], -1]);
    expect(scored.dataset.description).toBe('Uploaded text pairs from s.tsv: 2 pairs, similarity scores');
    expect(scored.summary).toMatchObject({ format: 'text-pair-csv', samples: 2, classes: 0, labelColumn: 'score' });
    expect(scored.summary.notes).toContain(
      `vocabulary: ${scored.dataset.vocabulary!.length - 2} characters (+ padding and unknown)`,
    );
    expect(errorOf('text_a,text_b,score\nx,y,1.5\nu,v,0\n')).toBe(
      'p.csv, row 2, column "score": score 1.5 is outside [-1, 1], the range of a cosine similarity; rescale the scores (e.g. a 0–5 scale divided by 5)',
    );
    expect(errorOf('text_a,text_b,score\nx,y,-1.01\nu,v,0\n')).toMatch(/score -1\.01 is outside \[-1, 1\]/);
    const labelled = load('text_a,text_b,score,label\nx,y,0.5,1\nu,v,0.1,0\n');
    expect(labelled.dataset.targetKind).toBe('binary');
    expect(labelled.dataset.description).toBe('Uploaded text pairs from p.csv: 2 pairs, 0/1 labels');
    expect(labelled.summary).toMatchObject({ classes: 2, labelColumn: 'label' });
    expect(labelled.summary.notes).toContain('both "label" and "score" columns found; using "label" (0/1)');
    expect(load('text_a,text_b,label\nx,y,1\nu,v,0\n').summary.notes.join('\n')).not.toMatch(/both "label"/);
    expect(errorOf('text_a,text_b,target\nx,y,1\n')).toBe(
      'p.csv: no "label" or "score" column found; the columns are: "text_a", "text_b", "target"',
    );
  });
});
