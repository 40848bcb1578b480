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
 *    every matMul and Dense layer set those flags. The wrappers transpose explicitly, then call the original kernel.
 *  - `GatherV2` along axis 0 (rows of a batch) walks every element with computed strides: ~2 ms for 64 rows of
 *    784. Rows are contiguous, so the wrapper copies them with `TypedArray.copyWithin` inside the WASM heap.
 *  - `Slice` first copies the WHOLE input out of the heap (`readSync`), then the slice: cutting 256-sample chunks
 *    out of a 2,000-image evaluation set copied 6 MB per chunk. A contiguous slice (rows of a row-major tensor) is
 *    one `copyWithin` of just the slice.
 *
 * Also fixed on the way: with a transpose flag set, the stock `_FusedMatMul` adds the bias and the activation to
 * the wrong elements (tfjs-backend-wasm 4.22; the trainer never hits it, its gradients use plain matMul); the
 * wrapper's explicit transposes give the right result.
 *
 * Each wrapper falls back to the original kernel for anything it does not handle, so results are unchanged (the
 * transposes are exact; the matMul sums run in the same order as the untransposed product). `unregister…`
 * puts the original kernels back (the benchmark uses it to measure stock tfjs in the same process).
 */
import * as tf from '@tensorflow/tfjs';

/** The kernels replaced here, by name. */
export const FAST_WASM_KERNELS = ['Identity', 'BatchMatMul', '_FusedMatMul', 'GatherV2', 'Slice'] as const;

type KernelConfig = NonNullable<ReturnType<typeof tf.getKernel>>;
type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];
type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };

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
  const x = args.inputs['x'] as unknown as TensorInfo;
  if (x.dtype === 'string') return originals.get('Identity')!.kernelFunc(args) as TensorInfo;
  wasmOf(args).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** x with its last two axes swapped, through the backend's own Transpose kernel. */
function swapLastAxes(x: TensorInfo, args: KernelArgs): TensorInfo {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => (i < rank - 2 ? i : i === rank - 2 ? rank - 1 : rank - 2));
  const transpose = tf.getKernel('Transpose', 'wasm')!;
  return transpose.kernelFunc({ inputs: { x } as unknown as KernelArgs['inputs'], attrs: { perm }, backend: args.backend }) as TensorInfo;
}

/** A matMul kernel that transposes its operands first instead of passing the (slow) transpose flags on. */
function explicitTranspose(name: 'BatchMatMul' | '_FusedMatMul') {
  return (args: KernelArgs): TensorInfo => {
    const original = originals.get(name)!;
    const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args) as TensorInfo;
    const a = args.inputs['a'] as unknown as TensorInfo;
    const b = args.inputs['b'] as unknown as TensorInfo;
    const temporaries: TensorInfo[] = [];
    const operand = (t: TensorInfo, flag: boolean): TensorInfo => {
      if (!flag) return t;
      const swapped = swapLastAxes(t, args);
      temporaries.push(swapped);
      return swapped;
    };
    try {
      return original.kernelFunc({
        ...args,
        inputs: { ...args.inputs, a: operand(a, attrs.transposeA), b: operand(b, attrs.transposeB) } as unknown as KernelArgs['inputs'],
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      }) as TensorInfo;
    } finally {
      for (const t of temporaries) wasmOf(args).disposeData(t.dataId);
    }
  };
}

/** Rows of x (axis 0, no batch dims, 4-byte dtypes) copied inside the WASM heap; anything else: the original. */
function rowGather(args: KernelArgs): TensorInfo {
  const x = args.inputs['x'] as unknown as TensorInfo;
  const indices = args.inputs['indices'] as unknown as TensorInfo;
  const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
  const rank = x.shape.length;
  const parsedAxis = axis < 0 ? axis + rank : axis;
  if (parsedAxis !== 0 || (batchDims ?? 0) !== 0 || rank < 1 || (x.dtype !== 'float32' && x.dtype !== 'int32') || indices.dtype !== 'int32') {
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

/** A slice that is one contiguous run of the input (e.g. whole rows) copied inside the heap; else the original. */
function contiguousSlice(args: KernelArgs): TensorInfo {
  const x = args.inputs['x'] as unknown as TensorInfo;
  const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
  const [begin_, size_] = tf.slice_util.parseSliceParams(x as unknown as tf.TensorInfo, begin, size);
  if ((x.dtype !== 'float32' && x.dtype !== 'int32') || !tf.slice_util.isSliceContinous(x.shape, begin_, size_)) {
    return originals.get('Slice')!.kernelFunc(args) as TensorInfo;
  }
  const backend = wasmOf(args);
  const out = backend.makeOutput(size_, x.dtype);
  const count = size_.reduce((p, s) => p * s, 1);
  if (count === 0) return out;
  const offset = tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
  const words = new Int32Array(backend.wasm.HEAPU8.buffer);
  const source = backend.dataIdMap.get(x.dataId).memoryOffset / 4 + offset;
  words.copyWithin(backend.dataIdMap.get(out.dataId).memoryOffset / 4, source, source + count);
  return out;
}

const REPLACEMENTS: Record<(typeof FAST_WASM_KERNELS)[number], (args: KernelArgs) => TensorInfo> = {
  Identity: sharedIdentity,
  BatchMatMul: explicitTranspose('BatchMatMul'),
  _FusedMatMul: explicitTranspose('_FusedMatMul'),
  GatherV2: rowGather,
  Slice: contiguousSlice,
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
    tf.registerKernel({ ...original, kernelFunc: REPLACEMENTS[name] as unknown as KernelConfig['kernelFunc'] });
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
