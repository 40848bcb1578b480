import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config';
import { replaySteps } from '../../../src/ui/features/timeline/TimelinePanel';
import {
  appendSnapshot,
  emptyTimeline,
  snapshotAt,
  TIMELINE_LIMIT,
  type Timeline,
} from '../../../src/ui/features/timeline/timeline';
import { initialState, reducer } from '../../../src/ui/state/reducer';
import type { SnapshotMessage } from '../../../src/worker/protocol';

const snap = (step: number): SnapshotMessage => ({
  step,
  coordinates: Float32Array.of(step, -step),
  labels: Int32Array.of(0),
  batch: null,
  lda: null,
});

describe('timeline', () => {
  const steps = (t: Timeline) => t.snapshots.map((s) => s.step);
  const build = (list: number[], limit = TIMELINE_LIMIT) =>
    list.reduce((t, step) => appendSnapshot(t, snap(step), limit), emptyTimeline());

  it('keeps every snapshot up to the limit, replacing a repeated step', () => {
    const t = build([0, 5, 10, 10, 15]);
    expect(steps(t)).toEqual([0, 5, 10, 15]);
    const again = snap(15);
    expect(appendSnapshot(t, again).snapshots.at(-1)).toBe(again);
  });

  it('an earlier step (back to a checkpoint) drops the snapshots after it', () => {
    expect(steps(appendSnapshot(build([0, 5, 10, 15]), snap(7)))).toEqual([0, 5, 7]);
  });

  it('thins by arrival when full: at most limit + 1, exactly even spacing, first and latest kept', () => {
    let t = emptyTimeline();
    for (let step = 1; step <= 1000; step++) {
      t = appendSnapshot(t, snap(step * 3));
      expect(t.snapshots.length).toBeLessThanOrEqual(TIMELINE_LIMIT + 1);
    }
    const kept = steps(t);
    expect(kept[0]).toBe(3);
    expect(kept.at(-1)).toBe(3000);
    expect(kept.length).toBeGreaterThan(TIMELINE_LIMIT / 2);
    // Every gap but the last (the latest is kept whatever its arrival number) is the same.
    const gaps = kept.slice(1, -1).map((s, i) => s - kept[i]);
    expect(new Set(gaps).size).toBe(1);
    expect(kept.at(-1)! - kept.at(-2)!).toBeLessThanOrEqual(gaps[0]);
    // Small limit, by hand: arrivals 0..6 with limit 3 keep ordinals 0, 4 (stride 4) and the latest (6).
    expect(steps(build([10, 11, 12, 13, 14, 15, 16], 3))).toEqual([10, 14, 16]);
  });

  it('finds the stored snapshot of a step, or the nearest earlier one', () => {
    const t = [0, 5, 10].map(snap);
    expect(snapshotAt(t, 5)?.step).toBe(5);
    expect(snapshotAt(t, 7)?.step).toBe(5);
    expect(snapshotAt(t, -1)?.step).toBe(0);
    expect(snapshotAt([], 3)).toBeNull();
  });

  it('a replay visits stored steps in order, at most the frame limit, ending on the latest', () => {
    const t = Array.from({ length: 150 }, (_, i) => snap(i * 2));
    const steps = replaySteps(t, 60);
    expect(steps.length).toBeLessThanOrEqual(60);
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(298);
    const stored = new Set(t.map((s) => s.step));
    expect(steps.every((s) => stored.has(s))).toBe(true);
    expect(replaySteps(t.slice(0, 10), 60)).toEqual(t.slice(0, 10).map((s) => s.step));
  });

  it('the page reducer stores snapshots of the current run and starts over with a new run', () => {
    let state = reducer(initialState(makeConfig({})), { type: 'new-run', runId: 1 });
    for (const step of [1, 2, 3])
      state = reducer(state, { type: 'event', event: { type: 'snapshot', runId: 1, ...snap(step) } });
    state = reducer(state, { type: 'event', event: { type: 'snapshot', runId: 0, ...snap(9) } });
    expect(steps(state.timeline)).toEqual([1, 2, 3]);
    expect(state.snapshot?.step).toBe(3);
    state = reducer(state, { type: 'new-run', runId: 2 });
    expect(state.timeline).toEqual(emptyTimeline());
  });
});
