/**
 * The raw baseline: a minimal hand-written tfjs loop for the default recipe — the least any framework on tfjs
 * could cost. Same MLP (784 → 128 ReLU → 64, L2-normalised, Glorot-uniform weights, zero biases), same P×K batch
 * (8 classes × 8 samples drawn without replacement), same loss (batch-all triplet, Euclidean, margin 0.2, mean over
 * non-zero triplets, written with the usual broadcasting [n,n,n] ops), Adam 1e-3, one loss readback per step.
 * No layers API, no mining options, no stats: only what the recipe needs. The batch is gathered on the backend
 * outside the gradient tape (inside it, the tape would clone the whole training set on WASM every step).
 */
import * as tf from '@tensorflow/tfjs';

/** A tiny LCG so the loop needs nothing from the project (and never Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export class RawTfjsLoop {
  private readonly x: tf.Tensor2D;
  private readonly byClass: Int32Array[];
  private readonly labels: Int32Array;
  private readonly vars: tf.Variable[];
  private readonly optimizer = tf.train.adam(1e-3);
  private readonly random = lcg(1);
  private readonly valid: tf.Tensor3D;

  constructor(
    features: Float32Array,
    labels: Int32Array,
    numClasses: number,
    private readonly p = 8,
    private readonly k = 8,
    private readonly margin = 0.2,
  ) {
    const dim = features.length / labels.length;
    this.x = tf.tensor2d(features, [labels.length, dim]);
    this.labels = labels;
    this.byClass = Array.from({ length: numClasses }, (_, c) =>
      Int32Array.from(Array.from(labels).flatMap((l, i) => (l === c ? [i] : []))),
    );
    const glorot = (rows: number, cols: number, seed: number) =>
      tf.variable(
        tf.randomUniform([rows, cols], -Math.sqrt(6 / (rows + cols)), Math.sqrt(6 / (rows + cols)), 'float32', seed),
      );
    this.vars = [glorot(dim, 128, 1), tf.variable(tf.zeros([128])), glorot(128, 64, 2), tf.variable(tf.zeros([64]))];
    // The P×K layout is the same every step (sample i belongs to class slot ⌊i/K⌋), so the valid-triplet mask is too.
    const n = p * k;
    const slot = Array.from({ length: n }, (_, i) => Math.floor(i / k));
    this.valid = tf.tidy(() => {
      const same = tf.tensor2d(
        slot.flatMap((a, i) => slot.map((b, j) => (a === b && i !== j ? 1 : 0))),
        [n, n],
      );
      const diff = tf.tensor2d(
        slot.flatMap((a) => slot.map((b) => (a !== b ? 1 : 0))),
        [n, n],
      );
      return tf.mul(tf.expandDims(same, 2), tf.expandDims(diff, 1)) as tf.Tensor3D;
    });
  }

  private batchIndices(): Int32Array {
    const classes = Array.from({ length: this.byClass.length }, (_, c) => c);
    const out = new Int32Array(this.p * this.k);
    for (let s = 0; s < this.p; s++) {
      const pick = s + Math.floor(this.random() * (classes.length - s));
      [classes[s], classes[pick]] = [classes[pick], classes[s]];
      const members = this.byClass[classes[s]].slice();
      for (let t = 0; t < this.k; t++) {
        const q = t + Math.floor(this.random() * (members.length - t));
        [members[t], members[q]] = [members[q], members[t]];
        out[s * this.k + t] = members[t];
      }
    }
    return out;
  }

  /** One optimiser step; returns the loss (one readback). */
  step(): number {
    const [w1, b1, w2, b2] = this.vars;
    const xb = tf.tidy(() => tf.gather(this.x, tf.tensor1d(this.batchIndices(), 'int32')));
    const loss = this.optimizer.minimize(() => {
      const h = tf.relu(tf.add(tf.matMul(xb, w1), b1));
      const raw = tf.add(tf.matMul(h, w2), b2);
      const e = tf.div(raw, tf.sqrt(tf.maximum(tf.sum(tf.square(raw), 1, true), 1e-12)));
      const sq = tf.sum(tf.square(e), 1, true);
      const d = tf.sqrt(
        tf.maximum(tf.add(tf.sub(sq, tf.mul(2, tf.matMul(e, e, false, true))), tf.transpose(sq)), 1e-12),
      );
      // per[a,p,n] = d(a,p) − d(a,n) + m over valid triplets; mean over the non-zero ones.
      const per = tf.mul(tf.relu(tf.add(tf.sub(tf.expandDims(d, 2), tf.expandDims(d, 1)), this.margin)), this.valid);
      const nonZero = tf.sum(tf.step(tf.sub(per, 1e-16))); // step's gradient is 0: the count is a constant
      return tf.div(tf.sum(per), tf.maximum(nonZero, 1)) as tf.Scalar;
    }, true);
    xb.dispose();
    const value = loss!.dataSync()[0];
    loss!.dispose();
    return value;
  }

  dispose(): void {
    tf.dispose([this.x, this.valid, ...this.vars]);
    this.optimizer.dispose();
    void this.labels;
  }
}
