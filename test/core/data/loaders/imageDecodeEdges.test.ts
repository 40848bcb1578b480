/**
 * The image decoder on hand-built PNG chunks and JPEG segments: the chunk walk and its refusals (exact messages),
 * sizes declared against sizes held, every PNG colour type and bit depth with hand-worked pixel values, and the
 * JPEG frame-header scan. Each file is a few dozen bytes, so the whole file runs in milliseconds.
 */
import { zlibSync } from 'fflate';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { convertChannels, decodeImage, imageSize, resizeArea } from '../../../../src/core/data/loaders/imageDecode';
import { messageOf } from '../../../helpers/errors';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: ArrayLike<number>): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const be32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

/** One PNG chunk: length (big-endian), type, data, CRC of type + data. */
function chunk(type: string, data: ArrayLike<number> = []): number[] {
  const typed = [...type].map((ch) => ch.charCodeAt(0));
  const body = [...typed, ...Array.from(data)];
  return [...be32(data.length), ...body, ...be32(crc32(body))];
}

function ihdr(width: number, height: number, depth: number, colourType: number, interlace = 0): number[] {
  return chunk('IHDR', [...be32(width), ...be32(height), depth, colourType, 0, 0, interlace]);
}

const file = (...chunks: number[][]) => new Uint8Array([...SIGNATURE, ...chunks.flat()]);
const idat = (filtered: number[]) => chunk('IDAT', zlibSync(new Uint8Array(filtered)));
const iend = () => chunk('IEND');

/** A whole PNG from filtered rows (each row starts with its filter byte), with optional chunks before IDAT. */
function png(
  header: { width: number; height: number; depth: number; colourType: number; interlace?: number },
  filtered: number[],
  before: number[][] = [],
): Uint8Array {
  const { width, height, depth, colourType, interlace } = header;
  return file(ihdr(width, height, depth, colourType, interlace), ...before, idat(filtered), iend());
}

const pixels = (bytes: Uint8Array) => Array.from(decodeImage(bytes, 'p.png').pixels);
const close = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
};

describe('PNG chunk walk: refusals with their exact reasons', () => {
  const good = png({ width: 1, height: 1, depth: 8, colourType: 0 }, [0, 7]);
  const both = (bytes: Uint8Array, reason: string) => {
    expect(messageOf(() => imageSize(bytes, 'p.png'))).toBe(`p.png: cannot be decoded as PNG: ${reason}`);
    expect(messageOf(() => decodeImage(bytes, 'p.png'))).toBe(`p.png: cannot be decoded as PNG: ${reason}`);
  };
  /** Refusals found only when the image data is inflated (the size alone is read without inflating). */
  const decoding = (bytes: Uint8Array, reason: string) => {
    expect(messageOf(() => imageSize(bytes, 'p.png'))).toBe('no error');
    expect(messageOf(() => decodeImage(bytes, 'p.png'))).toBe(`p.png: cannot be decoded as PNG: ${reason}`);
  };

  it('reads the size from IHDR without inflating, and decodes the one pixel', () => {
    expect(imageSize(good, 'p.png')).toMatchObject({ width: 1, height: 1 });
    close(pixels(good), [7 / 255]);
    const wide = png({ width: 300, height: 2, depth: 1, colourType: 0 }, []);
    // Only the header is read for the size: the missing image data is found when decoding.
    expect(imageSize(wide, 'p.png')).toMatchObject({ width: 300, height: 2 });
  });

  it('refuses files cut short, chunks without a valid type and chunks past the end', () => {
    both(new Uint8Array([...SIGNATURE, 0]), 'the file is cut short (no IEND chunk)');
    both(good.subarray(0, good.length - 12), 'the file is cut short (no IEND chunk)');
    const badType = good.slice();
    badType[8 + 4 + 3] = 0x31; // "IHD1"
    both(badType, 'a chunk at byte 8 has no valid type');
    // IDAT claims 12 bytes but only 10 follow (no room for its CRC either).
    const long = file(ihdr(1, 1, 8, 0), [...be32(12), 0x49, 0x44, 0x41, 0x54, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    both(long, 'the IDAT chunk runs past the end of the file');
    // A chunk ending exactly at the end of the file is inside it.
    const exact = file(ihdr(1, 1, 8, 0), [...be32(1), 0x49, 0x44, 0x41, 0x54, 1, 0, 0, 0, 0]);
    both(exact, 'the file is cut short (no IEND chunk)');
  });

  it('refuses a second IHDR, a header of the wrong length and a first chunk that is not IHDR', () => {
    both(file(ihdr(1, 1, 8, 0), ihdr(1, 1, 8, 0), idat([0, 0]), iend()), 'it has more than one IHDR header');
    both(
      file(chunk('IHDR', [...be32(1), ...be32(1), 8, 0, 0, 0]), idat([0, 0]), iend()),
      'its IHDR header has the wrong length',
    );
    both(
      file(chunk('tEXt', [0x61, 0, 0x62]), ihdr(1, 1, 8, 0), idat([0, 0]), iend()),
      'the first chunk is tEXt, not the IHDR header',
    );
    both(file(iend()), 'the first chunk is IEND, not the IHDR header');
    both(file(ihdr(1, 1, 8, 0), iend()), 'it holds no image data (IDAT)');
  });

  it('accepts exactly the PNG colour types and bit depths', () => {
    const valid: Record<number, number[]> = {
      0: [1, 2, 4, 8, 16],
      2: [8, 16],
      3: [1, 2, 4, 8],
      4: [8, 16],
      6: [8, 16],
    };
    for (const colourType of [0, 1, 2, 3, 4, 5, 6, 7]) {
      for (const depth of [1, 2, 3, 4, 8, 16, 32]) {
        const bytes = file(ihdr(2, 3, depth, colourType), idat([0]), iend());
        const ok = valid[colourType]?.includes(depth) ?? false;
        const reason = messageOf(() => imageSize(bytes, 'p.png'));
        expect(reason, `colour type ${colourType}, depth ${depth}`).toBe(
          ok
            ? 'no error'
            : `p.png: cannot be decoded as PNG: colour type ${colourType} with bit depth ${depth} is not a valid PNG`,
        );
      }
    }
  });

  it('refuses empty images and images over 4096×4096 pixels, from the header alone', () => {
    both(file(ihdr(0, 3, 8, 0), idat([0]), iend()), 'the image is empty (0×3)');
    both(file(ihdr(3, 0, 8, 0), idat([0]), iend()), 'the image is empty (3×0)');
    const limit = 'at most 16.8 megapixels (4096×4096) are accepted';
    both(file(ihdr(4097, 4096, 8, 0), idat([0]), iend()), `the image is 4097×4096; ${limit}`);
    both(file(ihdr(1, 16_777_217, 1, 0), idat([0]), iend()), `the image is 1×16777217; ${limit}`);
    expect(imageSize(file(ihdr(4096, 4096, 8, 0), idat([0]), iend()), 'p.png')).toMatchObject({
      width: 4096,
      height: 4096,
    });
  });

  it('refuses image data that inflates to more or less than the header implies', () => {
    // 1×1 grey 8-bit: one filter byte + one sample = 2 bytes.
    decoding(
      png({ width: 1, height: 1, depth: 8, colourType: 0 }, [0, 1, 2]),
      'its image data inflates past the 2 bytes a 1×1 image holds',
    );
    decoding(png({ width: 1, height: 1, depth: 8, colourType: 0 }, [0]), 'its image data is cut short (1 of 2 bytes)');
    // 3×2 RGB 16-bit: 2 × (1 + 3·3·2) = 38 bytes; 5×1 grey 2-bit: 1 + ⌈10/8⌉ = 3 bytes.
    decoding(
      png({ width: 3, height: 2, depth: 16, colourType: 2 }, new Array(37).fill(0)),
      'its image data is cut short (37 of 38 bytes)',
    );
    decoding(
      png({ width: 5, height: 1, depth: 2, colourType: 0 }, [0, 0, 0, 0]),
      'its image data inflates past the 3 bytes a 5×1 image holds',
    );
    // 3×1 RGBA 8-bit: 1 + 12; 2×2 grey+alpha 16-bit: 2 × (1 + 8).
    decoding(
      png({ width: 3, height: 1, depth: 8, colourType: 6 }, new Array(12).fill(0)),
      'its image data is cut short (12 of 13 bytes)',
    );
    decoding(
      png({ width: 2, height: 2, depth: 16, colourType: 4 }, new Array(17).fill(0)),
      'its image data is cut short (17 of 18 bytes)',
    );
    decoding(
      png({ width: 9, height: 1, depth: 4, colourType: 3 }, new Array(5).fill(0), [chunk('PLTE', [0, 0, 0])]),
      'its image data is cut short (5 of 6 bytes)',
    );
  });

  it('sums the seven Adam7 passes for an interlaced image', () => {
    // 3×3 grey 8-bit interlaced: passes of 1×1, 0, 0, 1×1, 2×1, 1×2, 3×1 pixels: 2 + 2 + 3 + 4 + 4 = 15 bytes.
    const header = { width: 3, height: 3, depth: 8, colourType: 0, interlace: 1 };
    decoding(png(header, new Array(14).fill(0)), 'its image data is cut short (14 of 15 bytes)');
    decoding(png(header, new Array(16).fill(0)), 'its image data inflates past the 15 bytes a 3×3 image holds');
    // 9×9, passes of (w×h) 2×2, 1×2, 3×1, 2×3, 5×2, 4×5, 9×4, each row plus a filter byte:
    // 6 + 4 + 4 + 9 + 12 + 25 + 40 = 100 bytes.
    decoding(
      png({ ...header, width: 9, height: 9 }, new Array(99).fill(0)),
      'its image data is cut short (99 of 100 bytes)',
    );
    // Passes in order, each row with its filter byte: (0,0); (2,0); (0,2) (2,2); (1,0) then (1,2); row 1.
    const values = [0, 10, 0, 20, 0, 30, 40, 0, 50, 0, 60, 0, 70, 80, 90];
    close(
      pixels(png(header, values)),
      [10, 50, 20, 70, 80, 90, 30, 60, 40].map((v) => v / 255),
    );
  });

  it('inflates image data split over several IDAT chunks and over more than one 16 KiB step', () => {
    const rows = [0, 0, 255, 0, 51, 102]; // 2×2 grey
    const z = zlibSync(new Uint8Array(rows));
    const split = file(
      ihdr(2, 2, 8, 0),
      chunk('IDAT', z.subarray(0, 3)),
      chunk('IDAT', z.subarray(3, 5)),
      chunk('IDAT', z.subarray(5)),
      iend(),
    );
    close(pixels(split), [0, 1, 0.2, 0.4]);
    // 200×200 grey stored (level 0): 40,200 bytes of image data in one IDAT, inflated in three steps.
    const filtered: number[] = [];
    for (let y = 0; y < 200; y++) {
      filtered.push(0);
      for (let x = 0; x < 200; x++) filtered.push((x * 7 + y * 13) % 256);
    }
    const big = file(ihdr(200, 200, 8, 0), chunk('IDAT', zlibSync(new Uint8Array(filtered), { level: 0 })), iend());
    const out = pixels(big);
    expect(out).toHaveLength(40_000);
    expect(out[199 * 200 + 150] * 255).toBeCloseTo((150 * 7 + 199 * 13) % 256, 3);
    expect(out[12_345] * 255).toBeCloseTo((145 * 7 + 61 * 13) % 256, 3);
  });

  it('passes only the chunks the decoder needs: a broken profile or text chunk is never read', () => {
    // iCCP with compression method 1, which the decoder refuses when it sees it.
    const profile = chunk('iCCP', [0x70, 0, 1, 1, 2, 3]);
    const text = chunk('zTXt', [0x6b, 0, 0, 0xff, 0xff]);
    close(pixels(png({ width: 1, height: 1, depth: 8, colourType: 0 }, [0, 255], [profile, text])), [1]);
    const after = file(ihdr(1, 1, 8, 0), idat([0, 102]), profile, iend());
    close(pixels(after), [0.4]);
  });
});

describe('PNG samples: every colour type and depth, hand-worked values', () => {
  it('unpacks 2-bit and 4-bit grey rows, each row padded to a byte', () => {
    // 5×2 2-bit: rows 3 0 0 0 2 / 0 0 0 1 3 packed MSB first into two bytes per row.
    close(pixels(png({ width: 5, height: 2, depth: 2, colourType: 0 }, [0, 0xc0, 0x80, 0, 0x01, 0xc0])), [
      1,
      0,
      0,
      0,
      2 / 3,
      0,
      0,
      0,
      1 / 3,
      1,
    ]);
    // 3×1 4-bit: 15 0 5.
    close(pixels(png({ width: 3, height: 1, depth: 4, colourType: 0 }, [0, 0xf0, 0x50])), [1, 0, 1 / 3]);
    // 2×2 4-bit: 1 2 / 3 4 (one byte per row).
    close(
      pixels(png({ width: 2, height: 2, depth: 4, colourType: 0 }, [0, 0x12, 0, 0x34])),
      [1, 2, 3, 4].map((v) => v / 15),
    );
  });

  it('reads 16-bit RGB, RGBA and grey+alpha samples, compositing alpha over white', () => {
    close(pixels(png({ width: 1, height: 1, depth: 16, colourType: 2 }, [0, 0xff, 0xff, 0, 0, 0x80, 0])), [
      1,
      0,
      32768 / 65535,
    ]);
    // Grey 0 opaque, then grey 0 fully transparent (white).
    close(pixels(png({ width: 2, height: 1, depth: 16, colourType: 4 }, [0, 0, 0, 0xff, 0xff, 0, 0, 0, 0])), [0, 1]);
    // RGBA 16-bit: red at half alpha over white: (1·a + 1 − a, 0·a + 1 − a, same).
    const a = 0x8000 / 65535;
    close(pixels(png({ width: 1, height: 1, depth: 16, colourType: 6 }, [0, 0xff, 0xff, 0, 0, 0, 0, 0x80, 0])), [
      1,
      1 - a,
      1 - a,
    ]);
    // Grey+alpha 8-bit: grey 51 at alpha 51: 0.2 · 0.2 + 0.8.
    close(pixels(png({ width: 1, height: 1, depth: 8, colourType: 4 }, [0, 51, 51])), [0.84]);
    const ga = decodeImage(png({ width: 1, height: 1, depth: 8, colourType: 4 }, [0, 51, 51]), 'p.png');
    expect(ga.channels).toBe(1);
  });

  it('makes the tRNS colour transparent in grey and RGB images, and only that colour', () => {
    const grey = png({ width: 3, height: 1, depth: 8, colourType: 0 }, [0, 51, 0, 52], [chunk('tRNS', [0, 51])]);
    close(pixels(grey), [1, 0, 52 / 255]);
    const rgb = png(
      { width: 3, height: 1, depth: 8, colourType: 2 },
      [0, 10, 20, 30, 10, 20, 31, 10, 21, 30],
      [chunk('tRNS', [0, 10, 0, 20, 0, 30])],
    );
    close(pixels(rgb), [1, 1, 1, 10 / 255, 20 / 255, 31 / 255, 10 / 255, 21 / 255, 30 / 255]);
  });

  it('applies palettes with and without alpha, and refuses an index past the palette', () => {
    const plte = chunk('PLTE', [255, 0, 0, 0, 255, 0, 0, 0, 255]);
    // 1-bit palette, 3×1: indices 1 0 1.
    const image = decodeImage(png({ width: 3, height: 1, depth: 1, colourType: 3 }, [0, 0b10100000], [plte]), 'p.png');
    expect(image.channels).toBe(3);
    close(Array.from(image.pixels), [0, 1, 0, 1, 0, 0, 0, 1, 0]);
    // tRNS gives alpha to the first entry only (alpha 0: white); the others stay opaque.
    const alpha = png({ width: 3, height: 1, depth: 8, colourType: 3 }, [0, 0, 1, 2], [plte, chunk('tRNS', [0])]);
    close(pixels(alpha), [1, 1, 1, 0, 1, 0, 0, 0, 1]);
    const half = png({ width: 1, height: 1, depth: 8, colourType: 3 }, [0, 2], [plte, chunk('tRNS', [255, 255, 51])]);
    close(pixels(half), [0.8, 0.8, 1]);
    expect(
      messageOf(() => decodeImage(png({ width: 2, height: 1, depth: 8, colourType: 3 }, [0, 0, 3], [plte]), 'p.png')),
    ).toBe('p.png: cannot be decoded as PNG: palette index 3 out of range');
  });
});

/** A w×h baseline JPEG from jpeg-js: SOI, APP0, DQT, SOF0, DHT, SOS… */
function jpegBytes(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4).fill(128);
  return new Uint8Array(jpeg.encode({ width, height, data }, 90).data);
}

/** Offset of the first segment with this marker. */
function markerAt(bytes: Uint8Array, marker: number): number {
  for (let o = 2; o + 1 < bytes.length; o++) if (bytes[o] === 0xff && bytes[o + 1] === marker) return o;
  throw new Error('no such marker');
}

const insertAfterSoi = (bytes: Uint8Array, extra: number[]) =>
  new Uint8Array([0xff, 0xd8, ...extra, ...bytes.subarray(2)]);

describe('JPEG frame header scan', () => {
  const base = jpegBytes(5, 3);
  const size = (bytes: Uint8Array) => imageSize(bytes, 'j.jpg');
  const refusal = (bytes: Uint8Array) => messageOf(() => imageSize(bytes, 'j.jpg'));

  it('reads width and height from the frame header, skipping fill bytes, markers without length and other segments', () => {
    expect(size(base)).toEqual({ width: 5, height: 3 });
    // Fill byte, TEM, a stray SOI, a restart marker, an APP1 segment and DHT/JPG/DAC-numbered segments, which are
    // in the SOFn range but are not frame headers.
    const busy = insertAfterSoi(
      base,
      [
        0xff, 0xff, 0x01, 0xff, 0xd8, 0xff, 0xd0, 0xff, 0xd7, 0xff, 0xe1, 0x00, 0x04, 0xaa, 0xbb, 0xff, 0xc4, 0x00,
        0x07, 0x08, 0, 9, 0, 9, 0xff, 0xc8, 0x00, 0x07, 0x08, 0, 9, 0, 9, 0xff, 0xcc, 0x00, 0x07, 0x08, 0, 9, 0, 9,
      ],
    );
    expect(size(busy)).toEqual({ width: 5, height: 3 });
    // Every SOFn marker but those three is a frame header, 0xc0 to 0xcf.
    for (const marker of [0xc1, 0xc2, 0xc3, 0xc5, 0xcf]) {
      const patched = base.slice();
      patched[markerAt(base, 0xc0) + 1] = marker;
      expect(size(patched), marker.toString(16)).toEqual({ width: 5, height: 3 });
    }
    for (const marker of [0xbf, 0xe0]) {
      // 0xbf and 0xe0 (APP0) are not frame headers: the size is never found.
      const patched = base.slice();
      patched[markerAt(base, 0xc0) + 1] = marker;
      expect(refusal(patched)).toBe('j.jpg: cannot be decoded as JPEG: no frame header before the image data');
    }
    // Width and height take both bytes: 300×258.
    const wide = base.slice();
    const sof = markerAt(base, 0xc0);
    wide.set([0x01, 0x02, 0x01, 0x2c], sof + 5);
    expect(size(wide)).toEqual({ width: 300, height: 258 });
  });

  it('refuses a second frame header, a scan or end before any frame header, and bytes that are not a segment', () => {
    const sof = markerAt(base, 0xc0);
    const sofLength = (base[sof + 2] << 8) | base[sof + 3];
    const twice = insertAfterSoi(base, Array.from(base.subarray(sof, sof + 2 + sofLength)));
    expect(refusal(twice)).toBe('j.jpg: cannot be decoded as JPEG: it has more than one frame header');
    expect(messageOf(() => decodeImage(twice, 'j.jpg'))).toBe(
      'j.jpg: cannot be decoded as JPEG: it has more than one frame header',
    );
    const none = 'j.jpg: cannot be decoded as JPEG: no frame header before the image data';
    expect(refusal(insertAfterSoi(base, [0xff, 0xda, 0, 2]))).toBe(none);
    expect(refusal(insertAfterSoi(base, [0xff, 0xd9, 0, 2]))).toBe(none);
    expect(refusal(insertAfterSoi(base, [0xff, 0xe1, 0x00, 0x02, 0x00]))).toBe(none);
    expect(refusal(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toBe(none);
  });

  it('reads a frame header that ends exactly at the end of the file, and not one cut short', () => {
    const header = [0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x03, 0x00, 0x05];
    expect(size(new Uint8Array(header))).toEqual({ width: 5, height: 3 });
    expect(refusal(new Uint8Array(header.slice(0, 10)))).toBe(
      'j.jpg: cannot be decoded as JPEG: no frame header before the image data',
    );
    // Four bytes are enough to read a marker and its length: a segment header at the very end is read.
    expect(refusal(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0xff, 0xc0]))).toBe(
      'j.jpg: cannot be decoded as JPEG: no frame header before the image data',
    );
  });

  it('refuses a frame over 4096×4096 pixels before decoding, and decodes an ordinary one', () => {
    const sof = markerAt(base, 0xc0);
    const huge = base.slice();
    huge.set([0x10, 0x00, 0x10, 0x01], sof + 5); // 4096 high, 4097 wide
    const reason =
      'j.jpg: cannot be decoded as JPEG: the image is 4097×4096; at most 16.8 megapixels (4096×4096) are accepted';
    expect(refusal(huge)).toBe(reason);
    expect(messageOf(() => decodeImage(huge, 'j.jpg'))).toBe(reason);
    const limit = base.slice();
    limit.set([0x10, 0x00, 0x10, 0x00], sof + 5);
    expect(size(limit)).toEqual({ width: 4096, height: 4096 });
    const image = decodeImage(base, 'j.jpg', 'in/j.jpg');
    expect(image).toMatchObject({ width: 5, height: 3, channels: 3 });
    expect(image.pixels).toHaveLength(45);
    for (const v of image.pixels) expect(Math.abs(v - 128 / 255)).toBeLessThan(3 / 255);
  });
});

describe('recognising the format', () => {
  it('needs more than the 8-byte PNG signature and more than 3 JPEG bytes', () => {
    const neither = 'x.bin: cannot be decoded: the contents are neither PNG nor JPEG';
    expect(messageOf(() => decodeImage(new Uint8Array(SIGNATURE), 'x.bin'))).toBe(neither);
    expect(messageOf(() => imageSize(new Uint8Array(SIGNATURE), 'x.bin'))).toBe(neither);
    expect(messageOf(() => decodeImage(new Uint8Array([0xff, 0xd8, 0xff]), 'x.bin'))).toBe(neither);
    expect(messageOf(() => imageSize(new Uint8Array([0xff, 0xd8, 0xff]), 'x.bin'))).toBe(neither);
    for (const i of [0, 1, 2, 3]) {
      const png = new Uint8Array([...SIGNATURE, 0]);
      png[i] ^= 0x20;
      expect(
        messageOf(() => imageSize(png, 'x.bin')),
        `byte ${i}`,
      ).toBe(neither);
    }
    for (const i of [0, 1, 2]) {
      const jpg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
      jpg[i] ^= 0x20;
      expect(
        messageOf(() => imageSize(jpg, 'x.bin')),
        `byte ${i}`,
      ).toBe(neither);
    }
    expect(messageOf(() => imageSize(new Uint8Array([...SIGNATURE, 0]), 'x.bin', 'a/x.png'))).toBe(
      'x.bin, file "a/x.png": cannot be decoded as PNG: the file is cut short (no IEND chunk)',
    );
  });
});

describe('convertChannels and resizeArea, exact values', () => {
  it('takes Rec. 601 luma of RGB and repeats grey into RGB; same channels returns the image itself', () => {
    const rgb = { width: 3, height: 1, channels: 3 as const, pixels: new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]) };
    const grey = convertChannels(rgb, 1);
    expect(grey).toMatchObject({ width: 3, height: 1, channels: 1 });
    close(Array.from(grey.pixels), [0.299, 0.587, 0.114]);
    const back = convertChannels({ width: 2, height: 1, channels: 1, pixels: new Float32Array([0.5, 0.25]) }, 3);
    expect(back.channels).toBe(3);
    expect(Array.from(back.pixels)).toEqual([0.5, 0.5, 0.5, 0.25, 0.25, 0.25]);
    expect(convertChannels(rgb, 3)).toBe(rgb);
  });

  it('averages by overlap when shrinking and blends edges when enlarging, per axis and channel', () => {
    // 3 → 2 across: output 0 covers [0, 1.5): (0·1 + 3·0.5) / 1.5 = 1; output 1: (3·0.5 + 6·1) / 1.5 = 5.
    close(Array.from(resizeArea(new Float32Array([0, 3, 6]), 1, 3, 1, 1, 2)), [1, 5]);
    // 2 → 3 across: 0, (0 + 3) / 2, 3.
    close(Array.from(resizeArea(new Float32Array([0, 3]), 1, 2, 1, 1, 3)), [0, 1.5, 3]);
    // 3 → 1 down, two channels: means of each channel.
    close(Array.from(resizeArea(new Float32Array([0, 10, 3, 20, 6, 60]), 3, 1, 2, 1, 1)), [3, 30]);
    // 3 rows → 2 rows and 2 → 1 across at once: rows [0 2] [4 6] [8 10] → row means 1, 5, 9 → (1 + 2.5)/1.5, (2.5 + 9)/1.5.
    close(Array.from(resizeArea(new Float32Array([0, 2, 4, 6, 8, 10]), 3, 2, 1, 2, 1)), [3.5 / 1.5, 11.5 / 1.5]);
    // 1 row → 3 rows: every output row is the source row.
    close(Array.from(resizeArea(new Float32Array([2, 4]), 1, 2, 1, 3, 2)), [2, 4, 2, 4, 2, 4]);
  });

  it('returns a copy when the size already matches', () => {
    const source = new Float32Array([1, 2, 3, 4]);
    const same = resizeArea(source, 2, 2, 1, 2, 2);
    expect(same).not.toBe(source);
    expect(Array.from(same)).toEqual([1, 2, 3, 4]);
    // Only the height matching is not enough to skip resizing.
    close(Array.from(resizeArea(source, 2, 2, 1, 2, 1)), [1.5, 3.5]);
    close(Array.from(resizeArea(source, 2, 2, 1, 1, 2)), [2, 3]);
  });
});

describe('PNG image data in 16 KiB steps, and streams that never finish', () => {
  /** Filtered rows (filter byte 0) of a w×h 8-bit grey image whose pixel (x, y) is (3x + 5y) mod 256. */
  function rows(width: number, height: number): Uint8Array {
    const out = new Uint8Array(height * (width + 1));
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) out[y * (width + 1) + 1 + x] = (3 * x + 5 * y) % 256;
    return out;
  }
  const expected = (x: number, y: number) => ((3 * x + 5 * y) % 256) / 255;

  it('inflates an IDAT larger than one step followed by a last IDAT of exactly one step', () => {
    const z = zlibSync(rows(200, 200), { level: 0 });
    const cut = z.length - 16 * 1024;
    expect(cut).toBeGreaterThan(16 * 1024);
    const bytes = file(ihdr(200, 200, 8, 0), chunk('IDAT', z.subarray(0, cut)), chunk('IDAT', z.subarray(cut)), iend());
    const out = pixels(bytes);
    for (const [x, y] of [
      [0, 0],
      [199, 0],
      [17, 81],
      [150, 120],
      [199, 199],
    ])
      expect(out[y * 200 + x]).toBeCloseTo(expected(x, y), 6);
    // One IDAT of exactly one step: 7 rows of 2,338 pixels, stored: 2 + 5 + 16,373 + 4 bytes.
    const exact = zlibSync(rows(2338, 7), { level: 0 });
    expect(exact).toHaveLength(16 * 1024);
    const one = pixels(file(ihdr(2338, 7, 8, 0), chunk('IDAT', exact), iend()));
    expect(one[6 * 2338 + 2337]).toBeCloseTo(expected(2337, 6), 6);
  });

  it('inflates compressed image data split over IDAT chunks in 16 KiB steps without repeating any byte', () => {
    // Values 0–63 in a pseudo-random order compress to about three quarters: a Huffman stream in which a repeated or
    // skipped byte breaks the count. The first IDAT (17,000 bytes) spans two steps.
    let state = 7;
    const values = new Uint8Array(200 * 200).map(() => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state & 63;
    });
    const filtered = new Uint8Array(200 * 201);
    for (let y = 0; y < 200; y++) filtered.set(values.subarray(y * 200, y * 200 + 200), y * 201 + 1);
    const z = zlibSync(filtered, { level: 6 });
    expect(z.length).toBeGreaterThan(17_000);
    const bytes = file(
      ihdr(200, 200, 8, 0),
      chunk('IDAT', z.subarray(0, 17_000)),
      chunk('IDAT', z.subarray(17_000)),
      iend(),
    );
    const out = pixels(bytes);
    expect(out.map((v) => Math.round(v * 255))).toEqual(Array.from(values));
  });

  it('refuses image data whose zlib stream stops before its final block, even when every byte is there', () => {
    /** A zlib header and one stored deflate block that is not marked final: the stream never ends. */
    const unfinished = (data: Uint8Array) => {
      const z = zlibSync(data, { level: 0 });
      const open = z.slice(0, z.length - 4); // without the Adler-32 trailer
      expect(open[2]).toBe(1); // BFINAL set, stored block
      open[2] = 0;
      return open;
    };
    const reason = 'p.png: cannot be decoded as PNG: unexpected EOF';
    const small = file(ihdr(3, 2, 8, 0), chunk('IDAT', unfinished(rows(3, 2))), iend());
    expect(messageOf(() => decodeImage(small, 'p.png'))).toBe(reason);
    // The same in one IDAT of exactly one step: 103 rows of 158 pixels, 2 + 5 + 16,377 bytes.
    const stream = unfinished(rows(158, 103));
    expect(stream).toHaveLength(16 * 1024);
    expect(messageOf(() => decodeImage(file(ihdr(158, 103, 8, 0), chunk('IDAT', stream), iend()), 'p.png'))).toBe(
      reason,
    );
  });

  it('reads rows of RGB pixels at their row offsets', () => {
    // 2×2 RGB 8-bit: (10,20,30) (40,50,60) / (70,80,90) (100,110,120).
    const bytes = png(
      { width: 2, height: 2, depth: 8, colourType: 2 },
      [0, 10, 20, 30, 40, 50, 60, 0, 70, 80, 90, 100, 110, 120],
    );
    close(
      pixels(bytes),
      [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120].map((v) => v / 255),
    );
  });
});
