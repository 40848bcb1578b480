import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect } from 'vitest';
import { type NodeBackend, selectNodeBackend } from '../../src/cli/backend';

/** Use the deterministic pure-JS CPU backend for core tests (and fail loudly if tfjs falls back). */
export async function useCpuBackend(): Promise<typeof tf> {
  const ok = await tf.setBackend('cpu');
  if (!ok || tf.getBackend() !== 'cpu') throw new Error(`could not select the cpu backend (got ${tf.getBackend()})`);
  await tf.ready();
  return tf;
}

/**
 * Runs the enclosing suite on `backend` (selected and checked as the CLI selects it) and returns to the CPU backend
 * after it, first calling `cleanUp` (suites that unregister kernels register them again there), so the suites after
 * it in the same file start where core tests expect.
 */
export function useBackendInSuite(backend: NodeBackend, cleanUp?: () => void): void {
  beforeAll(async () => {
    await selectNodeBackend(backend);
  });
  afterAll(async () => {
    cleanUp?.();
    await useCpuBackend();
  });
}

/**
 * Runs `fn` once to warm up (kernels may cache constants), then again and asserts the second run
 * leaves the number of live tensors unchanged — the tfjs `expectNoLeakedTensors` idea.
 */
export async function expectNoLeakedTensors(fn: () => unknown | Promise<unknown>): Promise<void> {
  await fn();
  const before = tf.memory().numTensors;
  await fn();
  expect(tf.memory().numTensors).toBe(before);
}

/** Element-wise closeness for plain arrays, with a message naming the first mismatch. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= tolerance * Math.max(1, Math.abs(expected[i])))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tolerance})`);
    }
  }
}
