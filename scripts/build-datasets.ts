/**
 * Builds the compact built-in datasets shipped under public/datasets from the raw published files.
 *
 *   npm run datasets [-- <source folder>]     (default: ../shared/datasets relative to the repo root)
 *
 * Run once by a maintainer; the outputs are committed, and nothing at run time reads the source folder.
 * The selection is seeded, so rebuilding from the same raw files gives byte-identical outputs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Rng } from '../src/core/rng';
import {
  DATASET_FORMAT_VERSION,
  compressPayload,
  crc32,
  packSections,
  type DatasetHeader,
  type SectionArray,
} from '../src/core/data/binaryFormat';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sourceRoot = resolve(repoRoot, process.argv[2] ?? '../shared/datasets');
const outDir = join(repoRoot, 'public', 'datasets');

/** Seed of the Fashion-MNIST subset selection; changing it changes the shipped subset. */
const FASHION_SELECTION_SEED = 20170828;
const FASHION_TRAIN_PER_CLASS = 1200;
const FASHION_TEST_PER_CLASS = 200;
const FASHION_CLASSES = [
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
];
/**
 * Budget of everything under public/datasets. The full Fashion-MNIST is most of it (≈30 MB, about the size of the
 * four published .gz files): its pixels are stored losslessly, and a PNG-style "up" filter before deflate saved only
 * 3.7%, not worth a second decoder. It is downloaded only when chosen.
 */
const MAX_TOTAL_BYTES = 45 * 1024 * 1024;

const FASHION_LICENCE = 'MIT (Expat), Copyright 2017 Zalando SE';
const SKLEARN_LICENCE = 'BSD-3-Clause, Copyright 2007-2019 Scikit-Learn Developers';

interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

function readIdxImages(path: string): IdxImages {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== 0x00000803)
    throw new Error(`${path}: not an IDX image file (magic ${view.getUint32(0).toString(16)})`);
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  const pixels = bytes.subarray(16);
  if (pixels.length !== count * rows * cols)
    throw new Error(`${path}: expected ${count * rows * cols} pixels, found ${pixels.length}`);
  return { count, rows, cols, pixels };
}

function readIdxLabels(path: string): Uint8Array {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== 0x00000801) throw new Error(`${path}: not an IDX label file`);
  const labels = bytes.subarray(8);
  if (labels.length !== view.getUint32(4)) throw new Error(`${path}: label count does not match its header`);
  return labels;
}

/** `perClass` seeded random indices of every class, in ascending source order (the selection is stratified exactly). */
function stratifiedSelection(labels: Uint8Array, numClasses: number, perClass: number, rng: Rng): number[] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, i) => byClass[label].push(i));
  const chosen: number[] = [];
  for (const members of byClass) {
    chosen.push(...rng.sampleWithoutReplacement(members.length, perClass).map((k) => members[k]));
  }
  return chosen.sort((a, b) => a - b);
}

interface BuiltFile {
  name: string;
  title: string;
  description: string;
  featureShape: number[];
  dtype: 'uint8' | 'float32';
  scale: number;
  classNames: string[];
  testCount: number;
  licence: string;
  source: string;
  arrays: { name: string; data: SectionArray }[];
}

function writeDataset(built: BuiltFile): void {
  const { payload, sections } = packSections(built.arrays);
  const compressed = compressPayload(payload);
  const binName = `${built.name}.bin`;
  const numSamples = built.arrays.find((a) => a.name === 'labels')!.data.length;
  const header: DatasetHeader = {
    formatVersion: DATASET_FORMAT_VERSION,
    name: built.name,
    title: built.title,
    description: built.description,
    numSamples,
    featureShape: built.featureShape,
    dtype: built.dtype,
    scale: built.scale,
    classNames: built.classNames,
    testCount: built.testCount,
    licence: built.licence,
    source: built.source,
    payload: {
      file: binName,
      compression: 'zlib',
      compressedBytes: compressed.length,
      uncompressedBytes: payload.length,
      crc32: crc32(payload),
      sha256: createHash('sha256').update(compressed).digest('hex'),
    },
    sections,
  };
  writeFileSync(join(outDir, binName), compressed);
  writeFileSync(join(outDir, `${built.name}.json`), `${JSON.stringify(header, null, 2)}\n`);
  console.error(
    `${built.name}: ${numSamples} samples, ${payload.length} bytes → ${compressed.length} bytes compressed`,
  );
}

function buildFashion(): void {
  const dir = join(sourceRoot, 'fashion-mnist');
  const trainImages = readIdxImages(join(dir, 'train-images-idx3-ubyte.gz'));
  const trainLabels = readIdxLabels(join(dir, 'train-labels-idx1-ubyte.gz'));
  const testImages = readIdxImages(join(dir, 't10k-images-idx3-ubyte.gz'));
  const testLabels = readIdxLabels(join(dir, 't10k-labels-idx1-ubyte.gz'));
  const rng = new Rng(FASHION_SELECTION_SEED);
  const trainPick = stratifiedSelection(trainLabels, 10, FASHION_TRAIN_PER_CLASS, rng);
  const testPick = stratifiedSelection(testLabels, 10, FASHION_TEST_PER_CLASS, rng);
  const size = trainImages.rows * trainImages.cols;
  const n = trainPick.length + testPick.length;
  const pixels = new Uint8Array(n * size);
  const labels = new Uint8Array(n);
  const sourceIndices = new Uint16Array(n);
  let row = 0;
  for (const [images, imageLabels, pick] of [
    [trainImages, trainLabels, trainPick],
    [testImages, testLabels, testPick],
  ] as const) {
    for (const i of pick) {
      pixels.set(images.pixels.subarray(i * size, (i + 1) * size), row * size);
      labels[row] = imageLabels[i];
      sourceIndices[row] = i;
      row++;
    }
  }
  writeDataset({
    name: 'fashion-mnist',
    title: 'Fashion-MNIST (14k subset)',
    description: '28×28 greyscale photos of clothing in 10 classes; 12,000 for training and its own 2,000 test images.',
    featureShape: [trainImages.rows, trainImages.cols, 1],
    dtype: 'uint8',
    scale: 255,
    classNames: FASHION_CLASSES,
    testCount: testPick.length,
    licence: FASHION_LICENCE,
    source:
      `Zalando Research, https://github.com/zalandoresearch/fashion-mnist (Debian package dataset-fashion-mnist). ` +
      `Seeded stratified subset (seed ${FASHION_SELECTION_SEED}): ${FASHION_TRAIN_PER_CLASS} images per class from the 60,000 training images, ` +
      `then ${FASHION_TEST_PER_CLASS} per class from the 10,000 test images (the last ${testPick.length} rows); ` +
      `section sourceIndices holds each row's index in its original IDX file.`,
    arrays: [
      { name: 'features', data: pixels },
      { name: 'labels', data: labels },
      { name: 'sourceIndices', data: sourceIndices },
    ],
  });
}

/** The whole of Fashion-MNIST: the 60,000 training images in order, then the 10,000 test images (the test split). */
function buildFashionFull(): void {
  const dir = join(sourceRoot, 'fashion-mnist');
  const trainImages = readIdxImages(join(dir, 'train-images-idx3-ubyte.gz'));
  const trainLabels = readIdxLabels(join(dir, 'train-labels-idx1-ubyte.gz'));
  const testImages = readIdxImages(join(dir, 't10k-images-idx3-ubyte.gz'));
  const testLabels = readIdxLabels(join(dir, 't10k-labels-idx1-ubyte.gz'));
  const n = trainImages.count + testImages.count;
  const pixels = new Uint8Array(n * trainImages.rows * trainImages.cols);
  pixels.set(trainImages.pixels, 0);
  pixels.set(testImages.pixels, trainImages.pixels.length);
  const labels = new Uint8Array(n);
  labels.set(trainLabels, 0);
  labels.set(testLabels, trainLabels.length);
  writeDataset({
    name: 'fashion-mnist-full',
    title: 'Fashion-MNIST (all 70,000)',
    description:
      '28×28 greyscale photos of clothing in 10 classes; all 60,000 training images and the 10,000 test images.',
    featureShape: [trainImages.rows, trainImages.cols, 1],
    dtype: 'uint8',
    scale: 255,
    classNames: FASHION_CLASSES,
    testCount: testImages.count,
    licence: FASHION_LICENCE,
    source:
      'Zalando Research, https://github.com/zalandoresearch/fashion-mnist (Debian package dataset-fashion-mnist). ' +
      `All ${trainImages.count} training images in their original order, then all ${testImages.count} test images ` +
      '(the last rows, the fixed test split); pixels and labels unchanged.',
    arrays: [
      { name: 'features', data: pixels },
      { name: 'labels', data: labels },
    ],
  });
}

function buildDigits(): void {
  const text = gunzipSync(readFileSync(join(sourceRoot, 'sklearn', 'digits.csv.gz'))).toString('utf8');
  const rows = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const pixels = new Uint8Array(rows.length * 64);
  const labels = new Uint8Array(rows.length);
  rows.forEach((line, r) => {
    const values = line.split(',').map(Number);
    if (values.length !== 65 || values.some((v) => !Number.isInteger(v) || v < 0 || v > 16))
      throw new Error(`digits.csv.gz row ${r + 1} is not 64 values 0–16 and a label`);
    pixels.set(values.slice(0, 64), r * 64);
    labels[r] = values[64];
  });
  writeDataset({
    name: 'digits',
    title: 'Handwritten digits (8×8)',
    description: '1,797 tiny 8×8 handwritten digits 0–9 (UCI optical recognition set); small and quick to train.',
    featureShape: [8, 8, 1],
    dtype: 'uint8',
    scale: 16,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    testCount: 0,
    licence: SKLEARN_LICENCE,
    source:
      'UCI ML Optical Recognition of Handwritten Digits (E. Alpaydin, C. Kaynak, 1998), as bundled with scikit-learn 1.2.1 ' +
      '(Debian package python3-sklearn, sklearn/datasets/data/digits.csv.gz). All 1,797 samples, values 0–16 stored as bytes, unchanged.',
    arrays: [
      { name: 'features', data: pixels },
      { name: 'labels', data: labels },
    ],
  });
}

function buildIris(): void {
  const lines = readFileSync(join(sourceRoot, 'sklearn', 'iris.csv'), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const [numSamplesText, numFeaturesText, ...classNames] = lines[0].split(',').map((s) => s.trim());
  const numSamples = Number(numSamplesText);
  const numFeatures = Number(numFeaturesText);
  if (lines.length - 1 !== numSamples)
    throw new Error(`iris.csv announces ${numSamples} rows but has ${lines.length - 1}`);
  const features = new Float32Array(numSamples * numFeatures);
  const labels = new Uint8Array(numSamples);
  lines.slice(1).forEach((line, r) => {
    const values = line.split(',').map(Number);
    if (values.length !== numFeatures + 1 || values.some((v) => !Number.isFinite(v)))
      throw new Error(`iris.csv row ${r + 2} is malformed`);
    features.set(values.slice(0, numFeatures), r * numFeatures);
    labels[r] = values[numFeatures];
  });
  writeDataset({
    name: 'iris',
    title: 'Iris flowers',
    description:
      '150 iris flowers of 3 species, each described by 4 measurements in cm (sepal and petal length and width).',
    featureShape: [numFeatures],
    dtype: 'float32',
    scale: 1,
    classNames,
    testCount: 0,
    licence: SKLEARN_LICENCE,
    source:
      'Fisher (1936) iris data as bundled with scikit-learn 1.2.1 (Debian package python3-sklearn, sklearn/datasets/data/iris.csv). ' +
      'All 150 rows, raw measurements in cm stored as float32 (the loader standardises them).',
    arrays: [
      { name: 'features', data: features },
      { name: 'labels', data: labels },
    ],
  });
}

function writeLicences(): void {
  // Copy the text, not the file: the sources are read-only and their mode would stop the next rebuild.
  writeFileSync(
    join(outDir, 'fashion-mnist.LICENSE.txt'),
    readFileSync(join(sourceRoot, 'fashion-mnist', 'COPYRIGHT')),
  );
  writeFileSync(join(outDir, 'sklearn.LICENSE.txt'), readFileSync(join(sourceRoot, 'sklearn', 'COPYRIGHT')));
  const text = `# Licences of the built-in datasets

Built by \`npm run datasets\` (scripts/build-datasets.ts) from the raw published files; do not edit by hand.
Each \`<name>.json\` header describes its \`<name>.bin\` payload (zlib-compressed arrays) and repeats the licence and source.

## fashion-mnist (fashion-mnist.json, fashion-mnist.bin)

- Licence: MIT (Expat). Copyright 2017 Zalando SE, https://tech.zalando.com. Full text: \`fashion-mnist.LICENSE.txt\`.
- From: Zalando Research, https://github.com/zalandoresearch/fashion-mnist (Debian package \`dataset-fashion-mnist\`
  0.0~git20200523.55506a9-1, IDX files).
- Derived: a seeded stratified subset (seed ${FASHION_SELECTION_SEED}) of ${FASHION_TRAIN_PER_CLASS} images per class from the
  60,000 training images (12,000 rows, in original order) followed by ${FASHION_TEST_PER_CLASS} per class from the 10,000 test
  images (the last 2,000 rows, the fixed test split). Pixels unchanged (uint8); each row's index in its original file is
  kept in the \`sourceIndices\` section.

## fashion-mnist-full (fashion-mnist-full.json, fashion-mnist-full.bin)

- Licence, copyright and origin as fashion-mnist above (the same four IDX files).
- Derived: every image, unchanged: the 60,000 training images in their original order (rows 0–59,999), then the
  10,000 test images (the last 10,000 rows, the fixed test split); labels unchanged. The page downloads it only when
  it is chosen (about 30 MB compressed).

## digits (digits.json, digits.bin)

- Licence: BSD-3-Clause. Copyright 2007-2019 Scikit-Learn Developers. Full text: \`sklearn.LICENSE.txt\`.
- From: the UCI ML Optical Recognition of Handwritten Digits data set (E. Alpaydin, C. Kaynak, 1998), as bundled with
  scikit-learn 1.2.1 (Debian package \`python3-sklearn\`, \`digits.csv.gz\`).
- Derived: all 1,797 samples unchanged (8×8 values 0–16 as bytes, labels 0–9); no fixed test split.

## iris (iris.json, iris.bin)

- Licence: BSD-3-Clause. Copyright 2007-2019 Scikit-Learn Developers. Full text: \`sklearn.LICENSE.txt\`.
- From: R. A. Fisher's iris data (1936), as bundled with scikit-learn 1.2.1 (Debian package \`python3-sklearn\`, \`iris.csv\`).
- Derived: all 150 rows unchanged (4 measurements in cm as float32, class names from the CSV header); no fixed test split.

## Synthetic sets (blobs, moons, spirals, sequence-events, typo-words)

Generated at load time by src/core/data/synthetic.ts from a seed; no files. Generated by the project: MIT.
`;
  writeFileSync(join(outDir, 'LICENCES.md'), text);
}

function main(): void {
  if (!existsSync(sourceRoot)) {
    console.error(`source folder ${sourceRoot} does not exist; pass the folder that holds fashion-mnist/ and sklearn/`);
    process.exit(1);
  }
  mkdirSync(outDir, { recursive: true });
  buildFashion();
  buildFashionFull();
  buildDigits();
  buildIris();
  writeLicences();
  const total = readdirSync(outDir).reduce((sum, f) => sum + statSync(join(outDir, f)).size, 0);
  console.error(`public/datasets: ${(total / 1024 / 1024).toFixed(2)} MB in all`);
  if (total > MAX_TOTAL_BYTES) {
    console.error(`public/datasets exceeds the ${MAX_TOTAL_BYTES / 1024 / 1024} MB budget`);
    process.exit(1);
  }
}

main();
