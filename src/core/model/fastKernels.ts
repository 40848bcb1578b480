/**
 * Faster versions of the tfjs WASM (4.22) kernels that dominate a training step, each measured on the default
 * MLP step (784 → 128 → 64, batch 64) with `npm run bench`:
 *
 *  - `Identity` copies the whole tensor on WASM. The gradient tape clones every input it saves through Identity,
 *    so gathering a batch from a 12,000-image training set inside the tape copied all 37 MB on every step. Tensors
 *    are immutable in tfjs (a variable's `assign` swaps its data, it never writes in place), so the copy can share
 *    the data and count a reference instead — exactly what the CPU backend's Identity does.
 *  - `BatchMatMul` and `_FusedMatMul` with `transposeA`/`transposeB` set run about 5–10× slower than a transpose
 *    followed by a plain product (e.g. 128×784×128: ~20 ms against under 2 ms), and the built-in gradients of
 *    every matMul and Dense layer set those flags. The wrappers transpose explicitly, then call the product
 *    (which also mends the stock `_FusedMatMul`: with a flag set it adds bias and activation to the wrong elements).
 *  - `Transpose`, `Sum`, `BatchMatMul`, `_FusedMatMul` and the element-wise binary ops (directKernels.ts) call the
 *    same WASM functions as the stock kernels, without the typed arrays those make per call (wasmCalls.ts).
 *  - `GatherV2` along axis 0 (rows of a batch) walks every element with computed strides: ~2 ms for 64 rows of
 *    784. Rows are contiguous, so the wrapper copies them with `TypedArray.copyWithin` inside the WASM heap.
 *  - `Slice` first copies the WHOLE input out of the heap (`readSync`), then the slice: cutting 256-sample chunks
 *    out of a 2,000-image evaluation set copied 6 MB per chunk. The wrapper copies the slice as runs inside the heap:
 *    one `copyWithin` for a contiguous slice (rows of a row-major tensor), one per row for a window of an image batch
 *    (what the conv filter gradient cuts out nine times per layer).
 *  - `Conv2DBackpropInput` (the conv layer's input gradient) is a plain loop in tfjs-wasm: ~60 ms per step for the
 *    default CNN's second layer. For stride 1 it is a convolution of the output gradient with the flipped,
 *    channel-swapped kernel, which the backend's own (XNNPACK) Conv2D runs several times faster.
 *  - `MaxPoolGrad`: tfjs-wasm's kernel starts its running maximum at the smallest POSITIVE float
 *    (`numeric_limits<float>::min()`), so a window whose values are all ≤ 0 sends its gradient to element 0 of the
 *    batch instead of to its own maximum, and it is slow (~23 ms per CNN step). The wrapper scans each window once,
 *    first maximum wins, exactly like the CPU backend.
 *
 * Each wrapper falls back to the original kernel for anything it does not handle, so results are unchanged (the
 * transposes are exact; the matMul sums run in the same order as the untransposed product). `unregister…`
 * puts the original kernels back (the benchmark uses it to measure stock tfjs in the same process).
 */
import * as tf from '@tensorflow/tfjs';
import { DIRECT_WASM_KERNELS, directKernel } from './directKernels';
import { batchMatMulDirect, fusedMatMulDirect, type WasmBackendLike as WasmCallsBackend } from './wasmCalls';
import type { TensorInfo } from './wasmCalls';

const REWRITTEN_KERNELS = [
  'Identity',
  'BatchMatMul',
  '_FusedMatMul',
  'GatherV2',
  'Slice',
  'Conv2DBackpropInput',
  'MaxPoolGrad',
] as const;

/** The kernels replaced here and in `directKernels.ts`, by name. */
export const FAST_WASM_KERNELS: readonly string[] = [...REWRITTEN_KERNELS, ...DIRECT_WASM_KERNELS];

type KernelConfig = NonNullable<ReturnType<typeof tf.getKernel>>;
type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];

/** What the wrappers need from the WASM backend object (tfjs-backend-wasm 4.x internals). */
interface WasmBackendLike {
  incRef(dataId: object): void;
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
}

const originals = new Map<string, KernelConfig>();

function wasmOf(args: KernelArgs): WasmBackendLike {
  return args.backend as unknown as WasmBackendLike;
}

/** Identity without a copy: the output shares the input's memory and holds one more reference to it. */
function sharedIdentity(args: KernelArgs): TensorInfo {
  const x = args.inputs.x as unknown as TensorInfo;
  if (x.dtype === 'string') return originals.get('Identity')!.kernelFunc(args) as TensorInfo;
  wasmOf(args).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** x with its last two axes swapped, through the backend's own Transpose kernel. */
function swapLastAxes(x: TensorInfo, args: KernelArgs): TensorInfo {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => (i < rank - 2 ? i : i === rank - 2 ? rank - 1 : rank - 2));
  const transpose = tf.getKernel('Transpose', 'wasm')!;
  return transpose.kernelFunc({
    inputs: { x } as unknown as KernelArgs['inputs'],
    attrs: { perm },
    backend: args.backend,
  }) as TensorInfo;
}

/** A matMul kernel that transposes its operands first instead of passing the (slow) transpose flags on. */
function explicitTranspose(name: 'BatchMatMul' | '_FusedMatMul') {
  return (args: KernelArgs): TensorInfo => {
    const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return untransposed(name, args);
    const a = args.inputs.a as unknown as TensorInfo;
    const b = args.inputs.b as unknown as TensorInfo;
    const temporaries: TensorInfo[] = [];
    const operand = (t: TensorInfo, flag: boolean): TensorInfo => {
      if (!flag) return t;
      const swapped = swapLastAxes(t, args);
      temporaries.push(swapped);
      return swapped;
    };
    try {
      return untransposed(name, {
        ...args,
        inputs: {
          ...args.inputs,
          a: operand(a, attrs.transposeA),
          b: operand(b, attrs.transposeB),
        } as unknown as KernelArgs['inputs'],
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temporaries) wasmOf(args).disposeData(t.dataId);
    }
  };
}

/** A product without transpose flags: straight to the WASM function where it applies, else the stock kernel. */
function untransposed(name: 'BatchMatMul' | '_FusedMatMul', args: KernelArgs): TensorInfo {
  const backend = args.backend as unknown as WasmCallsBackend;
  const inputs = args.inputs as unknown as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
  const direct =
    name === 'BatchMatMul'
      ? batchMatMulDirect(backend, inputs.a, inputs.b)
      : fusedMatMulDirect(backend, inputs, args.attrs as unknown as { activation: string; leakyreluAlpha?: number });
  return direct ?? (originals.get(name)!.kernelFunc(args) as TensorInfo);
}

/** Rows of x (axis 0, no batch dims, 4-byte dtypes) copied inside the WASM heap; anything else: the original. */
function rowGather(args: KernelArgs): TensorInfo {
  const x = args.inputs.x as unknown as TensorInfo;
  const indices = args.inputs.indices as unknown as TensorInfo;
  const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
  const rank = x.shape.length;
  const parsedAxis = axis < 0 ? axis + rank : axis;
  if (
    parsedAxis !== 0 ||
    (batchDims ?? 0) !== 0 ||
    rank < 1 ||
    (x.dtype !== 'float32' && x.dtype !== 'int32') ||
    indices.dtype !== 'int32'
  ) {
    return originals.get('GatherV2')!.kernelFunc(args) as TensorInfo;
  }
  const backend = wasmOf(args);
  const rows = x.shape[0];
  const rowSize = x.shape.slice(1).reduce((p, s) => p * s, 1);
  const count = indices.shape.reduce((p, s) => p * s, 1);
  const indexOffset = backend.dataIdMap.get(indices.dataId).memoryOffset;
  const index = new Int32Array(backend.wasm.HEAPU8.buffer, indexOffset, count);
  for (let r = 0; r < count; r++) {
    const i = index[r];
    if (!(i >= 0 && i < rows)) throw new Error(`GatherV2: the index value ${i} is not in [0, ${rows - 1}]`);
  }
  const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  if (count === 0 || rowSize === 0) return out;
  // makeOutput may grow the heap (a new buffer): take the views after it.
  const words = new Int32Array(backend.wasm.HEAPU8.buffer);
  const rowsAfter = new Int32Array(backend.wasm.HEAPU8.buffer, indexOffset, count);
  const source = backend.dataIdMap.get(x.dataId).memoryOffset / 4;
  const target = backend.dataIdMap.get(out.dataId).memoryOffset / 4;
  for (let r = 0; r < count; r++) {
    const start = source + rowsAfter[r] * rowSize;
    words.copyWithin(target + r * rowSize, start, start + rowSize);
  }
  return out;
}

/**
 * A slice copied inside the heap as runs: the innermost axes the slice takes whole, with the first one it cuts, are
 * one contiguous run of the input; the run is copied once per index of the outer axes (once in all for a contiguous
 * slice). Other dtypes go to the original.
 */
function runSlice(args: KernelArgs): TensorInfo {
  const x = args.inputs.x as unknown as TensorInfo;
  const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
  const [begin_, size_] = tf.slice_util.parseSliceParams(x as unknown as tf.TensorInfo, begin, size);
  const rank = x.shape.length;
  if ((x.dtype !== 'float32' && x.dtype !== 'int32') || rank === 0)
    return originals.get('Slice')!.kernelFunc(args) as TensorInfo;
  const backend = wasmOf(args);
  const out = backend.makeOutput(size_, x.dtype);
  const count = size_.reduce((p, s) => p * s, 1);
  if (count === 0) return out;
  // Axes after `cut` are taken whole: one run = size[cut] × (their extent).
  let cut = rank - 1;
  while (cut > 0 && size_[cut] === x.shape[cut]) cut--;
  const strides = [...tf.util.computeStrides(x.shape), 1];
  const run = size_[cut] * strides[cut];
  // makeOutput may grow the heap (a new buffer): take the view after it.
  const words = new Int32Array(backend.wasm.HEAPU8.buffer);
  let source = backend.dataIdMap.get(x.dataId).memoryOffset / 4;
  for (let d = 0; d < rank; d++) source += begin_[d] * strides[d];
  let target = backend.dataIdMap.get(out.dataId).memoryOffset / 4;
  // An odometer over the outer axes [0, cut).
  const index = new Int32Array(cut);
  for (let copied = 0; copied < count; copied += run) {
    let from = source;
    for (let d = 0; d < cut; d++) from += index[d] * strides[d];
    words.copyWithin(target, from, from + run);
    target += run;
    for (let d = cut - 1; d >= 0; d--) {
      if (++index[d] < size_[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

/**
 * The input gradient of a stride-1 NHWC convolution as a convolution: dx = conv2d(dy padded by kernel − 1 − the
 * forward padding on each side, the kernel flipped in both spatial axes with its channel axes swapped). Anything
 * else (strides, NCHW, a padding that would turn negative) goes to the original.
 */
function inputGradientByConv(args: KernelArgs): TensorInfo {
  const original = originals.get('Conv2DBackpropInput')!;
  const dy = args.inputs.dy as unknown;
  const filter = args.inputs.filter as unknown;
  const attrs = args.attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  if (
    attrs.dataFormat !== 'NHWC' ||
    !(dy instanceof tf.Tensor) ||
    !(filter instanceof tf.Tensor) ||
    dy.dtype !== 'float32'
  ) {
    return original.kernelFunc(args) as TensorInfo;
  }
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth, padInfo } = info;
  const top = filterHeight - 1 - padInfo.top;
  const left = filterWidth - 1 - padInfo.left;
  const bottom = inHeight - outHeight - top + filterHeight - 1;
  const right = inWidth - outWidth - left + filterWidth - 1;
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || Math.min(top, left, bottom, right) < 0)
    return original.kernelFunc(args) as TensorInfo;
  return tf.tidy(() => {
    const flipped = tf.transpose(tf.reverse(filter as tf.Tensor4D, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(dy as tf.Tensor4D, flipped, 1, [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ]);
  }) as unknown as TensorInfo;
}

/**
 * The max-pool gradient (NHWC, float32): each window's gradient goes to its first maximum (row by row, the CPU
 * backend's rule; NaN is never a maximum), added into a zeroed dx inside the heap.
 */
function maxPoolGradByScan(args: KernelArgs): TensorInfo {
  const dy = args.inputs.dy as unknown as TensorInfo;
  const x = args.inputs.input as unknown as TensorInfo;
  const attrs = args.attrs as unknown as {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  if (x.dtype !== 'float32' || dy.dtype !== 'float32')
    return originals.get('MaxPoolGrad')!.kernelFunc(args) as TensorInfo;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    filterHeight,
    filterWidth,
    padInfo,
  } = info;
  const backend = wasmOf(args);
  const out = backend.makeOutput(x.shape, 'float32');
  // makeOutput may grow the heap (a new buffer): take the view after it.
  const heap = new Float32Array(backend.wasm.HEAPU8.buffer);
  const xAt = backend.dataIdMap.get(x.dataId).memoryOffset / 4;
  const dyAt = backend.dataIdMap.get(dy.dataId).memoryOffset / 4;
  const dxAt = backend.dataIdMap.get(out.dataId).memoryOffset / 4;
  heap.fill(0, dxAt, dxAt + batchSize * inHeight * inWidth * inChannels);
  const best = new Float64Array(inChannels);
  const bestAt = new Int32Array(inChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padInfo.top;
      for (let ow = 0; ow < outWidth; ow++) {
        const left = ow * strideWidth - padInfo.left;
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let h = Math.max(0, top); h < Math.min(inHeight, top + filterHeight); h++) {
          for (let w = Math.max(0, left); w < Math.min(inWidth, left + filterWidth); w++) {
            const pixel = ((b * inHeight + h) * inWidth + w) * inChannels;
            for (let c = 0; c < inChannels; c++) {
              const v = heap[xAt + pixel + c];
              if (v > best[c]) {
                best[c] = v;
                bestAt[c] = pixel + c;
              }
            }
          }
        }
        const gradient = dyAt + ((b * outHeight + oh) * outWidth + ow) * inChannels;
        for (let c = 0; c < inChannels; c++) if (bestAt[c] >= 0) heap[dxAt + bestAt[c]] += heap[gradient + c];
      }
    }
  }
  return out;
}

const REPLACEMENTS: Record<(typeof REWRITTEN_KERNELS)[number], (args: KernelArgs) => TensorInfo> = {
  Identity: sharedIdentity,
  BatchMatMul: explicitTranspose('BatchMatMul'),
  _FusedMatMul: explicitTranspose('_FusedMatMul'),
  GatherV2: rowGather,
  Slice: runSlice,
  Conv2DBackpropInput: inputGradientByConv,
  MaxPoolGrad: maxPoolGradByScan,
};

/**
 * Replaces the WASM kernels above (keeping each original's setup, so it works before or after the backend starts);
 * returns the names replaced now. A no-op when the WASM backend package is not loaded, and safe to call many times.
 */
export function registerFastWasmKernels(): string[] {
  const replaced: string[] = [];
  for (const name of FAST_WASM_KERNELS) {
    if (originals.has(name)) continue;
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    originals.set(name, original);
    tf.unregisterKernel(name, 'wasm');
    const replacement =
      name in REPLACEMENTS ? REPLACEMENTS[name as (typeof REWRITTEN_KERNELS)[number]] : directKernel(name, original);
    tf.registerKernel({ ...original, kernelFunc: replacement as unknown as KernelConfig['kernelFunc'] });
    replaced.push(name);
  }
  return replaced;
}

/** Puts the stock WASM kernels back (benchmarks compare both in one process); returns the names restored. */
export function unregisterFastWasmKernels(): string[] {
  const restored: string[] = [];
  for (const [name, original] of originals) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(original);
    restored.push(name);
  }
  originals.clear();
  return restored;
}

/** True while the fast kernels are in place. */
export function fastWasmKernelsActive(): boolean {
  return originals.size > 0;
}
