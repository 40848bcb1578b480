/**
 * Query by example: turn what a user offers (a drawing, an image file, a typed text or a row of numbers) into one
 * sample of the run's dataset, prepared exactly as the dataset's own samples were: images resized by area averaging
 * and converted to grey or RGB in [0, 1], texts tokenised with the dataset's vocabulary, rows checked for length.
 * Pure and DOM-free, so it runs in the worker and in Node tests.
 */
import { featureSize, type Modality } from './dataset';
import { convertChannels, decodeImage, resizeArea, type DecodedImage } from './loaders/imageDecode';
import { encodeText } from './text';

/** A sample offered for a query. */
export type QuerySample =
  /** Raw pixels, e.g. a drawing pad: values in [0, 1] (1 = ink), row-major, channels interleaved. */
  | { kind: 'pixels'; width: number; height: number; channels: 1 | 3; values: Float32Array }
  /** An uploaded PNG or JPEG file; `invert` turns dark-on-light photos into light-on-dark (as Fashion-MNIST is). */
  | { kind: 'image-file'; name: string; bytes: ArrayBuffer; invert?: boolean }
  | { kind: 'text'; text: string }
  /** One row of feature values in the units the dataset stores (as the sample previews show them). */
  | { kind: 'row'; values: number[] };

/** What query preparation needs to know about the dataset. */
export interface QueryTarget {
  modality: Modality;
  featureShape: readonly number[];
  vocabulary?: readonly string[];
  featureNames?: readonly string[];
}

/** The sample as one feature vector of the dataset's shape (length prod(featureShape)). Throws a plain-language error. */
export function queryFeatures(sample: QuerySample, target: QueryTarget): Float32Array {
  const size = featureSize(target.featureShape);
  switch (sample.kind) {
    case 'pixels':
    case 'image-file': {
      if (target.modality !== 'image' || target.featureShape.length !== 3) {
        throw new Error(
          `this dataset holds ${describeModality(target.modality)}, not images: enter a ${target.modality === 'text' ? 'text' : 'row of values'} instead`,
        );
      }
      const image: DecodedImage =
        sample.kind === 'pixels' ? checkedPixels(sample) : decodeImage(new Uint8Array(sample.bytes), sample.name);
      const [height, width, channels] = target.featureShape;
      if (channels !== 1 && channels !== 3) throw new Error(`images with ${channels} channels cannot be queried`);
      const converted = convertChannels(image, channels);
      const resized = resizeArea(converted.pixels, converted.height, converted.width, channels, height, width);
      if (sample.kind === 'image-file' && sample.invert)
        for (let i = 0; i < resized.length; i++) resized[i] = 1 - resized[i];
      return resized;
    }
    case 'text': {
      if (!target.vocabulary) throw new Error(`this dataset holds ${describeModality(target.modality)}, not text`);
      const text = sample.text.trim();
      if (text.length === 0) throw new Error('type some text to look up');
      return encodeText(text, target.vocabulary, size);
    }
    case 'row': {
      if (target.modality === 'image' || target.modality === 'text') {
        throw new Error(
          `this dataset holds ${describeModality(target.modality)}: ${target.modality === 'text' ? 'type a text' : 'draw or upload an image'} instead`,
        );
      }
      if (sample.values.length !== size) {
        const names = target.featureNames?.length === size ? ` (${target.featureNames.join(', ')})` : '';
        throw new Error(`a row needs ${size} values${names}, got ${sample.values.length}`);
      }
      const bad = sample.values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new Error(`value ${bad + 1} of the row is not a number`);
      return Float32Array.from(sample.values);
    }
    default:
      throw new Error(`unknown query sample kind "${(sample as { kind: string }).kind}"`);
  }
}

function checkedPixels(sample: Extract<QuerySample, { kind: 'pixels' }>): DecodedImage {
  const { width, height, channels, values } = sample;
  if (!(width >= 1 && height >= 1) || !Number.isInteger(width) || !Number.isInteger(height))
    throw new Error(`a drawing must be at least 1×1 pixels, got ${width}×${height}`);
  if (values.length !== width * height * channels)
    throw new Error(
      `a ${width}×${height} drawing with ${channels} channel(s) needs ${width * height * channels} values, got ${values.length}`,
    );
  return { width, height, channels, pixels: values };
}

function describeModality(modality: Modality): string {
  switch (modality) {
    case 'image':
      return 'images';
    case 'text':
      return 'texts';
    case 'sequence':
      return 'sequences of values';
    case 'points2d':
      return '2-D points';
    default:
      return 'rows of values';
  }
}
