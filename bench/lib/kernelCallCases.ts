/**
 * The cases of bench/kernelCalls.ts, bundled for a browser worker and imported in Node alike: small WASM kernel
 * calls of a training step, each with the stock tfjs-backend-wasm kernel and with the direct calls of
 * src/core/model (wasmCalls.ts), plus the typed-array costs around them. Medians of rounds, in µs per call.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerFastWasmKernels, unregisterFastWasmKernels } from '../../src/core/model/fastKernels';
import { valuesView } from '../../src/core/tensorValues';

export type KernelCallTimes = Record<string, { stock: number; direct: number }>;

const ROUNDS = 9;
const CALLS = 1000;

function timeCalls(f: () => unknown): number {
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i += 100) {
    tf.tidy(() => {
      for (let k = 0; k < 100; k++) f();
    });
  }
  return ((performance.now() - t0) / CALLS) * 1000;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Starts WASM (files under `wasmBase`), then times every case both ways, interleaved round by round. */
export async function kernelCallTimes(wasmBase: string): Promise<KernelCallTimes> {
  setWasmPaths(wasmBase);
  if (!(await tf.setBackend('wasm'))) throw new Error('the WASM backend did not start');
  const x = tf.randomNormal([64, 64]);
  const column = tf.randomNormal([64, 1]);
  const wide = tf.randomNormal([64, 128]);
  const two = tf.scalar(2);
  // Each case: [the stock way, the direct way]; kernels are swapped between the two.
  const cases: Record<string, [() => unknown, () => unknown]> = {
    'multiply [64,64] × scalar': [() => tf.mul(x, two), () => tf.mul(x, two)],
    'add [64,64] + [64,1]': [() => tf.add(x, column), () => tf.add(x, column)],
    'transpose [64,64]': [() => tf.transpose(x), () => tf.transpose(x)],
    'sum [64,128] over rows': [() => tf.sum(wide, 0), () => tf.sum(wide, 0)],
    'matMul [64,64] · [64,64]': [() => tf.matMul(x, x), () => tf.matMul(x, x)],
    'ones [64,64] (JS array) / onesLike': [() => tf.ones([64, 64]), () => tf.onesLike(x)],
    'read [64,64]: dataSync / in place': [() => x.dataSync(), () => valuesView(x)],
  };
  const samples: Record<string, { stock: number[]; direct: number[] }> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, [stock, direct]] of Object.entries(cases)) {
      const s = (samples[name] ??= { stock: [], direct: [] });
      unregisterFastWasmKernels();
      s.stock.push(timeCalls(stock));
      registerFastWasmKernels();
      s.direct.push(timeCalls(direct));
    }
  }
  tf.dispose([x, column, wide, two]);
  const out: KernelCallTimes = {};
  for (const [name, s] of Object.entries(samples)) {
    out[name] = { stock: Math.round(median(s.stock) * 100) / 100, direct: Math.round(median(s.direct) * 100) / 100 };
  }
  return out;
}
