/**
 * Gradient kernels that the tfjs WASM backend (4.22) lacks, written with ops it has. Without them a CNN tower
 * cannot train on WASM (no 'Conv2DBackpropFilter', the conv kernel's gradient) and neither can a text tower
 * (no 'UnsortedSegmentSum', the gradient of the Embedding layer's gather), and WASM is the fallback of every
 * browser without WebGL. Each kernel is registered only where the backend has none, so native kernels win.
 */
import * as tf from '@tensorflow/tfjs';

/** The kernels filled in here, by name. */
export const POLYFILLED_GRADIENT_KERNELS = ['Conv2DBackpropFilter', 'UnsortedSegmentSum'] as const;

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * dW[i, j] = Σ over batch and output pixels of x_padded[b, oh·s + i, ow·s + j, :]ᵀ · dy[b, oh, ow, :]:
 * one slice (strided when the stride is not 1) and one matMul per kernel offset (9 for a 3×3 kernel).
 */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Conv2DBackpropFilterAttrs): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW')
    throw new Error('the Conv2DBackpropFilter fallback supports channels-last (NHWC) data only');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const {
    batchSize,
    inChannels,
    outChannels,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    filterHeight,
    filterWidth,
    padInfo,
  } = info;
  return tf.tidy(() => {
    const padded = tf.pad(x, [
      [0, 0],
      [padInfo.top, padInfo.bottom],
      [padInfo.left, padInfo.right],
      [0, 0],
    ]);
    // dyᵀ once, so that each offset is a plain product dyᵀ · patch = (patchᵀ · dy)ᵀ: no transpose per offset.
    const dyT = tf.transpose(tf.reshape(dy, [batchSize * outHeight * outWidth, outChannels]));
    const offsets: tf.Tensor2D[] = [];
    for (let i = 0; i < filterHeight; i++) {
      for (let j = 0; j < filterWidth; j++) {
        // Stride 1: a plain slice, which the WASM backend copies row by row (fastKernels.ts); else a strided one.
        const patch =
          strideHeight === 1 && strideWidth === 1
            ? tf.slice(padded, [0, i, j, 0], [batchSize, outHeight, outWidth, inChannels])
            : tf.stridedSlice(
                padded,
                [0, i, j, 0],
                [batchSize, i + (outHeight - 1) * strideHeight + 1, j + (outWidth - 1) * strideWidth + 1, inChannels],
                [1, strideHeight, strideWidth, 1],
              );
        offsets.push(tf.matMul(dyT, tf.reshape(patch, [batchSize * outHeight * outWidth, inChannels])));
      }
    }
    // [offsets, outChannels, inChannels] → [offsets, inChannels, outChannels]
    return tf.reshape(tf.transpose(tf.stack(offsets), [0, 2, 1]), [
      filterHeight,
      filterWidth,
      inChannels,
      outChannels,
    ]) as tf.Tensor4D;
  });
}

/** out[s] = Σ of the rows of x whose segment id is s (ids outside [0, numSegments) are dropped): oneHotᵀ · x. */
export function unsortedSegmentSumByMatMul(x: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  return tf.tidy(() => {
    const ids = tf.reshape(tf.cast(segmentIds, 'int32'), [-1]) as tf.Tensor1D;
    const rows = ids.shape[0];
    const rest = x.shape.slice(segmentIds.rank);
    const x2d = tf.reshape(tf.cast(x, 'float32'), [rows, -1]);
    const summed = tf.matMul(tf.cast(tf.oneHot(ids, numSegments), 'float32'), x2d, true, false);
    return tf.cast(tf.reshape(summed, [numSegments, ...rest]), x.dtype);
  });
}

/**
 * Registers the kernels above for `backendName` where it has none; returns the names registered now. Safe to
 * call many times and before the backend itself is loaded.
 */
export function registerMissingGradientKernels(backendName = 'wasm'): string[] {
  const registered: string[] = [];
  if (!tf.getKernel('Conv2DBackpropFilter', backendName)) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName,
      kernelFunc: ({ inputs, attrs }) =>
        conv2dFilterGradient(
          inputs.x as tf.Tensor4D,
          inputs.dy as tf.Tensor4D,
          attrs as unknown as Conv2DBackpropFilterAttrs,
        ),
    });
    registered.push('Conv2DBackpropFilter');
  }
  if (!tf.getKernel('UnsortedSegmentSum', backendName)) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName,
      kernelFunc: ({ inputs, attrs }) =>
        unsortedSegmentSumByMatMul(
          inputs.x as tf.Tensor,
          inputs.segmentIds as tf.Tensor,
          (attrs as { numSegments: number }).numSegments,
        ),
    });
    registered.push('UnsortedSegmentSum');
  }
  return registered;
}
