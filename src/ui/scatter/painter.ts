/**
 * The page's side of the scatter painter worker (painter.worker.ts): one request in flight at a time, each answered
 * with an ImageBitmap of the painted points and links. Where workers or createImageBitmap are missing, or the worker
 * fails, `available` turns false and the caller paints on the page (render.ts drawScatter), as before.
 */
import type { WorkerLike } from '../worker/client';
import type { ScatterFrame } from './render';

/** Page → worker: one frame to paint, in a backing store of width × height device pixels. */
export interface PaintRequest {
  id: number;
  width: number;
  height: number;
  /** Device pixels per CSS pixel. */
  ratio: number;
  /** The frame without what is drawn on top with the canvas API (hover ring, focus: the page draws those). */
  frame: ScatterFrame;
  /** CSS-pixel positions of the points (n × 2). */
  pixels: Float32Array;
}

/** Worker → page: the painted image, or why painting failed. */
export type PaintReply = { id: number; bitmap: ImageBitmap } | { id: number; error: string };

function startWorker(): WorkerLike {
  return new Worker(new URL('./painter.worker.ts', import.meta.url), { type: 'module' });
}

/** Paints frames in a worker, one at a time; see the module comment. */
export class ScatterPainter {
  private worker: WorkerLike | null = null;
  private broken: boolean;
  private nextId = 0;
  private waiting: { id: number; done: (bitmap: ImageBitmap | null) => void } | null = null;

  private readonly factory: () => WorkerLike;

  /** `factory` starts the worker (tests pass a stand-in); by default the real one, where this browser can run it. */
  constructor(factory?: () => WorkerLike) {
    this.factory = factory ?? startWorker;
    this.broken = factory === undefined && (typeof Worker === 'undefined' || typeof createImageBitmap !== 'function');
  }

  /** False once painting must happen on the page (no worker here, or it failed). */
  get available(): boolean {
    return !this.broken;
  }

  /** True while a frame is being painted (the caller sends the next one when it is back). */
  get busy(): boolean {
    return this.waiting !== null;
  }

  /**
   * Paints one frame; `done` gets the bitmap, or null when painting failed (the painter is then unavailable and the
   * caller paints that frame itself). Call only when not busy.
   */
  paint(request: Omit<PaintRequest, 'id'>, done: (bitmap: ImageBitmap | null) => void): void {
    const worker = this.ensure();
    if (!worker) {
      done(null);
      return;
    }
    const id = ++this.nextId;
    this.waiting = { id, done };
    // The arrays are copied (the page keeps drawing from its own).
    worker.postMessage({ ...request, id } satisfies PaintRequest);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.finish(null);
  }

  private finish(bitmap: ImageBitmap | null): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.done(bitmap);
  }

  private fail(): void {
    this.broken = true;
    this.worker?.terminate();
    this.worker = null;
    this.finish(null);
  }

  private ensure(): WorkerLike | null {
    if (this.broken) return null;
    if (this.worker) return this.worker;
    try {
      this.worker = this.factory();
    } catch {
      this.broken = true;
      return null;
    }
    this.worker.onmessage = (event: MessageEvent) => {
      const reply = event.data as PaintReply;
      if (!this.waiting || reply.id !== this.waiting.id) {
        if ('bitmap' in reply) reply.bitmap.close();
        return;
      }
      if ('bitmap' in reply) this.finish(reply.bitmap);
      else this.fail();
    };
    this.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      this.fail();
    };
    return this.worker;
  }
}

/**
 * The scatter canvas says when its picture is final: `data-settled-step` holds the snapshot step whose last
 * transition frame is on screen with no frame, repaint or transition pending, and is empty while one is. Anything
 * that needs the finished picture (end-to-end tests, screenshot scripts) waits for this attribute instead of for a
 * guessed time. Written only when it changes, so a running transition costs no DOM writes per frame.
 */
export function markSettled(canvas: HTMLCanvasElement, step: number | null): void {
  const value = step === null ? '' : String(step);
  if (canvas.dataset.settledStep !== value) canvas.dataset.settledStep = value;
}
