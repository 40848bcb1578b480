/**
 * Which mined triplets the scatter draws as links, and how points are sized. A batch mines hundreds of triplets;
 * drawn all at once their links cover the very clusters the demo is about, so the scatter shows only a few of the
 * most informative ones (or those of one hovered batch sample), thin and translucent. Pure: tested in Node.
 */
import type { SnapshotTripletMessage } from '../../worker/protocol';

/** Links drawn by default: enough to show what the miner picks, few enough to keep the clusters visible. */
export const DEFAULT_LINK_COUNT = 12;

const CATEGORY_RANK = { hard: 0, 'semi-hard': 1, easy: 2 } as const;

/**
 * Orders triplets from most to least informative: by hinge loss max(d(a,p) − d(a,n) + m, 0), largest first (the
 * triplets that drive the gradient), then by category (hard, semi-hard, easy) and by how close the negative is to
 * overtaking the positive (d(a,n) − d(a,p), smallest first), then by position for a stable order.
 */
export function compareInformative(a: SnapshotTripletMessage, b: SnapshotTripletMessage): number {
  const la = Number.isFinite(a.loss) ? a.loss : -Infinity;
  const lb = Number.isFinite(b.loss) ? b.loss : -Infinity;
  if (la !== lb) return lb - la;
  const ca = CATEGORY_RANK[a.category] ?? 3;
  const cb = CATEGORY_RANK[b.category] ?? 3;
  if (ca !== cb) return ca - cb;
  const ga = a.dAN - a.dAP;
  const gb = b.dAN - b.dAP;
  if (ga !== gb && Number.isFinite(ga) && Number.isFinite(gb)) return ga - gb;
  return a.anchor - b.anchor || a.positive - b.positive || a.negative - b.negative;
}

/**
 * The triplets to draw: at most `limit` of them, most informative first ({@link compareInformative}). Each anchor
 * gets one triplet before any gets a second, so a handful of links shows several anchors rather than one star.
 * Exact repeats (same anchor, positive and negative) count once.
 */
export function selectLinks(
  triplets: readonly SnapshotTripletMessage[],
  limit: number = DEFAULT_LINK_COUNT,
): SnapshotTripletMessage[] {
  if (!(limit > 0)) return [];
  const sorted = [...triplets].sort(compareInformative);
  const seen = new Set<string>();
  const unique = sorted.filter((t) => {
    const key = `${t.anchor}:${t.positive}:${t.negative}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const chosen: SnapshotTripletMessage[] = [];
  const anchors = new Set<number>();
  const later: SnapshotTripletMessage[] = [];
  for (const t of unique) {
    if (chosen.length >= limit) break;
    if (anchors.has(t.anchor)) later.push(t);
    else {
      anchors.add(t.anchor);
      chosen.push(t);
    }
  }
  for (const t of later) {
    if (chosen.length >= limit) break;
    chosen.push(t);
  }
  return chosen.sort(compareInformative);
}

/** A batch sample's part in one triplet. */
export type TripletRole = 'anchor' | 'positive' | 'negative';

/**
 * The triplets batch row `row` took part in, most informative first, with its role in each. `candidateOffset` maps
 * a triplet's positive/negative column to a coordinate row (split-input batches: n; see teachProtocol.ts).
 */
export function tripletsOfRow(
  triplets: readonly SnapshotTripletMessage[],
  row: number,
  candidateOffset = 0,
): { triplet: SnapshotTripletMessage; role: TripletRole }[] {
  const out: { triplet: SnapshotTripletMessage; role: TripletRole }[] = [];
  for (const t of triplets) {
    if (t.anchor === row) out.push({ triplet: t, role: 'anchor' });
    else if (t.positive + candidateOffset === row) out.push({ triplet: t, role: 'positive' });
    else if (t.negative + candidateOffset === row) out.push({ triplet: t, role: 'negative' });
  }
  return out.sort((a, b) => compareInformative(a.triplet, b.triplet));
}

/** Coordinate rows of a batch that are an end of at least one of `triplets` (the ones worth hovering). */
export function linkEnds(triplets: readonly SnapshotTripletMessage[], candidateOffset = 0): number[] {
  const rows = new Set<number>();
  for (const t of triplets) {
    rows.add(t.anchor);
    rows.add(t.positive + candidateOffset);
    rows.add(t.negative + candidateOffset);
  }
  return [...rows].sort((a, b) => a - b);
}

/**
 * Point radius (CSS pixels) and opacity for n points: large and opaque for a few hundred, smaller and more
 * transparent as they multiply, so dense clusters show their density instead of merging into one blot. Both fall
 * with log10(n): radius 4 px and opacity 0.95 up to 100 points, 3 px and 0.75 at 1,000, 2 px and 0.55 at 10,000,
 * never below 1.25 px and 0.35.
 */
export function pointStyle(n: number): { radius: number; alpha: number } {
  const decades = Math.max(0, Math.log10(Math.max(1, n) / 100));
  return {
    radius: Math.max(1.25, 4 - decades),
    alpha: Math.max(0.35, 0.95 - 0.2 * decades),
  };
}
