/**
 * The zip reader on archives written byte by byte here: local headers and central-directory records with extra
 * fields and comments, zip64 end records and zip64 size/offset fields, archive comments up to the 65,535-byte
 * limit, name encodings, flags, and members that end exactly where the archive does.
 */
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { listZip, readZipEntry } from '../../../../src/core/data/loaders/zip';
import { messageOf } from '../../../helpers/errors';

const u16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const u64 = (v: number) => [...u32(v % 2 ** 32), ...u32(Math.floor(v / 2 ** 32))];
const text = (s: string) => Array.from(new TextEncoder().encode(s));
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

interface Member {
  name: number[];
  /** The bytes stored in the archive (already deflated when method is 8). */
  data: number[];
  method?: number;
  /** Declared uncompressed size (default: data length). */
  size?: number;
  flags?: number;
  localExtra?: number[];
  centralExtra?: number[];
  comment?: number[];
  /** Central-directory fields written as 0xffffffff (their values then sit in centralExtra). */
  sizeField?: number;
  compressedField?: number;
  offsetField?: number;
}

/** Local headers and data, then the central directory, then (optionally zip64 records and) the end record. */
function buildZip(
  members: Member[],
  options: { comment?: number[]; zip64?: boolean; countField?: number; offsetField?: number } = {},
): { bytes: Uint8Array; offsets: number[]; directory: number } {
  const out: number[] = [];
  const offsets: number[] = [];
  for (const m of members) {
    offsets.push(out.length);
    const extra = m.localExtra ?? [];
    out.push(...u32(0x04034b50), ...u16(20), ...u16(m.flags ?? 0), ...u16(m.method ?? 0), 0, 0, 0, 0);
    out.push(...u32(0), ...u32(m.data.length), ...u32(m.size ?? m.data.length), ...u16(m.name.length));
    out.push(...u16(extra.length), ...m.name, ...extra, ...m.data);
  }
  const directory = out.length;
  members.forEach((m, i) => {
    const extra = m.centralExtra ?? [];
    const comment = m.comment ?? [];
    out.push(...u32(0x02014b50), ...u16(20), ...u16(20), ...u16(m.flags ?? 0), ...u16(m.method ?? 0), 0, 0, 0, 0);
    out.push(...u32(0), ...u32(m.compressedField ?? m.data.length), ...u32(m.sizeField ?? m.size ?? m.data.length));
    out.push(...u16(m.name.length), ...u16(extra.length), ...u16(comment.length), 0, 0, 0, 0, 0, 0, 0, 0);
    out.push(...u32(m.offsetField ?? offsets[i]), ...m.name, ...extra, ...comment);
  });
  const directorySize = out.length - directory;
  if (options.zip64) {
    const record = out.length;
    out.push(...u32(0x06064b50), ...u64(44), ...u16(45), ...u16(45), ...u32(0), ...u32(0));
    out.push(...u64(members.length), ...u64(members.length), ...u64(directorySize), ...u64(directory));
    out.push(...u32(0x07064b50), ...u32(0), ...u64(record), ...u32(1));
  }
  const comment = options.comment ?? [];
  out.push(...u32(0x06054b50), 0, 0, 0, 0, ...u16(members.length), ...u16(options.countField ?? members.length));
  out.push(...u32(directorySize), ...u32(options.offsetField ?? directory), ...u16(comment.length));
  const bytes = new Uint8Array(out.length + comment.length);
  bytes.set(out);
  bytes.set(comment, out.length);
  return { bytes, offsets, directory };
}

const budget = (limit = 1 << 20, used = 0) => ({ used, limit });

describe('listZip on hand-written archives', () => {
  it('steps over extra fields and comments in the directory, and reads names with paths and directories', () => {
    const { bytes, offsets } = buildZip([
      {
        name: text('cats/a.png'),
        data: text('AAAA'),
        centralExtra: [0x55, 0x54, 5, 0, 1, 2, 3, 4, 5],
        comment: text('hi'),
      },
      { name: text('cats/'), data: [] },
      { name: text('dogs/b/c.png'), data: text('BB'), localExtra: [0x55, 0x54, 3, 0, 9, 9, 9] },
    ]);
    const entries = listZip(bytes, 'z.zip');
    expect(entries).toEqual([
      { name: 'cats/a.png', size: 4, compressedSize: 4, method: 0, encrypted: false, localOffset: offsets[0] },
      { name: 'cats/', size: 0, compressedSize: 0, method: 0, encrypted: false, localOffset: offsets[1] },
      { name: 'dogs/b/c.png', size: 2, compressedSize: 2, method: 0, encrypted: false, localOffset: offsets[2] },
    ]);
    // The local header's own name and extra field come before the data.
    expect(decode(readZipEntry(bytes, entries[0], 'z.zip', budget()))).toBe('AAAA');
    expect(decode(readZipEntry(bytes, entries[2], 'z.zip', budget()))).toBe('BB');
    expect(readZipEntry(bytes, entries[1], 'z.zip', budget())).toEqual(new Uint8Array(0));
  });

  it('reads 16- and 32-bit fields little-endian, all four bytes', () => {
    const { bytes } = buildZip([
      { name: text('x'), data: [], method: 0x0108, size: 0xfedcba98, flags: 0x0800, offsetField: 0x80402010 },
    ]);
    const [entry] = listZip(bytes, 'z.zip');
    expect(entry).toMatchObject({ method: 0x0108, size: 0xfedcba98, compressedSize: 0, localOffset: 0x80402010 });
  });

  it('decodes names as UTF-8 only when flag 0x800 is set, else as Latin-1', () => {
    const utf8 = text('é/ß.png'); // c3 a9 2f c3 9f …
    const { bytes } = buildZip([
      { name: utf8, data: [], flags: 0x0800 },
      { name: utf8, data: [] },
      { name: [0xe9, 0x2e, 0x70], data: [] },
    ]);
    expect(listZip(bytes, 'z.zip').map((e) => e.name)).toEqual(['é/ß.png', 'Ã©/Ã\u009f.png', 'é.p']);
  });

  it('takes only flag bit 0 as encryption', () => {
    const { bytes } = buildZip([
      { name: text('a'), data: [], flags: 1 },
      { name: text('b'), data: [], flags: 0x0808 },
      { name: text('c'), data: [], flags: 0x0803 },
      { name: text('d'), data: [], flags: 2 },
    ]);
    expect(listZip(bytes, 'z.zip').map((e) => e.encrypted)).toEqual([true, false, true, false]);
  });

  it('finds the end record behind an archive comment of up to 65,535 bytes', () => {
    const member = { name: text('a.txt'), data: text('abc') };
    for (const length of [1, 1000, 65_535]) {
      const { bytes } = buildZip([member], { comment: new Array(length).fill(0x20) });
      expect(
        listZip(bytes, 'z.zip').map((e) => e.name),
        `comment of ${length}`,
      ).toEqual(['a.txt']);
    }
    // One byte more than a comment can hold: the record is too far from the end to be searched for.
    const { bytes } = buildZip([member], { comment: new Array(65_535).fill(0x20) });
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    expect(messageOf(() => listZip(padded, 'z.zip'))).toBe(
      'z.zip: not a readable zip archive (no end-of-archive record: the file is not a zip, or it is cut short)',
    );
    // An end record alone (an empty archive) is 22 bytes; 21 are not enough.
    const empty = buildZip([]).bytes;
    expect(empty).toHaveLength(22);
    expect(listZip(empty, 'z.zip')).toEqual([]);
    expect(messageOf(() => listZip(empty.subarray(1), 'z.zip'))).toMatch(/^z\.zip: not a readable zip archive/);
  });
});

describe('zip64', () => {
  const two = [
    { name: text('a.txt'), data: text('hello') },
    { name: text('b/c.txt'), data: text('world!') },
  ];

  it('reads the count and directory offset from the zip64 record when the end record says 0xffff or 0xffffffff', () => {
    for (const fields of [
      { countField: 0xffff },
      { offsetField: 0xffffffff },
      { countField: 0xffff, offsetField: 0xffffffff },
    ]) {
      const { bytes } = buildZip(two, { zip64: true, ...fields });
      const entries = listZip(bytes, 'z.zip');
      expect(
        entries.map((e) => e.name),
        JSON.stringify(fields),
      ).toEqual(['a.txt', 'b/c.txt']);
      expect(decode(readZipEntry(bytes, entries[1], 'z.zip', budget()))).toBe('world!');
    }
    // Without the flags, the zip64 records are ignored (the end record's own count and offset are used).
    const { bytes } = buildZip(two, { zip64: true, countField: 1 });
    expect(listZip(bytes, 'z.zip').map((e) => e.name)).toEqual(['a.txt']);
  });

  it('refuses a zip64 end record without its locator or whose locator points elsewhere', () => {
    const { bytes } = buildZip(two, { countField: 0xffff });
    expect(messageOf(() => listZip(bytes, 'z.zip'))).toBe(
      'z.zip: the zip archive is damaged: its zip64 locator is missing',
    );
    const moved = buildZip(two, { zip64: true, countField: 0xffff }).bytes;
    const locator = moved.length - 22 - 20;
    moved[locator + 8] -= 1; // the record is said to start one byte early
    expect(messageOf(() => listZip(moved, 'z.zip'))).toBe(
      'z.zip: the zip archive is damaged: its zip64 directory record is missing',
    );
    const beyond = buildZip(two, { zip64: true, countField: 0xffff }).bytes;
    beyond.set(u64(beyond.length - 55), locator + 8); // a record that would run past the end
    expect(messageOf(() => listZip(beyond, 'z.zip'))).toBe(
      'z.zip: the zip archive is damaged: its zip64 directory record is missing',
    );
    // A bare end record at the start of the file has no room for a locator.
    const bare = buildZip([], { countField: 0xffff }).bytes;
    expect(messageOf(() => listZip(bare, 'z.zip'))).toBe(
      'z.zip: the zip archive is damaged: its zip64 locator is missing',
    );
  });

  it('reads sizes and offsets of 0xffffffff from extra field 0x0001, in order, after other extra fields', () => {
    const other = [0x55, 0x54, 5, 0, 1, 2, 3, 4, 5];
    const big = 2 ** 32 + 7;
    const { bytes, offsets } = buildZip([
      // All three in the zip64 field: size, compressed size, offset.
      {
        name: text('all'),
        data: text('xyz'),
        sizeField: 0xffffffff,
        compressedField: 0xffffffff,
        offsetField: 0xffffffff,
        centralExtra: [...other, 0x01, 0x00, 24, 0, ...u64(3), ...u64(3), ...u64(0)],
      },
      // Only the compressed size: it comes first in the field.
      {
        name: text('comp'),
        data: text('pq'),
        compressedField: 0xffffffff,
        centralExtra: [0x01, 0x00, 8, 0, ...u64(2)],
      },
      // Only the offset.
      { name: text('off'), data: text('k'), offsetField: 0xffffffff, centralExtra: [0x01, 0x00, 8, 0, ...u64(0)] },
      // A size above 4 GiB, with the compressed size as well.
      {
        name: text('big'),
        data: [],
        sizeField: 0xffffffff,
        compressedField: 0xffffffff,
        centralExtra: [0x01, 0x00, 16, 0, ...u64(big), ...u64(2 ** 33 + 1)],
      },
      // A 0xffffffff size with no zip64 field keeps the 32-bit value.
      { name: text('none'), data: [], sizeField: 0xffffffff, centralExtra: other },
    ]);
    const entries = listZip(bytes, 'z.zip');
    expect(entries.map((e) => [e.name, e.size, e.compressedSize, e.localOffset])).toEqual([
      ['all', 3, 3, 0],
      ['comp', 2, 2, offsets[1]],
      ['off', 1, 1, 0],
      ['big', big, 2 ** 33 + 1, offsets[3]],
      ['none', 0xffffffff, 0, offsets[4]],
    ]);
    expect(decode(readZipEntry(bytes, entries[0], 'z.zip', budget()))).toBe('xyz');
    expect(decode(readZipEntry(bytes, entries[1], 'z.zip', budget()))).toBe('pq');
    expect(messageOf(() => readZipEntry(bytes, entries[3], 'z.zip', budget()))).toBe(
      'z.zip, file "big": the images would unpack to more than 1.0 MB (maxUnpackedBytes)',
    );
  });
});

describe('readZipEntry on hand-written members', () => {
  it('reads a member whose data ends exactly at the end of the file, and refuses one a byte longer', () => {
    const name = text('a.txt');
    const local = [...u32(0x04034b50), ...u16(20), 0, 0, 0, 0, 0, 0, 0, 0, ...u32(0), ...u32(3), ...u32(3)];
    const bytes = new Uint8Array([...local, ...u16(name.length), ...u16(2), ...name, 7, 7, ...text('abc')]);
    const info = { name: 'a.txt', size: 3, compressedSize: 3, method: 0, encrypted: false, localOffset: 0 };
    expect(decode(readZipEntry(bytes, info, 'z.zip', budget()))).toBe('abc');
    expect(messageOf(() => readZipEntry(bytes, { ...info, size: 4, compressedSize: 4 }, 'z.zip', budget()))).toBe(
      'z.zip, file "a.txt": the zip archive is damaged: its data runs past the end of the archive (cut short?)',
    );
    // A local header needs its 30 bytes inside the file.
    expect(messageOf(() => readZipEntry(bytes.subarray(0, 29), info, 'z.zip', budget()))).toBe(
      'z.zip, file "a.txt": the zip archive is damaged: its local header is missing',
    );
  });

  it('counts stored and deflated bytes against the budget, refusing only past its limit', () => {
    const plain = text('abcabcabcabc');
    const { bytes } = buildZip([
      { name: text('s'), data: text('12345') },
      { name: text('d'), data: Array.from(deflateSync(new Uint8Array(plain))), method: 8, size: plain.length },
    ]);
    const [stored, deflated] = listZip(bytes, 'z.zip');
    const b = budget(100, 83);
    readZipEntry(bytes, stored, 'z.zip', b);
    expect(b.used).toBe(88);
    expect(decode(readZipEntry(bytes, deflated, 'z.zip', b))).toBe('abcabcabcabc');
    expect(b.used).toBe(100);
    expect(messageOf(() => readZipEntry(bytes, stored, 'z.zip', b))).toBe(
      'z.zip, file "s": the images would unpack to more than 100 bytes (maxUnpackedBytes)',
    );
    expect(b.used).toBe(100);
    // Method 0 and 8 are read; 1 and 9 are not.
    for (const method of [1, 9]) {
      expect(messageOf(() => readZipEntry(bytes, { ...stored, method }, 'z.zip', budget()))).toBe(
        `z.zip, file "s": uses compression method ${method}; only stored and deflated (the usual zip) are read`,
      );
    }
  });

  it('refuses a deflated member whose stream stops before its final block, or holds no data at all', () => {
    const plain = new Uint8Array(text('hello world'));
    const full = deflateSync(plain);
    // A stored deflate block without the final-block bit: all of "abc", then the stream just stops.
    const open = [0x00, 3, 0, 0xfc, 0xff, ...text('abc')];
    const { bytes } = buildZip([
      { name: text('cut'), data: Array.from(full.subarray(0, full.length - 3)), method: 8, size: plain.length },
      { name: text('none'), data: [], method: 8, size: 5 },
      { name: text('open'), data: open, method: 8, size: 3 },
    ]);
    const [cut, none, unfinished] = listZip(bytes, 'z.zip');
    expect(messageOf(() => readZipEntry(bytes, cut, 'z.zip', budget()))).toBe(
      'z.zip, file "cut": the zip archive is damaged: its compressed data cannot be inflated (unexpected EOF)',
    );
    expect(messageOf(() => readZipEntry(bytes, none, 'z.zip', budget()))).toBe(
      'z.zip, file "none": the zip archive is damaged: it inflates to 0 bytes but its header declares 5 bytes',
    );
    expect(messageOf(() => readZipEntry(bytes, unfinished, 'z.zip', budget()))).toBe(
      'z.zip, file "open": the zip archive is damaged: its compressed data cannot be inflated (unexpected EOF)',
    );
  });
});

/** An end record at byte 0 whose comment (the rest of the file) holds `tail`; the directory offset points into it. */
function endThenTail(tail: number[], fields: { count?: number; offset?: number } = {}): Uint8Array {
  const end = [...u32(0x06054b50), 0, 0, 0, 0, ...u16(fields.count ?? 1), ...u16(fields.count ?? 1)];
  return new Uint8Array([...end, ...u32(0), ...u32(fields.offset ?? 22), ...u16(tail.length), ...tail]);
}

/** A central-directory record with no local data behind it. */
function centralRecord(name: number[], extra: number[], comment: number[], declaredComment = comment.length): number[] {
  return [
    ...u32(0x02014b50),
    ...u16(20),
    ...u16(20),
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...u32(0),
    ...u32(0),
    ...u32(0),
    ...u16(name.length),
    ...u16(extra.length),
    ...u16(declaredComment),
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...u32(0),
    ...name,
    ...extra,
    ...comment,
  ];
}

describe('directory records at the very end of the file', () => {
  it('reads a record whose name, extra field and comment end exactly at the end, and refuses one a byte longer', () => {
    const tail = centralRecord(text('a'), [0x55, 0x54, 0, 0], text('xyz'));
    expect(listZip(endThenTail(tail), 'z.zip').map((e) => e.name)).toEqual(['a']);
    const bare = centralRecord([], [], []);
    expect(bare).toHaveLength(46);
    expect(listZip(endThenTail(bare), 'z.zip').map((e) => e.name)).toEqual(['']);
    for (const [extra, comment, declared] of [
      [[0x55, 0x54, 0, 0], text('xyz'), 4],
      [[], [], 1],
    ] as const) {
      const longer = centralRecord(text('a'), [...extra], [...comment], declared);
      expect(messageOf(() => listZip(endThenTail(longer), 'z.zip'))).toBe(
        'z.zip: the zip archive is damaged: directory entry 1 runs past the end',
      );
    }
  });

  it('refuses a record signature too close to the end, and a directory offset at something else', () => {
    const where =
      'z.zip: the zip archive is damaged: its directory lists 1 files but entry 1 is not where it should be';
    expect(messageOf(() => listZip(endThenTail([...u32(0x02014b50), 0, 0]), 'z.zip'))).toBe(where);
    // The offset points at a local header (PK\3\4), a whole record's length from the end.
    const { bytes } = buildZip([{ name: text('a.txt'), data: new Array(60).fill(0x41) }], { offsetField: 0 });
    expect(messageOf(() => listZip(bytes, 'z.zip'))).toBe(where);
  });

  it('finds a zip64 locator at byte 0 and a zip64 record that ends exactly at the end of the file', () => {
    // Locator at 0 pointing at itself: not a zip64 record.
    const locatorFirst = new Uint8Array([
      ...u32(0x07064b50),
      ...u32(0),
      ...u64(0),
      ...u32(1),
      ...u32(0x06054b50),
      0,
      0,
      0,
      0,
      ...u16(0xffff),
      ...u16(0xffff),
      ...u32(0),
      ...u32(0),
      ...u16(0),
    ]);
    expect(locatorFirst).toHaveLength(42);
    expect(messageOf(() => listZip(locatorFirst, 'z.zip'))).toBe(
      'z.zip: the zip archive is damaged: its zip64 directory record is missing',
    );
    // A 56-byte zip64 record (no entries) as the last bytes of the file, after locator and end record.
    const record = [...u32(0x06064b50), ...u64(44), ...u16(45), ...u16(45), ...u32(0), ...u32(0)];
    record.push(...u64(0), ...u64(0), ...u64(0), ...u64(0));
    expect(record).toHaveLength(56);
    const tail = (recordBytes: number[]) => {
      const head = [...u32(0x07064b50), ...u32(0), ...u64(42), ...u32(1)];
      const end = [...u32(0x06054b50), 0, 0, 0, 0, ...u16(0xffff), ...u16(0xffff), ...u32(0), ...u32(0)];
      return new Uint8Array([...head, ...end, ...u16(recordBytes.length), ...recordBytes]);
    };
    expect(listZip(tail(record), 'z.zip')).toEqual([]);
    // The same signature with fewer than 56 bytes left is not a record.
    expect(messageOf(() => listZip(tail(record.slice(0, 55)), 'z.zip'))).toBe(
      'z.zip: the zip archive is damaged: its zip64 directory record is missing',
    );
  });

  it('reads a zip64 size alone, and looks for the zip64 field only inside the extra field', () => {
    const zip64 = [0x01, 0x00, 8, 0, ...u64(5)];
    const { bytes } = buildZip([
      { name: text('s'), data: text('12345'), sizeField: 0xffffffff, centralExtra: zip64 },
      // The same bytes in the entry's comment are not an extra field.
      { name: text('c'), data: [], sizeField: 0xffffffff, comment: zip64 },
    ]);
    const entries = listZip(bytes, 'z.zip');
    expect(entries.map((e) => [e.name, e.size, e.compressedSize])).toEqual([
      ['s', 5, 5],
      ['c', 0xffffffff, 0],
    ]);
    expect(decode(readZipEntry(bytes, entries[0], 'z.zip', budget()))).toBe('12345');
  });
});

describe('readZipEntry: what it returns and refuses at the edges', () => {
  it('reads an empty stored member whose 30-byte local header is the last thing in the file', () => {
    const local = new Uint8Array([...u32(0x04034b50), ...new Array(26).fill(0)]);
    const info = { name: 'e', size: 0, compressedSize: 0, method: 0, encrypted: false, localOffset: 0 };
    expect(readZipEntry(local, info, 'z.zip', budget())).toEqual(new Uint8Array(0));
  });

  it('returns a copy of a stored member, not a view of the archive', () => {
    const { bytes, offsets } = buildZip([{ name: text('s'), data: text('abc') }]);
    const [info] = listZip(bytes, 'z.zip');
    const out = readZipEntry(bytes, info, 'z.zip', budget());
    out[0] = 0x7a;
    expect(bytes[offsets[0] + 30 + 1]).toBe(0x61);
    expect(out.buffer).not.toBe(bytes.buffer);
  });

  it('reads a deflated member with no compressed data as empty when it declares 0 bytes', () => {
    const { bytes } = buildZip([{ name: text('d'), data: [], method: 8, size: 0 }]);
    const [info] = listZip(bytes, 'z.zip');
    expect(readZipEntry(bytes, info, 'z.zip', budget())).toEqual(new Uint8Array(0));
  });

  it('inflates a member of exactly one step of compressed data', () => {
    // Level 0: one stored block, 5 bytes of block header, so 16,379 bytes compress to exactly 16 KiB.
    const plain = new Uint8Array(16_379).map((_, i) => (i * 31) % 251);
    const packed = deflateSync(plain, { level: 0 });
    expect(packed).toHaveLength(16 * 1024);
    const { bytes } = buildZip([{ name: text('p'), data: Array.from(packed), method: 8, size: plain.length }]);
    const [info] = listZip(bytes, 'z.zip');
    expect(readZipEntry(bytes, info, 'z.zip', budget())).toEqual(plain);
  });
});
