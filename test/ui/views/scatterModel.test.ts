import { describe, expect, it } from 'vitest';
import { TRANSITION_MS } from '../../../src/ui/scatter/interpolate';
import {
  FRAME_AHEAD_MS,
  MIN_FRAME_MS,
  paintedPart,
  ScatterModel,
  type ScatterViewOptions,
} from '../../../src/ui/scatter/scatterModel';
import type { SnapshotMessage, SnapshotTripletMessage } from '../../../src/worker/protocol';

const options: ScatterViewOptions = { showTriplets: true, linkLimit: 12, hovered: -1, hoveredBatch: -1, focus: null };

function snapshot(step: number, coordinates: number[], triplets: SnapshotTripletMessage[] = []): SnapshotMessage {
  return {
    step,
    coordinates: Float32Array.from(coordinates),
    labels: Int32Array.from({ length: coordinates.length / 2 }, (_, i) => i % 2),
    batch: {
      // Batch rows 0, 1, 2 at the corners of the held-out square.
      coordinates: Float32Array.of(0, 0, 1, 1, 0, 1),
      labels: Int32Array.of(3, 3, 4),
      triplets,
      sampleIndices: Int32Array.of(0, 1, 2),
      candidateOffset: 0,
      rules: { loss: 'triplet', miner: 'all', distance: 'euclidean', margin: 0.2, softMargin: false },
    },
    lda: null,
  };
}
const t = { anchor: 0, positive: 1, negative: 2, dAP: 0.5, dAN: 0.4, category: 'hard', loss: 0.3 } as const;

describe('ScatterModel', () => {
  it('eases from the shown positions to a new snapshot and reports when the transition is over', () => {
    const model = new ScatterModel();
    expect(model.frame(0, 100, 100, options)).toBeNull();
    model.setSnapshot(snapshot(1, [0, 0, 1, 1]), 0);
    const first = model.frame(TRANSITION_MS, 100, 100, options)!;
    expect(first.done).toBe(true);
    const before = Array.from(first.frame.coordinates);
    expect(before).toEqual([0, 0, 1, 1]);
    model.setSnapshot(snapshot(2, [1, 1, 0, 0]), 1000);
    const mid = model.frame(1000 + TRANSITION_MS / 2, 100, 100, options)!;
    expect(mid.done).toBe(false);
    expect(mid.frame.coordinates[0]).toBeCloseTo(0.5, 5); // half-way (the easing is symmetric)
    expect(mid.snapshot.step).toBe(2);
    const end = model.frame(1000 + TRANSITION_MS, 100, 100, options)!;
    expect(Array.from(end.frame.coordinates)).toEqual([1, 1, 0, 0]);
    // A snapshot of another size starts from its own positions.
    model.setSnapshot(snapshot(3, [5, 5, 6, 6, 7, 7]), 2000);
    expect(Array.from(model.frame(2000, 100, 100, options)!.frame.coordinates)).toEqual([5, 5, 6, 6, 7, 7]);
    model.setSnapshot(null, 3000);
    expect(model.snapshot).toBeNull();
    expect(model.pointAt(50, 50)).toBe(-1);
  });

  it('caps the frame rate only while a transition runs', () => {
    const model = new ScatterModel();
    model.setSnapshot(snapshot(1, [0, 0, 1, 1]), 0);
    expect(model.waitBeforeFrame(0)).toBe(0);
    model.frame(10, 100, 100, options);
    expect(model.waitBeforeFrame(20)).toBe(MIN_FRAME_MS - 10);
    expect(model.waitBeforeFrame(10 + MIN_FRAME_MS)).toBe(0);
    expect(model.waitBeforeFrame(TRANSITION_MS + 1)).toBe(0);
  });

  it('paints a frame ahead: the picture of a later time, with the pace still counted from the time it is asked', () => {
    const model = new ScatterModel();
    model.setSnapshot(snapshot(1, [0, 0, 1, 1]), 0);
    model.frame(TRANSITION_MS, 100, 100, options);
    model.setSnapshot(snapshot(2, [1, 1, 0, 0]), 1000);
    expect(model.animating(1000)).toBe(true);
    expect(model.animating(1000 + TRANSITION_MS - 1)).toBe(true);
    expect(model.animating(1000 + TRANSITION_MS)).toBe(false);
    const start = 1000 + TRANSITION_MS / 2 - FRAME_AHEAD_MS;
    const ahead = model.frame(start, 100, 100, options, FRAME_AHEAD_MS)!;
    expect(ahead.frame.coordinates[0]).toBeCloseTo(0.5, 5); // the half-way picture, asked for a frame early
    expect(ahead.done).toBe(false);
    expect(model.waitBeforeFrame(start + 10)).toBe(MIN_FRAME_MS - 10);
    // Asked for within a frame of the end, the picture is the final one.
    const last = model.frame(1000 + TRANSITION_MS - 10, 100, 100, options, FRAME_AHEAD_MS)!;
    expect(last.done).toBe(true);
    expect(Array.from(last.frame.coordinates)).toEqual([1, 1, 0, 0]);
  });

  it('finds the hovered point and the hovered end of a drawn link, with the triplets it took part in', () => {
    const model = new ScatterModel();
    model.setSnapshot(snapshot(1, [0, 0, 1, 1, 0.5, 0.5], [t]), 0);
    const { frame, pixels } = model.frame(TRANSITION_MS, 200, 200, options)!;
    expect(model.pointAt(pixels[4], pixels[5])).toBe(2);
    expect(model.pointAt(pixels[4] + 30, pixels[5])).toBe(-1);
    // Batch row 2 sits at data (0, 1).
    const { scale, offsetX, offsetY } = frame.transform;
    expect(model.linkEndAt(offsetX, offsetY - scale)).toBe(2);
    expect(model.tripletsOf(2)).toEqual([{ triplet: t, role: 'negative' }]);
    expect(model.batchLabel(2)).toBe(4);
    expect(model.batchLabel(7)).toBe(-1);
    // Links hidden: no link end to hover.
    model.frame(TRANSITION_MS + 1, 200, 200, { ...options, showTriplets: false });
    expect(model.linkEndAt(offsetX, offsetY - scale)).toBe(-1);
  });

  it('hands the painter arrays that each span a buffer of their own, and no hover ring', () => {
    const model = new ScatterModel();
    const snap = snapshot(1, [0, 0, 1, 1], [t]);
    // The batch's coordinates as a view into a larger buffer (as a message's arrays can be): posted as it is, the
    // whole buffer would be copied.
    const shared = new Float32Array(64);
    shared.set(snap.batch!.coordinates, 8);
    snap.batch!.coordinates = shared.subarray(8, 8 + snap.batch!.coordinates.length);
    model.setSnapshot(snap, 0);
    const { frame } = model.frame(TRANSITION_MS, 100, 100, { ...options, hovered: 1 })!;
    const painted = paintedPart(frame);
    expect(painted.hovered).toBe(-1);
    const coordinates = painted.batch!.coordinates;
    expect(coordinates.buffer.byteLength).toBe(coordinates.byteLength);
    expect(Array.from(coordinates)).toEqual([0, 0, 1, 1, 0, 1]);
    // Arrays that span their buffer already go as they are: no copy made for each frame.
    expect(painted.labels).toBe(frame.labels);
    expect(painted.batch!.labels).toBe(snap.batch!.labels);
    expect(painted.labels.buffer.byteLength).toBe(painted.labels.byteLength);
    expect(painted.coordinates.length).toBe(0);
  });
});
