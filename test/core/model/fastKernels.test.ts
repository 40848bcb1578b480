/**
 * The replacement WASM kernels (fastKernels.ts) must compute exactly what the stock kernels and the CPU reference
 * compute: matMul with every transpose flag (plain, fused with bias and activation, batched, broadcast), row gathers
 * (and the cases they hand back to the original), and a copy-free Identity that still behaves like a copy.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectNodeBackend } from '../../../src/cli/backend';
import {
  FAST_WASM_KERNELS,
  fastWasmKernelsActive,
  registerFastWasmKernels,
  unregisterFastWasmKernels,
} from '../../../src/core/model/fastKernels';
import { Rng } from '../../../src/core/rng';
import { expectAllClose } from '../../helpers/tf';

function values(shape: number[], seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

/** Every product of the cases below, as plain arrays, on the active backend. */
function products(): number[][] {
  return tf.tidy(() => {
    const a = tf.tensor(values([6, 5], 1), [6, 5]) as tf.Tensor2D;
    const b = tf.tensor(values([5, 4], 2), [5, 4]) as tf.Tensor2D;
    const aT = tf.tensor(values([5, 6], 3), [5, 6]) as tf.Tensor2D;
    const bT = tf.tensor(values([4, 5], 4), [4, 5]) as tf.Tensor2D;
    const bias = tf.tensor1d(values([4], 5));
    const batchA = tf.tensor(values([3, 5, 6], 6), [3, 5, 6]) as tf.Tensor3D;
    const batchB = tf.tensor(values([3, 4, 5], 7), [3, 4, 5]) as tf.Tensor3D;
    const shared = tf.tensor(values([4, 5], 8), [4, 5]) as tf.Tensor2D;
    const out = [
      tf.matMul(a, b),
      tf.matMul(aT, b, true, false),
      tf.matMul(a, bT, false, true),
      tf.matMul(aT, bT, true, true),
      tf.fused.matMul({ a: aT, b, transposeA: true, bias, activation: 'relu' }),
      tf.fused.matMul({ a, b: bT, transposeB: true, bias, activation: 'elu' }),
      tf.fused.matMul({ a: aT, b: bT, transposeA: true, transposeB: true, activation: 'linear' }),
      tf.matMul(batchA, batchB, true, true),
      tf.matMul(batchA, shared, true, true),
    ];
    return out.map((t) => Array.from(t.dataSync()));
  });
}

/** Gradients of a small Dense → relu → Dense network: the matMul gradients set the transpose flags. */
function denseGradients(): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor(values([8, 7], 9), [8, 7]) as tf.Tensor2D;
    const w1 = tf.tensor(values([7, 5], 10), [7, 5]) as tf.Tensor2D;
    const b1 = tf.tensor1d(values([5], 11));
    const w2 = tf.tensor(values([5, 3], 12), [5, 3]) as tf.Tensor2D;
    const f = (p: tf.Tensor2D, q: tf.Tensor1D, r: tf.Tensor2D) =>
      tf.sum(tf.square(tf.matMul(tf.fused.matMul({ a: x, b: p, bias: q, activation: 'relu' }), r)));
    const grads = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
      f(p as tf.Tensor2D, q as tf.Tensor1D, r as tf.Tensor2D),
    )([w1, b1, w2]);
    return grads.map((g) => Array.from(g.dataSync()));
  });
}

function gathers(): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor(values([10, 3, 2], 13), [10, 3, 2]);
    const ints = tf.tensor2d(
      Array.from({ length: 20 }, (_, i) => i * 3 - 7),
      [10, 2],
      'int32',
    );
    const idx = tf.tensor1d([9, 0, 4, 4, 2], 'int32');
    return [
      tf.gather(x, idx),
      tf.gather(ints, idx),
      tf.gather(
        x,
        tf.tensor2d(
          [
            [1, 2],
            [3, 9],
          ],
          [2, 2],
          'int32',
        ),
      ),
      tf.gather(x, tf.tensor1d([2, 0], 'int32'), 1), // not axis 0: the original kernel
      tf.gather(x, tf.tensor1d([1, 0], 'int32'), -1),
      tf.gather(x, tf.tensor1d([], 'int32')),
      tf.slice(x, [2, 0, 0], [4, 3, 2]), // whole rows: one contiguous run
      tf.slice(x, [3, 1, 0], [1, 2, 2]), // contiguous inside one row
      tf.slice(x, [0, 1, 0], [10, 1, 2]), // one run per row
      tf.slice(ints, [4, 0], [-1, -1]),
      tf.slice(tf.range(0, 7, 1, 'int32'), 2, 3),
      tf.slice(x, [5, 0, 0], [0, 3, 2]),
      tf.slice(tf.reshape(x, [2, 5, 3, 2]), [1, 1, 1, 0], [1, 3, 2, 2]), // a window of an image batch: one run per row
      tf.slice(tf.reshape(x, [2, 5, 3, 2]), [0, 2, 0, 1], [2, 2, 3, 1]), // the last axis cut: runs of one value
      tf.slice(tf.reshape(ints, [2, 5, 2]), [0, 1, 0], [2, 3, 2]),
    ].map((t) => [...t.shape, ...Array.from(t.dataSync())]);
  });
}

/** Input gradients of conv2d (stride 1 takes the conv path; stride 2 stays with the original). */
function convInputGradients(): number[][] {
  const cases: { x: number[]; k: number[]; stride: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 7, 6, 3], k: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { x: [2, 7, 6, 3], k: [3, 3, 3, 4], stride: 1, pad: 'valid' },
    { x: [1, 6, 5, 2], k: [2, 2, 2, 3], stride: 1, pad: 'same' }, // even kernel: uneven padding
    { x: [1, 9, 8, 2], k: [5, 3, 2, 3], stride: 1, pad: 'same' },
    { x: [2, 7, 6, 3], k: [3, 3, 3, 4], stride: 2, pad: 'same' },
  ];
  return cases.map(({ x, k, stride, pad }, c) =>
    tf.tidy(() => {
      const input = tf.tensor4d(values(x, 20 + c), x as [number, number, number, number]);
      const kernel = tf.tensor4d(values(k, 30 + c), k as [number, number, number, number]);
      const out = tf.conv2d(input, kernel, stride, pad);
      const dy = tf.tensor(values(out.shape, 40 + c), out.shape);
      const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(t as tf.Tensor4D, kernel, stride, pad), dy)))(input);
      return [...dx.shape, ...Array.from(dx.dataSync())];
    }),
  );
}

/** Max-pool input gradients: ties, windows of negative values, NaN, overlapping windows and 'same' padding. */
function maxPoolGradients(): number[][] {
  const cases: { shape: [number, number, number, number]; size: number; stride: number; pad: 'same' | 'valid' }[] = [
    { shape: [2, 6, 6, 3], size: 2, stride: 2, pad: 'valid' },
    { shape: [2, 7, 5, 2], size: 3, stride: 2, pad: 'same' },
    { shape: [1, 5, 5, 4], size: 2, stride: 1, pad: 'valid' },
  ];
  return cases.map(({ shape, size, stride, pad }, c) =>
    tf.tidy(() => {
      const rng = new Rng(50 + c);
      // Whole numbers from −4 to 1: most windows hold ties, many only negative values; one NaN.
      const raw = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.int(6) - 4);
      raw[7] = NaN;
      const x = tf.tensor4d(raw, shape);
      const out = tf.maxPool(x, size, stride, pad);
      const dy = tf.tensor(values(out.shape, 60 + c), out.shape);
      const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, size, stride, pad), dy)))(x);
      return [...dx.shape, ...Array.from(dx.dataSync())];
    }),
  );
}

describe('fast WASM kernels', () => {
  let cpu: { products: number[][]; grads: number[][]; gathers: number[][]; convInput: number[][]; maxPool: number[][] };

  beforeAll(async () => {
    await selectNodeBackend('cpu');
    cpu = {
      products: products(),
      grads: denseGradients(),
      gathers: gathers(),
      convInput: convInputGradients(),
      maxPool: maxPoolGradients(),
    };
    await selectNodeBackend('wasm');
  });

  afterAll(async () => {
    registerFastWasmKernels();
    await selectNodeBackend('cpu');
  });

  it('register and unregister swap every kernel, once', () => {
    unregisterFastWasmKernels();
    expect(fastWasmKernelsActive()).toBe(false);
    expect(registerFastWasmKernels()).toEqual([...FAST_WASM_KERNELS]);
    expect(registerFastWasmKernels()).toEqual([]);
    expect(fastWasmKernelsActive()).toBe(true);
  });

  it('matMul with every transpose flag, fused or not, batched or broadcast: same as CPU (and as stock WASM where that is right)', () => {
    registerFastWasmKernels();
    const fast = products();
    unregisterFastWasmKernels();
    const stock = products();
    registerFastWasmKernels();
    fast.forEach((values, i) => expectAllClose(values, cpu.products[i], 1e-5));
    // The stock _FusedMatMul (cases 4–6) mis-adds bias/activation when a transpose flag is set in tfjs-wasm 4.22,
    // so only the plain products are compared with it.
    for (const i of [0, 1, 2, 3, 7, 8]) expectAllClose(fast[i], stock[i], 1e-5);
  });

  it('gradients through Dense layers match the CPU backend', () => {
    registerFastWasmKernels();
    denseGradients().forEach((g, i) => expectAllClose(g, cpu.grads[i], 1e-4));
  });

  it('conv input gradients (stride 1 through Conv2D, other strides through the original) match the CPU backend', () => {
    registerFastWasmKernels();
    const fast = convInputGradients();
    fast.forEach((g, i) => {
      expect(g.slice(0, 4)).toEqual(cpu.convInput[i].slice(0, 4));
      expectAllClose(g.slice(4), cpu.convInput[i].slice(4), 1e-4);
    });
  });

  it('max-pool gradients go to the first maximum like the CPU backend, also where stock tfjs-wasm sends them to element 0', () => {
    registerFastWasmKernels();
    const fast = maxPoolGradients();
    fast.forEach((g, i) => expectAllClose(g, cpu.maxPool[i], 1e-6));
    unregisterFastWasmKernels();
    const stock = maxPoolGradients();
    registerFastWasmKernels();
    // Stock tfjs-wasm 4.22 starts each window's maximum at the smallest positive float: windows of values ≤ 0 lose
    // their gradient to element 0 (this documents the bug the replacement fixes).
    expect(stock[0]).not.toEqual(cpu.maxPool[0]);
  });

  it('gathers rows and slices contiguous runs (float and int, repeats, empty) and leaves the rest to the originals', () => {
    registerFastWasmKernels();
    expect(gathers()).toEqual(cpu.gathers.map((g) => g.map((v) => Math.fround(v))));
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const bad = tf.tensor1d([0, 2], 'int32');
    expect(() => tf.gather(x, bad)).toThrow(/index value 2 is not in \[0, 1\]/);
    tf.dispose([x, bad]);
  });

  it('Identity shares memory yet behaves like a copy, and frees it only with the last reference', () => {
    registerFastWasmKernels();
    const before = tf.memory();
    const x = tf.tensor1d([1, 2, 3]);
    const copy = tf.clone(x);
    expect(tf.memory().numDataBuffers - before.numDataBuffers).toBe(1); // one buffer for both
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    const v = tf.variable(copy);
    const next = tf.tensor1d([7, 8, 9]);
    v.assign(next);
    next.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([copy, v]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });
});
