/**
 * The page's side of the scatter painter worker: one frame in flight, replies matched by id, the pixel positions
 * transferred and handed back, a snapshot's labels and batch sent once, and every failure (error reply, crashed
 * worker, no worker at all) turning into "paint it on the page" without losing the frame.
 */
import { describe, expect, it } from 'vitest';
import { ScatterPainter, type PaintRequest } from '../../../src/ui/scatter/painter';
import { viewTransform } from '../../../src/ui/scatter/interpolate';
import { StandInWorker } from '../../helpers/worker';

class FakeWorker extends StandInWorker<PaintRequest> {}

function fakeBitmap(): ImageBitmap & { closed: boolean } {
  const bitmap = { closed: false, close: () => void (bitmap.closed = true) };
  return bitmap as unknown as ImageBitmap & { closed: boolean };
}

const labels = new Int32Array(1);

/** A frame to paint, with positions of its own (the painter transfers them). */
function frameRequest(batch: PaintRequest['frame']['batch'] = null) {
  return {
    width: 20,
    height: 10,
    ratio: 2,
    frame: {
      width: 10,
      height: 5,
      transform: viewTransform({ minX: 0, maxX: 1, minY: 0, maxY: 1 }, 10, 5, 0),
      coordinates: new Float32Array(2),
      labels,
      batch,
      showTriplets: true,
      hovered: -1,
    },
    pixels: new Float32Array([5, 2]),
  };
}

describe('ScatterPainter', () => {
  it('sends one frame at a time and hands back the bitmap of the matching reply', () => {
    const worker = new FakeWorker();
    const painter = new ScatterPainter(() => worker);
    expect(painter.available).toBe(true);
    const got: (ImageBitmap | null)[] = [];
    painter.paint(frameRequest(), (b) => got.push(b));
    expect(painter.busy).toBe(true);
    expect(worker.sent).toHaveLength(1);
    expect(worker.sent[0]).toMatchObject({ width: 20, height: 10, ratio: 2 });
    const stale = fakeBitmap();
    worker.reply({ id: worker.sent[0].id + 1, bitmap: stale }); // not the frame asked for: dropped and closed
    expect(stale.closed).toBe(true);
    expect(got).toEqual([]);
    const bitmap = fakeBitmap();
    worker.reply({ id: worker.sent[0].id, bitmap, pixels: worker.sent[0].pixels });
    expect(got).toEqual([bitmap]);
    expect(painter.busy).toBe(false);
    painter.paint(frameRequest(), (b) => got.push(b));
    expect(worker.sent).toHaveLength(2); // the same worker paints the next frame
    expect(worker.sent[1].id).toBeGreaterThan(worker.sent[0].id);
  });

  it('an error reply or a crashed worker hands the frame back (null) and the painter steps aside', () => {
    const worker = new FakeWorker();
    const painter = new ScatterPainter(() => worker);
    const got: (ImageBitmap | null)[] = [];
    painter.paint(frameRequest(), (b) => got.push(b));
    worker.reply({ id: worker.sent[0].id, error: 'no ImageData here' });
    expect(got).toEqual([null]);
    expect(painter.available).toBe(false);
    expect(worker.terminated).toBe(true);
    painter.paint(frameRequest(), (b) => got.push(b)); // unavailable: answered at once, nothing sent
    expect(got).toEqual([null, null]);
    expect(worker.sent).toHaveLength(1);

    const crashing = new FakeWorker();
    const other = new ScatterPainter(() => crashing);
    const seen: (ImageBitmap | null)[] = [];
    other.paint(frameRequest(), (b) => seen.push(b));
    crashing.crash();
    expect(seen).toEqual([null]);
    expect(other.available).toBe(false);
    expect(other.busy).toBe(false);
  });

  it('without workers (here: Node) or when the worker cannot start, it is unavailable from the start or the first frame', () => {
    expect(new ScatterPainter().available).toBe(false);
    const failing = new ScatterPainter(() => {
      throw new Error('blocked');
    });
    const got: (ImageBitmap | null)[] = [];
    failing.paint(frameRequest(), (b) => got.push(b));
    expect(got).toEqual([null]);
    expect(failing.available).toBe(false);
  });

  it('transfers the positions and hands them back with the bitmap; sends labels and batch only when they change', () => {
    const worker = new FakeWorker();
    const painter = new ScatterPainter(() => worker);
    const batch = { coordinates: new Float32Array(4), triplets: [], labels: new Int32Array(2) };
    const got: [ImageBitmap | null, Float32Array | null][] = [];
    const first = frameRequest(batch);
    painter.paint(first, (b, p) => got.push([b, p]));
    // Transferred: the page's array is detached, the worker has the positions.
    expect(first.pixels.length).toBe(0);
    expect(Array.from(worker.sent[0].pixels)).toEqual([5, 2]);
    expect(worker.sent[0].kept).toEqual({ labels: false, batch: false });
    expect(worker.sent[0].frame.labels).toEqual(labels);
    expect(worker.sent[0].frame.batch?.coordinates).toEqual(batch.coordinates);
    const bitmap = fakeBitmap();
    worker.reply({ id: worker.sent[0].id, bitmap, pixels: worker.sent[0].pixels });
    expect(got[0][0]).toBe(bitmap);
    expect(Array.from(got[0][1] ?? [])).toEqual([5, 2]);
    // The next frame of the same snapshot: labels and batch left out, the worker keeps its own.
    painter.paint(frameRequest({ ...batch }), (b, p) => got.push([b, p]));
    expect(worker.sent[1].kept).toEqual({ labels: true, batch: true });
    expect(worker.sent[1].frame.labels.length).toBe(0);
    expect(worker.sent[1].frame.batch).toBeNull();
    worker.reply({ id: worker.sent[1].id, bitmap: fakeBitmap(), pixels: worker.sent[1].pixels });
    // A new batch is sent again.
    const next = { ...batch, coordinates: new Float32Array(4) };
    painter.paint(frameRequest(next), (b, p) => got.push([b, p]));
    expect(worker.sent[2].kept).toEqual({ labels: true, batch: false });
    expect(worker.sent[2].frame.batch?.coordinates).toEqual(next.coordinates);
  });
});
