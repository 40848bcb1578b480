/**
 * The in-memory dataset shapes shared by loaders, built-ins, the pipeline and the trainer.
 * Everything is flat typed arrays (row-major), so datasets cross the worker boundary as transferables
 * and go to the backend in one `tf.tensor` call.
 */

/** What the samples are; decides previews, default tower and which towers make sense. */
export type Modality = 'tabular' | 'points2d' | 'image' | 'sequence' | 'text';

/** Where a dataset came from: kept with runs so that experiments can be reproduced. */
export interface DatasetSource {
  type: 'builtin' | 'synthetic' | 'upload';
  /** Built-in name, synthetic generator spec, or the uploaded file name(s). */
  ref: string;
  /** Licence line for shipped data. */
  licence?: string;
}

/** Samples with class labels: the usual input for pair/triplet sampling and online mining. */
export interface LabelledDataset {
  kind: 'labelled';
  name: string;
  description: string;
  modality: Modality;
  /** numSamples × prod(featureShape), row-major. Text: token ids stored as floats (0 = padding). */
  features: Float32Array;
  /** Shape of one sample: [d] tabular/points, [h, w, c] images, [length] token ids or sequence values. */
  featureShape: number[];
  /** Class index per sample, 0..classNames.length-1. */
  labels: Int32Array;
  classNames: string[];
  numSamples: number;
  /**
   * Optional fixed held-out split (e.g. Fashion-MNIST's own test images). When absent the pipeline makes a
   * stratified seeded split.
   */
  testIndices?: Int32Array;
  /** Text datasets: the token vocabulary; index 0 is padding, 1 is unknown. */
  vocabulary?: string[];
  /** Text datasets: the raw strings, for previews and hover. */
  texts?: string[];
  /** Split-input datasets: the natural cut between the two halves (fraction of the features in half a). */
  splitRatio?: number;
  /** Split-input datasets: 1 where the second half does not belong with the first (an atypical event). */
  atypical?: Uint8Array;
  /** Optional per-column names (tabular uploads), for previews and exports. */
  featureNames?: string[];
  source: DatasetSource;
}

/** Explicit pairs (a, b, target): for pair files and cosine regression on scored text pairs. */
export interface PairDataset {
  kind: 'pairs';
  name: string;
  description: string;
  modality: Modality;
  /** numPairs × prod(featureShape) each, row-major. */
  a: Float32Array;
  b: Float32Array;
  featureShape: number[];
  /** 1 = similar / 0 = dissimilar for 'binary'; a similarity score in [-1, 1] for 'score'. */
  targets: Float32Array;
  targetKind: 'binary' | 'score';
  numPairs: number;
  vocabulary?: string[];
  textsA?: string[];
  textsB?: string[];
  testIndices?: Int32Array;
  source: DatasetSource;
}

export type Dataset = LabelledDataset | PairDataset;

/** Number of values in one sample. */
export function featureSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Samples per class, indexed by class. */
export function classCounts(labels: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** A dataset made of a subset of another's rows (keeps every per-sample field in step). */
export function subsetLabelled(ds: LabelledDataset, indices: ArrayLike<number>, name = ds.name): LabelledDataset {
  const size = featureSize(ds.featureShape);
  const n = indices.length;
  const features = new Float32Array(n * size);
  const labels = new Int32Array(n);
  const texts = ds.texts ? new Array<string>(n) : undefined;
  const atypical = ds.atypical ? new Uint8Array(n) : undefined;
  for (let r = 0; r < n; r++) {
    const i = indices[r];
    features.set(ds.features.subarray(i * size, (i + 1) * size), r * size);
    labels[r] = ds.labels[i];
    if (texts) texts[r] = ds.texts![i];
    if (atypical) atypical[r] = ds.atypical![i];
  }
  const { testIndices: _ignored, ...rest } = ds;
  void _ignored;
  return { ...rest, name, features, labels, numSamples: n, texts, atypical };
}
