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
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import type { LabelledDataset } from '../dataset';
import { baseName, checkClasses, extensionOf, formatBytes, parseDecimal } from './common';
import { DataLoadError } from './errors';
import type { FileBytes, ImageOptions, LoadResult } from './types';

export const DEFAULT_IMAGE_SIZE = 28;
export const DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024;
export const DEFAULT_MAX_IMAGES = 20_000;
/** Larger images are refused before decoding: a small file can declare a huge canvas. */
export const MAX_IMAGE_PIXELS = 40_000_000;

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

/** PNG samples as numbers in [0, 1], unpacking 1/2/4-bit rows and applying the palette and tRNS. */
function pngToImage(bytes: Uint8Array): DecodedImage {
  if (bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const w = view.getUint32(16);
    const h = view.getUint32(20);
    if (w * h > MAX_IMAGE_PIXELS)
      throw new Error(`the image is ${w}×${h}; at most ${MAX_IMAGE_PIXELS / 1e6} megapixels are accepted`);
  }
  const png = decodePng(bytes);
  const { width, height, depth, data } = png;
  const palette = png.palette;
  const sourceChannels = png.channels;
  const maxValue = depth === 16 ? 65535 : (1 << depth) - 1;
  const rowSlots = depth < 8 ? Math.ceil((width * sourceChannels * depth) / 8) : width * sourceChannels;
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
  const decoded = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    maxMemoryUsageInMB: 512,
  });
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

/** For each output index along one axis, the source indices it covers and their overlap weights (sum 1). */
function areaWeights(sourceSize: number, targetSize: number): { index: number; weight: number }[][] {
  const scale = sourceSize / targetSize;
  return Array.from({ length: targetSize }, (_, t) => {
    const start = t * scale;
    const end = (t + 1) * scale;
    const taps: { index: number; weight: number }[] = [];
    for (let s = Math.floor(start); s < Math.min(sourceSize, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 1e-9) taps.push({ index: s, weight: overlap / scale });
    }
    return taps;
  });
}

/**
 * Resizes interleaved pixels by area averaging (separable: rows, then columns). Shrinking averages whole
 * source areas (no aliasing); enlarging repeats pixels with fractional blending at the edges.
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
  const xTaps = areaWeights(width, targetWidth);
  const yTaps = areaWeights(height, targetHeight);
  const horizontal = new Float32Array(height * targetWidth * channels);
  for (let y = 0; y < height; y++) {
    for (let tx = 0; tx < targetWidth; tx++) {
      for (const { index, weight } of xTaps[tx]) {
        const src = (y * width + index) * channels;
        const dst = (y * targetWidth + tx) * channels;
        for (let c = 0; c < channels; c++) horizontal[dst + c] += weight * pixels[src + c];
      }
    }
  }
  const out = new Float32Array(targetHeight * targetWidth * channels);
  for (let ty = 0; ty < targetHeight; ty++) {
    for (const { index, weight } of yTaps[ty]) {
      for (let i = 0; i < targetWidth * channels; i++)
        out[ty * targetWidth * channels + i] += weight * horizontal[index * targetWidth * channels + i];
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

function buildImageDataset(
  entries: ImageEntry[],
  sourceName: string,
  format: 'image-zip' | 'image-files',
  notes: string[],
  options: ImageOptions,
): LoadResult<LabelledDataset> {
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
  const size = height * width * channels;
  const features = new Float32Array(entries.length * size);
  const sizes = new Map<string, number>();
  entries.forEach((entry, i) => {
    const image = convertChannels(decodeImage(entry.bytes!, sourceName, entry.path), channels);
    const key = `${image.width}×${image.height}`;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
    features.set(resizeArea(image.pixels, image.height, image.width, channels, height, width), i * size);
    options.progress?.((i + 1) / entries.length);
  });
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

/** A labelled image dataset from a zip of class folders, checked for size before anything is inflated. */
export function loadImageZip(file: FileBytes, options: ImageOptions = {}): LoadResult<LabelledDataset> {
  const infos: UnzipFileInfo[] = [];
  try {
    unzipSync(file.bytes, {
      filter: (info) => {
        infos.push(info);
        return false;
      },
    });
  } catch (error) {
    throw new DataLoadError({
      file: file.name,
      reason: `not a readable zip archive (${error instanceof Error ? error.message : String(error)})`,
    });
  }
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
  const maxUnpacked = options.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
  const unpacked = kept.reduce((sum, k) => sum + k.info.originalSize, 0);
  if (unpacked > maxUnpacked) {
    throw new DataLoadError({
      file: file.name,
      reason: `the images would unpack to ${formatBytes(unpacked)}; the limit is ${formatBytes(maxUnpacked)} (maxUnpackedBytes)`,
    });
  }
  const wanted = new Set(kept.map((k) => k.info.name));
  let contents: Record<string, Uint8Array>;
  try {
    contents = unzipSync(file.bytes, { filter: (info) => wanted.has(info.name) });
  } catch (error) {
    throw new DataLoadError({
      file: file.name,
      reason: `the zip archive is damaged (${error instanceof Error ? error.message : String(error)})`,
    });
  }
  const entries = kept.map((k) => ({ path: k.info.name, className: k.className, bytes: contents[k.info.name] }));
  return buildImageDataset(entries, file.name, 'image-zip', notes, options);
}

/**
 * A labelled image dataset from loose files (a dropped folder): each file's `className`, or else the
 * folder in its `name` path (same rules as a zip).
 */
export function loadImageFiles(files: readonly FileBytes[], options: ImageOptions = {}): LoadResult<LabelledDataset> {
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
  return buildImageDataset(entries, sourceName, 'image-files', notes, options);
}
