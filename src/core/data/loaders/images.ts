/**
 * Image folders: a `.zip` of class folders (`cats/1.png`, or `root/cats/1.png` under one top folder) or a
 * dropped folder given as files with class names. PNG (grey, grey+alpha, RGB, RGBA, palette; 1–16 bit)
 * and JPEG are decoded in pure JS (fast-png, jpeg-js with typed arrays), so the same code runs in Node,
 * the browser and a worker.
 *
 * Every image is resized to one size by area averaging (each output pixel is the mean of the source area
 * it covers, weighted by overlap; stretched, not cropped), converted to grey (Rec. 601 luma) or RGB, and
 * scaled to [0, 1]. Transparent pixels are composited over white, as a viewer would show them.
 */
import { Unzlib } from 'fflate';
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import type { LabelledDataset } from '../dataset';
import { baseName, checkClasses, extensionOf, formatBytes, parseDecimal } from './common';
import { DataLoadError } from './errors';
import type { FileBytes, ImageOptions, LoadResult } from './types';
import { listZip, readZipEntry, type InflateBudget, type ZipEntryInfo } from './zip';

export const DEFAULT_IMAGE_SIZE = 28;
export const DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024;
export const DEFAULT_MAX_IMAGES = 20_000;
/**
 * Larger images are refused before decoding, from the header the decoder itself reads: a small file can declare
 * a huge canvas. 4096×4096 decodes in about a second and a quarter of a gigabyte.
 */
export const MAX_IMAGE_PIXELS = 4096 * 4096;
/** Source pixels decoded over one whole upload (every image's width × height summed). */
export const DEFAULT_MAX_UPLOAD_PIXELS = 64_000_000;

const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg']);

/** A decoded image: row-major, channels interleaved, values in [0, 1], alpha already composited. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Float32Array;
}

function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** What a PNG's chunks say, read the way the decoder reads them, and the chunks the decoder needs. */
interface PngLayout {
  width: number;
  height: number;
  /** The file with only IHDR, PLTE, tRNS, IDAT and IEND: ancillary chunks (compressed profiles, text) never reach
   * the decoder, so they cannot inflate without bound. */
  sanitized: Uint8Array;
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const PNG_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const KEPT_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);

/** Bytes of filtered image data the header implies (Adam7 passes summed when interlaced). */
function pngDataSize(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bitsPerPixel) / 8)) : 0);
  if (!interlaced) return rows(width, height);
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ];
  return passes.reduce(
    (sum, [x0, y0, dx, dy]) => sum + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)),
    0,
  );
}

/**
 * Walks every chunk to IEND: exactly one IHDR, first, with a valid colour type and depth, within the pixel
 * limit; chunk lengths inside the file; and image data that inflates to the size the header implies (checked in
 * steps, so lying data costs at most one step past the claim). Throws an Error with the reason.
 */
function pngLayout(bytes: Uint8Array, inflate = true): PngLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let offset = 8;
  let header: { width: number; height: number; bitsPerPixel: number; interlaced: boolean } | null = null;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (!ended) {
    if (offset + 12 > bytes.length) throw new Error('the file is cut short (no IEND chunk)');
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw new Error(`a chunk at byte ${offset} has no valid type`);
    if (offset + 12 + length > bytes.length) throw new Error(`the ${type} chunk runs past the end of the file`);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      if (header) throw new Error('it has more than one IHDR header');
      if (length !== 13) throw new Error('its IHDR header has the wrong length');
      const width = view.getUint32(offset + 8);
      const height = view.getUint32(offset + 12);
      const depth = bytes[offset + 16];
      const colourType = bytes[offset + 17];
      if (!PNG_DEPTHS[colourType]?.includes(depth))
        throw new Error(`colour type ${colourType} with bit depth ${depth} is not a valid PNG`);
      if (width === 0 || height === 0) throw new Error(`the image is empty (${width}×${height})`);
      if (width * height > MAX_IMAGE_PIXELS)
        throw new Error(
          `the image is ${width}×${height}; at most ${(MAX_IMAGE_PIXELS / 1e6).toFixed(1)} megapixels (4096×4096) are accepted`,
        );
      header = { width, height, bitsPerPixel: depth * PNG_CHANNELS[colourType], interlaced: bytes[offset + 20] === 1 };
    } else if (!header) {
      throw new Error(`the first chunk is ${type}, not the IHDR header`);
    }
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    if (KEPT_CHUNKS.has(type)) kept.push(bytes.subarray(offset, offset + 12 + length));
    offset += 12 + length;
  }
  if (!header) throw new Error('it has no IHDR header');
  if (idat.length === 0) throw new Error('it holds no image data (IDAT)');
  if (!inflate) return { width: header.width, height: header.height, sanitized: bytes };
  const expected = pngDataSize(header.width, header.height, header.bitsPerPixel, header.interlaced);
  let inflated = 0;
  const inflater = new Unzlib((chunk) => {
    inflated += chunk.length;
    if (inflated > expected)
      throw new Error(
        `its image data inflates past the ${expected} bytes a ${header!.width}×${header!.height} image holds`,
      );
  });
  const step = 16 * 1024;
  idat.forEach((chunk, c) => {
    for (let p = 0; p < chunk.length; p += step)
      inflater.push(
        chunk.subarray(p, Math.min(p + step, chunk.length)),
        c === idat.length - 1 && p + step >= chunk.length,
      );
  });
  if (inflated < expected) throw new Error(`its image data is cut short (${inflated} of ${expected} bytes)`);
  const total = kept.reduce((sum, k) => sum + k.length, 0);
  const sanitized = new Uint8Array(total);
  let at = 0;
  for (const k of kept) {
    sanitized.set(k, at);
    at += k.length;
  }
  return { width: header.width, height: header.height, sanitized };
}

/**
 * A JPEG's size from its frame header (SOFn) before the first scan, or null when there is none. A second frame
 * header is refused: decoders differ on which one they use.
 */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let o = 2;
  let size: { width: number; height: number } | null = null;
  while (o + 4 <= bytes.length) {
    if (bytes[o] !== 0xff) return size;
    const marker = bytes[o + 1];
    if (marker === 0xff) {
      o++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      o += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return size;
    const length = (bytes[o + 2] << 8) | bytes[o + 3];
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && o + 9 <= bytes.length) {
      if (size) throw new Error('it has more than one frame header');
      size = { height: (bytes[o + 5] << 8) | bytes[o + 6], width: (bytes[o + 7] << 8) | bytes[o + 8] };
    }
    o += 2 + length;
  }
  return size;
}

/** Width × height the decoder will produce, checked against the per-image limit before any pixel is decoded. */
export function imageSize(bytes: Uint8Array, file: string, entry?: string): { width: number; height: number } {
  try {
    if (isPng(bytes)) return pngLayout(bytes, false);
    if (isJpeg(bytes)) {
      const size = jpegSize(bytes);
      if (!size) throw new Error('no frame header before the image data');
      if (size.width * size.height > MAX_IMAGE_PIXELS)
        throw new Error(
          `the image is ${size.width}×${size.height}; at most ${(MAX_IMAGE_PIXELS / 1e6).toFixed(1)} megapixels (4096×4096) are accepted`,
        );
      return size;
    }
  } catch (error) {
    throw new DataLoadError({
      file,
      entry,
      reason: `cannot be decoded as ${isPng(bytes) ? 'PNG' : 'JPEG'}: ${(error as Error).message}`,
    });
  }
  throw new DataLoadError({ file, entry, reason: 'cannot be decoded: the contents are neither PNG nor JPEG' });
}

/** PNG samples as numbers in [0, 1], unpacking 1/2/4-bit rows and applying the palette and tRNS. */
function pngToImage(original: Uint8Array): DecodedImage {
  const layout = pngLayout(original);
  const bytes = layout.sanitized;
  const png = decodePng(bytes);
  const { width, height, depth, data } = png;
  const palette = png.palette;
  const sourceChannels = png.channels;
  const maxValue = depth === 16 ? 65535 : (1 << depth) - 1;
  if (width !== layout.width || height !== layout.height)
    throw new Error('the decoder read another size than the header');
  const rowSlots = depth < 8 ? Math.ceil((width * sourceChannels * depth) / 8) : width * sourceChannels;
  if (data.length < rowSlots * height) throw new Error('the image data is cut short');
  const sample = (y: number, index: number): number => {
    if (depth >= 8) return data[y * rowSlots + index];
    const bit = index * depth;
    const byte = data[y * rowSlots + (bit >> 3)];
    return (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
  };
  const colour = palette !== undefined || sourceChannels >= 3;
  const channels = colour ? 3 : 1;
  const pixels = new Float32Array(width * height * channels);
  const transparent = png.transparency;
  const rgba = [0, 0, 0, 1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (palette) {
        const entry = palette[sample(y, x)];
        if (!entry) throw new Error(`palette index ${sample(y, x)} out of range`);
        rgba[0] = entry[0] / 255;
        rgba[1] = entry[1] / 255;
        rgba[2] = entry[2] / 255;
        rgba[3] = entry.length > 3 ? entry[3] / 255 : 1;
      } else {
        const base = x * sourceChannels;
        const colourCount = sourceChannels >= 3 ? 3 : 1;
        for (let c = 0; c < colourCount; c++) rgba[c] = sample(y, base + c) / maxValue;
        if (colourCount === 1) rgba[1] = rgba[2] = rgba[0];
        rgba[3] = sourceChannels === 2 || sourceChannels === 4 ? sample(y, base + sourceChannels - 1) / maxValue : 1;
        if (transparent && sourceChannels <= 3) {
          let match = true;
          for (let c = 0; c < sourceChannels; c++) if (sample(y, base + c) !== transparent[c]) match = false;
          if (match) rgba[3] = 0;
        }
      }
      const out = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) pixels[out + c] = rgba[c] * rgba[3] + (1 - rgba[3]);
    }
  }
  return { width, height, channels, pixels };
}

function jpegToImage(bytes: Uint8Array): DecodedImage {
  const declared = jpegSize(bytes);
  if (declared && declared.width * declared.height > MAX_IMAGE_PIXELS)
    throw new Error(
      `the image is ${declared.width}×${declared.height}; at most ${(MAX_IMAGE_PIXELS / 1e6).toFixed(1)} megapixels (4096×4096) are accepted`,
    );
  const decoded = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    maxMemoryUsageInMB: 512,
  });
  if (!declared || declared.width !== decoded.width || declared.height !== decoded.height)
    throw new Error('the decoder read another size than the frame header');
  const pixels = new Float32Array(decoded.width * decoded.height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = decoded.data[i] / 255;
  return { width: decoded.width, height: decoded.height, channels: 3, pixels };
}

/** Decodes a PNG or JPEG (recognised by its contents, not its name); a DataLoadError names the file. */
export function decodeImage(bytes: Uint8Array, file: string, entry?: string): DecodedImage {
  const kind = isPng(bytes) ? 'PNG' : isJpeg(bytes) ? 'JPEG' : null;
  if (!kind)
    throw new DataLoadError({ file, entry, reason: 'cannot be decoded: the contents are neither PNG nor JPEG' });
  let image: DecodedImage;
  try {
    image = kind === 'PNG' ? pngToImage(bytes) : jpegToImage(bytes);
  } catch (error) {
    throw new DataLoadError({
      file,
      entry,
      reason: `cannot be decoded as ${kind}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  if (image.width === 0 || image.height === 0)
    throw new DataLoadError({ file, entry, reason: `the ${kind} image is empty (${image.width}×${image.height})` });
  return image;
}

/** Grey (Rec. 601 luma: 0.299 R + 0.587 G + 0.114 B) or RGB (grey repeated) version of an image. */
export function convertChannels(image: DecodedImage, channels: 1 | 3): DecodedImage {
  if (image.channels === channels) return image;
  const n = image.width * image.height;
  const pixels = new Float32Array(n * channels);
  if (channels === 1) {
    for (let i = 0; i < n; i++)
      pixels[i] = 0.299 * image.pixels[3 * i] + 0.587 * image.pixels[3 * i + 1] + 0.114 * image.pixels[3 * i + 2];
  } else {
    for (let i = 0; i < n; i++) pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = image.pixels[i];
  }
  return { ...image, channels, pixels };
}

/**
 * For each output index along one axis, the source indices it covers and their overlap weights (sum 1), as flat
 * typed arrays: taps of output t are positions offsets[t] … offsets[t + 1] - 1. A very long axis (a 16-million-pixel
 * row) costs two numbers per source pixel, not an object each.
 */
function areaWeights(
  sourceSize: number,
  targetSize: number,
): { offsets: Int32Array; index: Int32Array; weight: Float64Array } {
  const scale = sourceSize / targetSize;
  const capacity = sourceSize + 2 * targetSize;
  const offsets = new Int32Array(targetSize + 1);
  const index = new Int32Array(capacity);
  const weight = new Float64Array(capacity);
  let k = 0;
  for (let t = 0; t < targetSize; t++) {
    offsets[t] = k;
    const start = t * scale;
    const end = (t + 1) * scale;
    for (let s = Math.floor(start); s < Math.min(sourceSize, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 1e-9) {
        index[k] = s;
        weight[k] = overlap / scale;
        k++;
      }
    }
  }
  offsets[targetSize] = k;
  return { offsets, index, weight };
}

/**
 * Resizes interleaved pixels by area averaging (separable: each source row is resized across, then added into the
 * output rows it covers). Shrinking averages whole source areas (no aliasing); enlarging repeats pixels with
 * fractional blending at the edges. Extra memory is one resized row, whatever the source's shape.
 */
export function resizeArea(
  pixels: Float32Array,
  height: number,
  width: number,
  channels: number,
  targetHeight: number,
  targetWidth: number,
): Float32Array {
  if (height === targetHeight && width === targetWidth) return pixels.slice();
  const x = areaWeights(width, targetWidth);
  const y = areaWeights(height, targetHeight);
  const rowSize = targetWidth * channels;
  const out = new Float32Array(targetHeight * rowSize);
  const row = new Float64Array(rowSize);
  // The output rows each source row feeds, in order, so one pass over the source suffices.
  const firstTap = new Int32Array(height).fill(-1);
  const nextTap = new Int32Array(y.index.length).fill(-1);
  const tapTarget = new Int32Array(y.index.length);
  for (let ty = 0; ty < targetHeight; ty++) {
    for (let k = y.offsets[ty]; k < y.offsets[ty + 1]; k++) tapTarget[k] = ty;
  }
  for (let k = y.offsets[targetHeight] - 1; k >= 0; k--) {
    nextTap[k] = firstTap[y.index[k]];
    firstTap[y.index[k]] = k;
  }
  for (let sy = 0; sy < height; sy++) {
    if (firstTap[sy] < 0) continue;
    row.fill(0);
    const base = sy * width * channels;
    for (let tx = 0; tx < targetWidth; tx++) {
      for (let k = x.offsets[tx]; k < x.offsets[tx + 1]; k++) {
        const src = base + x.index[k] * channels;
        const w = x.weight[k];
        for (let c = 0; c < channels; c++) row[tx * channels + c] += w * pixels[src + c];
      }
    }
    for (let tap = firstTap[sy]; tap >= 0; tap = nextTap[tap]) {
      const w = y.weight[tap];
      const dst = tapTarget[tap] * rowSize;
      for (let i = 0; i < rowSize; i++) out[dst + i] += w * row[i];
    }
  }
  return out;
}

/** One image to load: where it came from and its class. */
interface ImageEntry {
  path: string;
  className: string;
  bytes?: Uint8Array;
}

function outputSize(options: ImageOptions): [number, number] {
  const size = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  for (const s of [h, w])
    if (!(Number.isInteger(s) && s >= 1 && s <= 512))
      throw new Error(`imageSize must be whole numbers in 1–512, got ${JSON.stringify(size)}`);
  return [h, w];
}

/** Files that are never images of a class folder: macOS resource forks and hidden files. */
function isJunkPath(path: string): boolean {
  return path.split('/').some((segment) => segment === '__MACOSX' || segment.startsWith('.'));
}

/**
 * Splits paths into class + file: the first folder is the class, after dropping one top folder that
 * every path shares (`root/cats/1.png`). Paths outside any class folder get no class.
 */
function classFromPaths(paths: readonly string[]): (string | null)[] {
  const parts = paths.map((p) => p.split('/').filter((s) => s !== ''));
  const top = parts[0]?.[0];
  const sharedTop = parts.length > 0 && parts.every((p) => p.length >= 3 && p[0] === top);
  return parts.map((p) => {
    const rest = sharedTop ? p.slice(1) : p;
    return rest.length >= 2 ? rest[0] : null;
  });
}

function compareClassNames(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (x !== null && y !== null && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function* buildImageDataset(
  entries: ImageEntry[],
  sourceName: string,
  format: 'image-zip' | 'image-files',
  notes: string[],
  options: ImageOptions,
): Generator<void, LoadResult<LabelledDataset>, void> {
  const [height, width] = outputSize(options);
  const channels = options.colorMode === 'rgb' ? 3 : 1;
  entries.sort(
    (a, b) => compareClassNames(a.className, b.className) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  // Folder names stay as written ("01" is not "1"), but numeric names sort numerically (2 before 10).
  const names = [...new Set(entries.map((e) => e.className))];
  const nameIndex = new Map(names.map((n, i) => [n, i] as [string, number]));
  const labels = new Int32Array(entries.map((e) => nameIndex.get(e.className)!));
  checkClasses({ classNames: names, labels }, { file: sourceName, entry: (i) => entries[i].path });
  // Every header first: the whole upload's decoded pixels are bounded before the first pixel is decoded.
  const maxPixels = options.maxUploadPixels ?? DEFAULT_MAX_UPLOAD_PIXELS;
  let pixelsTotal = 0;
  for (const entry of entries) {
    const { width: w, height: h } = imageSize(entry.bytes!, sourceName, entry.path);
    pixelsTotal += w * h;
  }
  if (pixelsTotal > maxPixels) {
    throw new DataLoadError({
      file: sourceName,
      reason: `the ${entries.length} images hold ${(pixelsTotal / 1e6).toFixed(1)} megapixels; at most ${(maxPixels / 1e6).toFixed(0)} are decoded per upload (maxUploadPixels): shrink the images or upload fewer`,
    });
  }
  yield;
  const size = height * width * channels;
  const features = new Float32Array(entries.length * size);
  const sizes = new Map<string, number>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const image = convertChannels(decodeImage(entry.bytes!, sourceName, entry.path), channels);
    const key = `${image.width}×${image.height}`;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
    features.set(resizeArea(image.pixels, image.height, image.width, channels, height, width), i * size);
    options.progress?.((i + 1) / entries.length);
    yield;
  }
  const sourceSizes = [...sizes.entries()].sort((a, b) => b[1] - a[1]);
  notes.push(
    `source sizes: ${sourceSizes
      .slice(0, 3)
      .map(([k, c]) => `${k} (${c})`)
      .join(', ')}${sourceSizes.length > 3 ? ', …' : ''}; resized to ${height}×${width} by area averaging`,
    channels === 1 ? 'converted to grey (luma)' : 'kept in colour (RGB)',
  );
  const dataset: LabelledDataset = {
    kind: 'labelled',
    name: baseName(sourceName),
    description: `Uploaded images from ${sourceName}: ${entries.length} images in ${names.length} classes, ${height}×${width}×${channels}`,
    modality: 'image',
    features,
    featureShape: [height, width, channels],
    labels,
    classNames: names,
    numSamples: entries.length,
    source: { type: 'upload', ref: sourceName },
  };
  return {
    dataset,
    summary: { format, samples: entries.length, classes: names.length, shape: [height, width, channels], notes },
  };
}

function skippedNote(skipped: string[], why: string): string[] {
  if (skipped.length === 0) return [];
  const shown = skipped.slice(0, 5).join(', ');
  return [
    `${skipped.length} file${skipped.length > 1 ? 's' : ''} skipped (${why}): ${shown}${skipped.length > 5 ? ', …' : ''}`,
  ];
}

function checkImageCount(count: number, file: string, options: ImageOptions): void {
  const maxImages = options.maxImages ?? DEFAULT_MAX_IMAGES;
  if (count > maxImages)
    throw new DataLoadError({ file, reason: `${count} images found; at most ${maxImages} are accepted (maxImages)` });
}

/** Runs a stepped reader to its end without yielding (tests, the CLI, small inputs). */
export function runSteps<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * The steps of reading a zip of class folders: the directory is listed without inflating, the declared sizes are
 * checked against the limit, then every image is inflated against its declared size and the upload's budget.
 */
export function* imageZipSteps(
  file: FileBytes,
  options: ImageOptions = {},
): Generator<void, LoadResult<LabelledDataset>, void> {
  const infos: ZipEntryInfo[] = listZip(file.bytes, file.name);
  const files = infos.filter((info) => !info.name.endsWith('/') && !isJunkPath(info.name));
  const notImages = files.filter((info) => !IMAGE_EXTENSIONS.has(extensionOf(info.name))).map((info) => info.name);
  const images = files.filter((info) => IMAGE_EXTENSIONS.has(extensionOf(info.name)));
  const classNames = classFromPaths(images.map((info) => info.name));
  const outsideFolders = images.filter((_, i) => classNames[i] === null).map((info) => info.name);
  const kept = images.flatMap((info, i) => (classNames[i] === null ? [] : [{ info, className: classNames[i]! }]));
  const notes = [
    ...skippedNote(notImages, 'not PNG or JPEG'),
    ...skippedNote(outsideFolders, 'not inside a class folder'),
  ];
  if (kept.length === 0) {
    throw new DataLoadError({
      file: file.name,
      reason: `no PNG or JPEG images found in class folders (expected e.g. cats/1.png, dogs/7.jpg)${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`,
    });
  }
  checkImageCount(kept.length, file.name, options);
  const names = new Set<string>();
  for (const k of kept) {
    if (names.has(k.info.name))
      throw new DataLoadError({ file: file.name, entry: k.info.name, reason: 'appears twice in the archive' });
    names.add(k.info.name);
  }
  const maxUnpacked = options.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
  const unpacked = kept.reduce((sum, k) => sum + k.info.size, 0);
  if (unpacked > maxUnpacked) {
    throw new DataLoadError({
      file: file.name,
      reason: `the images would unpack to ${formatBytes(unpacked)}; the limit is ${formatBytes(maxUnpacked)} (maxUnpackedBytes)`,
    });
  }
  const budget: InflateBudget = { used: 0, limit: maxUnpacked };
  const entries: ImageEntry[] = [];
  for (const k of kept) {
    entries.push({
      path: k.info.name,
      className: k.className,
      bytes: readZipEntry(file.bytes, k.info, file.name, budget),
    });
    yield;
  }
  return yield* buildImageDataset(entries, file.name, 'image-zip', notes, options);
}

/** A labelled image dataset from a zip of class folders (see imageZipSteps). */
export function loadImageZip(file: FileBytes, options: ImageOptions = {}): LoadResult<LabelledDataset> {
  return runSteps(imageZipSteps(file, options));
}

/**
 * The steps of reading loose image files (a dropped folder): each file's `className`, or else the folder in its
 * `name` path (same rules as a zip).
 */
export function* imageFilesSteps(
  files: readonly FileBytes[],
  options: ImageOptions = {},
): Generator<void, LoadResult<LabelledDataset>, void> {
  const sourceName = files.length === 1 ? files[0].name : `${files.length} files`;
  const candidates = files.filter((f) => !isJunkPath(f.name));
  const notImages = candidates.filter((f) => !IMAGE_EXTENSIONS.has(extensionOf(f.name))).map((f) => f.name);
  const images = candidates.filter((f) => IMAGE_EXTENSIONS.has(extensionOf(f.name)));
  const withoutClass = images.filter((f) => f.className === undefined);
  const derivedClass = new Map(
    classFromPaths(withoutClass.map((f) => f.name)).map((c, i) => [withoutClass[i], c] as [FileBytes, string | null]),
  );
  const entries: ImageEntry[] = [];
  const unclassed: string[] = [];
  images.forEach((f) => {
    const className = f.className ?? derivedClass.get(f);
    if (className === null || className === undefined || className.trim() === '') unclassed.push(f.name);
    else entries.push({ path: f.name, className, bytes: f.bytes });
  });
  const notes = [...skippedNote(notImages, 'not PNG or JPEG'), ...skippedNote(unclassed, 'no class folder')];
  if (entries.length === 0) {
    throw new DataLoadError({
      file: sourceName,
      reason: `no PNG or JPEG images with a class found${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`,
    });
  }
  checkImageCount(entries.length, sourceName, options);
  return yield* buildImageDataset(entries, sourceName, 'image-files', notes, options);
}

/** A labelled image dataset from loose files (see imageFilesSteps). */
export function loadImageFiles(files: readonly FileBytes[], options: ImageOptions = {}): LoadResult<LabelledDataset> {
  return runSteps(imageFilesSteps(files, options));
}
