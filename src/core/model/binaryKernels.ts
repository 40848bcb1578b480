/**
 * The tfjs WASM (4.22) element-wise binary kernels (Add, Multiply, Maximum, …) called without their per-call
 * JS garbage.
 *
 * The stock kernel builds two fresh typed arrays for the operands' shapes on every call and goes through a
 * kernel function shared by every binary op. In Chromium's worker that JS side costs far more than the WASM
 * loop for the small tensors of a training step (a [64,64] × scalar multiply: ~60 µs median against ~4 µs in
 * Node; the same call through this wrapper, ~2–4 µs in both), and a step makes about seventy such calls (Adam
 * alone makes fifty). Here each op gets its own wrapper and its own `cwrap` of the same WASM export, and the
 * shapes go through two scratch arrays reused by every call. The WASM function and its arguments are exactly
 * the stock kernel's, so results are bit-identical; complex or string tensors go to the original kernel.
 * Operands of more than 6 dimensions are refused with an error: XNNPACK, which runs these ops, takes at most 6
 * and the stock kernel returns uninitialised memory for more.
 */
import * as tf from '@tensorflow/tfjs';

/** Output dtype of each replaced op: 'bool' for comparisons, the first operand's dtype for arithmetic. */
export const BINARY_WASM_KERNELS = {
  Add: null,
  Sub: null,
  Multiply: null,
  RealDiv: null,
  Maximum: null,
  Minimum: null,
  SquaredDifference: null,
  Equal: 'bool',
  NotEqual: 'bool',
  Greater: 'bool',
  GreaterEqual: 'bool',
  Less: 'bool',
  LessEqual: 'bool',
} as const satisfies Record<string, 'bool' | null>;

export type BinaryWasmKernel = keyof typeof BINARY_WASM_KERNELS;

type KernelConfig = NonNullable<ReturnType<typeof tf.getKernel>>;
type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];
type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };

type WasmBinary = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  dtype: number,
  outId: number,
) => void;

interface WasmModuleLike {
  cwrap(name: string, result: null, args: string[]): WasmBinary;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  dataIdMap: { get(dataId: object): { id: number } };
  wasm: WasmModuleLike;
}

/** tfjs-backend-wasm's `CppDType` for the dtypes its binary kernels take. */
const CPP_DTYPE: Partial<Record<tf.DataType, number>> = { float32: 0, int32: 1, bool: 2 };

/** XNNPACK's XNN_MAX_TENSOR_DIMS. */
const MAX_RANK = 6;
const aShape = new Int32Array(MAX_RANK);
const bShape = new Int32Array(MAX_RANK);
const aShapeBytes = new Uint8Array(aShape.buffer);
const bShapeBytes = new Uint8Array(bShape.buffer);

/** The replacement kernel function for `name`; `original` runs whatever it does not handle. */
export function binaryKernel(name: BinaryWasmKernel, original: KernelConfig): (args: KernelArgs) => TensorInfo {
  const outputDtype = BINARY_WASM_KERNELS[name];
  // The WASM module the cached `cwrap` belongs to: a backend created anew (tests, a reset) has its own module.
  let module: WasmModuleLike | null = null;
  let call: WasmBinary | null = null;
  return (args) => {
    const backend = args.backend as unknown as WasmBackendLike;
    const a = args.inputs.a as unknown as TensorInfo;
    const b = args.inputs.b as unknown as TensorInfo;
    const dtype = CPP_DTYPE[a.dtype];
    if (dtype === undefined) return original.kernelFunc(args) as TensorInfo;
    if (a.shape.length > MAX_RANK || b.shape.length > MAX_RANK) {
      throw new Error(
        `${name} on the WASM backend takes tensors of at most ${MAX_RANK} dimensions, got [${a.shape}] and [${b.shape}]`,
      );
    }
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = backend.makeOutput(shape, outputDtype ?? a.dtype);
    if (tf.util.sizeFromShape(shape) === 0) return out;
    if (module !== backend.wasm || call === null) {
      module = backend.wasm;
      call = module.cwrap(name, null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number']);
    }
    for (let i = 0; i < a.shape.length; i++) aShape[i] = a.shape[i];
    for (let i = 0; i < b.shape.length; i++) bShape[i] = b.shape[i];
    const ids = backend.dataIdMap;
    call(
      ids.get(a.dataId).id,
      aShapeBytes,
      a.shape.length,
      ids.get(b.dataId).id,
      bShapeBytes,
      b.shape.length,
      dtype,
      ids.get(out.dataId).id,
    );
    return out;
  };
}
