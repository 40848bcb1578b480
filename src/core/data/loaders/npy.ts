/**
 * NumPy `.npy` arrays (format versions 1–3, C order): a features array plus an integer labels array,
 * or one [n, d + 1] array whose last column holds the labels. Values are read through a DataView, so
 * little- and big-endian files and unaligned buffers all work.
 *
 * Shapes: [n, d] → tabular (z-scored by default); [n, h, w] → images [h, w, 1]; [n, h, w, c] → images
 * (channels last). Labels must be whole numbers (integer, bool, or float arrays holding whole values);
 * string labels are not supported: save class ids instead.
 */
import type { LabelledDataset } from '../dataset';
import { applyStandardization, baseName, checkClasses, columnStats, constantColumns, indexClasses } from './common';
import { DataLoadError } from './errors';
import type { FileBytes, LoadResult, NpyOptions } from './types';

/** The parsed header of an .npy file and where its data starts. */
export interface NpyHeader {
  /** NumPy dtype string, e.g. '<f4'. */
  descr: string;
  shape: number[];
  littleEndian: boolean;
  kind: 'f' | 'i' | 'u' | 'b';
  itemSize: number;
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const SUPPORTED = ['f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1'];

/** Reads and checks the header: magic, version, dtype, memory order and that the data is all there. */
export function parseNpyHeader(file: FileBytes): NpyHeader {
  const { name, bytes } = file;
  if (bytes.length === 0) throw new DataLoadError({ file: name, reason: 'the file is empty' });
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new DataLoadError({
      file: name,
      reason: 'not a NumPy .npy file (it does not start with the \\x93NUMPY magic string)',
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3)
    throw new DataLoadError({
      file: name,
      reason: `unsupported .npy format version ${major}.${bytes[7]} (1, 2 and 3 are read)`,
    });
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataOffset = headerStart + headerLength;
  if (dataOffset > bytes.length)
    throw new DataLoadError({ file: name, reason: 'the .npy header is cut short (the file is truncated)' });
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataOffset));

  if (/['"]descr['"]\s*:\s*\[/.test(header)) {
    throw new DataLoadError({
      file: name,
      reason: 'structured arrays (record dtypes) are not supported; save a plain numeric array',
    });
  }
  const descrMatch = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  const orderMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  if (!descrMatch || !shapeMatch || !orderMatch)
    throw new DataLoadError({ file: name, reason: `unreadable .npy header: ${header.trim()}` });
  if (orderMatch[1] === 'True') {
    throw new DataLoadError({
      file: name,
      reason: 'the array is stored in Fortran (column-major) order; save it with np.save(np.ascontiguousarray(x))',
    });
  }
  const descr = descrMatch[1];
  const order = descr[0];
  const type = descr.slice(1);
  if (!'<>|='.includes(order) || !SUPPORTED.includes(type)) {
    const hint = /^[<>|=]?[USO]/.test(descr)
      ? ' (strings and Python objects cannot be read; store class ids as integers)'
      : '';
    throw new DataLoadError({
      file: name,
      reason: `unsupported dtype '${descr}'${hint}; supported: ${SUPPORTED.join(', ')} (either byte order)`,
    });
  }
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0))
    throw new DataLoadError({ file: name, reason: `unreadable shape (${shapeMatch[1]}) in the .npy header` });
  const itemSize = Number(type.slice(1));
  const expected = shape.reduce((p, s) => p * s, 1) * itemSize;
  const held = bytes.length - dataOffset;
  if (!Number.isSafeInteger(expected) || held < expected) {
    throw new DataLoadError({
      file: name,
      reason: `the header promises shape (${shape.join(', ')}) = ${expected} bytes of data but the file holds ${held} (truncated?)`,
    });
  }
  if (held > expected) {
    throw new DataLoadError({
      file: name,
      reason: `the file holds ${held} bytes of data but its header's shape (${shape.join(', ')}) accounts for ${expected}; the header does not describe the data (damaged, or another array appended)`,
    });
  }
  return { descr, shape, littleEndian: order !== '>', kind: type[0] as NpyHeader['kind'], itemSize, dataOffset };
}

/**
 * Every value of the array as a float. A value the output cannot hold is refused, naming its index: beyond the
 * float32 range (±3.4e38) for features, beyond 2^53 for 64-bit integers (they would merge with their neighbours).
 */
export function readNpyValues<T extends Float32Array | Float64Array>(file: FileBytes, header: NpyHeader, out: T): T {
  const view = new DataView(file.bytes.buffer, file.bytes.byteOffset + header.dataOffset, out.length * header.itemSize);
  const le = header.littleEndian;
  const size = header.itemSize;
  const exactInteger = (value: bigint, index: number): number => {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new DataLoadError({
        file: file.name,
        reason: `the value at index ${index} is ${value}, beyond 2^53: it cannot be told from its neighbours as a number (use smaller class ids)`,
      });
    }
    return Number(value);
  };
  const read: (offset: number) => number = (() => {
    switch (header.kind + size) {
      case 'f4':
        return (o: number) => view.getFloat32(o, le);
      case 'f8':
        return (o: number) => view.getFloat64(o, le);
      case 'i1':
        return (o: number) => view.getInt8(o);
      case 'i2':
        return (o: number) => view.getInt16(o, le);
      case 'i4':
        return (o: number) => view.getInt32(o, le);
      case 'i8':
        return (o: number) => exactInteger(view.getBigInt64(o, le), o / size);
      case 'u2':
        return (o: number) => view.getUint16(o, le);
      case 'u4':
        return (o: number) => view.getUint32(o, le);
      case 'u8':
        return (o: number) => exactInteger(view.getBigUint64(o, le), o / size);
      default:
        return (o: number) => view.getUint8(o); // u1, b1
    }
  })();
  for (let i = 0; i < out.length; i++) {
    const value = read(i * size);
    out[i] = value;
    if (Number.isFinite(value) && !Number.isFinite(out[i])) {
      throw new DataLoadError({
        file: file.name,
        reason: `the value at index ${i} is ${value}, beyond the float32 range (±3.4e38) the network computes in`,
      });
    }
  }
  return out;
}

function count(shape: readonly number[]): number {
  return shape.reduce((p, s) => p * s, 1);
}

/** Whole-number labels as strings (class names); a fraction or NaN is an error giving its index. */
function labelStrings(file: string, values: Float64Array): string[] {
  return Array.from(values, (v, i) => {
    if (!Number.isInteger(v)) {
      throw new DataLoadError({
        file,
        reason: `the label at index ${i} is ${v}; labels must be whole numbers (class ids)`,
      });
    }
    return String(v);
  });
}

/**
 * Image arrays are brought to [0, 1]: left alone when already there, divided by 255 when the largest
 * value fits a byte, else by the largest value; with negative values, rescaled from [min, max]. Returns a note
 * saying which.
 */
function scaleImages(pixels: Float32Array): string {
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i] > max) max = pixels[i];
    if (pixels[i] < min) min = pixels[i];
  }
  if (min < 0) {
    const range = max - min;
    for (let i = 0; i < pixels.length; i++) pixels[i] = range > 0 ? (pixels[i] - min) / range : 0;
    return `pixel values ranged from ${min} to ${max} (negative values found); rescaled linearly to [0, 1]`;
  }
  if (max <= 1) return 'pixel values kept as they are (already in [0, 1])';
  const divisor = Math.max(max, 255);
  for (let i = 0; i < pixels.length; i++) pixels[i] /= divisor;
  return `pixel values divided by ${divisor} to lie in [0, 1]`;
}

/**
 * A labelled dataset from a features array and a labels array (or one [n, d + 1] array with the labels
 * in its last column when `labels` is omitted).
 */
export function loadNpyDataset(
  features: FileBytes,
  labels: FileBytes | undefined,
  options: NpyOptions = {},
): LoadResult<LabelledDataset> {
  const fh = parseNpyHeader(features);
  const notes: string[] = [`features: ${features.name}, dtype ${fh.descr}, shape (${fh.shape.join(', ')})`];
  let featureShape: number[];
  let n: number;
  let values: Float32Array;
  let rawLabels: string[];
  let labelFile = features.name;
  if (fh.shape.length < 1 || fh.shape[0] === 0)
    throw new DataLoadError({
      file: features.name,
      reason: `the array holds no samples (shape (${fh.shape.join(', ')}))`,
    });
  if (labels) {
    if (fh.shape.length < 2 || fh.shape.length > 4) {
      throw new DataLoadError({
        file: features.name,
        reason: `features of shape (${fh.shape.join(', ')}) cannot be read; expected [n, d], [n, h, w] or [n, h, w, c]`,
      });
    }
    const lh = parseNpyHeader(labels);
    labelFile = labels.name;
    if (!(lh.shape.length === 1 || (lh.shape.length === 2 && lh.shape[1] === 1))) {
      throw new DataLoadError({
        file: labels.name,
        reason: `labels must be a 1-D array [n] (one class id per sample); got shape (${lh.shape.join(', ')})`,
      });
    }
    if (lh.shape[0] !== fh.shape[0]) {
      throw new DataLoadError({
        file: labels.name,
        reason: `${features.name} has ${fh.shape[0]} samples but ${labels.name} has ${lh.shape[0]} labels; they must match one to one`,
      });
    }
    n = fh.shape[0];
    featureShape = fh.shape.slice(1);
    values = readNpyValues(features, fh, new Float32Array(count(fh.shape)));
    rawLabels = labelStrings(labels.name, readNpyValues(labels, lh, new Float64Array(n)));
    notes.push(`labels: ${labels.name}, dtype ${lh.descr}`);
  } else {
    if (fh.shape.length !== 2 || fh.shape[1] < 2) {
      throw new DataLoadError({
        file: features.name,
        reason: `a single .npy must be [n, d + 1] with the labels in its last column; got shape (${fh.shape.join(', ')}); add a labels .npy`,
      });
    }
    n = fh.shape[0];
    const columns = fh.shape[1];
    const all = readNpyValues(features, fh, new Float64Array(n * columns));
    const d = columns - 1;
    values = new Float32Array(n * d);
    const labelValues = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < d; k++) {
        const value = all[r * columns + k];
        values[r * d + k] = value;
        if (Number.isFinite(value) && !Number.isFinite(values[r * d + k])) {
          throw new DataLoadError({
            file: features.name,
            reason: `sample ${r}, column ${k + 1} is ${value}, beyond the float32 range (±3.4e38) the network computes in`,
          });
        }
      }
      labelValues[r] = all[r * columns + d];
    }
    rawLabels = labelStrings(features.name, labelValues);
    featureShape = [d];
    notes.push('labels: the last column');
  }
  if (fh.shape.length === 4 && (fh.shape[1] === 1 || fh.shape[1] === 3) && fh.shape[3] > 4) {
    throw new DataLoadError({
      file: features.name,
      reason: `shape (${fh.shape.join(', ')}) looks channels-first; images must be [n, h, w, c] (use np.moveaxis(x, 1, -1))`,
    });
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const size = count(featureShape);
      throw new DataLoadError({
        file: features.name,
        reason: `sample ${Math.floor(i / size)} holds ${values[i]}; every value must be a finite number`,
      });
    }
  }
  const classes = indexClasses(rawLabels);
  checkClasses(classes, { file: labelFile });
  const isImage = featureShape.length >= 2;
  if (featureShape.length === 2) featureShape = [...featureShape, 1];
  if (isImage) notes.push(scaleImages(values));
  else if (options.standardize ?? true) {
    const stats = columnStats([values], featureShape[0]);
    applyStandardization(values, featureShape[0], stats);
    const constant = constantColumns(stats);
    notes.push(
      `features standardised (z-score per column)${constant > 0 ? `; ${constant} constant column${constant > 1 ? 's' : ''} set to 0` : ''}`,
    );
  }
  const d = featureShape[0];
  const dataset: LabelledDataset = {
    kind: 'labelled',
    name: baseName(features.name),
    description: `Uploaded from ${labels ? `${features.name} + ${labels.name}` : features.name}: ${n} samples of shape [${featureShape.join(', ')}], ${classes.classNames.length} classes`,
    modality: isImage ? 'image' : d === 2 ? 'points2d' : 'tabular',
    features: values,
    featureShape,
    labels: classes.labels,
    classNames: classes.classNames,
    numSamples: n,
    source: { type: 'upload', ref: labels ? `${features.name}, ${labels.name}` : features.name },
  };
  return {
    dataset,
    summary: { format: 'npy', samples: n, classes: classes.classNames.length, shape: featureShape, notes },
  };
}
