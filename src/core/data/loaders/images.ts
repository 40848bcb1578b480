/**
 * Image folders: a `.zip` of class folders (`cats/1.png`, or `root/cats/1.png` under one top folder) or a
 * dropped folder given as files with class names, read one image at a time within the upload's limits (bytes
 * inflated, images, pixels decoded) into one labelled dataset of a single size. Decoding and resizing are in
 * imageDecode.ts.
 */
import type { LabelledDataset } from '../dataset';
import { baseName, checkClasses, extensionOf, formatBytes, parseDecimal } from './common';
import { DataLoadError } from './errors';
import {
  convertChannels,
  DEFAULT_MAX_UPLOAD_PIXELS,
  decodeImage,
  IMAGE_EXTENSIONS,
  imageSize,
  resizeArea,
} from './imageDecode';
import type { FileBytes, ImageOptions, LoadResult } from './types';
import { listZip, readZipEntry, type InflateBudget, type ZipEntryInfo } from './zip';

export const DEFAULT_IMAGE_SIZE = 28;
export const DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024;
export const DEFAULT_MAX_IMAGES = 20_000;
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
  // Stryker disable next-line ObjectLiteral: the declared sizes were summed against this limit above, and no entry inflates past its declared size
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
