/**
 * Calling tfjs-backend-wasm's (4.22) exported kernel functions without per-call JS garbage.
 *
 * The stock kernel functions pass every shape (and a transpose's permutation) as a fresh typed array made for
 * that call. In Chromium's worker that JS side of a kernel costs far more than the WASM loop for the small tensors
 * of a training step (a [64,64] × scalar multiply: ~60 µs median against ~4 µs in Node; through these wrappers,
 * ~2–4 µs in both). Here shapes go through scratch arrays reused by every call (each call fills what it passes,
 * and the WASM function has copied them before it returns), and each exported function is `cwrap`ped once per
 * WASM module. The exported functions and their arguments are exactly the stock kernels', so results are
 * bit-identical.
 */
import * as tf from '@tensorflow/tfjs';

export type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };

// biome-ignore lint/suspicious/noExplicitAny: cwrap returns untyped functions; each caller below names its arguments
type WasmFunction = (...args: any[]) => void;

interface WasmModuleLike {
  cwrap(name: string, result: null, args: string[]): WasmFunction;
}

/** What the wrappers need from the WASM backend object (tfjs-backend-wasm 4.x internals). */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  disposeData(dataId: object): boolean;
  dataIdMap: { get(dataId: object): { id: number } };
  wasm: WasmModuleLike;
}

/** tfjs-backend-wasm's `CppDType` for the dtypes its kernels take. */
export const CPP_DTYPE: Partial<Record<tf.DataType, number>> = { float32: 0, int32: 1, bool: 2 };

/** Longest shape a scratch array holds (callers fall back to the stock kernel past it). */
export const SCRATCH_RANK = 8;

/** Three scratch arrays and the byte views that cwrap's 'array' arguments take. */
const scratch = [0, 1, 2].map(() => new Int32Array(SCRATCH_RANK));
const scratchBytes = scratch.map((s) => new Uint8Array(s.buffer));

/** `values` written into scratch array `slot`; returns its byte view. Only for `values.length ≤ SCRATCH_RANK`. */
export function scratchShape(slot: 0 | 1 | 2, values: readonly number[]): Uint8Array {
  const target = scratch[slot];
  for (let i = 0; i < values.length; i++) target[i] = values[i];
  return scratchBytes[slot];
}

/** `name`'s exported function, wrapped once per WASM module (a backend made anew has a module of its own). */
export function exported(name: string, args: string[]): (backend: WasmBackendLike) => WasmFunction {
  let module: WasmModuleLike | null = null;
  let call: WasmFunction | null = null;
  return (backend) => {
    if (module !== backend.wasm || call === null) {
      module = backend.wasm;
      call = module.cwrap(name, null, args);
    }
    return call;
  };
}

export function idOf(backend: WasmBackendLike, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).id;
}

const transposeCall = exported('Transpose', ['number', 'array', 'number', 'number', 'number', 'array', 'number']);

/**
 * x with its axes permuted, as the stock Transpose kernel computes it (axes of size 1 dropped first, as it does);
 * null where the stock kernel must run (a permutation that moves nothing, a dtype or rank it is not for).
 */
export function transposeDirect(backend: WasmBackendLike, x: TensorInfo, perm: readonly number[]): TensorInfo | null {
  const dtype = CPP_DTYPE[x.dtype];
  if (dtype === undefined || x.shape.length > SCRATCH_RANK) return null;
  const [shape, reducedPerm] = removeOneSizeDims(x.shape, perm);
  if (reducedPerm.every((p, i) => p === i)) return null;
  const out = backend.makeOutput(
    perm.map((p) => x.shape[p]),
    x.dtype,
  );
  transposeCall(backend)(
    idOf(backend, x),
    scratchShape(0, shape),
    shape.length,
    dtype,
    idOf(backend, out),
    scratchShape(1, reducedPerm),
    reducedPerm.length,
  );
  return out;
}

/** The shape without its size-1 axes and the permutation of what is left, renumbered (the stock kernel's rule). */
function removeOneSizeDims(shape: readonly number[], perm: readonly number[]): [number[], number[]] {
  const kept: number[] = [];
  const keptPerm: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] !== 1) kept.push(shape[i]);
    if (shape[perm[i]] !== 1) keptPerm.push(perm[i]);
  }
  // Renumber: the smallest remaining axis becomes 0, the next 1, …
  const order = keptPerm.map((p, i) => [p, i]).sort((a, b) => a[0] - b[0]);
  order.forEach(([, i], rank) => {
    keptPerm[i] = rank;
  });
  return [kept, keptPerm];
}

const MATMUL_ARGS = ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number'];
const batchMatMulCall = exported('BatchMatMul', [...MATMUL_ARGS, 'number']);
const fusedMatMulCall = exported('_FusedMatMul', [...MATMUL_ARGS, 'number', 'number', 'number', 'number', 'number']);

/** tfjs-backend-wasm's `FusableActivation`. */
const ACTIVATIONS: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  prelu: 3,
  leakyrelu: 4,
  sigmoid: 5,
  elu: 6,
};

/**
 * a·b (last two axes, leading axes broadcast) for float32 operands without transpose flags, as the stock
 * BatchMatMul kernel computes it: operands as [batch, rows, cols] (a reshape is only a new shape on WASM).
 */
export function batchMatMulDirect(backend: WasmBackendLike, a: TensorInfo, b: TensorInfo): TensorInfo | null {
  const shapes = matMulShapes(a, b);
  if (!shapes) return null;
  const out = backend.makeOutput([Math.max(shapes.a3[0], shapes.b3[0]), shapes.a3[1], shapes.b3[2]], 'float32');
  batchMatMulCall(backend)(
    idOf(backend, a),
    scratchShape(0, shapes.a3),
    3,
    idOf(backend, b),
    scratchShape(1, shapes.b3),
    3,
    false,
    false,
    idOf(backend, out),
  );
  out.shape = shapes.out;
  return out;
}

/**
 * The fused product (bias, activation) without transpose flags, as the stock _FusedMatMul kernel computes it
 * from the operands' own shapes; null where the stock kernel must run or refuse.
 */
export function fusedMatMulDirect(
  backend: WasmBackendLike,
  inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo },
  attrs: { activation: string; leakyreluAlpha?: number },
): TensorInfo | null {
  const { a, b, bias, preluActivationWeights } = inputs;
  const activation = ACTIVATIONS[attrs.activation];
  if (
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    a.shape.length !== 3 ||
    b.shape.length !== 3 ||
    activation === undefined ||
    (bias != null && bias.shape.length !== 1)
  ) {
    return null;
  }
  const batch = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = backend.makeOutput([...batch, a.shape[1], b.shape[2]], 'float32');
  fusedMatMulCall(backend)(
    idOf(backend, a),
    scratchShape(0, a.shape),
    3,
    idOf(backend, b),
    scratchShape(1, b.shape),
    3,
    false,
    false,
    activation,
    bias == null ? 0 : idOf(backend, bias),
    preluActivationWeights == null ? 0 : idOf(backend, preluActivationWeights),
    attrs.leakyreluAlpha || 0,
    idOf(backend, out),
  );
  return out;
}

/** The stock BatchMatMul's operand and output shapes for untransposed float32 operands; null otherwise. */
function matMulShapes(a: TensorInfo, b: TensorInfo): { a3: number[]; b3: number[]; out: number[] } | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const inner = a.shape[aRank - 1];
  if (inner !== b.shape[bRank - 2]) return null; // the stock kernel throws its own error
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const a3 = [tf.util.sizeFromShape(a.shape.slice(0, -2)), a.shape[aRank - 2], inner];
  const b3 = [tf.util.sizeFromShape(b.shape.slice(0, -2)), inner, b.shape[bRank - 1]];
  return { a3, b3, out: [...outer, a3[1], b3[2]] };
}

const sumCall = exported('Sum', ['number', 'number', 'number', 'number']);

/**
 * Σ over `axis`, as the stock Sum kernel computes it: the reduced axes moved last (a transpose, made here without
 * garbage; none where only size-1 axes move, since that is a new shape of the same memory), then the WASM
 * function summing the innermost values. Null where the stock kernel must run.
 */
export function sumDirect(
  backend: WasmBackendLike,
  x: TensorInfo,
  attrs: { axis: number | number[]; keepDims: boolean },
): TensorInfo | null {
  const dtype = CPP_DTYPE[x.dtype];
  const rank = x.shape.length;
  if (dtype === undefined || rank > SCRATCH_RANK) return null;
  const originalAxes = tf.util.parseAxisParam(attrs.axis, x.shape);
  let axes = originalAxes;
  let input = x;
  let transposed: TensorInfo | null = null;
  const perm = tf.backend_util.getAxesPermutation(axes, rank);
  if (perm != null) {
    transposed = transposeDirect(backend, x, perm);
    input = transposed ?? { ...x, shape: perm.map((p) => x.shape[p]) };
    axes = tf.backend_util.getInnerMostAxes(axes.length, rank);
  }
  const [outShape, reduceShape] = tf.backend_util.computeOutAndReduceShapes(input.shape, axes);
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(input.shape) !== 0) {
    sumCall(backend)(idOf(backend, input), tf.util.sizeFromShape(reduceShape), dtype, idOf(backend, out));
  }
  if (transposed) backend.disposeData(transposed.dataId);
  if (attrs.keepDims) out.shape = tf.backend_util.expandShapeToKeepDim(out.shape, originalAxes);
  return out;
}
