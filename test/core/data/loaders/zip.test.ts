/**
 * The bounded zip reader against real archives (fflate's zipSync) and archives patched to lie: every refusal names
 * the archive and the member, and nothing inflates past the declared size or the shared budget.
 */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { listZip, readZipEntry, type ZipEntryInfo } from '../../../../src/core/data/loaders/zip';
import { messageOf } from '../../../helpers/errors';

const text = (s: string) => new TextEncoder().encode(s);
const budget = (limit = 1 << 20) => ({ used: 0, limit });
/** Offset of the first central-directory entry (signature PK\1\2). */
function directoryAt(bytes: Uint8Array): number {
  for (let o = 0; o + 4 <= bytes.length; o++) {
    if (bytes[o] === 0x50 && bytes[o + 1] === 0x4b && bytes[o + 2] === 1 && bytes[o + 3] === 2) return o;
  }
  throw new Error('no directory');
}

describe('listZip', () => {
  it('lists names, sizes, methods and offsets from the central directory', () => {
    const bytes = zipSync({
      'a/x.txt': [text('hello hello hello'), { level: 6 }],
      'b.txt': [text('hi'), { level: 0 }],
    });
    const entries = listZip(bytes, 'z.zip');
    expect(entries.map((e) => [e.name, e.size, e.method, e.encrypted])).toEqual([
      ['a/x.txt', 17, 8, false],
      ['b.txt', 2, 0, false],
    ]);
    expect(entries[0].localOffset).toBe(0);
    expect(entries[1].localOffset).toBeGreaterThan(30);
    expect(entries[1].compressedSize).toBe(2);
  });

  it('refuses what is not a zip, and a directory that lies about its entries', () => {
    expect(messageOf(() => listZip(text('not a zip at all, just some text that is long enough'), 'z.zip'))).toBe(
      'z.zip: not a readable zip archive (no end-of-archive record: the file is not a zip, or it is cut short)',
    );
    expect(messageOf(() => listZip(new Uint8Array(10), 'z.zip'))).toMatch(/not a readable zip archive/);
    const bytes = zipSync({ 'a.txt': text('abc') });
    const eocd = bytes.length - 22;
    const more = bytes.slice();
    more[eocd + 10] = 2; // two entries claimed, one present
    expect(messageOf(() => listZip(more, 'z.zip'))).toBe(
      'z.zip: the zip archive is damaged: its directory lists 2 files but entry 2 is not where it should be',
    );
    const zip64 = bytes.slice();
    zip64[eocd + 10] = 0xff;
    zip64[eocd + 11] = 0xff;
    expect(messageOf(() => listZip(zip64, 'z.zip'))).toBe(
      'z.zip: the zip archive is damaged: its zip64 locator is missing',
    );
    const longName = bytes.slice();
    const cd = directoryAt(longName);
    longName[cd + 28] = 0xff; // a name running past the end
    expect(messageOf(() => listZip(longName, 'z.zip'))).toBe(
      'z.zip: the zip archive is damaged: directory entry 1 runs past the end',
    );
  });

  it('reads the encrypted flag and UTF-8 names', () => {
    const bytes = zipSync({ 'é.txt': text('abc') });
    const cd = directoryAt(bytes);
    const flagged = bytes.slice();
    flagged[cd + 8] |= 1;
    expect(listZip(flagged, 'z.zip')[0].encrypted).toBe(true);
    expect(listZip(bytes, 'z.zip')[0].name).toBe('é.txt');
  });
});

describe('readZipEntry', () => {
  const bytes = zipSync({
    'a.txt': [text('hello hello hello hello'), { level: 6 }],
    's.txt': [text('stored'), { level: 0 }],
  });
  const [deflated, stored] = listZip(bytes, 'z.zip');
  const read = (info: ZipEntryInfo, b = budget(), data = bytes) => readZipEntry(data, info, 'z.zip', b);

  it('inflates deflated and copies stored members, counting both against the budget', () => {
    const b = budget();
    expect(new TextDecoder().decode(read(deflated, b))).toBe('hello hello hello hello');
    expect(b.used).toBe(23);
    expect(new TextDecoder().decode(read(stored, b))).toBe('stored');
    expect(b.used).toBe(29);
    // A budget exactly the size is enough; one byte less is not.
    expect(read(deflated, budget(23))).toHaveLength(23);
    expect(messageOf(() => read(deflated, { used: 1, limit: 23 }))).toBe(
      'z.zip, file "a.txt": the images would unpack to more than 23 bytes (maxUnpackedBytes)',
    );
  });

  it('refuses encrypted members, other methods and sizes that do not match, naming the member', () => {
    expect(messageOf(() => read({ ...deflated, encrypted: true }))).toBe(
      'z.zip, file "a.txt": is encrypted; zip it without a password',
    );
    expect(messageOf(() => read({ ...deflated, method: 12 }))).toBe(
      'z.zip, file "a.txt": uses compression method 12; only stored and deflated (the usual zip) are read',
    );
    expect(messageOf(() => read({ ...stored, size: 7 }))).toBe(
      'z.zip, file "s.txt": the zip archive is damaged: it is stored uncompressed but declares 7 bytes for 6',
    );
    expect(messageOf(() => read({ ...deflated, size: 10 }))).toBe(
      'z.zip, file "a.txt": the zip archive is damaged: it inflates to more than the 10 bytes its header declares',
    );
    expect(messageOf(() => read({ ...deflated, size: 40 }))).toBe(
      'z.zip, file "a.txt": the zip archive is damaged: it inflates to 23 bytes but its header declares 40 bytes',
    );
    expect(messageOf(() => read({ ...deflated, localOffset: 5 }))).toBe(
      'z.zip, file "a.txt": the zip archive is damaged: its local header is missing',
    );
    expect(messageOf(() => read({ ...deflated, localOffset: bytes.length - 10 }))).toMatch(
      /its local header is missing/,
    );
    expect(messageOf(() => read({ ...deflated, compressedSize: bytes.length }))).toBe(
      'z.zip, file "a.txt": the zip archive is damaged: its data runs past the end of the archive (cut short?)',
    );
    const garbage = bytes.slice();
    const start = 30 + 5; // local header + "a.txt", no extra field from zipSync
    garbage.fill(0xff, start, start + deflated.compressedSize);
    expect(messageOf(() => read(deflated, budget(), garbage))).toMatch(
      /^z\.zip, file "a\.txt": the zip archive is damaged: its compressed data cannot be inflated \(/,
    );
  });

  it('inflates a member larger than one step, and an empty deflated member', () => {
    // Pseudo-random bytes barely compress, so the compressed data spans several inflate steps.
    let x = 12345;
    const big = new Uint8Array(100_000).map(() => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x >>> 16;
    });
    const archive = zipSync({ 'big.bin': [big, { level: 1 }], 'empty.txt': [new Uint8Array(0), { level: 6 }] });
    const [bigInfo, emptyInfo] = listZip(archive, 'z.zip');
    expect(bigInfo.compressedSize).toBeGreaterThan(16 * 1024);
    expect(readZipEntry(archive, bigInfo, 'z.zip', budget())).toEqual(big);
    expect(readZipEntry(archive, emptyInfo, 'z.zip', budget())).toEqual(new Uint8Array(0));
  });
});
