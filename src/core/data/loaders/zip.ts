/**
 * A zip reader whose limits bound what is really produced. The central directory's sizes are only claims: each
 * entry is inflated in small steps into a buffer of its declared size, and an entry that inflates to more (or
 * less) than its header states is refused as damaged, naming it, after at most one step past the claim. The
 * bytes inflated over the whole archive count against one budget, so a file whose headers lie cannot cost more
 * than the limit however it is built.
 */
import { Inflate } from 'fflate';
import { formatBytes } from './common';
import { DataLoadError } from './errors';

/** One member as the central directory describes it. */
export interface ZipEntryInfo {
  name: string;
  /** Declared uncompressed size. */
  size: number;
  compressedSize: number;
  /** 0 stored, 8 deflated; anything else is refused when read. */
  method: number;
  encrypted: boolean;
  /** Offset of the local file header. */
  localOffset: number;
}

/** Compressed bytes handed to the inflater per step: bounds how far past a lying header one step can inflate. */
const STEP = 16 * 1024;

function readUint16(bytes: Uint8Array, o: number): number {
  return bytes[o] | (bytes[o + 1] << 8);
}

function readUint32(bytes: Uint8Array, o: number): number {
  return (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
}

function readUint64(bytes: Uint8Array, o: number): number {
  return readUint32(bytes, o) + readUint32(bytes, o + 4) * 2 ** 32;
}

function damaged(file: string, reason: string, entry?: string): DataLoadError {
  return new DataLoadError({ file, entry, reason: `the zip archive is damaged: ${reason}` });
}

/** Lists the archive's members from its central directory (nothing is inflated). */
export function listZip(bytes: Uint8Array, file: string): ZipEntryInfo[] {
  const n = bytes.length;
  let eocd = -1;
  // Stryker disable next-line ArithmeticOperator: reads past the end give 0, never the signature, so starting later finds the same record
  for (let o = n - 22; o >= Math.max(0, n - 22 - 65535); o--) {
    if (readUint32(bytes, o) === 0x06054b50) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) {
    throw new DataLoadError({
      file,
      reason: 'not a readable zip archive (no end-of-archive record: the file is not a zip, or it is cut short)',
    });
  }
  let count = readUint16(bytes, eocd + 10);
  let offset = readUint32(bytes, eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    // Stryker disable next-line ConditionalExpression: a read before the start gives 0, never the locator's signature
    if (locator < 0 || readUint32(bytes, locator) !== 0x07064b50) throw damaged(file, 'its zip64 locator is missing');
    const record = readUint64(bytes, locator + 8);
    if (record + 56 > n || readUint32(bytes, record) !== 0x06064b50)
      throw damaged(file, 'its zip64 directory record is missing');
    count = readUint64(bytes, record + 32);
    offset = readUint64(bytes, record + 48);
  }
  const entries: ZipEntryInfo[] = [];
  let o = offset;
  for (let i = 0; i < count; i++) {
    if (o + 46 > n || readUint32(bytes, o) !== 0x02014b50)
      throw damaged(file, `its directory lists ${count} files but entry ${i + 1} is not where it should be`);
    const flags = readUint16(bytes, o + 8);
    const method = readUint16(bytes, o + 10);
    let compressedSize = readUint32(bytes, o + 20);
    let size = readUint32(bytes, o + 24);
    const nameLength = readUint16(bytes, o + 28);
    const extraLength = readUint16(bytes, o + 30);
    const commentLength = readUint16(bytes, o + 32);
    let localOffset = readUint32(bytes, o + 42);
    const nameEnd = o + 46 + nameLength;
    if (nameEnd + extraLength + commentLength > n) throw damaged(file, `directory entry ${i + 1} runs past the end`);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(bytes.subarray(o + 46, nameEnd));
    // Zip64: sizes and offset that do not fit 32 bits sit in extra field 0x0001, in this order.
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      let e = nameEnd;
      const extraEnd = nameEnd + extraLength;
      while (e + 4 <= extraEnd) {
        const id = readUint16(bytes, e);
        const length = readUint16(bytes, e + 2);
        if (id === 0x0001) {
          let p = e + 4;
          if (size === 0xffffffff) {
            size = readUint64(bytes, p);
            p += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = readUint64(bytes, p);
            p += 8;
          }
          if (localOffset === 0xffffffff) localOffset = readUint64(bytes, p);
          break;
        }
        e += 4 + length;
      }
    }
    entries.push({ name, size, compressedSize, method, encrypted: (flags & 1) === 1, localOffset });
    o = nameEnd + extraLength + commentLength;
  }
  return entries;
}

/** A running total of inflated bytes shared by every entry of one upload. */
export interface InflateBudget {
  used: number;
  limit: number;
}

/**
 * The entry's bytes, inflated against its declared size and the shared budget. Throws a DataLoadError naming the
 * entry when the data is damaged, is not where the directory says, or inflates to another size than declared.
 */
export function readZipEntry(bytes: Uint8Array, info: ZipEntryInfo, file: string, budget: InflateBudget): Uint8Array {
  const entry = info.name;
  if (info.encrypted) throw new DataLoadError({ file, entry, reason: 'is encrypted; zip it without a password' });
  if (info.method !== 0 && info.method !== 8) {
    throw new DataLoadError({
      file,
      entry,
      reason: `uses compression method ${info.method}; only stored and deflated (the usual zip) are read`,
    });
  }
  if (budget.used + info.size > budget.limit) {
    throw new DataLoadError({
      file,
      entry,
      reason: `the images would unpack to more than ${formatBytes(budget.limit)} (maxUnpackedBytes)`,
    });
  }
  const o = info.localOffset;
  if (o + 30 > bytes.length || readUint32(bytes, o) !== 0x04034b50)
    throw damaged(file, 'its local header is missing', entry);
  const start = o + 30 + readUint16(bytes, o + 26) + readUint16(bytes, o + 28);
  const end = start + info.compressedSize;
  if (end > bytes.length) throw damaged(file, 'its data runs past the end of the archive (cut short?)', entry);
  const data = bytes.subarray(start, end);
  if (info.method === 0) {
    if (info.size !== info.compressedSize)
      throw damaged(file, `it is stored uncompressed but declares ${info.size} bytes for ${data.length}`, entry);
    budget.used += data.length;
    return data.slice();
  }
  const out = new Uint8Array(info.size);
  let written = 0;
  // Stryker disable next-line BooleanLiteral: fflate throws "unexpected EOF" when the data ends before the final block
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    if (written + chunk.length > info.size) {
      throw damaged(file, `it inflates to more than the ${formatBytes(info.size)} its header declares`, entry);
    }
    out.set(chunk, written);
    written += chunk.length;
    // Stryker disable next-line ConditionalExpression: (as above) data that inflates without error has delivered its final block
    if (final) finished = true;
  });
  try {
    for (let p = 0; p < data.length; p += STEP) {
      const last = p + STEP >= data.length;
      // Stryker disable next-line MethodExpression: the first push then holds the whole stream, and fflate ignores bytes after its final block
      inflater.push(data.subarray(p, Math.min(p + STEP, data.length)), last);
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof DataLoadError) throw error;
    throw damaged(file, `its compressed data cannot be inflated (${(error as Error).message})`, entry);
  }
  if (!finished || written !== info.size) {
    throw damaged(
      file,
      `it inflates to ${formatBytes(written)} but its header declares ${formatBytes(info.size)}`,
      entry,
    );
  }
  budget.used += written;
  return out;
}
