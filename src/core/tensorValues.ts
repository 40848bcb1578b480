/** Reading a float32 tensor's values on the backends that keep them in CPU memory. */
import * as tf from '@tensorflow/tfjs';

/**
 * The float values of `t` without a copy where the backend allows — a view of the WASM heap — else `dataSync()`
 * (the CPU backend's own array, or a WebGL readback). Valid until `t` is disposed or the next tfjs call (the WASM
 * heap may grow and move). A copy is a new typed array per call, which in Chromium's worker costs far more than
 * in Node; the hot paths (the evaluation's distance blocks, the fused triplet loss's distance matrix) read in place.
 */
export function valuesView(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32' || tf.getBackend() !== 'wasm') return t.dataSync() as Float32Array;
  const backend = tf.backend() as unknown as { typedArrayFromHeap: (info: tf.TensorInfo) => Float32Array };
  return backend.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
}
