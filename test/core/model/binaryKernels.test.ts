/**
 * The allocation-free binary kernels (directKernels.ts) must give exactly the stock WASM kernels' results — same
 * WASM function, same arguments — for every op they replace, with broadcasting (scalars, rows, columns, rank 4),
 * int32 operands, comparisons' bool outputs and empty tensors; operands of more than 6 dimensions (where the stock
 * kernel returns uninitialised memory) get a clear error instead.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackendInSuite } from '../../helpers/tf';
import { BINARY_WASM_KERNELS, type BinaryWasmKernel } from '../../../src/core/model/directKernels';
import { registerFastWasmKernels, unregisterFastWasmKernels } from '../../../src/core/model/fastKernels';
import { Rng } from '../../../src/core/rng';

const OPS: Record<BinaryWasmKernel, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  Add: tf.add,
  Sub: tf.sub,
  Multiply: tf.mul,
  RealDiv: tf.div,
  Maximum: tf.maximum,
  Minimum: tf.minimum,
  SquaredDifference: tf.squaredDifference,
  Equal: tf.equal,
  NotEqual: tf.notEqual,
  Greater: tf.greater,
  GreaterEqual: tf.greaterEqual,
  Less: tf.less,
  LessEqual: tf.lessEqual,
};

/** Operand pairs [a shape, b shape]: same shape, scalar either side, row and column broadcasts, rank 4, empty. */
const SHAPES: [number[], number[]][] = [
  [
    [5, 4],
    [5, 4],
  ],
  [[5, 4], []],
  [[], [5, 4]],
  [
    [5, 1],
    [1, 4],
  ],
  [[5, 4], [4]],
  [
    [2, 3, 1, 4],
    [3, 5, 1],
  ],
  [
    [2, 1, 3, 1, 2, 2],
    [3, 2, 1],
  ],
  [[0, 4], [4]],
];

interface Result {
  dtype: string;
  shape: number[];
  values: number[];
}

/** Every op on every shape pair, float32 and int32 (whole numbers, with ties so comparisons see equality). */
function results(): Result[] {
  const rng = new Rng(7);
  const data = (shape: number[], whole: boolean) =>
    Array.from({ length: shape.reduce((p, s) => p * s, 1) }, () => (whole ? rng.int(5) - 2 : rng.normal() * 3));
  const out: Result[] = [];
  for (const dtype of ['float32', 'int32'] as const) {
    for (const [sa, sb] of SHAPES) {
      const a = tf.tensor(data(sa, dtype === 'int32'), sa, dtype);
      // Non-zero divisors; the float case also divides by exact zeros of both signs via the scalar case's data.
      const b = tf.tensor(
        data(sb, dtype === 'int32').map((v) => (v === 0 ? 1 : v)),
        sb,
        dtype,
      );
      for (const op of Object.values(OPS)) {
        const r = op(a, b);
        out.push({ dtype: r.dtype, shape: r.shape, values: Array.from(r.dataSync()) });
        r.dispose();
      }
      tf.dispose([a, b]);
    }
  }
  return out;
}

describe('allocation-free binary WASM kernels', () => {
  useBackendInSuite('wasm', registerFastWasmKernels);

  it('give the stock kernels’ exact values, dtypes and shapes for every op, dtype and broadcast', () => {
    unregisterFastWasmKernels();
    const stock = results();
    registerFastWasmKernels();
    const fast = results();
    expect(fast.length).toBe(2 * SHAPES.length * Object.keys(BINARY_WASM_KERNELS).length);
    expect(fast).toEqual(stock);
    // The cases are not trivial: comparisons give bools, and both values of them occur.
    const bools = fast.filter((r) => r.dtype === 'bool').flatMap((r) => r.values);
    expect(new Set(bools)).toEqual(new Set([0, 1]));
  });

  it('refuse operands of more than 6 dimensions with a clear error', () => {
    registerFastWasmKernels();
    const a = tf.ones([2, 1, 1, 1, 1, 1, 3]);
    expect(() => tf.add(a, tf.scalar(2))).toThrow(
      'Add on the WASM backend takes tensors of at most 6 dimensions, got [2,1,1,1,1,1,3] and []',
    );
    expect(() => tf.mul(tf.scalar(2), a)).toThrow(/Multiply .* at most 6 dimensions, got \[\] and \[2,1,1,1,1,1,3\]/);
    // Exactly 6 dimensions, on either side, is XNNPACK's limit and still computed.
    const six = tf.ones([2, 1, 1, 1, 1, 3]);
    const [sum, product] = tf.tidy(() => [tf.add(tf.scalar(2), six).dataSync(), tf.mul(six, tf.scalar(2)).dataSync()]);
    expect(Array.from(sum)).toEqual(new Array(6).fill(3));
    expect(Array.from(product)).toEqual(new Array(6).fill(2));
    tf.dispose([a, six]);
  });

  it('leave no tensor behind', () => {
    registerFastWasmKernels();
    const before = tf.memory().numTensors;
    results();
    expect(tf.memory().numTensors).toBe(before);
  });
});
