/**
 * Backend selection for Node (CLI, benchmarks, tests): WASM (SIMD, no threads) or the pure-JS CPU backend.
 * `tf.setBackend` returns false and silently falls back on failure, so every choice is checked.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type NodeBackend = 'cpu' | 'wasm';

let wasmConfigured = false;

function configureWasm(): void {
  if (wasmConfigured) return;
  wasmConfigured = true;
  // Threaded WASM needs cross-origin isolation in browsers and workers in Node; plain SIMD is what we ship.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(`${dirname(entry)}/`);
}

/**
 * Activates `wanted` ('auto' = WASM, falling back to CPU) and returns the backend really in use and, after a
 * fallback, why.
 */
export async function selectNodeBackend(
  wanted: 'auto' | NodeBackend,
): Promise<{ backend: NodeBackend; fallbackReason?: string }> {
  if (wanted === 'cpu') {
    if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend could not be initialised');
    return { backend: 'cpu' };
  }
  configureWasm();
  let reason = '';
  try {
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      if (tf.getBackend() === 'wasm') return { backend: 'wasm' };
    }
    reason = 'tf.setBackend("wasm") returned false';
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  if (wanted === 'wasm') throw new Error(`the wasm backend could not be initialised: ${reason}`);
  if (!(await tf.setBackend('cpu'))) throw new Error('neither the wasm nor the cpu backend could be initialised');
  return { backend: 'cpu', fallbackReason: `wasm unavailable (${reason}); using cpu` };
}
