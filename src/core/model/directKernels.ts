/**
 * The tfjs WASM (4.22) kernels replaced by direct calls of the same WASM functions (wasmCalls.ts; bit-identical
 * results): the element-wise binary ops (Add, Multiply, Maximum, …; a step makes about seventy such calls, Adam
 * alone about fifty), Transpose, and Sum (whose stock kernel transposes through the stock Transpose whenever it
 * reduces an axis other than the last: every bias gradient). Complex or string tensors go to the original kernel.
 * Binary operands of more than 6 dimensions are refused with an error: XNNPACK, which runs those ops, takes at
 * most 6 and the stock kernel returns uninitialised memory for more.
 */
import * as tf from '@tensorflow/tfjs';
import {
  CPP_DTYPE,
  exported,
  idOf,
  scratchShape,
  sumDirect,
  type TensorInfo,
  transposeDirect,
  type WasmBackendLike,
} from './wasmCalls';

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

/** XNNPACK's XNN_MAX_TENSOR_DIMS. */
const MAX_RANK = 6;

/** The replacement kernel function for `name`; `original` runs whatever it does not handle. */
export function binaryKernel(name: BinaryWasmKernel, original: KernelConfig): (args: KernelArgs) => TensorInfo {
  const outputDtype = BINARY_WASM_KERNELS[name];
  const call = exported(name, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number']);
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
    call(backend)(
      idOf(backend, a),
      scratchShape(0, a.shape),
      a.shape.length,
      idOf(backend, b),
      scratchShape(1, b.shape),
      b.shape.length,
      dtype,
      idOf(backend, out),
    );
    return out;
  };
}

/** Every kernel replaced here, by name. */
export const DIRECT_WASM_KERNELS: readonly string[] = [...Object.keys(BINARY_WASM_KERNELS), 'Transpose', 'Sum'];

/** The replacement kernel function for one of {@link DIRECT_WASM_KERNELS}. */
export function directKernel(name: string, original: KernelConfig): (args: KernelArgs) => TensorInfo {
  if (name in BINARY_WASM_KERNELS) return binaryKernel(name as BinaryWasmKernel, original);
  const direct = name === 'Transpose' ? transposeKernel : name === 'Sum' ? sumKernel : null;
  if (!direct) throw new Error(`no direct WASM kernel for ${name}`);
  return (args) => direct(args) ?? (original.kernelFunc(args) as TensorInfo);
}

function transposeKernel(args: KernelArgs): TensorInfo | null {
  const { perm } = args.attrs as { perm: number[] };
  return transposeDirect(args.backend as unknown as WasmBackendLike, args.inputs.x as unknown as TensorInfo, perm);
}

function sumKernel(args: KernelArgs): TensorInfo | null {
  const attrs = args.attrs as { axis: number | number[]; keepDims: boolean };
  return sumDirect(args.backend as unknown as WasmBackendLike, args.inputs.x as unknown as TensorInfo, attrs);
}
