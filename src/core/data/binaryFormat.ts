/**
 * The compact file format of the shipped built-in datasets: a small JSON header (`<name>.json`) that says
 * what the samples are, plus one zlib-compressed payload (`<name>.bin`) holding the raw arrays back to back.
 * Pure code (no fs, no fetch) so the build script, the Node CLI and the browser share one encoder/decoder.
 *
 * The payload is not named `.gz` on purpose: dev servers add `Content-Encoding: gzip` to such files and the
 * browser would hand us already-inflated bytes.
 */
import { unzlibSync, zlibSync } from 'fflate';

/** Bumped when the layout changes, so an old loader refuses a new file instead of misreading it. */
export const DATASET_FORMAT_VERSION = 1;

/** Element types a payload section may hold (all little-endian). */
export type SectionDtype = 'uint8' | 'uint16' | 'float32';

/** One array inside the uncompressed payload. */
export interface PayloadSection {
  /** `features` (numSamples × prod(featureShape)), `labels` (numSamples), or optional extras such as `sourceIndices`. */
  name: string;
  dtype: SectionDtype;
  /** Byte offset inside the uncompressed payload (a multiple of 4, so float32 views are aligned). */
  byteOffset: number;
  /** Number of elements (not bytes). */
  length: number;
}

/** Everything `<name>.json` records: enough to decode the payload and to credit its source. */
export interface DatasetHeader {
  formatVersion: number;
  name: string;
  title: string;
  description: string;
  numSamples: number;
  featureShape: number[];
  /** Type of the stored feature values. */
  dtype: 'uint8' | 'float32';
  /** Divide stored features by this to get [0, 1] values (255 for 8-bit images, 16 for the 4-bit digits, 1 for raw). */
  scale: number;
  classNames: string[];
  /** The last `testCount` rows form the fixed held-out split (0 = none; the pipeline then splits). */
  testCount: number;
  /** Licence line, e.g. "MIT (Expat), © 2017 Zalando SE". */
  licence: string;
  /** Where the raw data came from and what was derived from it. */
  source: string;
  payload: {
    file: string;
    compression: 'zlib';
    compressedBytes: number;
    uncompressedBytes: number;
    /** CRC-32 (IEEE) of the uncompressed payload: verified at every load. */
    crc32: number;
    /** SHA-256 (hex) of the compressed file as shipped, for tests and audits (not verified at load). */
    sha256: string;
  };
  sections: PayloadSection[];
}

/** A section's elements as a typed array. */
export type SectionArray = Uint8Array | Uint16Array | Float32Array;

/** The decoded arrays of a payload, by section name. */
export type DecodedSections = Record<string, SectionArray>;

const BYTES_PER_ELEMENT: Record<SectionDtype, number> = { uint8: 1, uint16: 2, float32: 4 };

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zip/png), enough to notice truncated or corrupted payloads. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Packs named arrays into one uncompressed payload (4-byte aligned, little-endian) and returns it with the
 * section table the header needs. Used by the build script.
 */
export function packSections(arrays: { name: string; data: SectionArray }[]): {
  payload: Uint8Array;
  sections: PayloadSection[];
} {
  const sections: PayloadSection[] = [];
  let offset = 0;
  for (const { name, data } of arrays) {
    const dtype = dtypeOf(data);
    sections.push({ name, dtype, byteOffset: offset, length: data.length });
    offset += align4(data.length * BYTES_PER_ELEMENT[dtype]);
  }
  const payload = new Uint8Array(offset);
  const view = new DataView(payload.buffer);
  arrays.forEach(({ data }, s) => {
    const { dtype, byteOffset } = sections[s];
    for (let i = 0; i < data.length; i++) {
      if (dtype === 'uint8') payload[byteOffset + i] = data[i];
      else if (dtype === 'uint16') view.setUint16(byteOffset + 2 * i, data[i], true);
      else view.setFloat32(byteOffset + 4 * i, data[i], true);
    }
  });
  return { payload, sections };
}

/** zlib-compresses a payload at the highest level (the files are built once and downloaded often). */
export function compressPayload(payload: Uint8Array): Uint8Array {
  return zlibSync(payload, { level: 9, mem: 12 });
}

/**
 * Checks a header read from JSON and returns it typed; throws an Error naming the file and what is wrong,
 * so a stale or hand-edited header never turns into silently wrong data.
 */
export function parseDatasetHeader(json: unknown, fileName: string): DatasetHeader {
  const fail = (why: string): never => {
    throw new Error(`dataset header ${fileName} is invalid: ${why}`);
  };
  if (typeof json !== 'object' || json === null) fail('not a JSON object');
  const h = json as DatasetHeader;
  if (h.formatVersion !== DATASET_FORMAT_VERSION)
    fail(`format version ${String(h.formatVersion)}, this build reads version ${DATASET_FORMAT_VERSION}`);
  if (!Number.isInteger(h.numSamples) || h.numSamples <= 0) fail('numSamples must be a positive whole number');
  if (!Array.isArray(h.featureShape) || h.featureShape.some((d) => !Number.isInteger(d) || d <= 0))
    fail('featureShape must list positive whole numbers');
  if (h.dtype !== 'uint8' && h.dtype !== 'float32') fail(`dtype ${String(h.dtype)} is not uint8 or float32`);
  if (!(h.scale > 0)) fail('scale must be positive');
  if (!Array.isArray(h.classNames) || h.classNames.length < 2) fail('classNames must list at least 2 classes');
  if (!Number.isInteger(h.testCount) || h.testCount < 0 || h.testCount >= h.numSamples)
    fail('testCount must be a whole number below numSamples');
  if (h.payload?.compression !== 'zlib' || typeof h.payload.file !== 'string') fail('payload must name a zlib file');
  if (!Array.isArray(h.sections)) fail('sections must be a list');
  for (const s of h.sections) {
    if (!(s.dtype in BYTES_PER_ELEMENT)) fail(`section ${s.name} has unknown dtype ${String(s.dtype)}`);
    if (s.byteOffset % 4 !== 0 || s.byteOffset + s.length * BYTES_PER_ELEMENT[s.dtype] > h.payload.uncompressedBytes)
      fail(`section ${s.name} lies outside the payload`);
  }
  return h;
}

/**
 * Inflates and verifies a payload (size and CRC-32), then returns each section as a typed array.
 * A truncated or corrupted download ends here with an Error that names the file and suggests rebuilding.
 */
export function decodePayload(header: DatasetHeader, compressed: Uint8Array): DecodedSections {
  const file = header.payload.file;
  const hint = 'the file is truncated or corrupted; reload the page or rebuild it with `npm run datasets`';
  if (compressed.length !== header.payload.compressedBytes) {
    throw new Error(
      `dataset payload ${file} has ${compressed.length} bytes but its header expects ${header.payload.compressedBytes}: ${hint}`,
    );
  }
  let payload: Uint8Array;
  try {
    payload = unzlibSync(compressed);
  } catch (error) {
    throw new Error(`dataset payload ${file} could not be decompressed (${(error as Error).message}): ${hint}`);
  }
  if (payload.length !== header.payload.uncompressedBytes) {
    throw new Error(
      `dataset payload ${file} inflates to ${payload.length} bytes but its header expects ${header.payload.uncompressedBytes}: ${hint}`,
    );
  }
  if (crc32(payload) !== header.payload.crc32)
    throw new Error(`dataset payload ${file} fails its CRC-32 check: ${hint}`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const out: DecodedSections = {};
  for (const s of header.sections) {
    if (s.dtype === 'uint8') {
      out[s.name] = payload.slice(s.byteOffset, s.byteOffset + s.length);
    } else if (s.dtype === 'uint16') {
      const a = new Uint16Array(s.length);
      for (let i = 0; i < s.length; i++) a[i] = view.getUint16(s.byteOffset + 2 * i, true);
      out[s.name] = a;
    } else {
      const a = new Float32Array(s.length);
      for (let i = 0; i < s.length; i++) a[i] = view.getFloat32(s.byteOffset + 4 * i, true);
      out[s.name] = a;
    }
  }
  return out;
}

function dtypeOf(data: SectionArray): SectionDtype {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint16Array) return 'uint16';
  return 'float32';
}

function align4(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}
