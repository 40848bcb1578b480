/** Which (anchor i, candidate j) entries of a batch's distance matrix are positives and negatives. */
import * as tf from '@tensorflow/tfjs';

/** 1/0 float masks [n,m]: which (anchor i, candidate j) are positives / negatives. */
export interface PairMasks {
  positive: tf.Tensor2D;
  negative: tf.Tensor2D;
}

/**
 * Same label & i≠j (when anchors and candidates are the same batch) / different label. A class with one sample
 * in the batch therefore gives anchors without positives (they still serve as negatives of other anchors).
 */
export function labelMasks(anchorLabels: tf.Tensor1D, candidateLabels: tf.Tensor1D, sameBatch: boolean): PairMasks {
  const n = anchorLabels.shape[0];
  const m = candidateLabels.shape[0];
  if (sameBatch && n !== m)
    throw new Error(`labelMasks with sameBatch needs as many anchors as candidates, got ${n} and ${m}`);
  return tf.tidy(() => {
    const same = tf.cast(
      tf.equal(tf.reshape(anchorLabels, [n, 1]), tf.reshape(candidateLabels, [1, m])),
      'float32',
    ) as tf.Tensor2D;
    const positive = sameBatch ? (tf.mul(same, tf.sub(1, tf.eye(n))) as tf.Tensor2D) : same;
    const negative = tf.sub(1, same) as tf.Tensor2D;
    return { positive, negative };
  });
}

/** The same masks as plain arrays (1/0, row-major n×m), for the miners that walk a batch in JS. */
export interface PairMaskValues {
  positive: ArrayLike<number>;
  negative: ArrayLike<number>;
}

/** The last masks made, by the batch's label pattern (see pairMaskValues). */
let lastMasks: { split: boolean; pattern: number[]; values: PairMaskValues } | null = null;

/**
 * {@link labelMasks} (or, `split`, {@link splitInputMasks}) of one batch computed in JS from its labels, without a
 * tensor: the JS miners read the masks back anyway, and on WASM every mask op is a kernel launch per step.
 *
 * The masks depend only on which samples share a label, and a P×K batch has the same pattern at every step
 * (K samples of each of P classes, in order), so the last masks are returned again when the pattern repeats:
 * two new n×n arrays per step cost more than the pass that reads them in a browser worker. They are read-only.
 */
export function pairMaskValues(labels: ArrayLike<number>, split: boolean): PairMaskValues {
  const pattern = labelPattern(labels);
  if (lastMasks && lastMasks.split === split && samePattern(lastMasks.pattern, pattern)) return lastMasks.values;
  const values = buildMaskValues(labels, split);
  lastMasks = { split, pattern, values };
  return values;
}

/** For each sample, the index of the first sample with its label: equal patterns give equal masks. */
function labelPattern(labels: ArrayLike<number>): number[] {
  const first = new Map<number, number>();
  const pattern = new Array<number>(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const seen = first.get(labels[i]);
    if (seen === undefined) first.set(labels[i], i);
    pattern[i] = seen ?? i;
  }
  return pattern;
}

function samePattern(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function buildMaskValues(labels: ArrayLike<number>, split: boolean): PairMaskValues {
  const n = labels.length;
  const positive = new Uint8Array(n * n);
  const negative = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const same = split ? i === j : labels[i] === labels[j];
      positive[i * n + j] = same && (split || i !== j) ? 1 : 0;
      negative[i * n + j] = same ? 0 : 1;
    }
  }
  return { positive, negative };
}

/** Split-input: anchor i's only positive is candidate i (the other half of the same sample); every j≠i is a negative. */
export function splitInputMasks(n: number): PairMasks {
  return tf.tidy(() => {
    const positive = tf.eye(n) as tf.Tensor2D;
    return { positive, negative: tf.sub(1, positive) as tf.Tensor2D };
  });
}
