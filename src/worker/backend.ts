/**
 * Backend selection for the browser worker: WebGL2 on a real GPU, else WASM (SIMD, no threads), else the pure-JS
 * CPU backend. The decision is a pure function of what a probe found (`decideAfterProbe`), so it is tested in Node;
 * the probing itself (`selectBackend`) needs a browser. `tf.setBackend` returns false silently on failure, so every
 * switch is checked against `tf.getBackend()`.
 *
 * This module has no Vite-only imports: the worker entry passes the .wasm URLs in with `configureWasmPaths`.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../core/config';
import {
  capabilityNotes,
  joinNotes,
  probeWorkerCapabilities,
  type WorkerCapabilities,
  webglBlockedReason,
} from './engineCapabilities';
import type { ActiveBackend } from './protocol';

/** The backend chosen, the GPU renderer string when WebGL was probed, and why the choice differs from the wish. */
export interface BackendChoice {
  backend: ActiveBackend;
  renderer?: string;
  reason?: string;
}

/** What trying WebGL found: whether it came up, its renderer string, or the failure. */
export interface WebglProbe {
  ok: boolean;
  renderer?: string;
  error?: string;
}

/** Order of fallbacks: each backend's next choice when it cannot start. */
export const FALLBACK_ORDER: readonly ActiveBackend[] = ['webgl', 'wasm', 'cpu'];

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software/i;

/**
 * A short human name of the software renderer behind `renderer` (e.g. "SwiftShader"), or null when it looks like
 * real GPU hardware. Software WebGL is slower than WASM, so auto mode avoids it.
 */
export function softwareRendererName(renderer: string | undefined): string | null {
  if (!renderer) return null;
  const match = SOFTWARE_RENDERER.exec(renderer);
  if (!match) return null;
  const word = match[0].toLowerCase();
  if (word === 'swiftshader') return 'SwiftShader';
  if (word === 'llvmpipe') return 'llvmpipe';
  if (word === 'softpipe') return 'softpipe';
  return 'software';
}

/**
 * What to do after probing WebGL: `use` a backend now, or `try` the non-GPU chain (WASM then CPU) with a reason
 * to report when that is not what was asked. Forced WebGL stays on a software renderer (the user asked for it).
 */
export function decideAfterProbe(
  wanted: BackendName,
  probe: WebglProbe,
): { use: 'webgl'; renderer?: string } | { try: 'wasm'; reason?: string; renderer?: string } {
  if (wanted === 'wasm' || wanted === 'cpu') throw new Error(`decideAfterProbe is only for auto/webgl, not ${wanted}`);
  if (!probe.ok) {
    return {
      try: 'wasm',
      reason: `WebGL could not start (${probe.error ?? 'unknown error'}); using WASM`,
      renderer: probe.renderer,
    };
  }
  const software = softwareRendererName(probe.renderer);
  if (software && wanted === 'auto') {
    return {
      try: 'wasm',
      reason: `WebGL is a software renderer (${software}); WASM is faster here`,
      renderer: probe.renderer,
    };
  }
  return { use: 'webgl', renderer: probe.renderer };
}

/**
 * The first backend of `FALLBACK_ORDER` at or after `start` that `starts(b)` accepts, with one reason per failure
 * joined into one sentence. Pure over its callback, so fallbacks are tested without a browser.
 */
export async function chooseBackend(
  start: ActiveBackend,
  starts: (b: ActiveBackend) => Promise<string | null>,
  initialReason?: string,
): Promise<{ backend: ActiveBackend; reason?: string }> {
  const reasons: string[] = initialReason ? [initialReason] : [];
  for (const candidate of FALLBACK_ORDER.slice(FALLBACK_ORDER.indexOf(start))) {
    const failure = await starts(candidate);
    if (failure === null) return { backend: candidate, reason: reasons.length ? reasons.join('; ') : undefined };
    reasons.push(`${candidate.toUpperCase()} could not start (${failure})`);
  }
  throw new Error(`no tfjs backend could start: ${reasons.join('; ')}`);
}

let wasmPathsSet = false;

/**
 * Tells the WASM backend where its .wasm files are (URLs from Vite `?url` imports in the worker entry) and turns
 * threads off (they need cross-origin isolation, which a static host may lack).
 */
export function configureWasmPaths(
  paths:
    | {
        'tfjs-backend-wasm.wasm': string;
        'tfjs-backend-wasm-simd.wasm': string;
        'tfjs-backend-wasm-threaded-simd.wasm': string;
      }
    | string,
): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths(paths);
  wasmPathsSet = true;
}

/** Activates one backend; null on success, else why not (setBackend's false result included). */
async function activate(name: ActiveBackend): Promise<string | null> {
  try {
    if (name === 'wasm' && !wasmPathsSet) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok) return `tf.setBackend("${name}") returned false`;
    if (tf.getBackend() !== name) return `tfjs is on ${tf.getBackend()} instead`;
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The webgl backend's GL context, when WebGL is the active backend. */
function glContext(): WebGL2RenderingContext | WebGLRenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } };
  return backend.gpgpu?.gl ?? null;
}

/** The GPU's renderer string (unmasked when the browser allows it). */
function readRenderer(): string | undefined {
  const gl = glContext();
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const value = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  return typeof value === 'string' ? value : undefined;
}

let probed: WorkerCapabilities | null = null;

/** This worker's capabilities, probed on first use (they do not change while it lives). */
function workerCapabilities(): WorkerCapabilities {
  probed ??= probeWorkerCapabilities();
  return probed;
}

/**
 * Activates `wanted` (auto: WebGL on real hardware, else WASM, else CPU) and returns what is really in use and why
 * it differs from the wish, including the paths this browser engine made it take (engineCapabilities.ts).
 */
export async function selectBackend(
  wanted: BackendName,
  caps: WorkerCapabilities = workerCapabilities(),
): Promise<BackendChoice> {
  const withNotes = (choice: BackendChoice): BackendChoice => {
    const reason = joinNotes(choice.reason, capabilityNotes(choice.backend, caps));
    return reason === undefined ? choice : { ...choice, reason };
  };
  if (wanted === 'wasm' || wanted === 'cpu') return withNotes(await chooseBackend(wanted, activate));
  const failure = webglBlockedReason(caps) ?? (await activate('webgl'));
  const probe: WebglProbe = failure === null ? { ok: true, renderer: readRenderer() } : { ok: false, error: failure };
  const decision = decideAfterProbe(wanted, probe);
  if ('use' in decision) return { backend: 'webgl', renderer: decision.renderer };
  const chosen = await chooseBackend('wasm', activate, decision.reason);
  return withNotes({ ...chosen, renderer: decision.renderer });
}

/** True when the active WebGL backend's context is gone (GPU reset, tab in background on some drivers). */
export function isContextLost(): boolean {
  const gl = glContext();
  return gl ? gl.isContextLost() : false;
}

/** Test hook: loses the WebGL context as a GPU reset would; false when not on WebGL or unsupported. */
export function loseContextForTest(): boolean {
  const gl = glContext();
  const extension = gl?.getExtension('WEBGL_lose_context');
  if (!extension) return false;
  extension.loseContext();
  return true;
}
