import { describe, expect, it } from 'vitest';
import { DEFAULT_LINK_COUNT, linkEnds, pointStyle, selectLinks, tripletsOfRow } from '../../../src/ui/scatter/links';
import { drawnTriplets, type ScatterFrame } from '../../../src/ui/scatter/render';
import type { SnapshotTripletMessage } from '../../../src/worker/protocol';

function triplet(anchor: number, positive: number, negative: number, dAP: number, dAN: number, margin = 0.2) {
  const delta = dAN - dAP;
  const category = delta <= 0 ? 'hard' : delta <= margin ? 'semi-hard' : 'easy';
  return {
    anchor,
    positive,
    negative,
    dAP,
    dAN,
    category,
    loss: Math.max(0, dAP - dAN + margin),
  } as SnapshotTripletMessage;
}

/** 256 triplets of 64 anchors with a spread of difficulties. */
function batch(): SnapshotTripletMessage[] {
  const out: SnapshotTripletMessage[] = [];
  for (let k = 0; k < 256; k++) {
    const a = k % 64;
    out.push(triplet(a, (a + 1) % 64, (a + 2 + (k >> 6)) % 64, 0.5, 0.2 + ((k * 37) % 100) / 100));
  }
  return out;
}

describe('selectLinks', () => {
  it('keeps at most N links, the most informative (largest loss) first', () => {
    const all = batch();
    const chosen = selectLinks(all, DEFAULT_LINK_COUNT);
    expect(chosen).toHaveLength(12);
    for (let i = 1; i < chosen.length; i++) expect(chosen[i - 1].loss).toBeGreaterThanOrEqual(chosen[i].loss);
    // Nothing left out is more informative than the least informative chosen one.
    const weakest = chosen[chosen.length - 1].loss;
    const strongerLeftOut = all.filter((t) => !chosen.includes(t) && t.loss > weakest);
    // ... except repeats of an anchor that already has a link (one per anchor first).
    for (const t of strongerLeftOut) expect(chosen.some((c) => c.anchor === t.anchor)).toBe(true);
    expect(selectLinks(all, 0)).toEqual([]);
    expect(selectLinks(all.slice(0, 5), 12)).toHaveLength(5);
  });

  it('ranks hard before semi-hard before easy among triplets of equal loss, and spreads over anchors', () => {
    const easy = triplet(0, 1, 2, 0.1, 0.9);
    const easier = triplet(1, 2, 3, 0.1, 1.5);
    const semi = triplet(2, 3, 4, 0.5, 0.6);
    const hard = triplet(3, 4, 5, 0.6, 0.5);
    const hard2 = triplet(3, 5, 6, 0.7, 0.5); // same anchor, more loss
    const chosen = selectLinks([easy, easier, semi, hard, hard2], 3);
    expect(chosen.map((t) => t.category)).toEqual(['hard', 'semi-hard', 'easy']);
    expect(chosen[0]).toBe(hard2);
    expect(selectLinks([easy, easier], 2)).toEqual([easy, easier]); // the easy one nearer the margin first
    // A repeated triplet counts once.
    expect(selectLinks([hard, { ...hard }], 5)).toHaveLength(1);
  });
});

describe('tripletsOfRow and linkEnds', () => {
  it('lists the triplets a batch row took part in, with its role, most informative first', () => {
    const ts = [triplet(0, 1, 2, 0.1, 0.9), triplet(2, 3, 0, 0.6, 0.5), triplet(1, 0, 3, 0.5, 0.6)];
    const of0 = tripletsOfRow(ts, 0);
    expect(of0.map((x) => x.role)).toEqual(['negative', 'positive', 'anchor']);
    expect(tripletsOfRow(ts, 9)).toEqual([]);
    expect(linkEnds(ts)).toEqual([0, 1, 2, 3]);
    // Split-input: candidates sit at offset n.
    expect(linkEnds([triplet(0, 0, 1, 0.1, 0.2)], 4)).toEqual([0, 4, 5]);
    expect(tripletsOfRow([triplet(0, 0, 1, 0.1, 0.2)], 5, 4)[0].role).toBe('negative');
  });

  it('a frame draws 12 links by default, all on request, and only a hovered row’s own triplets', () => {
    const all = batch();
    const frame: ScatterFrame = {
      width: 100,
      height: 100,
      transform: { scale: 1, offsetX: 0, offsetY: 0 },
      coordinates: new Float32Array(0),
      labels: new Int32Array(0),
      batch: { coordinates: new Float32Array(128), triplets: all },
      showTriplets: true,
      hovered: -1,
    };
    expect(drawnTriplets(frame)).toHaveLength(12);
    expect(drawnTriplets({ ...frame, linkLimit: Infinity })).toHaveLength(256);
    const own = drawnTriplets({ ...frame, hoveredBatch: 5 });
    expect(own.length).toBe(all.filter((t) => t.anchor === 5 || t.positive === 5 || t.negative === 5).length);
    expect(drawnTriplets({ ...frame, showTriplets: false })).toEqual([]);
    // Rows beyond the batch coordinates are never drawn.
    expect(drawnTriplets({ ...frame, batch: { coordinates: new Float32Array(4), triplets: all } })).toEqual([]);
  });
});

describe('pointStyle', () => {
  it('shrinks and fades points as they multiply, within bounds', () => {
    const sizes = [1, 10, 100, 500, 1000, 2000, 10_000, 100_000, 10_000_000].map(pointStyle);
    for (let i = 1; i < sizes.length; i++) {
      expect(sizes[i].radius).toBeLessThanOrEqual(sizes[i - 1].radius);
      expect(sizes[i].alpha).toBeLessThanOrEqual(sizes[i - 1].alpha);
    }
    expect(pointStyle(100)).toEqual({ radius: 4, alpha: 0.95 });
    expect(pointStyle(1000).radius).toBeCloseTo(3, 10);
    expect(pointStyle(10_000).alpha).toBeCloseTo(0.55, 10);
    expect(pointStyle(1e9)).toEqual({ radius: 1.25, alpha: 0.35 });
    expect(pointStyle(0)).toEqual(pointStyle(1));
  });
});
