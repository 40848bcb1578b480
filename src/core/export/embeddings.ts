/**
 * The files of an embedding export in the TensorFlow Embedding Projector's format (projector.tensorflow.org →
 * "Load"): vectors.tsv and metadata.tsv, plus, for image data, a sprite sheet of the samples and a
 * projector_config.json that ties the three together. More than one file is zipped (fflate). Pure: arrays in,
 * bytes out.
 */
import { encode as encodePng } from 'fast-png';
import { strToU8, zipSync } from 'fflate';
import { serializeMetadataTsv, serializeVectorsTsv } from './projectorTsv';

/** One file of a download. */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

/** What an embedding export is made of. */
export interface EmbeddingExportInput {
  /** n × dim embeddings, row-major. */
  vectors: Float32Array;
  n: number;
  dim: number;
  /** Class index per vector (ignored when `classNames` is empty). */
  labels: Int32Array;
  classNames: readonly string[];
  /** Image data: the samples (values in [0, 1], n × h × w × c) for the sprite sheet. */
  images?: { values: Float32Array; shape: readonly number[] };
  /** Text data: one text per vector, added as a metadata column. */
  texts?: readonly string[];
  /** Shown as the tensor name in the Projector. */
  tensorName: string;
}

/** The Projector refuses sprite sheets larger than this on either side. */
export const MAX_SPRITE_SIDE = 8192;

/**
 * The sprite sheet: the n images in row-major order on a square grid of ceil(√n) tiles, each tile one image at its
 * own size. Greyscale images give a greyscale PNG, RGB images an RGB PNG. Null when the sheet would exceed 8192
 * pixels on a side (the Projector's limit).
 */
export function spriteSheet(
  values: Float32Array,
  n: number,
  shape: readonly number[],
): { png: Uint8Array; tile: [number, number] } | null {
  const [h, w, c = 1] = shape;
  if (!(h > 0 && w > 0) || (c !== 1 && c !== 3) || n < 1) return null;
  const grid = Math.ceil(Math.sqrt(n));
  const width = grid * w;
  const height = Math.ceil(n / grid) * h;
  if (width > MAX_SPRITE_SIDE || height > MAX_SPRITE_SIDE) return null;
  const data = new Uint8Array(width * height * c);
  const size = h * w * c;
  for (let k = 0; k < n; k++) {
    const x0 = (k % grid) * w;
    const y0 = Math.floor(k / grid) * h;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          const v = values[k * size + (y * w + x) * c + ch];
          data[((y0 + y) * width + x0 + x) * c + ch] = Math.max(
            0,
            Math.min(255, Math.round((Number.isFinite(v) ? v : 0) * 255)),
          );
        }
      }
    }
  }
  return { png: encodePng({ width, height, data, channels: c, depth: 8 }), tile: [w, h] };
}

/**
 * vectors.tsv + metadata.tsv (header `label\tindex[\ttext]`, label = class name), and for images sprite.png +
 * projector_config.json. Point i of every file is held-out sample i.
 */
export function projectorFiles(input: EmbeddingExportInput): ExportFile[] {
  const { vectors, n, dim, labels, classNames } = input;
  const columns = classNames.length > 0 ? ['label', 'index'] : ['index'];
  if (input.texts) columns.push('text');
  const rows = Array.from({ length: n }, (_, i) => {
    const row = classNames.length > 0 ? [classNames[labels[i]] ?? String(labels[i]), String(i)] : [String(i)];
    if (input.texts) row.push(input.texts[i] ?? '');
    return row;
  });
  const files: ExportFile[] = [
    { name: 'vectors.tsv', bytes: strToU8(serializeVectorsTsv(vectors, n, dim)) },
    { name: 'metadata.tsv', bytes: strToU8(serializeMetadataTsv(columns, rows)) },
  ];
  const sprite = input.images ? spriteSheet(input.images.values, n, input.images.shape) : null;
  if (sprite) {
    files.push({ name: 'sprite.png', bytes: sprite.png });
    const config = {
      embeddings: [
        {
          tensorName: input.tensorName,
          tensorShape: [n, dim],
          tensorPath: 'vectors.tsv',
          metadataPath: 'metadata.tsv',
          sprite: { imagePath: 'sprite.png', singleImageDim: sprite.tile },
        },
      ],
    };
    files.push({ name: 'projector_config.json', bytes: strToU8(`${JSON.stringify(config, null, 2)}\n`) });
  }
  return files;
}

/** One file as is, or several in a zip (already-compressed PNGs are stored, text is deflated). */
export function bundleFiles(files: readonly ExportFile[], zipName: string): ExportFile {
  if (files.length === 1) return files[0];
  const entries: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const f of files) entries[f.name] = [f.bytes, { level: /\.png$/i.test(f.name) ? 0 : 6 }];
  return { name: zipName, bytes: zipSync(entries) };
}
