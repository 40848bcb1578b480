/**
 * The record tokenizer, delimiter detection and header detection on tiny hand-worked inputs, each fed whole and in
 * pieces of every size, so the streaming half parses exactly as the whole-text reading does.
 */
import { describe, expect, it } from 'vitest';
import { DataLoadError } from '../../../../src/core/data/loaders/errors';
import { detectDelimiter, detectHeader, parseDelimited } from '../../../../src/core/data/loaders/table';
import { type RawRecord, RecordTokenizer } from '../../../../src/core/data/loaders/tableStream';

type Expected = [string[], number][];

/** The records of `text` fed to a tokenizer in pieces of `size` characters (the whole text when size is 0). */
function tokens(text: string, size = 0, delimiter = ','): Expected {
  const records: RawRecord[] = [];
  const tokenizer = new RecordTokenizer(delimiter, 't.csv', (r) => {
    records.push(r);
    return true;
  });
  if (size === 0) tokenizer.push(text, true);
  else {
    for (let at = 0; at < text.length; at += size) tokenizer.push(text.slice(at, at + size), false);
    tokenizer.push('', true);
  }
  return records.map((r) => [r.fields, r.line]);
}

/** Checks the whole text and every piece size 1..length give `expected`. */
function expectRecords(text: string, expected: Expected, delimiter = ','): void {
  expect(tokens(text, 0, delimiter)).toEqual(expected);
  for (let size = 1; size <= text.length; size++)
    expect(tokens(text, size, delimiter), `pieces of ${size}`).toEqual(expected);
}

function unclosed(run: () => unknown): DataLoadError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DataLoadError);
    return error as DataLoadError;
  }
  throw new Error('expected a DataLoadError');
}

describe('RecordTokenizer', () => {
  it('LF, CR and CRLF each end one line; a final record needs no line end', () => {
    expectRecords('a,b\r\nc,d\re,f\ng,h', [
      [['a', 'b'], 1],
      [['c', 'd'], 2],
      [['e', 'f'], 3],
      [['g', 'h'], 4],
    ]);
    expectRecords('a\r\n\r\nb\r\r\nc\n', [
      [['a'], 1],
      [['b'], 3],
      [['c'], 5],
    ]);
  });

  it('quoted fields keep doubled quotes, delimiters and line breaks; line numbers count the breaks inside', () => {
    expectRecords('"x""y",2\n"multi\r\nline",3\n"a\rb",4\n"c\n\nd",5\nz,6', [
      [['x"y', '2'], 1],
      [['multi\r\nline', '3'], 2],
      [['a\rb', '4'], 4],
      [['c\n\nd', '5'], 6],
      [['z', '6'], 9],
    ]);
    expectRecords('"",""""\n"a,b",","', [
      [['', '"'], 1],
      [['a,b', ','], 2],
    ]);
    expectRecords('"a\r"\n"b"', [
      [['a\r'], 1],
      [['b'], 3],
    ]);
  });

  it('spaces before an opening quote are skipped; text after the closing quote is kept', () => {
    expectRecords('  "a" ,b\n"q"rest,  x  \n', [
      [['a ', 'b'], 1],
      [['qrest', '  x  '], 2],
    ]);
  });

  it('blank lines (also of spaces) are dropped; a line of delimiters or spaced fields is a record', () => {
    expectRecords('a,b\n\n  \n\r\n,\n  ,  \nc,d\n\n', [
      [['a', 'b'], 1],
      [['', ''], 5],
      [['  ', '  '], 6],
      [['c', 'd'], 7],
    ]);
    expectRecords('\n\n', []);
    expectRecords('', []);
  });

  it('a delimiter at the end of the text or a line leaves an empty last field', () => {
    expectRecords('a,', [[['a', ''], 1]]);
    expectRecords('a,\nb,,\r\n,', [
      [['a', ''], 1],
      [['b', '', ''], 2],
      [['', ''], 3],
    ]);
  });

  it('any single-character delimiter splits, spaces included (runs of them are empty fields)', () => {
    expectRecords(
      'a  b\n1 2',
      [
        [['a', '', 'b'], 1],
        [['1', '2'], 2],
      ],
      ' ',
    );
    expectRecords('a;b,c\td\n', [[['a', 'b,c\td'], 1]], ';');
    expectRecords('a;b,c\td\n', [[['a;b,c', 'd'], 1]], '\t');
  });

  it('an unclosed quote names the line where it opened, whole or in pieces, with the exact reason', () => {
    const text = 'a\n"b\n\nc,d\n';
    for (let size = 0; size <= text.length; size++) {
      const error = unclosed(() => tokens(text, size));
      expect(error.row).toBe(2);
      expect(error.file).toBe('t.csv');
      expect(error.reason).toBe('a quoted field opened on this line is never closed (missing ")');
    }
    // A quote closing the text is a complete field; a lone opening quote at the end is not.
    expect(tokens('"a"', 0)).toEqual([[['a'], 1]]);
    expect(unclosed(() => tokens('x\n\n"', 0)).row).toBe(3);
    expect(unclosed(() => tokens('"a""', 0)).row).toBe(1);
  });

  it('a record handed to a callback returning false stops the reading: later text is ignored, even an unclosed quote', () => {
    for (const [text, expected] of [
      ['a\nb\n', [[['a'], 1]]],
      ['a,b,\nc', [[['a', 'b', ''], 1]]],
      ['a,\nc', [[['a', ''], 1]]],
      ['a', [[['a'], 1]]],
    ] as const) {
      for (let size = 0; size <= text.length; size++) {
        const seen: Expected = [];
        const tokenizer = new RecordTokenizer(',', 's.csv', (r) => {
          seen.push([r.fields, r.line]);
          return false;
        });
        if (size === 0) tokenizer.push(text, true);
        else for (let at = 0; at < text.length; at += size) tokenizer.push(text.slice(at, at + size), false);
        tokenizer.push('\nmore,"unclosed', true);
        tokenizer.push('\nx', true);
        expect(seen, `${JSON.stringify(text)} in pieces of ${size}`).toEqual(expected);
      }
    }
    // A trailing delimiter at the very end: the record is complete only when the text is final.
    const seen: string[][] = [];
    const tokenizer = new RecordTokenizer(',', 's.csv', (r) => {
      seen.push(r.fields);
      return false;
    });
    tokenizer.push('a,', true);
    tokenizer.push('b\n', true);
    expect(seen).toEqual([['a', '']]);
  });

  it('undefined from the callback keeps reading', () => {
    const seen: string[][] = [];
    const tokenizer = new RecordTokenizer(',', 'u.csv', (r) => {
      seen.push(r.fields);
      return undefined;
    });
    tokenizer.push('a\nb\nc', true);
    expect(seen).toEqual([['a'], ['b'], ['c']]);
  });

  it('text pushed after a final push continues at the next line', () => {
    const seen: Expected = [];
    const tokenizer = new RecordTokenizer(',', 'u.csv', (r) => {
      seen.push([r.fields, r.line]);
      return true;
    });
    tokenizer.push('a\n"b\nc"\n', true);
    tokenizer.push('d\n', true);
    expect(seen).toEqual([
      [['a'], 1],
      [['b\nc'], 2],
      [['d'], 4],
    ]);
  });
});

describe('parseDelimited', () => {
  it('reads the whole text, stops after `limit` records and reports progress once, at 1', () => {
    const progress: number[] = [];
    const records = parseDelimited('1\n2\n3\n4', ',', 'p.csv', (f) => progress.push(f));
    expect(records.map((r) => r.fields[0])).toEqual(['1', '2', '3', '4']);
    expect(progress).toEqual([1]);
    expect(parseDelimited('1\n2\n3\n4', ',', '', undefined, 2).map((r) => r.line)).toEqual([1, 2]);
    expect(parseDelimited('1\n2\n"3', ',', '', undefined, 2)).toHaveLength(2);
    expect(() => parseDelimited('1\n2\n"3', ',', 'p.csv', undefined, 3)).toThrow(DataLoadError);
  });
});

describe('detectDelimiter', () => {
  it('finds tab, semicolon or comma when it splits every line the same way into two or more fields', () => {
    expect(detectDelimiter('a\tb\nc\td\n')).toBe('\t');
    expect(detectDelimiter('a;b\nc;d\n')).toBe(';');
    expect(detectDelimiter('a,b\nc,d\n')).toBe(',');
    // Tab before semicolon before comma when several split evenly (decimal commas in a semicolon file).
    expect(detectDelimiter('a\tb,c\nd\te,f')).toBe('\t');
    expect(detectDelimiter('1,5;2,5\n3,5;4,5')).toBe(';');
    expect(detectDelimiter('a;b\tc\nd;e\tf')).toBe('\t');
  });

  it('with no even split, takes the most fields of a typical (median) line; ties go to the earlier candidate', () => {
    // semicolon: 3, 3, 2 fields (median 3); comma: 2, 1, 3 (median 2).
    expect(detectDelimiter('a;b;c,d\ne;f;g\nh;i,j,k')).toBe(';');
    // semicolon: 2, 3, 1 (median 2); comma: 3, 3, 2 (median 3).
    expect(detectDelimiter('a;b,c,d\ne;f;g,h,i\nj,k')).toBe(',');
    // Both medians 2: semicolon, the earlier candidate.
    expect(detectDelimiter('a;b,c\nd;e,f\ng;h;i,j,k')).toBe(';');
    // semicolon median 1 (1, 1, 2): not a split; comma 2, 2, 3 wins.
    expect(detectDelimiter('a,b\nc,d\ne;f,g,h')).toBe(',');
  });

  it('falls back to comma for one field per line, empty text or an unclosed quote under every candidate', () => {
    expect(detectDelimiter('abc\ndef\n')).toBe(',');
    expect(detectDelimiter('')).toBe(',');
    expect(detectDelimiter('\n\n')).toBe(',');
    expect(detectDelimiter('"abc')).toBe(',');
    // Under tab the second field opens a quote that never closes: semicolon still reads the text.
    expect(detectDelimiter('a\t"b;c\nd;e')).toBe(';');
  });

  it('reads the first 20 records only', () => {
    expect(detectDelimiter(`${'a;b,c\n'.repeat(20)}${'x,y\n'.repeat(30)}`)).toBe(';');
    // When the 20th record is already a comma line, the semicolon split is uneven and comma (two fields in each) wins.
    expect(detectDelimiter(`${'a;b,c\n'.repeat(19)}${'x,y\n'.repeat(30)}`)).toBe(',');
  });

  it('looks at the first 64 KiB only, cut at a line end (or at 64 Ki characters when no line ends there)', () => {
    expect(detectDelimiter(`a;b\n${'e,'.repeat(40000)}`)).toBe(';');
    expect(detectDelimiter('x;'.repeat(40000))).toBe(';');
    // Under 64 KiB the whole text counts: the long comma line makes comma's median larger.
    expect(detectDelimiter(`a;b\n${'e,'.repeat(1000)}`)).toBe(',');
  });
});

describe('detectHeader', () => {
  it('no records, no header', () => {
    expect(detectHeader([])).toBe(false);
  });

  it('a column numeric in the rows below but not in the first row', () => {
    expect(
      detectHeader([
        ['a', 'b'],
        ['1', '2'],
      ]),
    ).toBe(true);
    expect(
      detectHeader([
        ['x', '1'],
        ['y', '2'],
        ['z', '3'],
      ]),
    ).toBe(false);
    // A blank first cell is not a title; a row too short for the column is not numeric there.
    expect(
      detectHeader([
        ['', 'b'],
        ['1', 'x'],
      ]),
    ).toBe(false);
    expect(detectHeader([['1', 'b'], ['2']])).toBe(false);
    expect(detectHeader([['1', 'b'], ['2', '3'], ['4']])).toBe(false);
    // One non-numeric cell among the rows below keeps the column from counting.
    expect(
      detectHeader([
        ['q', 'r'],
        ['1', 's'],
        ['t', 'u'],
        ['2', 'v'],
      ]),
    ).toBe(false);
  });

  it('looks at the first 50 rows below the first row for the numeric test', () => {
    const rows = [['h', 'w']];
    for (let i = 0; i < 50; i++) rows.push([`${i}`, `w${i}`]);
    rows.push(['oops', 'w']);
    expect(detectHeader(rows)).toBe(true);
    rows.splice(50, 0, ['oops', 'w']);
    expect(detectHeader(rows)).toBe(false);
  });

  it('a well-known column name (any case, spaces trimmed, a_/b_ prefixes) that does not recur below', () => {
    for (const word of [
      'label',
      'class',
      'target',
      'y',
      'species',
      'category',
      'text',
      'sentence',
      'word',
      'text_a',
      'text_b',
      'score',
    ])
      expect(
        detectHeader([
          ['q', word],
          ['m', 'r'],
        ]),
        word,
      ).toBe(true);
    expect(
      detectHeader([
        ['q', 'labels'],
        ['m', 'r'],
      ]),
    ).toBe(false);
    expect(
      detectHeader([
        [' Label ', 'f'],
        ['a', 'g'],
      ]),
    ).toBe(true);
    expect(
      detectHeader([
        ['q', 'SPECIES'],
        ['a', 'g'],
      ]),
    ).toBe(true);
    expect(
      detectHeader([
        ['A_x', 'q'],
        ['1a', 'r'],
      ]),
    ).toBe(true);
    expect(
      detectHeader([
        ['m', 'b_2'],
        ['n', 'r'],
      ]),
    ).toBe(true);
    expect(
      detectHeader([
        ['a_', 'q'],
        ['m', 'r'],
      ]),
    ).toBe(false);
    expect(
      detectHeader([
        ['xa_b', 'q'],
        ['m', 'r'],
      ]),
    ).toBe(false);
    // "y" recurring below is a value of a yes/no column, not a title.
    expect(
      detectHeader([
        ['y', 'v'],
        [' y ', 'w'],
        ['n', 'u'],
      ]),
    ).toBe(false);
    expect(
      detectHeader(
        [
          ['text', 'v'],
          ['n', 'w'],
        ],
        () => ['text'],
      ),
    ).toBe(false);
    expect(
      detectHeader(
        [
          ['v', 'text'],
          ['n', 'w'],
        ],
        (j) => (j === 0 ? ['text'] : ['w']),
      ),
    ).toBe(true);
  });

  it('an all-text first row whose last cell never recurs while the labels below do', () => {
    expect(
      detectHeader([
        ['f', 'name'],
        ['1x', 'cat'],
        ['2x', 'cat'],
      ]),
    ).toBe(true);
    expect(
      detectHeader([
        ['f', 'name'],
        ['1x', 'cat'],
        ['2x', 'cat'],
        ['3x', 'dog'],
      ]),
    ).toBe(true);
    expect(
      detectHeader([
        ['f', 'name'],
        ['1x', ' cat'],
        ['2x', 'cat '],
      ]),
    ).toBe(true);
    // The title recurs, labels do not recur, only one row below, or a numeric first-row cell: data.
    expect(
      detectHeader([
        ['f', 'cat'],
        ['g', 'cat'],
        ['h', 'cat'],
      ]),
    ).toBe(false);
    expect(
      detectHeader([
        ['f', 'name'],
        ['g', 'a'],
        ['h', 'b'],
      ]),
    ).toBe(false);
    expect(
      detectHeader(
        [
          ['f', 'name'],
          ['g', 'cat'],
        ],
        () => ['cat', 'cat'],
      ),
    ).toBe(false);
    expect(
      detectHeader([
        ['1', 'name'],
        ['g', 'cat'],
        ['h', 'cat'],
      ]),
    ).toBe(false);
  });
});

describe('edges of parsing and detection', () => {
  it('parseDelimited names no file unless given one', () => {
    expect(unclosed(() => parseDelimited('"3', ',')).file).toBe('');
  });

  it('a text of exactly 64 Ki characters is read whole; a longer one is cut after its last line end', () => {
    // semicolon: 2 then 1 field (median 2); comma: 1 then 32,767 (median 32,767).
    expect(detectDelimiter(`a;b\n${'e,'.repeat(32766)}`)).toBe(',');
    expect(detectDelimiter(`a;b\n${'e,'.repeat(32767)}`)).toBe(';');
    // The cut keeps the whole first line, closing quote included.
    expect(detectDelimiter(`a;"b"\n${'e,'.repeat(40000)}`)).toBe(';');
  });

  it('a single row is a header only by a well-known name; blank-looking titles are trimmed', () => {
    expect(detectHeader([['a', 'b']])).toBe(false);
    expect(detectHeader([['label', 'b']])).toBe(true);
    expect(
      detectHeader([
        ['  ', 'b'],
        ['1', 'x'],
      ]),
    ).toBe(false);
    expect(
      detectHeader([
        ['f', ' cat '],
        ['g', 'cat'],
        ['h', 'cat'],
      ]),
    ).toBe(false);
    // Rows too short for the last column count as blank labels there: a blank title then recurs.
    expect(detectHeader([['f', ''], ['g'], ['h']])).toBe(false);
  });
});
