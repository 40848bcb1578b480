/**
 * The full Fashion-MNIST built-in (70,000 images): what it holds, that it equals the published IDX files, and that its
 * load reports progress and can be cancelled.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATASETS_ROOT, nodeAssetReader } from '../../../../src/cli/assets';
import { isAbortError, loadBuiltinDataset, type AssetReader } from '../../../../src/core/data/builtin';
import { classCounts, type LabelledDataset } from '../../../../src/core/data/dataset';

const rawDir = fileURLToPath(new URL('../../../../../shared/datasets/fashion-mnist/', import.meta.url));
const hasRaw = existsSync(join(rawDir, 'train-images-idx3-ubyte.gz'));
const readAsset = nodeAssetReader();

describe('fashion-mnist-full', () => {
  let ds: LabelledDataset;
  const fractions: number[] = [];
  beforeAll(async () => {
    ds = await loadBuiltinDataset('fashion-mnist-full', readAsset, { onProgress: (f) => fractions.push(f) });
  }, 60_000);

  it('holds all 60,000 training and 10,000 test images, the test split last', () => {
    expect(ds.numSamples).toBe(70_000);
    expect(ds.features.length).toBe(70_000 * 784);
    expect(ds.featureShape).toEqual([28, 28, 1]);
    expect(classCounts(ds.labels.subarray(0, 60_000), 10)).toEqual(new Array(10).fill(6000));
    expect(classCounts(ds.labels.subarray(60_000), 10)).toEqual(new Array(10).fill(1000));
    expect(ds.testIndices?.length).toBe(10_000);
    expect(ds.testIndices?.[0]).toBe(60_000);
    expect(ds.testIndices?.[9_999]).toBe(69_999);
  });

  it('reports its download progress up to the whole file', () => {
    expect(fractions.length).toBeGreaterThan(0);
    expect(fractions.at(-1)).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
  });

  it('equals the published IDX files at sampled rows (or, without them, its recorded checksum)', () => {
    if (!hasRaw) {
      const header = JSON.parse(readFileSync(join(DEFAULT_DATASETS_ROOT, 'fashion-mnist-full.json'), 'utf8'));
      const payload = readFileSync(join(DEFAULT_DATASETS_ROOT, 'fashion-mnist-full.bin'));
      expect(createHash('sha256').update(payload).digest('hex')).toBe(header.payload.sha256);
      return;
    }
    const read = (name: string) => gunzipSync(readFileSync(join(rawDir, name)));
    const trainImages = read('train-images-idx3-ubyte.gz');
    const trainLabels = read('train-labels-idx1-ubyte.gz');
    const testImages = read('t10k-images-idx3-ubyte.gz');
    const testLabels = read('t10k-labels-idx1-ubyte.gz');
    for (const row of [0, 1, 29_999, 59_999, 60_000, 65_432, 69_999]) {
      const [images, labels, i] =
        row < 60_000 ? [trainImages, trainLabels, row] : [testImages, testLabels, row - 60_000];
      expect(ds.labels[row]).toBe(labels[8 + i]);
      const pixels = images.subarray(16 + i * 784, 16 + (i + 1) * 784);
      for (let k = 0; k < 784; k++) expect(Math.round(ds.features[row * 784 + k] * 255)).toBe(pixels[k]);
    }
  });
});

describe('a cancelled built-in load', () => {
  it('rejects with an AbortError as soon as its download is cancelled, and reads no payload', async () => {
    const controller = new AbortController();
    const read: string[] = [];
    // A reader that delivers the header, then stops the load in the middle of the payload's download.
    const reader: AssetReader = async (file, options) => {
      read.push(file);
      const bytes = await readAsset(file);
      if (file.endsWith('.bin')) {
        options?.onBytes?.(bytes.length >> 1);
        controller.abort();
        if (options?.signal?.aborted) {
          const error = new Error('aborted');
          error.name = 'AbortError';
          throw error;
        }
      }
      return bytes;
    };
    const failure = await loadBuiltinDataset('digits', reader, { signal: controller.signal }).catch((e) => e);
    expect(isAbortError(failure)).toBe(true);
    expect(read).toEqual(['digits.json', 'digits.bin']);
  });

  it('the Node reader refuses a read whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await readAsset('digits.json', { signal: controller.signal }).catch((e) => e);
    expect(isAbortError(failure)).toBe(true);
  });
});
