/**
 * The run's timeline: the embedding snapshots the worker sent, kept so they can be scrubbed and replayed. Bounded:
 * every snapshot is kept until there are `limit`; then only every second one (by arrival), then every fourth, and
 * so on, plus always the latest. The kept ones stay exactly evenly spread over the whole run however long it goes.
 * Pure and immutable (the reducer may be called twice with the same state).
 */
import type { SnapshotMessage } from '../../../worker/protocol';

/** Snapshots kept per run before thinning. */
export const TIMELINE_LIMIT = 200;

export interface Timeline {
  /** Kept snapshots, oldest first (at most limit + 1: the latest is always kept). */
  snapshots: SnapshotMessage[];
  /** Arrival number of each kept snapshot. */
  ordinals: number[];
  /** Snapshots whose arrival number is a multiple of the stride are kept for good. */
  stride: number;
  /** Snapshots received so far. */
  received: number;
}

/** A run's timeline before its first snapshot. */
export function emptyTimeline(): Timeline {
  return { snapshots: [], ordinals: [], stride: 1, received: 0 };
}

/**
 * The timeline with `snapshot` added. A snapshot of the step already last replaces it (pause and refresh re-send a
 * step); an earlier step (the run went back to a checkpoint after a lost GPU context) drops what came after it.
 */
export function appendSnapshot(timeline: Timeline, snapshot: SnapshotMessage, limit = TIMELINE_LIMIT): Timeline {
  if (limit < 2) throw new Error(`the timeline needs room for at least 2 snapshots, got ${limit}`);
  let stride = timeline.stride;
  const keep: number[] = [];
  timeline.snapshots.forEach((s, i) => {
    if (s.step >= snapshot.step) return;
    // The previous latest was kept only for being the latest.
    if (i === timeline.snapshots.length - 1 && timeline.ordinals[i] % stride !== 0) return;
    keep.push(i);
  });
  let snapshots = keep.map((i) => timeline.snapshots[i]);
  let ordinals = keep.map((i) => timeline.ordinals[i]);
  const ordinal = timeline.received;
  snapshots.push(snapshot);
  ordinals.push(ordinal);
  const permanent = () => ordinals.filter((o) => o % stride === 0).length;
  while (permanent() > limit) {
    stride *= 2;
    const kept = ordinals.map((o, i) => o % stride === 0 || i === ordinals.length - 1);
    snapshots = snapshots.filter((_, i) => kept[i]);
    ordinals = ordinals.filter((_, i) => kept[i]);
  }
  return { snapshots, ordinals, stride, received: timeline.received + 1 };
}

/** The stored snapshot of `step`, or the nearest earlier one (the first when none is earlier); null when empty. */
export function snapshotAt(timeline: readonly SnapshotMessage[], step: number): SnapshotMessage | null {
  if (timeline.length === 0) return null;
  let found = timeline[0];
  for (const s of timeline) {
    if (s.step <= step) found = s;
    else break;
  }
  return found;
}
