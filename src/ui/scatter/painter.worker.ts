/**
 * The scatter painter: paints each frame's points and triplet links (render.ts paintScatterImage) into a pixel
 * buffer of its own and hands the page an ImageBitmap, so the page's animation frame only copies a finished image.
 * Painted on the page, a frame cost 10–30 ms of main-thread script (2,000 discs, 512 anti-aliased links) — the
 * main-thread tasks over 50 ms that remained after Train on a 2-core machine (Chrome traces of `npm run bench`).
 * Plain JS, no tfjs. Started by painter.ts.
 */
/// <reference lib="webworker" />
import { paintScatterImage, type ScatterFrame } from './render';
import type { PaintReply, PaintRequest } from './painter';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let buffer: ImageData | null = null;
/** The labels and batch of the last frame: the page leaves them out of the frames that share them. */
let last: { labels: Int32Array; batch: ScatterFrame['batch'] } = { labels: new Int32Array(0), batch: null };

scope.onmessage = async (message: MessageEvent<PaintRequest>) => {
  const { id, width, height, ratio, kept, pixels } = message.data;
  const frame: ScatterFrame = {
    ...message.data.frame,
    labels: kept.labels ? last.labels : message.data.frame.labels,
    batch: kept.batch ? last.batch : message.data.frame.batch,
  };
  last = { labels: frame.labels, batch: frame.batch };
  try {
    if (!buffer || buffer.width !== width || buffer.height !== height) buffer = new ImageData(width, height);
    paintScatterImage(buffer, frame, pixels, ratio);
    const bitmap = await createImageBitmap(buffer);
    const reply: PaintReply = { id, bitmap, pixels };
    scope.postMessage(reply, [bitmap, pixels.buffer]);
  } catch (error) {
    const reply: PaintReply = { id, error: error instanceof Error ? error.message : String(error) };
    scope.postMessage(reply);
  }
};
