/**
 * One image file to pixels: PNG (grey, grey+alpha, RGB, RGBA, palette; 1–16 bit) and JPEG decoded in pure JS
 * (fast-png, jpeg-js with typed arrays), so the same code runs in Node, the browser and a worker. Sizes are read
 * from the headers the decoders themselves use and checked before anything is inflated or decoded.
 *
 * Every image is resized by area averaging (each output pixel is the mean of the source area it covers, weighted by
 * overlap; stretched, not cropped), converted to grey (Rec. 601 luma) or RGB, and scaled to [0, 1]. Transparent
 * pixels are composited over white, as a viewer would show them.
 */
import { Unzlib } from 'fflate';
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { DataLoadError } from './errors';

/**
 * Larger images are refused before decoding, from the header the decoder itself reads: a small file can declare
 * a huge canvas. 4096×4096 decodes in about a second and a quarter of a gigabyte.
 */
export const MAX_IMAGE_PIXELS = 4096 * 4096;
/** Source pixels decoded over one whole upload (every image's width × height summed). */
export const DEFAULT_MAX_UPLOAD_PIXELS = 64_000_000;

/** File extensions read as images. */
export const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg']);

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
  // Stryker disable next-line ConditionalExpression,EqualityOperator: h is never below −0 (y0 − height < dy), and ±0 rows hold 0 bytes
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
    // Stryker disable next-line Regex: the type is exactly four characters, so one anchor already makes the match whole
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
  // Stryker disable next-line all: the walk refuses any chunk before IHDR, so a walk that reached IEND has a header
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
  // Stryker disable next-line all: the decoder reads the sanitized file's own IHDR, which the walk read: the sizes cannot differ
  if (width !== layout.width || height !== layout.height)
    throw new Error('the decoder read another size than the header');
  const rowSlots = depth < 8 ? Math.ceil((width * sourceChannels * depth) / 8) : width * sourceChannels;
  // Stryker disable next-line all: the decoder returns whole rows for the IHDR it read (the walk checked the inflated size)
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
  // Stryker disable next-line all: jpeg-js reads the one frame header that jpegSize found (a second is refused above)
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
  // Stryker disable next-line all: the chunk walk refuses empty PNGs and jpeg-js fails on a zero-sized frame
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
    // Stryker disable next-line EqualityOperator,MethodExpression: further source pixels lie past `end`: no overlap, dropped below
    for (let s = Math.floor(start); s < Math.min(sourceSize, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: an overlap under 1e-9 of a pixel only comes from rounding
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
