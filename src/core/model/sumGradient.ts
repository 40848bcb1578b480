/**
 * The gradient of `Sum` without building a ones tensor in JS.
 *
 * tfjs-core's own gradient multiplies the reshaped dy by `ones(x.shape)`, which fills a new JS typed array and
 * uploads it to the backend on every backward pass: a training step differentiates about eight sums (squared
 * norms of the distance matrix, the L2 normalisation, bias gradients), and in Chromium's worker that fill alone
 * took ~3% of the worker's time. `onesLike` makes the same ones inside the backend (a native fill on WASM, a
 * shader on WebGL), so dx = reshape(dy) · 1 is bit-identical and nothing crosses from JS.
 */
import * as tf from '@tensorflow/tfjs';

/** Registers the gradient above for 'Sum' (calling it again registers the same gradient again). */
export function registerSumGradient(): void {
  tf.registerGradient({
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const expanded = x.shape.slice();
      for (const axis of tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape)) {
        expanded[axis] = 1;
      }
      // An int32 x gives int32 ones, which the product casts to dy's float32: the same values as float32 ones.
      return { x: () => tf.mul(tf.reshape(dy as tf.Tensor, expanded), tf.onesLike(x)) };
    },
  });
}
