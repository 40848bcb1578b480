/**
 * Train/test splits. Held-out metrics are only comparable between runs when every class is represented in
 * both halves in the same proportion, so labelled data is split per class (stratified) with the run's seed.
 */
import type { Rng } from '../rng';
import { subsetLabelled, type LabelledDataset, type PairDataset } from './dataset';

/**
 * Stratified seeded split. Per class, round(validationFraction × count) samples go to test, except that a class
 * with ≥ 2 samples keeps ≥ 1 in train and, when the fraction is > 0, puts ≥ 1 in test (so every class can be
 * both learned and measured); a class with a single sample stays in train. Both index lists come back sorted.
 */
export function stratifiedSplit(
  labels: Int32Array,
  numClasses: number,
  validationFraction: number,
  rng: Rng,
): { train: Int32Array; test: Int32Array } {
  if (!(validationFraction >= 0 && validationFraction <= 1)) {
    throw new Error(`the validation fraction must be between 0 and 1, got ${validationFraction}`);
  }
  const members = membersByClass(labels, numClasses);
  const isTest = new Uint8Array(labels.length);
  let testCount = 0;
  for (const indices of members) {
    const count = indices.length;
    let take = Math.round(validationFraction * count);
    if (count < 2) take = 0;
    else if (validationFraction > 0) take = Math.min(Math.max(take, 1), count - 1);
    // Stryker disable next-line ConditionalExpression: drawing 0 of count samples marks nothing, so the skip only saves a call
    if (take === 0) continue;
    for (const k of rng.sampleWithoutReplacement(count, take)) isTest[indices[k]] = 1;
    testCount += take;
  }
  const train = new Int32Array(labels.length - testCount);
  const test = new Int32Array(testCount);
  let t = 0;
  let v = 0;
  // Stryker disable next-line EqualityOperator: i = labels.length only writes past the end of `train`, which a typed array ignores
  for (let i = 0; i < labels.length; i++) {
    if (isTest[i]) test[v++] = i;
    else train[t++] = i;
  }
  return { train, test };
}

/**
 * Train and test datasets for a labelled run. A dataset's own fixed split (`testIndices`, e.g. Fashion-MNIST's
 * test images) wins over `validationFraction`, so published numbers stay comparable; an empty `testIndices` is
 * treated as absent. Throws, saying why, when either side would be empty.
 */
export function trainTestSplit(
  ds: LabelledDataset,
  validationFraction: number,
  rng: Rng,
): { train: LabelledDataset; test: LabelledDataset } {
  const { train, test } =
    ds.testIndices && ds.testIndices.length > 0
      ? fixedSplit(ds.testIndices, ds.numSamples, ds.name)
      : stratifiedSplit(ds.labels, ds.classNames.length, validationFraction, rng);
  if (test.length === 0) {
    throw new Error(
      `holding out ${formatPercent(validationFraction)} of "${ds.name}" leaves no test samples: ` +
        `${ds.numSamples} sample(s) and no class with 2 or more, and a class's only sample stays in training; add samples`,
    );
  }
  if (train.length === 0)
    throw new Error(`the fixed test split of "${ds.name}" holds every sample, which leaves nothing to train on`);
  return { train: subsetLabelled(ds, train), test: subsetLabelled(ds, test) };
}

/**
 * Train and test pair datasets. Binary pairs are split per target (similar / dissimilar) so both sides keep
 * both kinds and the held-out ROC is defined; scored pairs are split at random. `testIndices` wins when present.
 */
export function trainTestSplitPairs(
  ds: PairDataset,
  validationFraction: number,
  rng: Rng,
): { train: PairDataset; test: PairDataset } {
  let split: { train: Int32Array; test: Int32Array };
  if (ds.testIndices && ds.testIndices.length > 0) {
    split = fixedSplit(ds.testIndices, ds.numPairs, ds.name);
  } else if (ds.targetKind === 'binary') {
    // Stryker disable next-line EqualityOperator: binary targets are exactly 0 or 1 (the pair loader refuses anything else), so >= 0.5 agrees
    const similar = Int32Array.from(ds.targets, (t) => (t > 0.5 ? 1 : 0));
    split = stratifiedSplit(similar, 2, validationFraction, rng);
  } else {
    split = stratifiedSplit(new Int32Array(ds.numPairs), 1, validationFraction, rng);
  }
  if (split.test.length === 0 || split.train.length === 0) {
    throw new Error(
      `"${ds.name}" has ${ds.numPairs} pair(s); a train/test split needs at least 2 (one to train on, one to measure)`,
    );
  }
  return { train: subsetPairs(ds, split.train), test: subsetPairs(ds, split.test) };
}

/** A pair dataset made of a subset of another's pairs (keeps every per-pair field in step, drops the fixed split). */
export function subsetPairs(ds: PairDataset, indices: ArrayLike<number>, name = ds.name): PairDataset {
  const size = ds.featureShape.reduce((x, y) => x * y, 1);
  const n = indices.length;
  const a = new Float32Array(n * size);
  const b = new Float32Array(n * size);
  const targets = new Float32Array(n);
  // Stryker disable next-line ArrayDeclaration: the loop below fills all n entries, so a presized and an empty array end equal
  const textsA = ds.textsA ? new Array<string>(n) : undefined;
  // Stryker disable next-line ArrayDeclaration: the loop below fills all n entries, so a presized and an empty array end equal
  const textsB = ds.textsB ? new Array<string>(n) : undefined;
  for (let r = 0; r < n; r++) {
    const i = indices[r];
    a.set(ds.a.subarray(i * size, (i + 1) * size), r * size);
    b.set(ds.b.subarray(i * size, (i + 1) * size), r * size);
    targets[r] = ds.targets[i];
    if (textsA) textsA[r] = ds.textsA![i];
    if (textsB) textsB[r] = ds.textsB![i];
  }
  const { testIndices: _ignored, ...rest } = ds;
  void _ignored;
  return { ...rest, name, a, b, targets, numPairs: n, textsA, textsB };
}

/** Sample indices per class; a label outside 0..numClasses-1 is a data error worth naming. */
function membersByClass(labels: Int32Array, numClasses: number): number[][] {
  const members: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!(label >= 0 && label < numClasses)) {
      throw new Error(`sample ${i} has label ${label}, outside the ${numClasses} classes (0..${numClasses - 1})`);
    }
    members[label].push(i);
  }
  return members;
}

/** The complement of a fixed test list (deduplicated, sorted), after checking every index exists. */
function fixedSplit(testIndices: Int32Array, total: number, name: string): { train: Int32Array; test: Int32Array } {
  const isTest = new Uint8Array(total);
  for (let k = 0; k < testIndices.length; k++) {
    const i = testIndices[k];
    if (!(i >= 0 && i < total))
      throw new Error(
        `the fixed test split of "${name}" names item ${i}, but there are only ${total} (0..${total - 1})`,
      );
    isTest[i] = 1;
  }
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < total; i++) (isTest[i] ? test : train).push(i);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}
