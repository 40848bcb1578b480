/** Builders for real upload bytes (npy, csv) and a checker for DataLoadError details, shared by the loader tests. */
import { expect } from 'vitest';
import { DataLoadError } from '../../../../src/core/data/loaders/errors';
import type { FileBytes } from '../../../../src/core/data/loaders/types';

/** UTF-8 bytes of `text` as an uploaded file. */
export function textFile(name: string, text: string): FileBytes {
  return { name, bytes: new TextEncoder().encode(text) };
}

/**
 * Writes an .npy file per the NPY spec: magic, version, little-endian header length, a Python dict
 * literal padded with spaces to a multiple of 64 bytes and ended by '\n', then the raw C-order data.
 */
export function npyBytes(
  descr: string,
  shape: number[],
  values: ArrayLike<number>,
  options: { version?: 1 | 2 | 3; fortran?: boolean; dictOverride?: string } = {},
): Uint8Array {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict =
    options.dictOverride ??
    `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = `${dict.padEnd(total - prefix - 1, ' ')}\n`;
  const itemSize = Number(descr.slice(2)) || 1;
  const out = new Uint8Array(total + values.length * itemSize);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  const le = descr[0] !== '>';
  const type = descr.slice(1);
  for (let i = 0; i < values.length; i++) {
    const o = total + i * itemSize;
    const v = values[i];
    switch (type) {
      case 'f4':
        view.setFloat32(o, v, le);
        break;
      case 'f8':
        view.setFloat64(o, v, le);
        break;
      case 'i1':
        view.setInt8(o, v);
        break;
      case 'i2':
        view.setInt16(o, v, le);
        break;
      case 'i4':
        view.setInt32(o, v, le);
        break;
      case 'i8':
        view.setBigInt64(o, BigInt(v), le);
        break;
      case 'u1':
      case 'b1':
        view.setUint8(o, v);
        break;
      case 'u2':
        view.setUint16(o, v, le);
        break;
      case 'u4':
        view.setUint32(o, v, le);
        break;
      default:
        throw new Error(`test writer cannot write ${descr}`);
    }
  }
  return out;
}

/** Runs `load` and checks it throws a DataLoadError with these details; returns the error. */
export async function expectLoadError(
  load: () => unknown,
  expected: { file: string; row?: number; column?: string | number; entry?: string; reason: RegExp },
): Promise<DataLoadError> {
  let caught: unknown;
  try {
    await load();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a DataLoadError').toBeInstanceOf(DataLoadError);
  const error = caught as DataLoadError;
  expect(error.file).toBe(expected.file);
  expect(error.row).toBe(expected.row);
  expect(error.column).toBe(expected.column);
  expect(error.entry).toBe(expected.entry);
  expect(error.reason).toMatch(expected.reason);
  // The message names the same place, so a user sees it without the fields.
  expect(error.message.startsWith(expected.file)).toBe(true);
  if (expected.row !== undefined) expect(error.message).toContain(`row ${expected.row}`);
  if (typeof expected.column === 'string') expect(error.message).toContain(`column "${expected.column}"`);
  if (expected.entry !== undefined) expect(error.message).toContain(`"${expected.entry}"`);
  return error;
}

/** Plain-JS z-score of one column (population std), the reference for standardisation. */
export function zScores(column: readonly number[]): number[] {
  const mean = column.reduce((a, b) => a + b, 0) / column.length;
  const std = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length);
  return column.map((v) => (std === 0 ? 0 : (v - mean) / std));
}
