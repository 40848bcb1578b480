/**
 * The table reader's edges on tiny files: encodings and byte-order marks, decoding a block at a time, decimal commas,
 * the growing column store, detection notes, the exact error texts, and what a `Table` gives back per cell.
 */
import { describe, expect, it } from 'vitest';
import { DataLoadError } from '../../../../src/core/data/loaders/errors';
import { readTable, readTableSteps, type Table } from '../../../../src/core/data/loaders/table';
import {
  CHUNK_BYTES,
  ColumnBuilder,
  DecimalCommas,
  firstEncoding,
  grow,
  LineList,
  textChunks,
  WINDOWS_1252,
} from '../../../../src/core/data/loaders/tableStream';
import type { FileBytes, TableOptions } from '../../../../src/core/data/loaders/types';
import { expectLoadError, textFile } from './helpers';

const bytesOf = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));
const latin1 = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const utf16 = (s: string, le: boolean): number[] =>
  Array.from(s).flatMap((c) => {
    const u = c.charCodeAt(0);
    return le ? [u & 0xff, u >> 8] : [u >> 8, u & 0xff];
  });

function read(name: string, bytes: Uint8Array | string, options: TableOptions = {}): Table {
  const file: FileBytes = typeof bytes === 'string' ? textFile(name, bytes) : { name, bytes };
  return readTable(file, options);
}

/** Every column's texts, row by row. */
function cells(table: Table): string[][] {
  const columns = Array.from({ length: table.columnCount }, (_, j) => table.texts(j));
  return Array.from({ length: table.rowCount }, (_, r) => columns.map((c) => c[r]));
}

describe('firstEncoding and textChunks', () => {
  it('UTF-32 marks are refused, UTF-16 marks decide, else UTF-8 (NUL bytes refused)', () => {
    for (const mark of [
      [0xff, 0xfe, 0, 0],
      [0, 0, 0xfe, 0xff],
    ]) {
      const error = (() => {
        try {
          firstEncoding(Uint8Array.from([...mark, 0x61, 0]), 'u.csv');
        } catch (e) {
          return e as DataLoadError;
        }
      })();
      expect(error).toBeInstanceOf(DataLoadError);
      expect(error?.reason).toBe('the file is encoded as UTF-32, which is not read; save it as UTF-8');
      expect(error?.file).toBe('u.csv');
    }
    expect(firstEncoding(Uint8Array.from([0xff, 0xfe, 0x61, 0]), 'f')).toEqual({
      encoding: 'utf-16le',
      start: 2,
      note: 'encoding: UTF-16 LE (from its byte-order mark)',
    });
    expect(firstEncoding(Uint8Array.from([0xfe, 0xff, 0, 0x61]), 'f')).toEqual({
      encoding: 'utf-16be',
      start: 2,
      note: 'encoding: UTF-16 BE (from its byte-order mark)',
    });
    // Two or three bytes cannot be a UTF-32 mark; FF FE alone is UTF-16.
    expect(firstEncoding(Uint8Array.from([0xff, 0xfe]), 'f').encoding).toBe('utf-16le');
    expect(firstEncoding(Uint8Array.from([0xff, 0xfe, 0]), 'f').encoding).toBe('utf-16le');
    expect(() => firstEncoding(Uint8Array.from([0, 0, 0xfe]), 'f')).toThrow(DataLoadError);
    expect(firstEncoding(Uint8Array.from([0xfe]), 'f')).toEqual({ encoding: 'utf-8', start: 0 });
    expect(firstEncoding(Uint8Array.from([0xff, 0x61]), 'f')).toEqual({ encoding: 'utf-8', start: 0 });
    expect(firstEncoding(Uint8Array.from([0x61, 0xfe]), 'f')).toEqual({ encoding: 'utf-8', start: 0 });
    expect(firstEncoding(new Uint8Array(0), 'f')).toEqual({ encoding: 'utf-8', start: 0 });
    expect(() => firstEncoding(Uint8Array.from([0x61, 0, 0x62]), 'n.csv')).toThrow(DataLoadError);
  });

  it('small and empty inputs come as one final chunk; a leading U+FEFF is dropped', () => {
    const utf8 = { encoding: 'utf-8', start: 0 } as const;
    expect([...textChunks(bytesOf('a,b'), utf8, 'f')]).toEqual([{ text: 'a,b', end: 3, final: true }]);
    expect([...textChunks(new Uint8Array(0), utf8, 'f')]).toEqual([{ text: '', end: 0, final: true }]);
    expect([...textChunks(bytesOf([0xef, 0xbb, 0xbf], 'x'), utf8, 'f')]).toEqual([{ text: 'x', end: 4, final: true }]);
    expect([...textChunks(bytesOf('x\uFEFF'), utf8, 'f')][0].text).toBe('x\uFEFF');
    const le = firstEncoding(Uint8Array.from([0xff, 0xfe]), 'f');
    expect([...textChunks(Uint8Array.from([0xff, 0xfe, 0x61, 0, 0x62, 0]), le, 'f')]).toEqual([
      { text: 'ab', end: 6, final: true },
    ]);
    expect([...textChunks(Uint8Array.from([0xff, 0xfe]), le, 'f')]).toEqual([{ text: '', end: 2, final: true }]);
  });

  it('bytes over one block come a block at a time, a two-byte letter cut by the boundary read whole', () => {
    const text = `a${'é'.repeat(CHUNK_BYTES / 2 + 10)}`;
    const bytes = new TextEncoder().encode(text);
    const chunks = [...textChunks(bytes, { encoding: 'utf-8', start: 0 }, 'f')];
    expect(chunks.map((c) => [c.end, c.final])).toEqual([
      [CHUNK_BYTES, false],
      [bytes.length, true],
    ]);
    expect(chunks.map((c) => c.text).join('')).toBe(text);
  });

  it('invalid UTF-8 throws NotUtf8 (read again as Windows-1252); invalid UTF-16 is refused by name', () => {
    expect(() => [...textChunks(Uint8Array.from([0x61, 0xe9]), { encoding: 'utf-8', start: 0 }, 'f')]).toThrow(Error);
    for (const [mark, name] of [
      [[0xff, 0xfe], 'UTF-16 LE'],
      [[0xfe, 0xff], 'UTF-16 BE'],
    ] as const) {
      const choice = firstEncoding(Uint8Array.from(mark), 'f');
      let caught: unknown;
      try {
        [...textChunks(Uint8Array.from([...mark, 0x61, 0x62, 0x63]), choice, 'bad.csv')];
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DataLoadError);
      expect((caught as DataLoadError).reason).toBe(
        `the file starts with a ${name} byte-order mark but is not valid UTF-16; save it as UTF-8`,
      );
    }
    expect([...textChunks(Uint8Array.from([0x63, 0xe9]), WINDOWS_1252, 'f')][0].text).toBe('cé');
  });
});

describe('DecimalCommas', () => {
  it('counts decimal commas, rewrites them when asked and notes any decimal point', () => {
    const d = new DecimalCommas();
    expect(d.apply).toBe(false);
    expect(d.cell(' 1,5 ', true)).toBe('1.5');
    expect(d.cell('1,5', false)).toBe('1,5');
    expect(d.cell(',5', true)).toBe('.5');
    expect(d.cell('-1,5e3', true)).toBe('-1.5e3');
    expect(d.cell('+2,', true)).toBe('+2.');
    expect(d.commas).toBe(5);
    for (const t of ['a,b', '1,5,6', '1,5x', '1,5e', '', '1,5 2']) expect(d.cell(t, true)).toBe(t.trim());
    expect(d.commas).toBe(5);
    expect(d.apply).toBe(true);
    for (const t of ['1', 'a.b', '1.2.3', '1.5x', '.', 'e.5']) d.cell(t, true);
    expect(d.points).toBe(false);
    expect(d.cell(' 2.5 ', true)).toBe('2.5');
    expect(d.points).toBe(true);
    expect(d.apply).toBe(false);
    for (const t of ['1.', '.5', '-3.5E-2']) {
      const fresh = new DecimalCommas();
      fresh.cell(t, false);
      expect(fresh.points, t).toBe(true);
    }
  });
});

describe('ColumnBuilder, LineList and grow', () => {
  it('a column keeps texts and values; growth past its first 256 cells keeps every value', () => {
    const b = new ColumnBuilder();
    const texts = ['h', '1', '2.5', 'x', ...Array.from({ length: 300 }, (_, i) => `${i % 7}`)];
    for (const t of texts) b.push(t);
    const column = b.finish();
    expect(column.numbers.length).toBe(304);
    expect(Array.from(column.numbers.subarray(0, 6))).toEqual([Number.NaN, 1, 2.5, Number.NaN, 0, 1]);
    expect(column.numbers[303]).toBe(299 % 7);
    expect(column.strings).toEqual(texts);
    expect(column.exceptions.size).toBe(0);
  });

  it('with over 1,024 distinct numbers and no bad cell below the first, only values and exceptions are kept', () => {
    const b = new ColumnBuilder();
    b.push('head');
    for (let i = 0; i < 1100; i++) b.push(`${i}`);
    b.push('1e39');
    b.push('oops');
    b.push('-4');
    const column = b.finish();
    expect(column.strings).toBeNull();
    expect([...column.exceptions]).toEqual([
      [0, 'head'],
      [1101, '1e39'],
      [1102, 'oops'],
    ]);
    expect(column.numbers.length).toBe(1104);
    expect(column.numbers[1100]).toBe(1099);
    expect(column.numbers[1102]).toBeNaN();
    expect(column.numbers[1103]).toBe(-4);
  });

  it('the switch to numbers only happens on the 1,025th distinct text, and never once a cell below is not a number', () => {
    const numeric = new ColumnBuilder();
    for (let i = 0; i < 1024; i++) numeric.push(`${i}`);
    numeric.push('5');
    expect(numeric.finish().strings).toHaveLength(1025);
    numeric.push('1024');
    expect(numeric.finish().strings).toBeNull();
    expect(numeric.finish().exceptions.size).toBe(0);

    const outOfRange = new ColumnBuilder();
    outOfRange.push('-1e39');
    for (let i = 0; i < 1100; i++) outOfRange.push(`${i}`);
    expect([...outOfRange.finish().exceptions]).toEqual([[0, '-1e39']]);

    const textual = new ColumnBuilder();
    textual.push('h');
    textual.push('x');
    for (let i = 0; i < 1100; i++) textual.push(`${i}`);
    expect(textual.finish().strings).toHaveLength(1102);

    const big = new ColumnBuilder();
    big.push('h');
    big.push('3.5e38');
    for (let i = 0; i < 1100; i++) big.push(`${i}`);
    expect(big.finish().strings).toHaveLength(1102);
  });

  it('reserve makes room without losing or shrinking anything', () => {
    const b = new ColumnBuilder();
    b.reserve(10);
    b.push('1');
    b.reserve(1000);
    for (let i = 0; i < 999; i++) b.push('2');
    b.push('3');
    const column = b.finish();
    expect(column.numbers.length).toBe(1001);
    expect([column.numbers[0], column.numbers[999], column.numbers[1000]]).toEqual([1, 2, 3]);

    const lines = new LineList();
    lines.reserve(10);
    for (let i = 1; i <= 300; i++) lines.push(i * 2);
    expect(lines.length).toBe(300);
    expect(lines.view()).toHaveLength(300);
    expect(lines.view()[299]).toBe(600);
    expect(Array.from(lines.view(298))).toEqual([598, 600]);
    lines.reserve(5000);
    lines.push(7);
    expect(Array.from(lines.view(299))).toEqual([600, 7]);
  });

  it('grow copies into a larger array of the same type', () => {
    const grown = grow(Int32Array.from([1, 2]), 4);
    expect(grown).toBeInstanceOf(Int32Array);
    expect(Array.from(grown)).toEqual([1, 2, 0, 0]);
    expect(grow(Float32Array.from([0.5]), 2)).toEqual(Float32Array.from([0.5, 0]));
  });
});

describe('readTable on small files', () => {
  it('notes the detected delimiter by name, the header, and keeps the line of every row', () => {
    const t = read('s.csv', 'a;b\n\n1;2\r\n"x\ny";3\n4;5');
    expect(t.delimiter).toBe(';');
    expect(t.notes).toEqual(['delimiter: semicolon (detected)', 'header row: a, b']);
    expect(t.header).toEqual(['a', 'b']);
    expect(Array.from(t.rowLines)).toEqual([3, 4, 6]);
    expect(t.rowCount).toBe(3);
    expect(t.columnCount).toBe(2);
    expect(cells(t)).toEqual([
      ['1', '2'],
      ['x\ny', '3'],
      ['4', '5'],
    ]);
    expect(read('t.tsv', 'a\tb\n1\t2\n').notes[0]).toBe('delimiter: tab (detected)');
    expect(read('c.csv', 'a,b\n1,2\n').notes[0]).toBe('delimiter: comma (detected)');
    // A given delimiter is not noted; a headerless table says so.
    const given = read('g.csv', '1;2\n3;4\n', { delimiter: ';' });
    expect(given.notes).toEqual(['no header row: the first row is data']);
    expect(given.header).toBeNull();
    expect(Array.from(given.rowLines)).toEqual([1, 2]);
    expect([given.value(0, 0), given.value(1, 1)]).toEqual([1, 4]);
  });

  it('the header option overrides detection', () => {
    expect(read('h.csv', 'a,b\n1,2\n', { header: false }).header).toBeNull();
    const forced = read('h.csv', '1,2\n3,4\n', { header: true });
    expect(forced.header).toEqual(['1', '2']);
    expect(cells(forced)).toEqual([['3', '4']]);
    expect(Array.from(forced.rowLines)).toEqual([2]);
  });

  it('a UTF-8 byte-order mark is dropped; UTF-16 files and Windows-1252 files are read with a note', () => {
    expect(read('b.csv', bytesOf([0xef, 0xbb, 0xbf], 'label,x\nq,1\n')).header).toEqual(['label', 'x']);
    for (const le of [true, false]) {
      const t = read('w.csv', Uint8Array.from([...(le ? [0xff, 0xfe] : [0xfe, 0xff]), ...utf16('name,x\né,1\n', le)]));
      expect(t.notes[0]).toBe(`encoding: UTF-16 ${le ? 'LE' : 'BE'} (from its byte-order mark)`);
      expect(cells(t)).toEqual([['é', '1']]);
    }
    const w = read('l.csv', Uint8Array.from(latin1('name;x\ncafé;1,5\ncafè;2\n')));
    expect(w.notes).toEqual([
      WINDOWS_1252.note,
      'delimiter: semicolon (detected)',
      'decimal commas read as decimal points (1,5 = 1.5)',
      'header row: name, x',
    ]);
    expect(cells(w)).toEqual([
      ['café', '1.5'],
      ['cafè', '2'],
    ]);
  });

  it('decimal commas are read as points only off comma-separated files and only when no cell uses a point', () => {
    const commas = read('d.csv', 'x;y\n1,5;2\n3;4,25\n');
    expect([commas.value(0, 0), commas.value(1, 1)]).toEqual([1.5, 4.25]);
    expect(commas.texts(0)).toEqual(['1.5', '3']);
    const mixed = read('m.csv', 'x;y\n1,5;2.5\n');
    expect(mixed.notes).not.toContain('decimal commas read as decimal points (1,5 = 1.5)');
    expect(mixed.value(0, 0)).toBeNaN();
    expect(mixed.cellText(0, 0)).toBe('1,5');
    expect(mixed.value(0, 1)).toBe(2.5);
    const quoted = read('q.csv', 'x,y\n"1,5",2\n');
    expect(quoted.notes).toEqual(['delimiter: comma (detected)', 'header row: x, y']);
    expect(quoted.cellText(0, 0)).toBe('1,5');
    expect(quoted.value(0, 0)).toBeNaN();
  });

  it('a numeric column with many values gives its texts by reading the file again (with its decimal commas and encoding)', () => {
    const rows = ['n;name'];
    for (let i = 0; i < 1100; i++) rows.push(i === 1050 ? 'oops;caf\xe9' : `${i},5;caf\xe9`);
    const t = read('many.csv', Uint8Array.from(latin1(`${rows.join('\n')}\n`)));
    expect(t.notes[0]).toBe(WINDOWS_1252.note);
    expect(t.exceptions(0)).toEqual(['oops']);
    expect(t.exceptions(1)).toBeNull();
    expect(t.cellText(1050, 0)).toBe('oops');
    expect(t.cellText(3, 0)).toBeUndefined();
    expect(t.cellText(3, 1)).toBe('café');
    expect(t.value(3, 0)).toBe(3.5);
    expect(t.value(1050, 0)).toBeNaN();
    const texts = t.texts(0);
    expect(texts).toHaveLength(1100);
    expect([texts[0], texts[1049], texts[1050], texts[1099]]).toEqual(['0.5', '1049.5', 'oops', '1099.5']);
    expect(t.texts(0)).toBe(texts);
    expect(t.texts(1)[1099]).toBe('café');
    // Headerless: the first row is data, so its cell is an exception too.
    const bare = ['x,1'];
    for (let i = 0; i < 1100; i++) bare.push(`${i},${i}`);
    const b = read('bare.csv', `${bare.join('\n')}`, { header: false });
    expect(b.exceptions(0)).toEqual(['x']);
    expect(b.texts(1).slice(0, 2)).toEqual(['1', '0']);
    expect(b.cellText(0, 0)).toBe('x');
  });

  it('reports progress up to one half, never twice the same, and steps once per pass', () => {
    const seen: number[] = [];
    read('p.csv', 'a,b\n1,2\n', { progress: (f) => seen.push(f) });
    expect(seen).toEqual([0.5]);
    const mixed: number[] = [];
    read('p.csv', 'x;y\n1,5;2.5\n', { progress: (f) => mixed.push(f) });
    expect(mixed).toEqual([0.5]);
    const count = (text: string): number => {
      const steps = readTableSteps(textFile('s.csv', text));
      let n = 0;
      while (!steps.next().done) n++;
      return n;
    };
    expect(count('a,b\n1,2\n')).toBe(1);
    expect(count('x;y\n1,5;2.5\n')).toBe(2);
  });

  it('the exact refusals: empty file, header without data, ragged rows, a repeated column name', async () => {
    for (const empty of ['', '  \n \r\n', '\uFEFF']) {
      await expectLoadError(() => read('e.csv', empty), { file: 'e.csv', reason: /^the file is empty$/ });
    }
    await expectLoadError(() => read('e16.csv', Uint8Array.from([0xff, 0xfe])), {
      file: 'e16.csv',
      reason: /^the file is empty$/,
    });
    await expectLoadError(() => read('h.csv', 'label,x\n'), {
      file: 'h.csv',
      reason: /^the file has a header but no data rows$/,
    });
    await expectLoadError(() => read('r.csv', 'a,b\n1,2\n3\n4,5\n'), {
      file: 'r.csv',
      row: 3,
      reason: /^found 1 field but the header has 2$/,
    });
    await expectLoadError(() => read('r.csv', 'a,b\n1,2\n3,4,5\n6\n'), {
      file: 'r.csv',
      row: 3,
      reason: /^found 3 fields but the header has 2$/,
    });
    await expectLoadError(() => read('n.csv', '\n\n1,2\n3\n'), {
      file: 'n.csv',
      row: 4,
      reason: /^found 1 field but the first row \(line 3\) has 2$/,
    });
    // An unclosed quote further down is reported before the ragged row above it.
    await expectLoadError(() => read('u.csv', 'a,b\n1,2\n3\n"x,\n'), {
      file: 'u.csv',
      row: 4,
      reason: /^a quoted field opened on this line is never closed \(missing "\)$/,
    });
    await expectLoadError(() => read('d.csv', '\na,b,A\n1,2,3\n'), {
      file: 'd.csv',
      row: 2,
      reason: /^the header names column "A" twice \(columns 1 and 3\); rename one so it is clear which is meant$/,
    });
    // Blank header names may repeat.
    expect(read('blank.csv', ',,b\n1,2,3\n').header).toEqual(['', '', 'b']);
  });

  it('a file over one block: rows across the boundary, sized from the first block, read as written', () => {
    const cell = 'x'.repeat(4000);
    const rows = ['text,n'];
    for (let i = 0; rows.length * 4007 < CHUNK_BYTES + 50_000; i++) rows.push(`"${cell}${i}",${i}`);
    const text = `${rows.join('\r\n')}\r\n`;
    const seen: number[] = [];
    const t = read('big.csv', text, { progress: (f) => seen.push(f) });
    const n = rows.length - 1;
    expect(t.rowCount).toBe(n);
    expect(t.rowLines[n - 1]).toBe(n + 1);
    expect(t.value(n - 1, 1)).toBe(n - 1);
    expect(t.texts(0)[n - 1]).toBe(`${cell}${n - 1}`);
    expect(seen).toEqual([(0.5 * CHUNK_BYTES) / text.length, 0.5]);
  });
});

describe('more edges of encodings, columns and passes', () => {
  it('UTF-16 and UTF-32 marks are matched byte for byte', () => {
    expect(firstEncoding(Uint8Array.from([0xfe, 0x61]), 'f')).toEqual({ encoding: 'utf-8', start: 0 });
    expect(firstEncoding(Uint8Array.from([0x61, 0xff]), 'f')).toEqual({ encoding: 'utf-8', start: 0 });
    // Four bytes exactly: only the two UTF-32 marks are UTF-32; one byte off is UTF-16 or a NUL refusal.
    const utf32 = 'the file is encoded as UTF-32, which is not read; save it as UTF-8';
    const verdict = (b: number[]): string => {
      try {
        return firstEncoding(Uint8Array.from(b), 'f').encoding;
      } catch (e) {
        return (e as DataLoadError).reason === utf32 ? 'utf-32' : 'nul';
      }
    };
    expect(verdict([0xff, 0xfe, 0, 0])).toBe('utf-32');
    expect(verdict([0, 0, 0xfe, 0xff])).toBe('utf-32');
    for (const b of [
      [0xfe, 0xfe, 0, 0],
      [0xff, 0xff, 0, 0],
      [1, 0, 0xfe, 0xff],
      [0, 1, 0xfe, 0xff],
      [0, 0, 0xff, 0xff],
      [0, 0, 0xfe, 0xfe],
    ])
      expect(verdict(b), b.join(' ')).toBe('nul');
    expect(verdict([0xff, 0xfe, 1, 0])).toBe('utf-16le');
    expect(verdict([0xff, 0xfe, 0, 1])).toBe('utf-16le');
  });

  it('a second U+FEFF right after the UTF-8 mark is dropped too; one starting a later block is kept', () => {
    const utf8 = { encoding: 'utf-8', start: 0 } as const;
    expect([...textChunks(bytesOf([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'x'), utf8, 'f')][0].text).toBe('x');
    const text = `${'a'.repeat(CHUNK_BYTES)}\uFEFFb`;
    const chunks = [...textChunks(new TextEncoder().encode(text), utf8, 'f')];
    expect(chunks).toHaveLength(2);
    expect(chunks[1].text).toBe('\uFEFFb');
  });

  it('the largest float32 is in range, in the first cell or below it', () => {
    const largest = new ColumnBuilder();
    largest.push('h');
    largest.push('3.4028234663852886e38');
    for (let i = 0; i < 1100; i++) largest.push(`${i}`);
    expect(largest.finish().strings).toBeNull();
    const largestFirst = new ColumnBuilder();
    largestFirst.push('-3.4028234663852886e38');
    for (let i = 0; i < 1100; i++) largestFirst.push(`${i}`);
    expect(largestFirst.finish().exceptions.size).toBe(0);
  });

  it('a second pass only for decimal commas beside points off a comma-separated file', () => {
    const count = (text: string): number => {
      const steps = readTableSteps(textFile('s.csv', text));
      let n = 0;
      while (!steps.next().done) n++;
      return n;
    };
    expect(count('a;b\n1.5;2\n')).toBe(1);
    expect(count('x,y\n"1,5",2.5\n')).toBe(1);
  });

  it('header names compare in lower case; a quote left open after a ragged row and complete rows is reported', async () => {
    // "ss" and "ß" differ, although both upper-case to "SS".
    expect(read('ss.csv', 'ss,ß\n1,2\n').header).toEqual(['ss', 'ß']);
    await expectLoadError(() => read('u2.csv', 'a,b\n1,2\n3\n4,5\n"x,\n'), {
      file: 'u2.csv',
      row: 5,
      reason: /^a quoted field opened on this line is never closed \(missing "\)$/,
    });
    // An invalid UTF-16 file is refused, not read again as Windows-1252.
    await expectLoadError(() => read('bad16.csv', Uint8Array.from([0xff, 0xfe, 0x61, 0, 0x62])), {
      file: 'bad16.csv',
      reason: /^the file starts with a UTF-16 LE byte-order mark but is not valid UTF-16; save it as UTF-8$/,
    });
  });

  it('a blank last title over a numeric column: header detection reads that column again and finds no header', () => {
    const rows = ['f,'];
    for (let i = 0; i < 1100; i++) rows.push(`g,${i}`);
    const t = read('blank.csv', rows.join('\n'));
    expect(t.header).toBeNull();
    expect(t.rowCount).toBe(1101);
    expect(t.exceptions(1)).toEqual(['']);
    expect(t.texts(1).slice(0, 3)).toEqual(['', '0', '1']);
  });

  it('a file over one block, Windows-1252 in its last row: read again whole, progress never going back', () => {
    const cell = 'x'.repeat(1000);
    const rows = ['text,n'];
    for (let i = 0; rows.length * 1007 < CHUNK_BYTES + 50_000; i++) rows.push(`"${cell}",${i}`);
    rows.push('"caf\xe9",-1');
    const bytes = Uint8Array.from(latin1(`${rows.join('\r\n')}\r\n`));
    const seen: number[] = [];
    const t = read('big.csv', bytes, { progress: (f) => seen.push(f) });
    const n = rows.length - 1;
    expect(n).toBeGreaterThan(1025);
    expect(t.notes[0]).toBe(WINDOWS_1252.note);
    expect(t.rowCount).toBe(n);
    expect(t.rowLines[n - 1]).toBe(n + 1);
    expect(t.value(n - 2, 1)).toBe(n - 2);
    expect(t.texts(0)[n - 1]).toBe('café');
    // The numeric column is read again for its texts, over both blocks.
    const numbers = t.texts(1);
    expect(numbers).toHaveLength(n);
    expect([numbers[0], numbers[n - 2], numbers[n - 1]]).toEqual(['0', `${n - 2}`, '-1']);
    expect(seen).toEqual([(0.5 * CHUNK_BYTES) / bytes.length, 0.5]);
  });
});
