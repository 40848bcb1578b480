import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/worker/backend';
import {
  capabilityNotes,
  joinNotes,
  probeWorkerCapabilities,
  type WorkerCapabilities,
  webglBlockedReason,
} from '../../src/worker/engineCapabilities';

const usual: WorkerCapabilities = { webgl2: 'ok', wasmSimd: true, wasmThreads: false };

describe('engine capabilities', () => {
  it("probes Node's own scope: WebAssembly SIMD yes, OffscreenCanvas no, threads off without isolation", () => {
    const caps = probeWorkerCapabilities();
    // Node 20's V8 validates the SIMD module tfjs-wasm tests with, exactly as Chromium's does.
    expect(caps.wasmSimd).toBe(true);
    expect(caps.webgl2).toBe('no-offscreen-canvas');
    expect(caps.wasmThreads).toBe(false);
  });

  it('names why WebGL cannot run in the worker, for each way an engine refuses it', () => {
    expect(webglBlockedReason(usual)).toBeNull();
    expect(webglBlockedReason({ ...usual, webgl2: 'no-offscreen-canvas' })).toBe(
      'this browser has no OffscreenCanvas in workers, so no WebGL where training runs',
    );
    expect(webglBlockedReason({ ...usual, webgl2: 'no-context' })).toBe(
      'this browser gives workers no WebGL2 context (WebGL is off or missing here)',
    );
    expect(webglBlockedReason({ ...usual, webgl2: 'performance-caveat' })).toMatch(/software only/);
  });

  it('notes the plain WASM build only where SIMD is missing and WASM runs', () => {
    expect(capabilityNotes('wasm', usual)).toEqual([]);
    expect(capabilityNotes('wasm', { ...usual, wasmSimd: false })).toEqual([
      "this browser's WebAssembly has no SIMD, so WASM runs its plain build (slower)",
    ]);
    expect(capabilityNotes('cpu', { ...usual, wasmSimd: false })).toEqual([]);
    expect(capabilityNotes('webgl', { ...usual, wasmSimd: false })).toEqual([]);
  });

  it('joins a fallback reason and notes into one note', () => {
    expect(joinNotes(undefined, [])).toBeUndefined();
    expect(joinNotes('a', [])).toBe('a');
    expect(joinNotes(undefined, ['b'])).toBe('b');
    expect(joinNotes('a', ['b', 'c'])).toBe('a; b; c');
  });

  it('selectBackend skips a WebGL the engine refuses and says so; a forced CPU carries no WASM note', async () => {
    // Real tfjs in Node: the WebGL attempt is skipped because of the refusal, WASM or CPU starts.
    const auto = await selectBackend('auto', { ...usual, webgl2: 'no-context', wasmSimd: false });
    expect(['wasm', 'cpu']).toContain(auto.backend);
    expect(auto.reason).toMatch(
      /^WebGL could not start \(this browser gives workers no WebGL2 context \(WebGL is off or missing here\)\); using WASM/,
    );
    if (auto.backend === 'wasm') expect(auto.reason).toMatch(/has no SIMD, so WASM runs its plain build/);
    const cpu = await selectBackend('cpu', { ...usual, wasmSimd: false });
    expect(cpu).toEqual({ backend: 'cpu' });
  });
});
