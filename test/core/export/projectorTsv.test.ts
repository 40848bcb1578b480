import { describe, expect, it } from 'vitest';
import {
  TsvFormatError,
  checkProjectorPair,
  labelsToIndices,
  parseMetadataTsv,
  parseProjectorPair,
  parseVectorsTsv,
  serializeMetadataTsv,
  serializeVectorsTsv,
} from '../../../src/core/export/projectorTsv';
import { Rng } from '../../../src/core/rng';

describe('vectors.tsv', () => {
  it('round-trips float32 values exactly, in short text', () => {
    const rng = new Rng(1);
    const n = 50;
    const dim = 7;
    const values = Float32Array.from({ length: n * dim }, (_, t) =>
      t % 5 === 0 ? rng.normal() * 1e-7 : t % 5 === 1 ? rng.normal() * 1e6 : rng.normal(),
    );
    values[0] = 0;
    values[1] = -0.5;
    values[2] = 0.1;
    const text = serializeVectorsTsv(values, n, dim);
    expect(text.split('\n')[0].split('\t').slice(0, 3)).toEqual(['0', '-0.5', '0.1']); // shortest float32 text
    expect(text.endsWith('\n')).toBe(true);
    const parsed = parseVectorsTsv(text, 'vectors.tsv');
    expect(parsed.n).toBe(n);
    expect(parsed.dim).toBe(dim);
    expect(Array.from(parsed.vectors)).toEqual(Array.from(values));
  });

  it('reads CRLF, a byte-order mark, blank lines and trailing whitespace', () => {
    const parsed = parseVectorsTsv('\uFEFF1\t2\r\n\r\n3e-1\t-4.5 \r\n\n', 'v.tsv');
    expect(parsed).toEqual({ vectors: Float32Array.of(1, 2, 0.3, -4.5), n: 2, dim: 2 });
  });

  it('names the file and the line of a value that is not a number', () => {
    expect(() => parseVectorsTsv('1\t2\n\n3\tabc\n', 'vectors.tsv')).toThrow(
      'vectors.tsv, line 3: "abc" is not a number',
    );
    expect(() => parseVectorsTsv('1\t2\n3\tNaN\n', 'vectors.tsv')).toThrow(
      'vectors.tsv, line 2: "NaN" is not a number',
    );
    expect(() => parseVectorsTsv('1,2\n', 'vectors.tsv')).toThrow(
      /"1,2" is not a number \(values must be separated by tabs\)/,
    );
    expect(() => parseVectorsTsv('1\t\t2\n', 'vectors.tsv')).toThrow(/line 1: "" is not a number/);
  });

  it('names the line whose length differs', () => {
    const rows = Array.from({ length: 6 }, () => Array(64).fill('0.5').join('\t'));
    rows.push(Array(63).fill('0.5').join('\t'));
    expect(() => parseVectorsTsv(rows.join('\n'), 'vectors.tsv')).toThrow(
      /^vectors\.tsv, line 7 has 63 values, expected 64/,
    );
  });

  it('refuses an empty file and non-finite values to write', () => {
    expect(() => parseVectorsTsv('', 'vectors.tsv')).toThrow('vectors.tsv is empty');
    expect(() => parseVectorsTsv(' \n\n', 'vectors.tsv')).toThrow(TsvFormatError);
    expect(() => serializeVectorsTsv(Float32Array.of(1, NaN), 1, 2)).toThrow(
      /vector 1 has a non-finite value \(NaN\) at position 2/,
    );
  });
});

describe('metadata.tsv', () => {
  it('round-trips a header and rows, flattening tabs and line breaks inside values', () => {
    const text = serializeMetadataTsv(
      ['label', 'text'],
      [
        ['cat', 'a\tb'],
        ['dog', 'line\nbreak'],
      ],
    );
    expect(text).toBe('label\ttext\ncat\ta b\ndog\tline break\n');
    expect(parseMetadataTsv(text, 'metadata.tsv')).toEqual({
      header: ['label', 'text'],
      labels: ['cat', 'dog'],
      rows: [
        ['cat', 'a b'],
        ['dog', 'line break'],
      ],
    });
  });

  it('reads single-column files with our header, or without one when the vector count says so', () => {
    const ours = serializeMetadataTsv(['label'], [['a'], ['b']]);
    expect(parseMetadataTsv(ours, 'm.tsv').labels).toEqual(['a', 'b']);
    expect(parseMetadataTsv(ours, 'm.tsv', 2).labels).toEqual(['a', 'b']);
    // The Projector's own single-column convention: no header, one label per vector.
    expect(parseMetadataTsv('a\nb\n', 'm.tsv', 2)).toEqual({
      header: ['label'],
      labels: ['a', 'b'],
      rows: [['a'], ['b']],
    });
  });

  it('names the line with the wrong number of columns and refuses empty files', () => {
    expect(() => parseMetadataTsv('label\tsplit\na\ttrain\nb\n', 'metadata.tsv')).toThrow(
      /^metadata\.tsv, line 3 has 1 column, expected 2/,
    );
    expect(() => parseMetadataTsv('\n', 'metadata.tsv')).toThrow('metadata.tsv is empty');
  });

  it('refuses rows of the wrong width when writing', () => {
    expect(() => serializeMetadataTsv(['label', 'x'], [['a']])).toThrow(/row 1 has 1 values for 2 columns/);
  });
});

describe('vectors + metadata', () => {
  it('says when the counts differ', () => {
    expect(() => checkProjectorPair(100, 99)).toThrow('metadata.tsv has 99 rows but vectors.tsv has 100 vectors');
    expect(() => parseProjectorPair('1\n2\n3\n', 'label\tnote\na\tx\nb\ty\n')).toThrow(
      /has 2 rows but vectors\.tsv has 3 vectors/,
    );
    // One column, one line too few for "header + one label per vector": the header is missing or a label is.
    expect(() => parseProjectorPair('1\n2\n3\n', 'a\nb\n')).toThrow(/has 1 row but vectors\.tsv has 3 vectors/);
  });

  it('parses a matching pair into class indices', () => {
    const data = parseProjectorPair('1\t0\n0\t1\n1\t1\n', 'label\tnote\n10\tx\n2\ty\n10\tz\n');
    expect(data.n).toBe(3);
    expect(data.dim).toBe(2);
    expect(data.header).toEqual(['label', 'note']);
    expect(data.classNames).toEqual(['2', '10']);
    expect(Array.from(data.indices)).toEqual([1, 0, 1]);
  });
});

describe('labelsToIndices', () => {
  it('sorts numbers numerically and other labels by code point', () => {
    const { indices, classNames } = labelsToIndices(['b', 'a', '10', '9', 'a']);
    expect(classNames).toEqual(['9', '10', 'a', 'b']);
    expect(Array.from(indices)).toEqual([3, 2, 1, 0, 2]);
  });
});
