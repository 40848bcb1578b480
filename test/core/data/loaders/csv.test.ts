import { describe, expect, it } from 'vitest';
import {
  columnList,
  detectDelimiter,
  LABEL_COLUMN_NAMES,
  resolveColumn,
  detectHeader,
  loadTabularCsv,
  parseDelimited,
  readTable,
} from '../../../../src/core/data/loaders/csv';
import { DataLoadError } from '../../../../src/core/data/loaders/errors';
import { expectAllClose } from '../../../helpers/tf';
import { expectLoadError, textFile, zScores } from './helpers';
import { messageOf } from '../../../helpers/errors';

const IRIS_LIKE = [
  'sepal_length,sepal_width,petal_width,species',
  '5.1,3.5,0.2,setosa',
  '4.9,3.0,0.2,setosa',
  '7.0,3.2,1.4,versicolor',
  '6.4,3.2,1.5,versicolor',
  '6.3,3.3,2.5,virginica',
  '5.8,2.7,1.9,virginica',
].join('\n');

function column(rows: string[], j: number): number[] {
  return rows.slice(1).map((r) => Number(r.split(',')[j]));
}

describe('parseDelimited', () => {
  it('handles quoted delimiters, newlines, escaped quotes and CRLF, and reports the starting line', () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\r\n"two\nlines",3\r\n';
    const records = parseDelimited(text, ',');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', '3'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it('keeps trailing empty fields, skips blank lines, and allows spaces before an opening quote', () => {
    const records = parseDelimited('a,b,\n\n  "x,y" ,2,3\n1,2,', ',');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b', ''],
      ['x,y ', '2', '3'],
      ['1', '2', ''],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 3, 4]);
  });

  it('refuses an unterminated quote, naming the line where it opened', async () => {
    await expectLoadError(() => parseDelimited('a,b\n1,2\n"open,3\n4,5\n', ',', 'q.csv'), {
      file: 'q.csv',
      row: 3,
      reason: /never closed/,
    });
  });
});

describe('detection', () => {
  it('detects comma, tab and semicolon (semicolon even with decimal commas)', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n')).toBe(',');
    expect(detectDelimiter('a\tb\n1,5\t2\n')).toBe('\t');
    expect(detectDelimiter('x;y;label\n1,5;2,5;a\n3,0;1,0;b\n')).toBe(';');
    expect(detectDelimiter('"a,b";c\n"1,2";3\n')).toBe(';');
  });

  it('detects a header by type, by well-known names, or by a label cell that never recurs', () => {
    expect(
      detectHeader([
        ['f1', 'f2', 'kind'],
        ['1', '2', 'a'],
        ['3', '4', 'b'],
      ]),
    ).toBe(true);
    expect(
      detectHeader([
        ['1', '2', 'a'],
        ['3', '4', 'b'],
      ]),
    ).toBe(false);
    expect(
      detectHeader([
        ['review', 'label'],
        ['good film', 'pos'],
        ['bad film', 'neg'],
      ]),
    ).toBe(true);
    expect(
      detectHeader([
        ['review', 'sentiment'],
        ['good', 'pos'],
        ['great', 'pos'],
        ['bad', 'neg'],
      ]),
    ).toBe(true);
    expect(
      detectHeader([
        ['good', 'pos'],
        ['great', 'pos'],
        ['bad', 'neg'],
        ['awful', 'neg'],
      ]),
    ).toBe(false);
    expect(
      detectHeader([
        ['1', '2', 'y'],
        ['3', '4', 'n'],
        ['5', '6', 'y'],
      ]),
    ).toBe(false);
  });
});

describe('loadTabularCsv', () => {
  it('reads features, string labels, class names and standardises each column against plain-JS z-scores', () => {
    const { dataset, summary } = loadTabularCsv(textFile('iris.csv', IRIS_LIKE));
    expect(dataset.kind).toBe('labelled');
    expect(dataset.modality).toBe('tabular');
    expect(dataset.featureShape).toEqual([3]);
    expect(dataset.numSamples).toBe(6);
    expect(dataset.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(dataset.labels)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(dataset.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_width']);
    const rows = IRIS_LIKE.split('\n');
    const expected: number[] = [];
    const cols = [0, 1, 2].map((j) => zScores(column(rows, j)));
    for (let r = 0; r < 6; r++) for (let j = 0; j < 3; j++) expected.push(cols[j][r]);
    expectAllClose(dataset.features, expected, 1e-5);
    expect(summary).toMatchObject({
      format: 'tabular-csv',
      samples: 6,
      classes: 3,
      shape: [3],
      labelColumn: 'species',
    });
    expect(summary.notes.join('\n')).toMatch(/comma/);
  });

  it('keeps raw values with standardize: false and sets constant columns to 0 when standardising', () => {
    const csv = 'a,b,c,label\n1,5,2,x\n2,5,4,x\n3,5,9,y\n4,5,1,y\n';
    const raw = loadTabularCsv(textFile('c.csv', csv), { standardize: false }).dataset;
    expect(Array.from(raw.features.slice(0, 3))).toEqual([1, 5, 2]);
    const { dataset, summary } = loadTabularCsv(textFile('c.csv', csv));
    for (let r = 0; r < 4; r++) expect(dataset.features[r * 3 + 1]).toBe(0);
    expect(summary.notes.join('\n')).toMatch(/1 constant column set to 0/);
    expect(dataset.featureShape).toEqual([3]);
  });

  it('reads TSV and semicolon files with BOM and CRLF, with quoted fields', () => {
    const tsv = '\uFEFFx\ty\tclass\r\n1\t2\t"a"\r\n3\t4\ta\r\n5\t6\tb\r\n7\t8\tb\r\n';
    const { dataset, summary } = loadTabularCsv(textFile('p.tsv', tsv), { standardize: false });
    expect(dataset.modality).toBe('points2d');
    expect(Array.from(dataset.features)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(dataset.featureNames).toEqual(['x', 'y']);
    expect(summary.labelColumn).toBe('class');
    const semi = 'x;"y";label\n1;2;"a;b"\n3;4;"a;b"\n5;6;c\n7;8;c\n';
    const s = loadTabularCsv(textFile('s.csv', semi), { standardize: false }).dataset;
    expect(s.classNames).toEqual(['a;b', 'c']);
    expect(Array.from(s.features)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('sorts numeric labels numerically, reads headerless files, and takes a label column by name or index', () => {
    const csv = '0.5,1,10\n0.7,2,2\n0.1,3,10\n0.2,4,2.0\n0.3,5,9\n0.9,6,9\n';
    const last = loadTabularCsv(textFile('n.csv', csv), { standardize: false });
    expect(last.dataset.classNames).toEqual(['2', '9', '10']);
    expect(Array.from(last.dataset.labels)).toEqual([2, 0, 2, 0, 1, 1]);
    expect(last.dataset.featureNames).toBeUndefined();
    const first = loadTabularCsv(textFile('n.csv', 'a,b,c\n1,0,7\n1,1,8\n2,2,9\n2,3,6\n'), {
      labelColumn: 0,
      standardize: false,
    });
    expect(first.dataset.classNames).toEqual(['1', '2']);
    expect(Array.from(first.dataset.features)).toEqual([0, 7, 1, 8, 2, 9, 3, 6]);
    const named = loadTabularCsv(textFile('n.csv', 'a,Kind,c\n1,u,7\n1,u,8\n2,v,9\n2,v,6\n'), {
      labelColumn: 'kind',
      standardize: false,
    });
    expect(named.summary.labelColumn).toBe('Kind');
    expect(named.dataset.featureNames).toEqual(['a', 'c']);
    expect(
      loadTabularCsv(textFile('n.csv', 'a,b,c\n1,0,7\n1,0,8\n2,1,9\n2,1,6\n'), { labelColumn: -2 }).summary.labelColumn,
    ).toBe('b');
  });
});

describe('loadTabularCsv errors', () => {
  it('names the file, row and column of a non-numeric cell', async () => {
    const lines = IRIS_LIKE.split('\n');
    lines[4] = '6.4,3.2,abc,versicolor';
    const error = await expectLoadError(() => loadTabularCsv(textFile('iris.csv', lines.join('\n'))), {
      file: 'iris.csv',
      row: 5,
      column: 'petal_width',
      reason: /"abc" is not a number/,
    });
    expect(error.message).toBe('iris.csv, row 5, column "petal_width": "abc" is not a number');
  });

  it('reports an empty cell and, without a header, the 1-based column position', async () => {
    await expectLoadError(() => loadTabularCsv(textFile('m.csv', 'a,b,label\n1,,x\n2,3,y\n')), {
      file: 'm.csv',
      row: 2,
      column: 'b',
      reason: /empty/,
    });
    await expectLoadError(() => loadTabularCsv(textFile('h.csv', '1,2,x\n3,2,x\n4,oops,y\n5,6,y\n')), {
      file: 'h.csv',
      row: 3,
      column: 2,
      reason: /"oops" is not a number/,
    });
  });

  it('refuses a ragged row, saying how many fields it has and the header has', async () => {
    const error = await expectLoadError(() => loadTabularCsv(textFile('r.csv', 'a,b,label\n1,2,x\n1,2\n3,4,y\n')), {
      file: 'r.csv',
      row: 3,
      reason: /found 2 fields but the header has 3/,
    });
    expect(error.message).toBe('r.csv, row 3: found 2 fields but the header has 3');
  });

  it('counts lines inside quoted fields when naming a ragged row', async () => {
    await expectLoadError(() => loadTabularCsv(textFile('r.csv', 'a,b,label\n"1\n",2,x\n1,2,x,9\n')), {
      file: 'r.csv',
      row: 4,
      reason: /found 4 fields/,
    });
  });

  it('lists the columns when the named label column is missing', async () => {
    await expectLoadError(() => loadTabularCsv(textFile('iris.csv', IRIS_LIKE), { labelColumn: 'kind' }), {
      file: 'iris.csv',
      reason: /label column "kind" not found; the columns are: "sepal_length", "sepal_width", "petal_width", "species"/,
    });
  });

  it('refuses a file with one class only', async () => {
    await expectLoadError(() => loadTabularCsv(textFile('one.csv', 'a,label\n1,x\n2,x\n3,x\n')), {
      file: 'one.csv',
      column: 'label',
      reason: /all 3 samples have the same label "x"; metric learning needs at least 2 classes/,
    });
  });

  it('names a class with a single sample and the row it is on', async () => {
    const csv = 'a,label\n1,x\n2,x\n3,lonely\n4,y\n5,y\n';
    await expectLoadError(() => loadTabularCsv(textFile('s.csv', csv)), {
      file: 's.csv',
      row: 4,
      column: 'label',
      reason: /class "lonely" has only 1 sample; each class needs at least 2 samples to form a positive pair/,
    });
  });

  it('refuses an empty file, a header with no data, and an empty label', async () => {
    await expectLoadError(() => loadTabularCsv(textFile('e.csv', '\uFEFF \r\n\n')), {
      file: 'e.csv',
      reason: /the file is empty/,
    });
    await expectLoadError(() => loadTabularCsv(textFile('h.csv', 'a,b,label\n')), {
      file: 'h.csv',
      reason: /header but no data rows/,
    });
    await expectLoadError(() => loadTabularCsv(textFile('l.csv', 'a,label\n1,x\n2, \n3,y\n')), {
      file: 'l.csv',
      row: 3,
      column: 'label',
      reason: /label is empty/,
    });
  });

  it('never returns a partial load: a bad last row fails the whole file', () => {
    const rows = ['a,b,label'];
    for (let i = 0; i < 200; i++) rows.push(`${i},${i * 2},${i % 2 ? 'odd' : 'even'}`);
    rows.push('1,NaN,odd');
    expect(() => loadTabularCsv(textFile('big.csv', rows.join('\n')))).toThrow(DataLoadError);
  });

  it('reports progress between 0 and 1, ending at 1', () => {
    const seen: number[] = [];
    const rows = ['a,b,label'];
    for (let i = 0; i < 20000; i++) rows.push(`${i},${i * 0.5},${i % 3}`);
    const { dataset } = loadTabularCsv(textFile('p.csv', rows.join('\n')), { progress: (f) => seen.push(f) });
    expect(dataset.numSamples).toBe(20000);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]))).toBe(true);
    expect(seen.at(-1)).toBe(1);
  });

  it('readTable keeps the header and detection notes', () => {
    const table = readTable(textFile('t.csv', 'a;b\n1;2\n3;4\n'));
    expect(table.header).toEqual(['a', 'b']);
    expect(table.delimiter).toBe(';');
    expect(Array.from(table.rowLines)).toEqual([2, 3]);
  });
});

describe('tabular tables: column choice, cell messages and notes', () => {
  const load = (text: string, options = {}) => loadTabularCsv(textFile('t.csv', text), options);
  const rows = 'x,y,cls\n1,2,a\n3,4,a\n5,6,b\n7,8,b\n';

  it('a label column by index (negative from the end) or by name, exact before case-insensitive', () => {
    expect(load(rows, { labelColumn: 2 }).summary.labelColumn).toBe('cls');
    expect(load(rows, { labelColumn: -1 }).summary.labelColumn).toBe('cls');
    expect(load('a,L\n1,p\n2,p\n3,q\n4,q\n', { labelColumn: 'l' }).dataset.classNames).toEqual(['p', 'q']);
    for (const bad of [3, -4, 1.5]) {
      expect(messageOf(() => load(rows, { labelColumn: bad }))).toBe(
        `t.csv: label column index ${bad} is out of range; the file has 3 columns (0-based)`,
      );
    }
    expect(messageOf(() => load('1,2,a\n3,4,a\n5,6,b\n7,8,b\n', { labelColumn: 'cls' }))).toBe(
      't.csv: label column "cls" not found: the file has no header row; give the column\'s 0-based index instead',
    );
    expect(messageOf(() => load('1,2\n3,4\n'.repeat(1), { labelColumn: 'cls' }))).toMatch(/no header row/);
  });

  it('of several default label names, the one that reads like labels wins; two such columns are a choice', () => {
    // "y" next to "x" is a coordinate (it does not recur); "label" recurs.
    const coords = load('x,y,label\n1,2.5,a\n3,4.5,a\n5,6.5,b\n7,8.5,b\n');
    expect(coords.summary.labelColumn).toBe('label');
    expect(coords.dataset.featureNames).toEqual(['x', 'y']);
    const error = messageOf(() => load('x,class,label\n1,a,p\n2,a,p\n3,b,q\n4,b,q\n'));
    expect(error).toBe(
      't.csv: several columns could hold the labels ("label", "class"); choose the label column ("label" or "class")',
    );
    // Label-like means: no empty or missing cell, whole numbers or names, each value at least twice.
    const pick = (text: string) => {
      const table = readTable(textFile('t.csv', text));
      return table.header![resolveColumn(table, undefined, 'label', LABEL_COLUMN_NAMES, table.columnCount - 1)];
    };
    expect(pick('x,class,label\n1,a,p\n2,,p\n3,b,q\n4,b,q\n')).toBe('label');
    expect(pick('x,class,label\n1,a,p\n2,NA,p\n3,b,q\n4,b,q\n')).toBe('label');
    expect(pick('x,class,label\n1,1.5,p\n2,1.5,p\n3,2,q\n4,2,q\n')).toBe('label');
    expect(pick('x,class,label\n1,a,p\n2,c,p\n3,b,q\n4,b,q\n')).toBe('label');
    expect(messageOf(() => pick('x,class,label\n1,1,p\n2,1,p\n3,2,q\n4,2,q\n'))).toMatch(/several columns could hold/);
    // One default name: it is the label column whatever its values; none: the last column.
    expect(load('x,Target,z\n1,1.5,1\n2,1.5,1\n3,2,2\n4,2,2\n').summary.labelColumn).toBe('Target');
    expect(load('p,q,r\n1,2,a\n3,4,a\n5,6,b\n7,8,b\n').summary.labelColumn).toBe('r');
  });

  it('each bad numeric cell gets its own reason', () => {
    const cell = (value: string) => messageOf(() => load(`x,y,label\n1,${value},a\n3,4,a\n5,6,b\n7,8,b\n`));
    expect(cell('')).toBe('t.csv, row 2, column "y": the cell is empty (missing values are not supported)');
    expect(cell('NaN')).toBe(
      't.csv, row 2, column "y": "NaN" marks a missing or non-finite value; every value must be a finite number (fill in or remove the row)',
    );
    expect(cell('1e39')).toBe(
      't.csv, row 2, column "y": 1e39 is beyond the float32 range (±3.4e38) the network computes in; rescale the column',
    );
    expect(cell('-3.5e38')).toMatch(/-3\.5e38 is beyond the float32 range/);
    expect(cell('1e400')).toMatch(/1e400 is beyond the float32 range/);
    expect(cell('.5e400')).toMatch(/\.5e400 is beyond the float32 range/);
    expect(cell('12.5e+400')).toMatch(/12\.5e\+400 is beyond the float32 range/);
    expect(cell('3.4e38')).toBe('no error');
    expect(cell('abc')).toBe('t.csv, row 2, column "y": "abc" is not a number');
    expect(cell('e400')).toBe('t.csv, row 2, column "y": "e400" is not a number');
    expect(cell('1e400x')).toBe('t.csv, row 2, column "y": "1e400x" is not a number');
    expect(messageOf(() => load('x,label\n1,a\n2,\n3,b\n4,b\n'))).toBe(
      't.csv, row 3, column "label": the label is empty',
    );
  });

  it('notes, description and the one-column refusal', () => {
    const { dataset, summary } = load('p,q,r,label\n1,5,2,a\n3,5,4,a\n5,5,6,b\n7,5,9,b\n');
    expect(summary.notes).toContain('label column: "label"');
    expect(summary.notes).toContain('features standardised (z-score per column); 1 constant column set to 0');
    expect(dataset.description).toBe('Uploaded from t.csv: 4 samples, 3 features, 2 classes');
    expect(dataset.modality).toBe('tabular');
    expect(dataset.source).toEqual({ type: 'upload', ref: 't.csv' });
    expect(load('p,q,label\n1,2,a\n3,4,a\n5,6,b\n7,8,b\n').summary.notes).toContain(
      'features standardised (z-score per column)',
    );
    expect(load('p,q,r,label\n1,5,2,a\n3,5,2,a\n5,5,2,b\n7,5,2,b\n').summary.notes).toContain(
      'features standardised (z-score per column); 2 constant columns set to 0',
    );
    expect(load('1,2,a\n3,4,a\n5,6,b\n7,8,b\n').summary.notes).toContain('label column: column 3');
    expect(messageOf(() => load('label\na\nb\n'))).toBe(
      't.csv: the file has 1 column; it needs at least one feature column and a label column',
    );
    expect(columnList(readTable(textFile('t.csv', '1,2,3\n4,5,6\n')))).toBe('3 unnamed columns (no header row)');
  });
});
