/**
 * A corpus of hostile and unusual uploads, built from code (no binaries in git): files whose headers lie, archives
 * that inflate far beyond their size, numbers beyond float32, text in other encodings, tables that could be read
 * several ways. Each case says what must happen: a DataLoadError whose message matches, or a load whose summary
 * matches. The upload test runs every case through the dispatcher (`loadUpload`) and the CLI test runs a selection
 * through a real `npm run train` process; `bench/hostile.ts` times every case and records its memory.
 */
import { zipSync, zlibSync } from 'fflate';
import { encode as encodePng } from 'fast-png';
import type { FileBytes, UploadOptions, UploadSummary } from '../../src/core/data/loaders/index';
import { npyBytes } from '../core/data/loaders/helpers';

export type DefectClass =
  | 'image-header'
  | 'inflation'
  | 'npy-length'
  | 'npy-range'
  | 'csv-range'
  | 'encoding'
  | 'ambiguity'
  | 'memory'
  | 'control';

export interface HostileCase {
  name: string;
  defect: DefectClass;
  files: () => FileBytes[];
  options?: UploadOptions;
  /** The error the load must end in (message regex), or what the loaded summary must say. */
  expect: { error: RegExp } | { summary: Partial<UploadSummary>; notes?: RegExp };
}

const text = (name: string, body: string): FileBytes => ({ name, bytes: new TextEncoder().encode(body) });

// ─── PNG building ───────────────────────────────────────────────────────────────────────────────────────

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function ihdr(width: number, height: number, depth = 8, colourType = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data[8] = depth;
  data[9] = colourType;
  return data;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG assembled from chunks (after the signature). */
export function pngOf(...chunks: Uint8Array[]): Uint8Array {
  return concat([SIGNATURE, ...chunks]);
}

/** A w×h 8-bit grey PNG, every pixel `value`. */
export function greyPng(width: number, height: number, value = 128): Uint8Array {
  return encodePng({ width, height, data: new Uint8Array(width * height).fill(value), channels: 1, depth: 8 });
}

/** The bytes after the signature of a real PNG, split into IHDR and the rest. */
function splitPng(png: Uint8Array): { ihdrChunk: Uint8Array; rest: Uint8Array } {
  return { ihdrChunk: png.subarray(8, 8 + 25), rest: png.subarray(8 + 25) };
}

/** A zip of class folders a/ and b/ holding these images (two per class unless given). */
function imageZip(images: Record<string, Uint8Array>): Uint8Array {
  return zipSync(images, { level: 6 });
}

/** Rewrites the declared uncompressed size of every entry (local and central headers) to `declared`. */
export function understateZip(zip: Uint8Array, declared: (name: string, size: number) => number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let o = 0; o + 4 <= out.length; o++) {
    const signature = view.getUint32(o, true);
    if (signature === 0x04034b50 || signature === 0x02014b50) {
      const central = signature === 0x02014b50;
      const nameLength = view.getUint16(o + (central ? 28 : 26), true);
      const nameStart = o + (central ? 46 : 30);
      const name = new TextDecoder().decode(out.subarray(nameStart, nameStart + nameLength));
      const sizeAt = o + (central ? 24 : 22);
      view.setUint32(sizeAt, declared(name, view.getUint32(sizeAt, true)), true);
    }
  }
  return out;
}

// ─── the corpus ─────────────────────────────────────────────────────────────────────────────────────────

const small = greyPng(4, 4, 100);
const smallPair = { 'a/1.png': small, 'a/2.png': greyPng(4, 4, 30), 'b/1.png': greyPng(4, 4, 200) };

export const CORPUS: HostileCase[] = [
  // Images: the size check must read the header the decoder uses.
  {
    name: 'png-second-ihdr.zip',
    defect: 'image-header',
    files: () => {
      const { ihdrChunk, rest } = splitPng(small);
      const liar = pngOf(ihdrChunk, pngChunk('IHDR', ihdr(20000, 20000)), rest);
      return [{ name: 'png-second-ihdr.zip', bytes: imageZip({ ...smallPair, 'b/2.png': liar }) }];
    },
    expect: { error: /png-second-ihdr\.zip, file "b\/2\.png": cannot be decoded as PNG: it has more than one IHDR/ },
  },
  {
    name: 'png-huge-canvas.png',
    defect: 'image-header',
    files: () => {
      const { rest } = splitPng(small);
      return [
        { name: 'a/1.png', bytes: small, className: 'a' },
        { name: 'a/2.png', bytes: small, className: 'a' },
        { name: 'b/1.png', bytes: small, className: 'b' },
        { name: 'b/2.png', bytes: pngOf(pngChunk('IHDR', ihdr(39_999_999, 1)), rest), className: 'b' },
      ];
    },
    expect: { error: /file "b\/2\.png": cannot be decoded as PNG: the image is 39999999×1; at most 16\.8 megapixels/ },
  },
  {
    name: 'png-idat-bomb.zip',
    defect: 'inflation',
    files: () => {
      // A 4×4 header over 10 MB of image data (10 KB compressed).
      const bomb = pngOf(
        pngChunk('IHDR', ihdr(4, 4)),
        pngChunk('IDAT', zlibSync(new Uint8Array(10e6))),
        pngChunk('IEND', new Uint8Array(0)),
      );
      return [{ name: 'png-idat-bomb.zip', bytes: imageZip({ ...smallPair, 'b/2.png': bomb }) }];
    },
    expect: { error: /file "b\/2\.png": cannot be decoded as PNG: its image data inflates past the 20 bytes/ },
  },
  {
    name: 'png-iccp-bomb.zip',
    defect: 'inflation',
    files: () => {
      // A 10 MB colour profile (10 KB compressed) in an ancillary chunk: never inflated, the image loads.
      const { ihdrChunk, rest } = splitPng(greyPng(4, 4, 60));
      const profile = concat([new TextEncoder().encode('icc\0\0'), zlibSync(new Uint8Array(10e6))]);
      const png = pngOf(ihdrChunk, pngChunk('iCCP', profile), rest);
      return [{ name: 'png-iccp-bomb.zip', bytes: imageZip({ ...smallPair, 'b/2.png': png }) }];
    },
    expect: { summary: { format: 'image-zip', samples: 4, classes: 2 } },
  },
  {
    name: 'png-cut-short.zip',
    defect: 'image-header',
    files: () => [{ name: 'png-cut-short.zip', bytes: imageZip({ ...smallPair, 'b/2.png': small.slice(0, 40) }) }],
    expect: { error: /file "b\/2\.png": cannot be decoded as PNG: (the file is cut short|the IDAT chunk runs past)/ },
  },
  {
    name: 'jpeg-two-frames.zip',
    defect: 'image-header',
    files: () => {
      // SOI, then two frame headers (SOF0) with different sizes before any scan.
      const sof = (w: number, h: number) =>
        new Uint8Array([0xff, 0xc0, 0, 11, 8, h >> 8, h & 255, w >> 8, w & 255, 1, 1, 0x11, 0]);
      const jpeg = concat([new Uint8Array([0xff, 0xd8]), sof(8, 8), sof(16000, 16000), new Uint8Array([0xff, 0xd9])]);
      return [{ name: 'jpeg-two-frames.zip', bytes: imageZip({ ...smallPair, 'b/2.jpg': jpeg }) }];
    },
    expect: { error: /file "b\/2\.jpg": cannot be decoded as JPEG: it has more than one frame header/ },
  },
  {
    name: 'pixels-over-upload-budget.zip',
    defect: 'inflation',
    files: () => {
      // Four 4096×4096 images: each within the per-image limit, 67 megapixels together.
      const big = greyPng(4096, 4096, 0);
      return [
        {
          name: 'pixels-over-upload-budget.zip',
          bytes: imageZip({ 'a/1.png': big, 'a/2.png': big, 'b/1.png': big, 'b/2.png': big }),
        },
      ];
    },
    expect: { error: /the 4 images hold 67\.1 megapixels; at most 64 are decoded per upload/ },
  },
  // Zip entries whose headers understate what they inflate to.
  {
    name: 'zip-understated-entry.zip',
    defect: 'inflation',
    files: () => {
      const zip = imageZip({ ...smallPair, 'b/2.png': new Uint8Array(4e6) });
      return [
        {
          name: 'zip-understated-entry.zip',
          bytes: understateZip(zip, (name, size) => (name === 'b/2.png' ? 100 : size)),
        },
      ];
    },
    expect: {
      error:
        /zip-understated-entry\.zip, file "b\/2\.png": the zip archive is damaged: it inflates to more than the 100 bytes its header declares/,
    },
  },
  {
    name: 'zip-overstated-entry.zip',
    defect: 'inflation',
    files: () => {
      const zip = imageZip({ ...smallPair, 'b/2.png': greyPng(4, 4, 7) });
      return [
        {
          name: 'zip-overstated-entry.zip',
          bytes: understateZip(zip, (name, size) => (name === 'b/2.png' ? size + 50 : size)),
        },
      ];
    },
    expect: { error: /file "b\/2\.png": the zip archive is damaged: it inflates to \d+ bytes but its header declares/ },
  },
  {
    name: 'zip-bomb-declared.zip',
    defect: 'inflation',
    files: () => {
      // Headers that claim 210 MB: refused from the directory, before anything is inflated.
      const zip = imageZip({ 'a/1.png': small, 'a/2.png': small, 'b/1.png': small, 'b/2.png': small });
      const claims: Record<string, number> = { 'a/1.png': 150e6, 'a/2.png': 60e6 };
      return [{ name: 'zip-bomb-declared.zip', bytes: understateZip(zip, (name, size) => claims[name] ?? size) }];
    },
    expect: { error: /would unpack to 200\.3 MB; the limit is 200\.0 MB/ },
  },
  {
    name: 'zip-cut-short.zip',
    defect: 'inflation',
    files: () => {
      const zip = imageZip({ ...smallPair, 'b/2.png': small });
      return [{ name: 'zip-cut-short.zip', bytes: zip.slice(0, zip.length - 30) }];
    },
    expect: { error: /zip-cut-short\.zip: (not a readable zip archive|the zip archive is damaged)/ },
  },
  // .npy: data must be exactly what the header describes; values must fit.
  {
    name: 'npy-longer-than-header.npy',
    defect: 'npy-length',
    files: () => {
      const good = npyBytes(
        '<f4',
        [6, 3],
        Array.from({ length: 18 }, (_, i) => (i % 3 === 2 ? i % 2 : i)),
      );
      return [{ name: 'npy-longer-than-header.npy', bytes: concat([good, new Uint8Array(6 * 3 * 4)]) }];
    },
    expect: { error: /holds 144 bytes of data but its header's shape \(6, 3\) accounts for 72/ },
  },
  {
    name: 'npy-shorter-than-header.npy',
    defect: 'npy-length',
    files: () => {
      const good = npyBytes(
        '<f4',
        [6, 3],
        Array.from({ length: 18 }, (_, i) => i),
      );
      return [{ name: 'npy-shorter-than-header.npy', bytes: good.slice(0, good.length - 8) }];
    },
    expect: { error: /promises shape \(6, 3\) = 72 bytes of data but the file holds 64/ },
  },
  {
    name: 'npy-shape-overflow.npy',
    defect: 'npy-length',
    files: () => [
      {
        name: 'npy-shape-overflow.npy',
        bytes: npyBytes('<f8', [1e12, 1e12], [], {
          dictOverride: "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 1000000000000), }",
        }),
      },
    ],
    expect: { error: /promises shape \(1000000000000, 1000000000000\)/ },
  },
  {
    name: 'npy-f8-beyond-float32.npy',
    defect: 'npy-range',
    files: () => [
      { name: 'npy-f8-beyond-float32.npy', bytes: npyBytes('<f8', [4, 3], [1, 2, 0, 3, 1e39, 0, 5, 6, 1, 7, 8, 1]) },
    ],
    expect: { error: /sample 1, column 2 is 1e\+39, beyond the float32 range/ },
  },
  {
    name: 'npy-labels-beyond-2^53',
    defect: 'npy-range',
    files: () => [
      { name: 'x.npy', bytes: npyBytes('<f4', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]) },
      { name: 'labels.npy', bytes: npyBytes('<i8', [4], [0, 0, 2 ** 53 + 2, 2 ** 53 + 2]) },
    ],
    expect: { error: /labels\.npy: the value at index 2 is 9007199254740994, beyond 2\^53/ },
  },
  {
    name: 'npy-negative-pixels',
    defect: 'npy-range',
    files: () => [
      {
        name: 'images.npy',
        bytes: npyBytes('<f4', [4, 2, 2], [-1, 0, 0.5, 1, -0.5, 0.2, 0.4, 0.9, 1, -1, 0, 0, 0.3, 0.3, -0.2, 0.1]),
      },
      { name: 'labels.npy', bytes: npyBytes('<i4', [4], [0, 0, 1, 1]) },
    ],
    expect: {
      summary: { format: 'npy', samples: 4, classes: 2, shape: [2, 2, 1] },
      notes: /pixel values ranged from -1 to 1 \(negative values found\); rescaled linearly to \[0, 1\]/,
    },
  },
  // CSV numbers: every value finite and within float32, errors naming file, row and column.
  {
    name: 'csv-1e308.csv',
    defect: 'csv-range',
    files: () => [text('csv-1e308.csv', 'x,y,label\n1,2,a\n3,1e308,a\n5,6,b\n7,8,b\n')],
    expect: { error: /csv-1e308\.csv, row 3, column "y": 1e308 is beyond the float32 range/ },
  },
  {
    name: 'csv-1e39.csv',
    defect: 'csv-range',
    files: () => [text('csv-1e39.csv', 'x,y,label\n1,2,a\n3,4,a\n-1e39,6,b\n7,8,b\n')],
    expect: { error: /csv-1e39\.csv, row 4, column "x": -1e39 is beyond the float32 range/ },
  },
  {
    name: 'csv-1e309.csv',
    defect: 'csv-range',
    files: () => [text('csv-1e309.csv', 'x,y,label\n1,2,a\n3,4,a\n5,6,b\n7,1e309,b\n')],
    expect: { error: /csv-1e309\.csv, row 5, column "y": 1e309 is beyond the float32 range/ },
  },
  {
    name: 'csv-nan-column.csv',
    defect: 'csv-range',
    files: () => [text('csv-nan-column.csv', 'x,y,label\n1,NaN,a\n3,NaN,a\n5,NaN,b\n7,NaN,b\n')],
    expect: { error: /csv-nan-column\.csv, row 2, column "y": "NaN" marks a missing or non-finite value/ },
  },
  {
    name: 'csv-infinity.tsv',
    defect: 'csv-range',
    files: () => [text('csv-infinity.tsv', 'x\ty\tlabel\n1\t2\ta\n3\t4\ta\n5\t-inf\tb\n7\t8\tb\n')],
    expect: { error: /csv-infinity\.tsv, row 4, column "y": "-inf" marks a missing or non-finite value/ },
  },
  {
    name: 'csv-near-float32-max.csv',
    defect: 'csv-range',
    files: () => [text('csv-near-float32-max.csv', 'x,y,label\n3e38,2,a\n-3e38,1,a\n3e38,6,b\n-3e38,8,b\n')],
    expect: {
      summary: { format: 'tabular-csv', samples: 4, classes: 2 },
      notes: /features standardised \(z-score per column\)$/,
    },
  },
  {
    name: 'pairs-score-nan.csv',
    defect: 'csv-range',
    files: () => [text('pairs-score-nan.csv', 'text_a,text_b,score\ncat,dog,0.5\nsun,moon,nan\n')],
    expect: { error: /pairs-score-nan\.csv, row 3, column "score": "nan" marks a missing or non-finite value/ },
  },
  // Encodings: detected, never assumed.
  {
    name: 'latin1-labels.csv',
    defect: 'encoding',
    files: () => {
      const body = 'x,label\n1,café\n2,café\n3,cafè\n4,cafè\n5,cafe\n6,cafe\n';
      return [{ name: 'latin1-labels.csv', bytes: Uint8Array.from(body, (ch) => ch.charCodeAt(0)) }];
    },
    expect: {
      summary: { format: 'tabular-csv', samples: 6, classes: 3 },
      notes: /not valid UTF-8, read as Windows-1252/,
    },
  },
  {
    name: 'utf16le-bom.csv',
    defect: 'encoding',
    files: () => {
      const body = 'x,y,label\n1,2,ä\n3,4,ä\n5,6,ö\n7,8,ö\n';
      const bytes = new Uint8Array(2 + body.length * 2);
      bytes.set([0xff, 0xfe]);
      for (let i = 0; i < body.length; i++) new DataView(bytes.buffer).setUint16(2 + 2 * i, body.charCodeAt(i), true);
      return [{ name: 'utf16le-bom.csv', bytes }];
    },
    expect: {
      summary: { format: 'tabular-csv', samples: 4, classes: 2 },
      notes: /encoding: UTF-16 LE \(from its byte-order mark\)/,
    },
  },
  {
    name: 'utf16le-no-bom.csv',
    defect: 'encoding',
    files: () => {
      const body = 'x,y,label\n1,2,a\n3,4,a\n5,6,b\n7,8,b\n';
      return [
        { name: 'utf16le-no-bom.csv', bytes: Uint8Array.from(body.split('').flatMap((ch) => [ch.charCodeAt(0), 0])) },
      ];
    },
    expect: { error: /utf16le-no-bom\.csv: the file looks like UTF-16 LE without a byte-order mark/ },
  },
  {
    name: 'utf32.csv',
    defect: 'encoding',
    files: () => [{ name: 'utf32.csv', bytes: new Uint8Array([0xff, 0xfe, 0, 0, 0x78, 0, 0, 0]) }],
    expect: { error: /utf32\.csv: the file is encoded as UTF-32/ },
  },
  {
    name: 'binary-as.csv',
    defect: 'encoding',
    files: () => [{ name: 'binary-as.csv', bytes: Uint8Array.from({ length: 512 }, (_, i) => (i * 37) % 256) }],
    expect: { error: /binary-as\.csv: the file holds NUL bytes: it is binary data/ },
  },
  // Files that could be read several ways: read right when the file says, else the user chooses.
  {
    name: 'european.csv',
    defect: 'ambiguity',
    files: () => [
      text('european.csv', '\uFEFFlänge;breite;label\r\n1,5;2,25;a\r\n1,7;2,5;a\r\n3,1;0,5;b\r\n2,9;0,25;b\r\n'),
    ],
    expect: {
      summary: { format: 'tabular-csv', samples: 4, classes: 2, shape: [2] },
      notes: /delimiter: semicolon[\s\S]*decimal commas read as decimal points/,
    },
  },
  {
    name: 'duplicated-label-header.csv',
    defect: 'ambiguity',
    files: () => [text('duplicated-label-header.csv', 'label,x,label\na,1,p\na,2,p\nb,3,q\nb,4,q\n')],
    expect: { error: /duplicated-label-header\.csv, row 1: the header names column "label" twice \(columns 1 and 3\)/ },
  },
  {
    name: 'pairs-missing-b.csv',
    defect: 'ambiguity',
    files: () => [text('pairs-missing-b.csv', 'a_x,a_y,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n')],
    expect: {
      error:
        /the header has a_… columns but no b_… columns: as a pair file one side is missing.*\("tabular" or "text"\)/,
    },
  },
  {
    name: 'pairs-missing-text-b.csv',
    defect: 'ambiguity',
    files: () => [text('pairs-missing-text-b.csv', 'text_a,label\ncat,0\ndog,1\ncow,0\nemu,1\n')],
    expect: { error: /the header has text_a but no text_b/ },
  },
  {
    name: 'text-and-numbers.csv',
    defect: 'ambiguity',
    files: () => [text('text-and-numbers.csv', 'id,x,y,label\nr1,1,2,a\nr2,3,4,a\nr3,5,6,b\nr4,7,8,b\n')],
    expect: {
      error:
        /"id" holds text but "x", "y" hold numbers: it could be a text dataset.*choose how to read it \("text" or "tabular"\)/,
    },
  },
  {
    name: 'text-and-numbers-chosen.csv',
    defect: 'ambiguity',
    files: () => [text('text-and-numbers-chosen.csv', 'id,x,y,label\nr1,1,2,a\nr2,3,4,a\nr3,5,6,b\nr4,7,8,b\n')],
    options: { tableKind: 'text' },
    expect: { summary: { format: 'text-csv', samples: 4, classes: 2 }, notes: /2 other columns ignored/ },
  },
  {
    name: 'two-label-columns.csv',
    defect: 'ambiguity',
    files: () => [text('two-label-columns.csv', 'x,class,label\n1,a,p\n2,a,p\n3,b,q\n4,b,q\n')],
    expect: { error: /several columns could hold the labels \("label", "class"\); choose the label column/ },
  },
  {
    name: 'two-label-columns-chosen.csv',
    defect: 'ambiguity',
    files: () => [text('two-label-columns-chosen.csv', 'x,class,label\n1,a,p\n2,a,p\n3,b,q\n4,b,q\n')],
    options: { labelColumn: 'class', tableKind: 'text' },
    expect: { summary: { format: 'text-csv', samples: 4, classes: 2, labelColumn: 'class' } },
  },
  // Controls: ordinary files load.
  {
    name: 'control-images.zip',
    defect: 'control',
    files: () => [{ name: 'control-images.zip', bytes: imageZip({ ...smallPair, 'b/2.png': greyPng(4, 4, 250) }) }],
    expect: { summary: { format: 'image-zip', samples: 4, classes: 2, shape: [28, 28, 1] } },
  },
  {
    name: 'control-long-row.png',
    defect: 'control',
    files: () => {
      // A 4,000,000×1 strip is within every limit and resizes in one row of memory.
      const strip = greyPng(4_000_000, 1, 90);
      return [
        { name: 'a/1.png', bytes: strip, className: 'a' },
        { name: 'a/2.png', bytes: small, className: 'a' },
        { name: 'b/1.png', bytes: small, className: 'b' },
        { name: 'b/2.png', bytes: small, className: 'b' },
      ];
    },
    expect: { summary: { format: 'image-files', samples: 4, classes: 2 } },
  },
];

export { text };
