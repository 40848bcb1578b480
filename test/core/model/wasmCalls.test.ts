/**
 * Transpose, Sum, BatchMatMul and _FusedMatMul called through wasmCalls.ts must give exactly what the stock WASM kernels
 * give — same WASM functions, same arguments — for every permutation (size-1 axes dropped and renumbered as the
 * stock kernel does), float32, int32 and bool data, broadcast batches, and every fused activation with and without
 * a bias; and leave no tensor behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackendInSuite } from '../../helpers/tf';
import { registerFastWasmKernels, unregisterFastWasmKernels } from '../../../src/core/model/fastKernels';
import { Rng } from '../../../src/core/rng';

/** Every permutation of 0..n−1. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

interface Result {
  dtype: string;
  shape: number[];
  values: number[];
}

/** Tensors, buffers and bytes held: a buffer a kernel forgot to free shows even when no tensor does. */
function footprint(): { tensors: number; buffers: number; bytes: number } {
  const m = tf.memory();
  return { tensors: m.numTensors, buffers: m.numDataBuffers, bytes: m.numBytes };
}

function read(t: tf.Tensor): Result {
  return { dtype: t.dtype, shape: t.shape, values: Array.from(t.dataSync()) };
}

function transposes(): Result[] {
  const rng = new Rng(5);
  const out: Result[] = [];
  const shapes = [[3, 4], [2, 3, 4], [2, 1, 3, 1], [1, 4, 1, 2, 3], [5]];
  for (const shape of shapes) {
    const size = shape.reduce((p, s) => p * s, 1);
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const x = tf.tensor(
        Array.from({ length: size }, () => (dtype === 'float32' ? rng.normal() : rng.int(dtype === 'bool' ? 2 : 100))),
        shape,
        dtype,
      );
      for (const perm of permutations(shape.length)) {
        const t = tf.transpose(x, perm);
        out.push(read(t));
        t.dispose();
      }
      x.dispose();
    }
  }
  return out;
}

/** Every subset of 0..n−1 (as axis lists), the empty one included. */
function subsets(n: number): number[][] {
  return Array.from({ length: 1 << n }, (_, m) => Array.from({ length: n }, (_, i) => i).filter((i) => m & (1 << i)));
}

function sums(): Result[] {
  const rng = new Rng(8);
  const out: Result[] = [];
  for (const shape of [
    [4, 3],
    [2, 3, 4],
    [1, 4, 1, 3],
    [3, 1],
    [0, 3],
  ]) {
    const size = shape.reduce((p, s) => p * s, 1);
    for (const dtype of ['float32', 'int32'] as const) {
      const x = tf.tensor(
        Array.from({ length: size }, () => (dtype === 'float32' ? rng.normal() : rng.int(50) - 25)),
        shape,
        dtype,
      );
      for (const axes of [...subsets(shape.length), -1]) {
        for (const keepDims of [false, true]) {
          const t = tf.sum(x, axes, keepDims);
          out.push(read(t));
          t.dispose();
        }
      }
      x.dispose();
    }
  }
  return out;
}

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;

function products(): Result[] {
  const rng = new Rng(6);
  const t = (shape: number[]) =>
    tf.tensor(
      Array.from({ length: shape.reduce((p, s) => p * s, 1) }, () => rng.normal()),
      shape,
    );
  const results: Result[] = [];
  tf.tidy(() => {
    const out: tf.Tensor[] = [
      tf.matMul(t([5, 4]), t([4, 3])),
      tf.matMul(t([2, 5, 4]), t([2, 4, 3])),
      tf.matMul(t([2, 5, 4]), t([4, 3])), // b broadcast over a's batch
      tf.matMul(t([3, 1, 5, 4]), t([2, 4, 6])), // batches broadcast both ways
      tf.matMul(t([4, 5]), t([4, 3]), true, false), // flags: transposed first, then the same call
      tf.matMul(t([5, 4]), t([3, 4]), false, true),
    ];
    for (const activation of ACTIVATIONS) {
      for (const withBias of [false, true]) {
        out.push(
          tf.fused.matMul({
            a: t([6, 5]),
            b: t([5, 4]),
            bias: withBias ? t([4]) : undefined,
            activation,
            preluActivationWeights: activation === 'prelu' ? t([4]) : undefined,
            leakyreluAlpha: activation === 'leakyrelu' ? 0.3 : undefined,
          }),
        );
      }
    }
    results.push(...out.map(read));
  });
  return results;
}

/** `run` with the stock kernels, then with the direct ones, which must free everything they make. */
function stockThenDirect<T>(run: () => T): { stock: T; fast: T } {
  unregisterFastWasmKernels();
  const stock = run();
  registerFastWasmKernels();
  const before = footprint();
  const fast = run();
  expect(footprint()).toEqual(before);
  return { stock, fast };
}

describe('WASM kernels called without per-call typed arrays', () => {
  useBackendInSuite('wasm', registerFastWasmKernels);

  it('Transpose: the stock kernel’s exact result for every permutation, shape with size-1 axes and dtype', () => {
    const { stock, fast } = stockThenDirect(transposes);
    expect(fast.length).toBe(stock.length);
    expect(fast).toEqual(stock);
  });

  it('Sum: the stock kernel’s exact result over every set of axes, kept or not, with size-1 and empty axes', () => {
    const { stock, fast } = stockThenDirect(sums);
    expect(fast).toEqual(stock);
    expect(fast.length).toBeGreaterThan(100);
  });

  it('BatchMatMul and _FusedMatMul: the stock kernels’ exact products, broadcast batches and every activation', () => {
    const { stock, fast } = stockThenDirect(products);
    // The flagged products (4, 5) differ from stock only where stock is wrong, which it is not for plain matMul.
    expect(fast).toEqual(stock);
    // Activations change the values: the cases are not all the same product.
    expect(new Set(fast.slice(6).map((r) => r.values[0])).size).toBeGreaterThan(6);
  });
});
