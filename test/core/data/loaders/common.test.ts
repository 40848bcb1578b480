/**
 * The loaders' shared helpers and their error type, against hand-worked expectations: number parsing, file names,
 * class indexing and its checks, column statistics, and the location-first error message a user reads.
 */
import { describe, expect, it } from 'vitest';
import {
  applyStandardization,
  baseName,
  checkClasses,
  columnStats,
  constantColumns,
  extensionOf,
  formatBytes,
  indexClasses,
  nulError,
  parseDecimal,
} from '../../../../src/core/data/loaders/common';
import { DataLoadError } from '../../../../src/core/data/loaders/errors';

const ascii = (s: string) => Array.from(s, (ch) => ch.charCodeAt(0));

describe('DataLoadError', () => {
  it('puts the place first: file (or "upload"), archive entry, row, column by name or number, then the reason', () => {
    expect(new DataLoadError({ file: 'x.csv', reason: 'bad' }).message).toBe('x.csv: bad');
    expect(new DataLoadError({ file: '', reason: 'bad' }).message).toBe('upload: bad');
    const full = new DataLoadError({ file: 'photos.zip', entry: 'cats/3.png', row: 3, column: 'label', reason: 'r' });
    expect(full.message).toBe('photos.zip, file "cats/3.png", row 3, column "label": r');
    expect(new DataLoadError({ file: 'x.csv', row: 0, column: 2, reason: 'r' }).message).toBe(
      'x.csv, row 0, column 2: r',
    );
    expect(full.name).toBe('DataLoadError');
    expect([full.file, full.entry, full.row, full.column, full.reason]).toEqual([
      'photos.zip',
      'cats/3.png',
      3,
      'label',
      'r',
    ]);
    expect(full.choices).toBeUndefined();
  });

  it('lists the choices of an ambiguous file after the reason', () => {
    const choices = { option: 'tableKind' as const, values: ['labelled', 'pairs'] };
    const error = new DataLoadError({ file: 'x.csv', reason: 'which is it?', choices });
    expect(error.message).toBe('x.csv: which is it? ("labelled" or "pairs")');
    expect(error.choices).toEqual(choices);
  });
});

describe('nulError', () => {
  it('tells UTF-16 without a byte-order mark (and its byte order) from binary data', () => {
    const le = Uint8Array.from(ascii('a,b\n1,2\n').flatMap((c) => [c, 0]));
    const be = Uint8Array.from(ascii('a,b\n1,2\n').flatMap((c) => [0, c]));
    expect(nulError('t.csv', le).message).toBe(
      't.csv: the file looks like UTF-16 LE without a byte-order mark; save it as UTF-8 (or UTF-16 with a byte-order mark)',
    );
    expect(nulError('t.csv', be).message).toContain('UTF-16 BE without a byte-order mark');
    const binary = 't.csv: the file holds NUL bytes: it is binary data, not a text table';
    // Zeros at both parities alike: not UTF-16.
    expect(nulError('t.csv', Uint8Array.from([1, 0, 0, 2, 3, 0, 0, 4])).message).toBe(binary);
    // Zeros all at odd positions but too few of them (a quarter of the bytes or less): not UTF-16.
    expect(nulError('t.csv', Uint8Array.from([65, 0, 66, 67, 68, 69, 70, 71])).message).toBe(binary);
    // Only the first 4096 bytes are looked at.
    const late = new Uint8Array(4096 + 8192).fill(65);
    for (let i = 4097; i < late.length; i += 2) late[i] = 0;
    expect(nulError('t.csv', late).message).toBe(binary);
  });
});

describe('number and name helpers', () => {
  it('parseDecimal reads plain decimals only', () => {
    const read: [string, number | null][] = [
      ['1', 1],
      [' 2.5 ', 2.5],
      ['-3', -3],
      ['+4', 4],
      ['.5', 0.5],
      ['5.', 5],
      ['1e3', 1000],
      ['1E-2', 0.01],
      ['', null],
      ['0x1f', null],
      ['abc', null],
      ['1e999', null],
      ['1.2.3', null],
      ['--1', null],
      ['e5', null],
      ['1e', null],
      ['1 2', null],
    ];
    for (const [cell, value] of read) expect(parseDecimal(cell)).toBe(value);
  });

  it('baseName and extensionOf look at the last path part only', () => {
    expect(baseName('a/b/iris.csv')).toBe('iris');
    expect(baseName('C:\\x\\data.tar.gz')).toBe('data.tar');
    expect(baseName('.hidden')).toBe('.hidden');
    expect(baseName('noext')).toBe('noext');
    expect(extensionOf('x/Y.CSV')).toBe('csv');
    expect(extensionOf('a.b\\c.NPY')).toBe('npy');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('noext')).toBe('');
    expect(extensionOf('a.b/c')).toBe('');
  });

  it('formatBytes switches unit at 1 KB and 1 MB', () => {
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1024.0 KB');
    expect(formatBytes(1024 * 1024)).toBe('1.0 MB');
    expect(formatBytes(5.25 * 1024 * 1024)).toBe('5.3 MB');
  });
});

describe('indexClasses and checkClasses', () => {
  it('numbers sort numerically under their shortest form; text sorts by code point, trimmed', () => {
    expect(indexClasses(['10', '9', '1.0', '1'])).toEqual({
      classNames: ['1', '9', '10'],
      labels: Int32Array.from([2, 1, 0, 0]),
    });
    expect(indexClasses([' b', 'a', 'b', 'B'])).toEqual({
      classNames: ['B', 'a', 'b'],
      labels: Int32Array.from([2, 1, 2, 0]),
    });
    expect(indexClasses(['10', 'a', '9'])).toEqual({
      classNames: ['10', '9', 'a'],
      labels: Int32Array.from([0, 2, 1]),
    });
    expect(indexClasses([])).toEqual({ classNames: [], labels: new Int32Array(0) });
  });

  it('refuses no samples, one class, and a single-sample class, naming where', () => {
    const where = { file: 'x.csv', column: 'label', row: (i: number) => i + 2 };
    expect(() => checkClasses(indexClasses([]), where)).toThrow('x.csv: the file holds no samples');
    expect(() => checkClasses(indexClasses(['a', 'a', 'a']), where)).toThrow(
      'x.csv, column "label": all 3 samples have the same label "a"; metric learning needs at least 2 classes',
    );
    expect(() => checkClasses(indexClasses(['a', 'a', 'b', 'c', 'c']), where)).toThrow(
      'x.csv, row 4, column "label": class "b" has only 1 sample; each class needs at least 2 samples to form a positive pair',
    );
    expect(() => checkClasses(indexClasses(['a', 'a', 'b', 'c']), where)).toThrow(
      'class "b" has only 1 sample; each class needs at least 2 samples to form a positive pair (1 more class also has only 1)',
    );
    expect(() =>
      checkClasses(indexClasses(['a', 'd', 'b', 'c']), { file: 'z.zip', entry: (i) => `img${i}.png` }),
    ).toThrow(
      'z.zip, file "img0.png": class "a" has only 1 sample; each class needs at least 2 samples to form a positive pair (3 more classes also have only 1)',
    );
    expect(() => checkClasses(indexClasses(['a', 'b', 'a', 'b']), where)).not.toThrow();
  });
});

describe('column statistics and standardisation', () => {
  it('mean and population std per column over several blocks', () => {
    const { mean, std } = columnStats([Float32Array.from([1, 2, 3, 4]), Float32Array.from([5, 6])], 2);
    expect(Array.from(mean)).toEqual([3, 4]);
    expect(std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(std[1]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    const empty = columnStats([], 3);
    expect(Array.from(empty.mean)).toEqual([0, 0, 0]);
    expect(Array.from(empty.std)).toEqual([0, 0, 0]);
  });

  it('z-scores each column; a constant column (std tiny against the mean) becomes 0', () => {
    // Column 0: 1, 3 (mean 2, std 1). Column 1: constant 7. Column 2: 1e6 ± 1e-7, constant at float precision.
    const stats = { mean: Float64Array.from([2, 7, 1e6]), std: Float64Array.from([1, 0, 1e-7]) };
    const data = Float32Array.from([1, 7, 1e6, 3, 7, 1e6]);
    applyStandardization(data, 3, stats);
    expect(Array.from(data)).toEqual([-1, 0, 0, 1, 0, 0]);
    expect(constantColumns(stats)).toBe(2);
    expect(constantColumns({ mean: Float64Array.from([0, 0]), std: Float64Array.from([1e-13, 2e-12]) })).toBe(1);
  });
});
