import { describe, expect, it } from 'vitest';
import { loadTabularCsv } from '../../../../src/core/data/loaders/csv';
import { loadUpload } from '../../../../src/core/data/loaders/index';
import { parseDelimited, readTable } from '../../../../src/core/data/loaders/table';
import { CHUNK_BYTES, type RawRecord, RecordTokenizer } from '../../../../src/core/data/loaders/tableStream';
import { expectLoadError, textFile } from './helpers';

/** The records of `text` fed to the tokenizer in the given pieces. */
function inPieces(text: string, cuts: number[]): RawRecord[] {
  const records: RawRecord[] = [];
  const tokenizer = new RecordTokenizer(',', 't.csv', (r) => {
    records.push(r);
    return true;
  });
  let from = 0;
  for (const cut of cuts) {
    tokenizer.push(text.slice(from, cut), false);
    from = cut;
  }
  tokenizer.push(text.slice(from), true);
  return records;
}

/** Bytes of a file whose `middle` starts `shift` bytes before the first block boundary, so the boundary cuts it. */
function straddling(
  head: string,
  middle: string,
  tail: string,
  shift = 3,
  encode = (s: string) => new TextEncoder().encode(s),
): Uint8Array {
  const headBytes = encode(head);
  const line = encode('0,0,a\n');
  const filler: Uint8Array[] = [];
  let size = headBytes.length;
  while (size + line.length < CHUNK_BYTES - shift - 1) {
    filler.push(line);
    size += line.length;
  }
  // Spaces before the first cell of `middle` are trimmed away.
  const parts = [headBytes, ...filler, encode(' '.repeat(CHUNK_BYTES - shift - size)), encode(middle), encode(tail)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('streamed tables', () => {
  it('split at every position, the tokenizer gives the records of the whole text', () => {
    const text = 'a,"b, ""q""\r\nx",c\r\n\r\n1, "2\n3" ,4\r\n"",,\n5,6,"7"';
    const whole = parseDelimited(text, ',');
    expect(whole.map((r) => r.fields)).toEqual([
      ['a', 'b, "q"\r\nx', 'c'],
      ['1', '2\n3 ', '4'],
      ['', '', ''],
      ['5', '6', '7'],
    ]);
    for (let cut = 0; cut <= text.length; cut++) expect(inPieces(text, [cut])).toEqual(whole);
    for (let cut = 1; cut < text.length - 1; cut++) expect(inPieces(text, [cut, cut + 1])).toEqual(whole);
  });

  it('an unclosed quote is reported at its line however the text arrives', async () => {
    await expectLoadError(() => inPieces('a,b\n1,2\n"open,3\n4,5\n', [5, 9, 12]), {
      file: 't.csv',
      row: 3,
      reason: /never closed/,
    });
  });

  it('cells straddling a block boundary (a quoted line break, CRLF, a two-byte letter) read as written', () => {
    const middle = '1,"li\r\nne",é\r\n';
    // The boundary cuts the quoted CR LF, the two bytes of é, the CR LF ending the record, and a plain cell.
    for (const shift of [6, 12, 14, 2]) {
      const bytes = straddling('x,y,label\r\n', middle, '3,4,é\r\n5,6,a\r\n', shift);
      const table = readTable({ name: 's.csv', bytes });
      const labels = table.texts(2);
      expect(labels.filter((l) => l === 'é').length).toBe(2);
      expect(table.texts(1)).toContain('li\r\nne');
      const lines = new TextDecoder().decode(bytes).split(/\r\n|\n|\r/).length - 1;
      expect(table.rowLines[table.rowCount - 1]).toBe(lines);
    }
  });

  it('a column of numbers with many values keeps its exact texts (leading zeros) when a text column needs them', () => {
    const rows = ['code,label'];
    for (let i = 0; i < 3000; i++) rows.push(`${String(i).padStart(5, '0')},${i % 2 === 0 ? 'even' : 'odd'}`);
    rows.push('x12,odd');
    const table = readTable(textFile('codes.csv', `${rows.join('\n')}\n`));
    const codes = table.texts(0);
    expect(codes[0]).toBe('00000');
    expect(codes[2999]).toBe('02999');
    expect(codes[3000]).toBe('x12');
  });

  it('a bad cell far down a numeric column is reported with its own text, row and column', async () => {
    const rows = ['a,b,label'];
    for (let i = 0; i < 5000; i++) rows.push(`${i * 0.25},${-i},${i % 3}`);
    rows.push('1e39,0,1');
    await expectLoadError(() => loadTabularCsv(textFile('far.csv', rows.join('\n'))), {
      file: 'far.csv',
      row: 5002,
      column: 'a',
      reason: /1e39 is beyond the float32 range/,
    });
  });

  it('invalid UTF-8 after the first block: the whole file is read as Windows-1252, café and cafè two classes', async () => {
    const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    const bytes = straddling('x,y,label\n', '', '1,2,caf\xe9\n3,4,caf\xe9\n5,6,caf\xe8\n7,8,caf\xe8\n', 3, latin1);
    const { dataset, summary } = await loadUpload([{ name: 'w.csv', bytes }]);
    expect(summary.notes.join(' ')).toMatch(/read as Windows-1252/);
    expect(dataset.kind === 'labelled' && dataset.classNames).toEqual(['a', 'cafè', 'café']);
  });

  it('decimal commas with a decimal point only after the first block are left as written', async () => {
    const rows = ['x;b;label'];
    for (let i = 0; rows.length * 12 < 1.5 * CHUNK_BYTES; i++) rows.push(`${i},5;${i % 7};${i % 2}`);
    const commas = rows.join('\n');
    const read = readTable(textFile('c.csv', commas));
    expect(read.notes).toContain('decimal commas read as decimal points (1,5 = 1.5)');
    expect(read.texts(0)[3]).toBe('3.5');
    await expectLoadError(() => loadTabularCsv(textFile('m.csv', `${commas}\n2.5;1;0\n`)), {
      file: 'm.csv',
      row: 2,
      column: 'x',
      reason: /"0,5" is not a number/,
    });
  });

  it('a read is cancelled between blocks: the abort on the first progress event ends it with "cancelled"', async () => {
    const rows = ['a,b,label'];
    for (let i = 0; rows.length * 14 < 3 * CHUNK_BYTES; i++) rows.push(`${i},${i * 2},${i % 4}`);
    const controller = new AbortController();
    const seen: number[] = [];
    const load = loadUpload([textFile('big.csv', rows.join('\n'))], {
      signal: controller.signal,
      progress: (f) => {
        seen.push(f);
        if (f > 0) controller.abort();
      },
    });
    await expectLoadError(() => load, { file: 'big.csv', reason: /cancelled/ });
    expect(seen.filter((f) => f > 0).length).toBe(1);
    expect(seen[1]).toBeLessThan(0.5);
  });
});
