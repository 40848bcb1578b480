/**
 * A run's data: the train / held-out split, uploaded to the tfjs backend once for the whole run. Three shapes, one
 * per kind of run, so each field a mode needs is there by construction:
 * - `samples`: labelled samples, one tower input each (P×K, pair or triplet batches);
 * - `halves`: labelled samples cut into halves a | b (split-input), the positive of half a_i being b_i;
 * - `pairs`: a pair file, sides a and b with a similarity target per pair.
 */
import * as tf from '@tensorflow/tfjs';
import type { Config } from '../config';
import { type Dataset, type LabelledDataset, subsetLabelled } from '../data/dataset';
import { stratifiedSplit, trainTestSplit, trainTestSplitPairs } from '../data/split';
import { splitInputHalves } from '../data/splitInput';
import { type EvaluationProtocol, protocolOf, unseenClassSplit } from '../data/unseen';
import type { Rng } from '../rng';

/** Raw held-out samples in snapshot order, for previews (split-input: whole samples; pair files: side a). */
export interface HeldOutSamples {
  features: Float32Array;
  shape: number[];
  texts?: string[];
}

interface Common {
  /** Shape of one tower input (split-input: a padded half). */
  inputShape: number[];
  heldOut: HeldOutSamples;
  /** Indices of the held-out points in the held-out set (snapshot order). */
  testIndices: Int32Array;
  /** Which classes the held-out metrics are about: the training classes, or classes training never sees. */
  protocol: EvaluationProtocol;
}

export interface SampleData extends Common {
  kind: 'samples';
  train: { x: tf.Tensor; labels: Int32Array; labelsTensor: tf.Tensor1D; numClasses: number };
  test: { x: tf.Tensor; labels: Int32Array };
  /** Unseen-class protocol: held-out samples of the training classes, where the verification threshold is chosen. */
  seen?: { x: tf.Tensor; labels: Int32Array };
}

export interface HalvesData extends Common {
  kind: 'halves';
  train: { a: tf.Tensor; b: tf.Tensor; labels: Int32Array };
  test: { a: tf.Tensor; b: tf.Tensor; labels: Int32Array; atypical?: Uint8Array };
}

export interface PairData extends Common {
  kind: 'pairs';
  train: { a: tf.Tensor; b: tf.Tensor; targets: tf.Tensor1D };
  test: { a: tf.Tensor; b: tf.Tensor; targets: Float32Array };
}

export type TrainingData = SampleData | HalvesData | PairData;

/** Splits `dataset` as the config says and uploads both parts; `rng` draws the split (and the held-out cap). */
export function uploadTrainingData(config: Config, dataset: Dataset, rng: Rng): TrainingData {
  if (dataset.kind === 'pairs') {
    const { train, test } = trainTestSplitPairs(dataset, config.data.validationFraction, rng);
    const shape = dataset.featureShape;
    return {
      kind: 'pairs',
      inputShape: shape,
      protocol: { kind: 'seen-classes' },
      heldOut: { features: test.a, shape, texts: test.textsA },
      testIndices: Int32Array.from({ length: test.numPairs }, (_, i) => i),
      train: {
        a: tf.tensor(train.a, [train.numPairs, ...shape]),
        b: tf.tensor(train.b, [train.numPairs, ...shape]),
        targets: tf.tensor1d(train.targets),
      },
      test: {
        a: tf.tensor(test.a, [test.numPairs, ...shape]),
        b: tf.tensor(test.b, [test.numPairs, ...shape]),
        targets: test.targets,
      },
    };
  }
  const protocol = protocolOf(config.data, dataset.classNames, config.seed);
  const parts =
    protocol.kind === 'unseen-classes'
      ? unseenClassSplit(dataset, protocol.classes, config.data.validationFraction, rng)
      : { ...trainTestSplit(dataset, config.data.validationFraction, rng), seenTest: null };
  const { train, test: fullTest } = parts;
  const { dataset: test, indices } = limitEvalSet(fullTest, config.data.evalSamples, rng);
  const seenTest = parts.seenTest && limitEvalSet(parts.seenTest, config.data.evalSamples, rng).dataset;
  const heldOut = { features: test.features, shape: dataset.featureShape, texts: test.texts };
  if (config.data.splitInput) {
    const ratio = config.data.splitRatio;
    const trainHalves = splitInputHalves(train.features, train.numSamples, dataset.featureShape, ratio);
    const testHalves = splitInputHalves(test.features, test.numSamples, dataset.featureShape, ratio);
    const half = trainHalves.halfShape;
    return {
      kind: 'halves',
      inputShape: half,
      protocol,
      heldOut,
      testIndices: indices,
      train: {
        a: tf.tensor(trainHalves.a, [train.numSamples, ...half]),
        b: tf.tensor(trainHalves.b, [train.numSamples, ...half]),
        labels: train.labels,
      },
      test: {
        a: tf.tensor(testHalves.a, [test.numSamples, ...half]),
        b: tf.tensor(testHalves.b, [test.numSamples, ...half]),
        labels: test.labels,
        atypical: test.atypical,
      },
    };
  }
  return {
    kind: 'samples',
    inputShape: dataset.featureShape,
    protocol,
    heldOut,
    testIndices: indices,
    train: {
      x: tf.tensor(train.features, [train.numSamples, ...dataset.featureShape]),
      labels: train.labels,
      labelsTensor: tf.tensor1d(train.labels, 'int32'),
      numClasses: train.classNames.length,
    },
    test: { x: tf.tensor(test.features, [test.numSamples, ...dataset.featureShape]), labels: test.labels },
    ...(seenTest
      ? {
          seen: {
            x: tf.tensor(seenTest.features, [seenTest.numSamples, ...dataset.featureShape]),
            labels: seenTest.labels,
          },
        }
      : {}),
  };
}

/** The held-out tower inputs behind the scatter's points: samples, halves a or pair sides a. */
export function heldOutInputs(data: TrainingData): tf.Tensor {
  return data.kind === 'samples' ? data.test.x : data.test.a;
}

/** The training tower inputs the Mahalanobis and offline-mining pools are drawn from (halves a, sides a). */
export function trainInputs(data: TrainingData): tf.Tensor {
  return data.kind === 'samples' ? data.train.x : data.train.a;
}

/** Labels of the held-out points in snapshot order (pair files have none: all 0). */
export function heldOutLabels(data: TrainingData): Int32Array {
  return data.kind === 'pairs' ? new Int32Array(data.testIndices.length) : data.test.labels.slice();
}

export function disposeTrainingData(data: TrainingData): void {
  switch (data.kind) {
    case 'samples':
      tf.dispose([data.train.x, data.train.labelsTensor, data.test.x]);
      data.seen?.x.dispose();
      return;
    case 'halves':
      tf.dispose([data.train.a, data.train.b, data.test.a, data.test.b]);
      return;
    case 'pairs':
      tf.dispose([data.train.a, data.train.b, data.train.targets, data.test.a, data.test.b]);
      return;
  }
}

/** At most `max` held-out samples, stratified, so evaluation stays fast in a browser. */
function limitEvalSet(test: LabelledDataset, max: number, rng: Rng): { dataset: LabelledDataset; indices: Int32Array } {
  if (test.numSamples <= max)
    return { dataset: test, indices: Int32Array.from({ length: test.numSamples }, (_, i) => i) };
  const fraction = max / test.numSamples;
  const { test: keep } = stratifiedSplit(test.labels, test.classNames.length, Math.min(fraction, 0.999), rng);
  const indices = keep.slice(0, max);
  return { dataset: subsetLabelled(test, indices), indices };
}
