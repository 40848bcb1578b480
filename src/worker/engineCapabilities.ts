/**
 * What the browser engine running the training worker offers the backends, and the sentences the page shows when an
 * engine makes the worker take another path (the backend note, next to the WebGL → WASM reason). Browsers differ
 * here: headless Firefox and WebKitGTK give a worker no WebGL2 context, some engines lack WebAssembly SIMD. The
 * probe runs in any scope (the app's is the training worker); the sentences are pure functions of what it found, so
 * they are tested in Node.
 */
import type { ActiveBackend } from './protocol';

/** What a WebGL2 context in this worker looks like: tfjs's WebGL backend needs one on an OffscreenCanvas. */
export type WorkerWebgl = 'ok' | 'no-offscreen-canvas' | 'no-context' | 'performance-caveat';

/** What the worker scope offers, probed once (see `probeWorkerCapabilities`). */
export interface WorkerCapabilities {
  webgl2: WorkerWebgl;
  /** WebAssembly validates a SIMD module (tfjs-wasm then loads its SIMD build). */
  wasmSimd: boolean;
  /** SharedArrayBuffer under cross-origin isolation: what WASM threads would need (the app keeps them off). */
  wasmThreads: boolean;
}

/** The SIMD test module tfjs-backend-wasm 4.22 validates (`v128.const` + `i8x16.splat`), so both agree. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11,
]);

type OffscreenCanvasLike = new (
  width: number,
  height: number,
) => { getContext(kind: 'webgl2', attributes?: WebGLContextAttributes): WebGL2RenderingContext | null };

/**
 * Asks for a WebGL2 context the way tfjs does (it insists on `failIfMajorPerformanceCaveat`), then without that
 * flag, so a refusal can be told apart from a software-only one. The 1 × 1 contexts are released at once.
 */
function probeWebgl2(scope: typeof globalThis): WorkerWebgl {
  const Canvas = (scope as { OffscreenCanvas?: OffscreenCanvasLike }).OffscreenCanvas;
  if (typeof Canvas !== 'function') return 'no-offscreen-canvas';
  const tryContext = (attributes: WebGLContextAttributes): boolean => {
    try {
      const gl = new Canvas(1, 1).getContext('webgl2', attributes);
      gl?.getExtension('WEBGL_lose_context')?.loseContext();
      return gl !== null;
    } catch {
      return false;
    }
  };
  if (tryContext({ failIfMajorPerformanceCaveat: true })) return 'ok';
  return tryContext({}) ? 'performance-caveat' : 'no-context';
}

/** Probes the current global scope (a worker in the app; any scope works). */
export function probeWorkerCapabilities(scope: typeof globalThis = globalThis): WorkerCapabilities {
  let wasmSimd = false;
  try {
    wasmSimd = typeof WebAssembly !== 'undefined' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    wasmSimd = false;
  }
  return {
    webgl2: probeWebgl2(scope),
    wasmSimd,
    wasmThreads:
      typeof (scope as { SharedArrayBuffer?: unknown }).SharedArrayBuffer === 'function' &&
      (scope as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  };
}

/**
 * Why WebGL cannot run in this worker, known before trying it, or null when it may. Trying anyway only gives
 * `tf.setBackend("webgl") returned false`, which does not tell the user that the browser is the reason.
 */
export function webglBlockedReason(caps: WorkerCapabilities): string | null {
  switch (caps.webgl2) {
    case 'no-offscreen-canvas':
      return 'this browser has no OffscreenCanvas in workers, so no WebGL where training runs';
    case 'no-context':
      return 'this browser gives workers no WebGL2 context (WebGL is off or missing here)';
    case 'performance-caveat':
      return "this browser's WebGL2 in workers is software only (a major performance caveat)";
    default:
      return null;
  }
}

/**
 * The notes for the backend in use: which path the engine made the worker take and why. Empty when the engine takes
 * the usual path. (WASM threads are off in every engine: they need a cross-origin isolated page, which a static host
 * may not give, so their absence is no engine's fallback.)
 */
export function capabilityNotes(backend: ActiveBackend, caps: WorkerCapabilities): string[] {
  return backend === 'wasm' && !caps.wasmSimd
    ? ["this browser's WebAssembly has no SIMD, so WASM runs its plain build (slower)"]
    : [];
}

/** Joins a fallback reason and capability notes into the one backend note the page shows (undefined: no note). */
export function joinNotes(reason: string | undefined, notes: readonly string[]): string | undefined {
  const all = [...(reason ? [reason] : []), ...notes];
  return all.length ? all.join('; ') : undefined;
}
