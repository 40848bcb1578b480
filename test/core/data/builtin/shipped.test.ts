import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATASETS_ROOT, nodeAssetReader } from '../../../../src/cli/assets';
import { makeConfig, validate } from '../../../../src/core/config';
import { crc32, decodePayload, parseDatasetHeader, type DatasetHeader } from '../../../../src/core/data/binaryFormat';
import { BUILTIN_DATASETS, builtinInfo, loadBuiltinDataset, type AssetReader } from '../../../../src/core/data/builtin';
import { classCounts, featureSize, type LabelledDataset } from '../../../../src/core/data/dataset';
import { Rng } from '../../../../src/core/rng';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const rawRoot = join(repoRoot, '..', 'shared', 'datasets');
const hasRaw = existsSync(join(rawRoot, 'fashion-mnist', 'train-images-idx3-ubyte.gz'));
const readAsset = nodeAssetReader();

function header(name: string): DatasetHeader {
  return parseDatasetHeader(
    JSON.parse(readFileSync(join(DEFAULT_DATASETS_ROOT, `${name}.json`), 'utf8')),
    `${name}.json`,
  );
}

function range(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

describe('shipped files', () => {
  it('stay within the 45 MB budget (the full Fashion-MNIST is about 30 MB of it)', () => {
    const total = readdirSync(DEFAULT_DATASETS_ROOT).reduce(
      (sum, f) => sum + statSync(join(DEFAULT_DATASETS_ROOT, f)).size,
      0,
    );
    expect(total).toBeLessThanOrEqual(45 * 1024 * 1024);
    expect(total).toBeGreaterThan(1024 * 1024); // fashion-mnist is really there
  });

  it('credit every dataset with its licence', () => {
    const licences = readFileSync(join(DEFAULT_DATASETS_ROOT, 'LICENCES.md'), 'utf8');
    for (const name of ['fashion-mnist', 'fashion-mnist-full', 'digits', 'iris'])
      expect(licences).toContain(`## ${name}`);
    expect(readFileSync(join(DEFAULT_DATASETS_ROOT, 'fashion-mnist.LICENSE.txt'), 'utf8')).toContain('Zalando SE');
    expect(readFileSync(join(DEFAULT_DATASETS_ROOT, 'sklearn.LICENSE.txt'), 'utf8')).toContain('BSD-3-Clause');
  });

  it.each(['fashion-mnist', 'fashion-mnist-full', 'digits', 'iris'])(
    '%s: payload matches the checksums in its header',
    (name) => {
      const h = header(name);
      const compressed = readFileSync(join(DEFAULT_DATASETS_ROOT, h.payload.file));
      expect(compressed.length).toBe(h.payload.compressedBytes);
      expect(createHash('sha256').update(compressed).digest('hex')).toBe(h.payload.sha256);
      expect(h.payload.file.endsWith('.gz')).toBe(false);
    },
  );

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('fashion-mnist', () => {
  let ds: LabelledDataset;
  beforeAll(async () => {
    ds = await loadBuiltinDataset('fashion-mnist', readAsset);
  });

  it('holds 12,000 train + 2,000 test images, stratified exactly', () => {
    expect(ds.numSamples).toBe(14_000);
    expect(ds.featureShape).toEqual([28, 28, 1]);
    expect(ds.features.length).toBe(14_000 * 784);
    expect(ds.classNames).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    expect(classCounts(ds.labels.subarray(0, 12_000), 10)).toEqual(new Array(10).fill(1200));
    expect(classCounts(ds.labels.subarray(12_000), 10)).toEqual(new Array(10).fill(200));
    expect(Array.from(ds.testIndices!)).toEqual(Array.from({ length: 2000 }, (_, k) => 12_000 + k));
    expect(ds.modality).toBe('image');
    expect(ds.source).toMatchObject({ type: 'builtin', ref: 'fashion-mnist' });
  });

  it('has features in [0, 1] that are whole multiples of 1/255', () => {
    const [lo, hi] = range(ds.features);
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    for (let i = 0; i < ds.features.length; i += 997) {
      const scaled = ds.features[i] * 255;
      expect(Math.abs(scaled - Math.round(scaled))).toBeLessThan(1e-4);
    }
  });

  it('records distinct source rows within each split', () => {
    const h = header('fashion-mnist');
    const sections = decodePayload(h, readFileSync(join(DEFAULT_DATASETS_ROOT, h.payload.file)));
    const sourceIndices = sections.sourceIndices;
    expect(sourceIndices.length).toBe(14_000);
    expect(new Set(sourceIndices.subarray(0, 12_000)).size).toBe(12_000);
    expect(new Set(sourceIndices.subarray(12_000)).size).toBe(2_000);
    expect(Math.max(...sourceIndices.subarray(12_000))).toBeLessThan(10_000);
  });

  it('matches the raw IDX files on sampled rows (or, without them, its recorded checksum)', () => {
    const h = header('fashion-mnist');
    const compressed = readFileSync(join(DEFAULT_DATASETS_ROOT, h.payload.file));
    if (!hasRaw) {
      // No raw files beside the clone: the payload must at least be the one the build recorded.
      expect(createHash('sha256').update(compressed).digest('hex')).toBe(h.payload.sha256);
      return;
    }
    const sourceIndices = decodePayload(h, compressed).sourceIndices;
    const dir = join(rawRoot, 'fashion-mnist');
    const raw = {
      train: {
        images: gunzipSync(readFileSync(join(dir, 'train-images-idx3-ubyte.gz'))),
        labels: gunzipSync(readFileSync(join(dir, 'train-labels-idx1-ubyte.gz'))),
      },
      test: {
        images: gunzipSync(readFileSync(join(dir, 't10k-images-idx3-ubyte.gz'))),
        labels: gunzipSync(readFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'))),
      },
    };
    const rng = new Rng(7);
    const rows = [0, 11_999, 12_000, 13_999, ...rng.sampleWithoutReplacement(14_000, 8)];
    for (const row of rows) {
      const set = row < 12_000 ? raw.train : raw.test;
      const src = sourceIndices[row];
      expect(ds.labels[row]).toBe(set.labels[8 + src]);
      const expected = Array.from(set.images.subarray(16 + src * 784, 16 + (src + 1) * 784), (p) => p / 255);
      const actual = Array.from(ds.features.subarray(row * 784, (row + 1) * 784));
      for (let k = 0; k < 784; k++) expect(Math.abs(actual[k] - expected[k])).toBeLessThan(1e-6);
    }
  });
});

describe('digits', () => {
  it('holds all 1,797 8×8 digits scaled by 1/16', async () => {
    const ds = await loadBuiltinDataset('digits', readAsset);
    expect(ds.numSamples).toBe(1797);
    expect(ds.featureShape).toEqual([8, 8, 1]);
    expect(ds.features.length).toBe(1797 * 64);
    expect(ds.testIndices).toBeUndefined();
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const counts = classCounts(ds.labels, 10);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1797);
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(174); // UCI test set: 174–183 per digit
    const [lo, hi] = range(ds.features);
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    for (let i = 0; i < ds.features.length; i += 37) expect(Number.isInteger(ds.features[i] * 16)).toBe(true);
    if (hasRaw) {
      const rows = gunzipSync(readFileSync(join(rawRoot, 'sklearn', 'digits.csv.gz')))
        .toString('utf8')
        .trim()
        .split('\n');
      for (const r of [0, 1, 900, 1796]) {
        const values = rows[r].split(',').map(Number);
        expect(Array.from(ds.features.subarray(r * 64, (r + 1) * 64), (v) => v * 16)).toEqual(values.slice(0, 64));
        expect(ds.labels[r]).toBe(values[64]);
      }
    }
  });
});

describe('iris', () => {
  it('holds 150 standardised rows of 4 measurements', async () => {
    const ds = await loadBuiltinDataset('iris', readAsset);
    expect(ds.numSamples).toBe(150);
    expect(ds.featureShape).toEqual([4]);
    expect(ds.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(classCounts(ds.labels, 3)).toEqual([50, 50, 50]);
    expect(ds.modality).toBe('tabular');
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      let squares = 0;
      for (let r = 0; r < 150; r++) sum += ds.features[r * 4 + c];
      for (let r = 0; r < 150; r++) squares += (ds.features[r * 4 + c] - sum / 150) ** 2;
      expect(Math.abs(sum / 150)).toBeLessThan(1e-5);
      expect(Math.abs(Math.sqrt(squares / 150) - 1)).toBeLessThan(1e-4);
    }
    // The raw rows, standardised in plain JS, must match what the loader gives.
    const h = header('iris');
    const raw = decodePayload(h, readFileSync(join(DEFAULT_DATASETS_ROOT, h.payload.file))).features as Float32Array;
    expect(raw[0]).toBeCloseTo(5.1, 5); // first row of iris.csv: 5.1,3.5,1.4,0.2
    expect(raw[3]).toBeCloseTo(0.2, 5);
    for (let c = 0; c < 4; c++) {
      const column = Array.from({ length: 150 }, (_, r) => raw[r * 4 + c]);
      const mean = column.reduce((a, b) => a + b, 0) / 150;
      const std = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / 150);
      for (const r of [0, 49, 50, 149])
        expect(Math.abs(ds.features[r * 4 + c] - (column[r] - mean) / std)).toBeLessThan(1e-5);
    }
  });
});

describe('registry', () => {
  it('rejects an unknown name and lists the known ones', async () => {
    expect(() => builtinInfo('mnist')).toThrow(
      /unknown built-in dataset "mnist".*fashion-mnist.*digits.*iris.*blobs.*typo-words/,
    );
    await expect(loadBuiltinDataset('cifar', readAsset)).rejects.toThrow(
      /known: fashion-mnist, fashion-mnist-full, digits, iris, blobs, moons, spirals, sequence-events, typo-words/,
    );
  });

  it('describes each dataset as it loads, and suggests a config that validates on it', async () => {
    expect(new Set(BUILTIN_DATASETS.map((d) => d.name)).size).toBe(BUILTIN_DATASETS.length);
    for (const info of BUILTIN_DATASETS) {
      const ds = await loadBuiltinDataset(info.name, readAsset);
      expect(ds.modality).toBe(info.modality);
      expect(ds.classNames.length).toBe(info.numClasses);
      expect(Math.abs(ds.numSamples - info.approxSamples) / info.approxSamples).toBeLessThan(0.1);
      expect(info.description.length).toBeGreaterThan(10);
      expect(ds.source.licence).toBe(info.licence);
      const config = makeConfig(info.suggested);
      expect(config.data.dataset).toBe(info.name);
      const issues = validate(config, {
        kind: 'labelled',
        modality: ds.modality,
        numClasses: ds.classNames.length,
        featureShape: ds.featureShape,
      });
      expect(issues).toEqual([]);
      expect(ds.features.length).toBe(ds.numSamples * featureSize(ds.featureShape));
      for (const v of ds.features) if (!Number.isFinite(v)) throw new Error(`${info.name} has a non-finite feature`);
    }
  });
});

describe('damaged files', () => {
  const damaged =
    (mutate: (fileName: string, bytes: Uint8Array) => Uint8Array): AssetReader =>
    async (fileName) =>
      mutate(fileName, await readAsset(fileName));

  it('a truncated payload gives a clear error', async () => {
    const reader = damaged((f, b) => (f.endsWith('.bin') ? b.subarray(0, b.length - 100) : b));
    await expect(loadBuiltinDataset('digits', reader)).rejects.toThrow(
      /digits\.bin has 46\d+ bytes but its header expects \d+: the file is truncated or corrupted/,
    );
  });

  it('a corrupted byte is caught by inflation or the CRC', async () => {
    const reader = damaged((f, b) => {
      if (!f.endsWith('.bin')) return b;
      const copy = b.slice();
      copy[Math.floor(copy.length / 2)] ^= 0x5a;
      return copy;
    });
    await expect(loadBuiltinDataset('digits', reader)).rejects.toThrow(
      /digits\.bin .*(could not be decompressed|inflates to|CRC-32).*truncated or corrupted/,
    );
  });

  it('a truncated header gives a clear error', async () => {
    const reader = damaged((f, b) => (f.endsWith('.json') ? b.subarray(0, 40) : b));
    await expect(loadBuiltinDataset('iris', reader)).rejects.toThrow(/iris\.json is not valid JSON/);
  });

  it('a missing file names the path and how to build it', async () => {
    await expect(loadBuiltinDataset('iris', nodeAssetReader('/nonexistent-folder'))).rejects.toThrow(
      /iris\.json is missing; build it with `npm run datasets`/,
    );
    await expect(readAsset('../package.json')).rejects.toThrow(/must stay inside/);
  });
});
