/**
 * What the training session needs from its surroundings. The worker entry gives it `self`, fetch, the WebGL backend
 * and the real clock; a Node test gives it an event list, files on disk, CPU/WASM and a virtual clock. Nothing in
 * the session touches `self` or the DOM.
 */
import type { BackendName } from '../core/config';
import type { AssetReader } from '../core/data/builtin';
import type { BackendChoice } from './backend';
import type { WorkerEvent } from './protocol';

export interface SessionHost {
  post(event: WorkerEvent, transfer: Transferable[]): void;
  readAsset: AssetReader;
  /** Activates a backend (with fallbacks) and says which one runs and why. */
  selectBackend(wanted: BackendName): Promise<BackendChoice>;
  /** Milliseconds, monotonic. Every rate limit and slice length is measured on this clock. */
  now(): number;
  /** Lets queued commands (pause!) run between slices; a macrotask, not a frame. */
  yieldToEvents(): Promise<void>;
  /** Waits between steps in slow motion (default: setTimeout). */
  sleep?(ms: number): Promise<void>;
  /** True when the WebGL context is gone (only meaningful on webgl). */
  isContextLost?(): boolean;
  /** Test hook behind `debug-lose-context`. */
  loseContext?(): boolean;
}

/** Work per slice before yielding: short enough that a pause lands within ~100 ms. */
export const SLICE_MS = 25;
/** Minimum gaps between events of one kind, so a fast loop cannot flood the UI. */
export const PROGRESS_INTERVAL_MS = 100;
export const SNAPSHOT_INTERVAL_MS = 250;
export const METRICS_INTERVAL_MS = 1000;
/**
 * The most of the training time metrics and snapshots may take (cadence.ts). Together with the progress events and
 * checkpoints they leave the loop close to 90% of the worker's time, so the page trains at 0.8 or more of the rate
 * Node does with every live view on: 11% for the views would leave a worker exactly as fast as Node per CPU second
 * no margin for the browser's own threads on two cores. At the demo's costs (an evaluation of 2,000 held-out points
 * ~100–150 ms, a snapshot ~30 ms) that is still metrics every 2–3 s and a new scatter picture about twice a second.
 */
export const METRICS_MAX_SHARE = 0.06;
export const SNAPSHOT_MAX_SHARE = 0.05;
/** However costly, a snapshot and an evaluation come at least this often while training (a live view stays live). */
export const SNAPSHOT_MAX_INTERVAL_MS = 3000;
export const METRICS_MAX_INTERVAL_MS = 6000;
/** A checkpoint of the weights survives a lost WebGL context; taken this often while training. */
export const CHECKPOINT_INTERVAL_MS = 2000;
/**
 * The first run of a worker trains at half duty for this long: each slice is followed by a pause as long as it took.
 * In that first second the browser compiles the code of the training loop and of the page's live views (on
 * background threads) and the page creates and paints its charts for the first time; on two cores a worker at full
 * duty leaves those to fight over one core, and the page's frames stretch past 50 ms.
 */
export const SOFT_START_MS = 1000;
