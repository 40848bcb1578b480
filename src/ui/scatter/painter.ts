/**
 * The page's side of the scatter painter worker (painter.worker.ts): one request in flight at a time, each answered
 * with an ImageBitmap of the painted points and links. Where workers or createImageBitmap are missing, or the worker
 * fails, `available` turns false and the caller paints on the page (render.ts drawScatter), as before.
 *
 * What a frame costs the page to post is kept small, since frames go 30 times a second: the pixel positions are
 * transferred and come back with the bitmap, and the labels and the batch, the same for every frame of a snapshot,
 * are sent only when they change (the worker keeps the last ones). Copying them into every message held the page's
 * thread about 20 ms a second with 10,000 points.
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
  /**
   * The frame without what is drawn on top with the canvas API (hover ring, focus: the page draws those); its labels
   * (empty) and batch (null) left out when `kept` says the worker's last ones are this frame's.
   */
  frame: ScatterFrame;
  kept: { labels: boolean; batch: boolean };
  /** CSS-pixel positions of the points (n × 2), transferred; they come back with the reply. */
  pixels: Float32Array;
}

/** Worker → page: the painted image and the pixel positions back, or why painting failed. */
export type PaintReply = { id: number; bitmap: ImageBitmap; pixels: Float32Array } | { id: number; error: string };

/** Gets the painted bitmap and the frame's pixel positions back, or null (and no positions) when painting failed. */
export type PaintDone = (bitmap: ImageBitmap | null, pixels: Float32Array | null) => void;

const NO_LABELS = new Int32Array(0);

function startWorker(): WorkerLike {
  return new Worker(new URL('./painter.worker.ts', import.meta.url), { type: 'module' });
}

/** Paints frames in a worker, one at a time; see the module comment. */
export class ScatterPainter {
  private worker: WorkerLike | null = null;
  private broken: boolean;
  private nextId = 0;
  private waiting: { id: number; done: PaintDone } | null = null;
  /** What the worker holds of the last frame it was sent: the frame's labels and batch, to send again only when new. */
  private sent: { labels: Int32Array; batch: ScatterFrame['batch'] } | null = null;

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
   * Paints one frame; `done` gets the bitmap and the pixel positions back, or null when painting failed (the painter
   * is then unavailable and the caller paints that frame itself, from positions of its own: the request's were
   * transferred). Call only when not busy.
   */
  paint(request: Omit<PaintRequest, 'id' | 'kept'>, done: PaintDone): void {
    const worker = this.ensure();
    if (!worker) {
      done(null, null);
      return;
    }
    const id = ++this.nextId;
    this.waiting = { id, done };
    const { frame } = request;
    const kept = {
      labels: this.sent !== null && this.sent.labels === frame.labels,
      batch: this.sent !== null && sameBatch(this.sent.batch, frame.batch),
    };
    this.sent = { labels: frame.labels, batch: frame.batch };
    const message: PaintRequest = {
      ...request,
      id,
      kept,
      frame: { ...frame, labels: kept.labels ? NO_LABELS : frame.labels, batch: kept.batch ? null : frame.batch },
    };
    worker.postMessage(message, [request.pixels.buffer]);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.sent = null;
    this.finish(null, null);
  }

  private finish(bitmap: ImageBitmap | null, pixels: Float32Array | null): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.done(bitmap, pixels);
  }

  private fail(): void {
    this.broken = true;
    this.worker?.terminate();
    this.worker = null;
    this.sent = null;
    this.finish(null, null);
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
      if ('bitmap' in reply) this.finish(reply.bitmap, reply.pixels);
      else this.fail();
    };
    this.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      this.fail();
    };
    return this.worker;
  }
}

/** Whether two frames' batches are the same snapshot's (the painter worker then has it already). */
function sameBatch(a: ScatterFrame['batch'], b: ScatterFrame['batch']): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.coordinates === b.coordinates &&
    a.triplets === b.triplets &&
    a.labels === b.labels &&
    a.candidateOffset === b.candidateOffset
  );
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
