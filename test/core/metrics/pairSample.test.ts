import { describe, expect, it } from 'vitest';
import { KeySet, samplePairs, sortPairKeys } from '../../../src/core/metrics/pairSample';
import { Rng } from '../../../src/core/rng';

/** Every pair key i·n + j (i < j) of one kind, ascending: the definition, by visiting all n² pairs. */
function allPairs(labels: number[], similar: boolean): number[] {
  const n = labels.length;
  const keys: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) if ((labels[i] === labels[j]) === similar) keys.push(i * n + j);
  return keys;
}

/** Class sizes 2, 3 and 6, interleaved: 1 + 3 + 15 = 19 similar pairs and 55 − 19 = 36 dissimilar ones. */
const LABELS = [2, 0, 2, 1, 2, 1, 2, 0, 2, 1, 2];

describe('samplePairs', () => {
  it('counts the pairs of each kind and returns every pair, ascending, when they fit', () => {
    const s = samplePairs(LABELS.length, LABELS, 36, new Rng(1));
    expect(s.similarTotal).toBe(19);
    expect(s.dissimilarTotal).toBe(36);
    expect(Array.from(s.positives)).toEqual(allPairs(LABELS, true));
    expect(Array.from(s.negatives)).toEqual(allPairs(LABELS, false));
  });

  it('draws exactly perKind distinct pairs of the right kind, ascending, on every sampling path', () => {
    // 19 similar / 36 dissimilar pairs: perKind 5 draws from the listed pairs (≤ 4×), perKind 4 draws random pairs
    // (> 4×) for the similar kind; perKind 9 draws from the listed dissimilar pairs, perKind 8 draws random ones.
    for (const perKind of [4, 5, 8, 9, 18]) {
      for (let seed = 0; seed < 20; seed++) {
        const s = samplePairs(LABELS.length, LABELS, perKind, new Rng(seed));
        for (const [keys, similar] of [
          [s.positives, true],
          [s.negatives, false],
        ] as const) {
          const list = Array.from(keys);
          const all = new Set(allPairs(LABELS, similar));
          expect(list).toHaveLength(Math.min(perKind, all.size));
          expect(new Set(list).size).toBe(list.length);
          for (const key of list) expect(all.has(key)).toBe(true);
          expect(list).toEqual([...list].sort((a, b) => a - b));
        }
      }
    }
  });

  it('gives every pair of a kind the same chance, whatever the size of its class', () => {
    // Per kind and path, the count of each pair over many seeded draws is close to draws × perKind / total; a rule
    // that favoured small classes (or anchors, or low indices) would be far outside.
    const draws = 1500;
    for (const perKind of [4, 5, 8]) {
      const counts = new Map<number, number>();
      for (let seed = 0; seed < draws; seed++) {
        const s = samplePairs(LABELS.length, LABELS, perKind, new Rng(1000 + seed));
        for (const key of [...Array.from(s.positives), ...Array.from(s.negatives)])
          counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (const [similar, total] of [
        [true, 19],
        [false, 36],
      ] as const) {
        const expected = (draws * Math.min(perKind, total)) / total;
        for (const key of allPairs(LABELS, similar)) {
          const c = counts.get(key) ?? 0;
          expect(c, `pair ${key} (${similar ? 'similar' : 'dissimilar'}, perKind ${perKind})`).toBeGreaterThan(
            expected * 0.75,
          );
          expect(c).toBeLessThan(expected * 1.25);
        }
      }
    }
  });

  it('is reproducible from the seed and has no pair of a kind that does not exist', () => {
    const a = samplePairs(LABELS.length, LABELS, 4, new Rng(9));
    const b = samplePairs(LABELS.length, LABELS, 4, new Rng(9));
    expect(Array.from(a.positives)).toEqual(Array.from(b.positives));
    expect(Array.from(a.negatives)).toEqual(Array.from(b.negatives));
    // One class: no dissimilar pair. All singletons: no similar pair.
    const one = samplePairs(4, [3, 3, 3, 3], 2, new Rng(1));
    expect([one.similarTotal, one.dissimilarTotal, one.negatives.length]).toEqual([6, 0, 0]);
    expect(one.positives).toHaveLength(2);
    const none = samplePairs(4, [0, 1, 2, 3], 2, new Rng(1));
    expect([none.similarTotal, none.dissimilarTotal, none.positives.length]).toEqual([0, 6, 0]);
    expect(none.negatives).toHaveLength(2);
  });
});

describe('KeySet', () => {
  it('keeps each whole number once, including keys above 2^32 that share their low 32 bits', () => {
    const set = new KeySet(3);
    const keys = [0, 5, 2 ** 32 + 5, 2 ** 40 + 5, 5, 2 ** 52 + 1, 0, 17];
    for (const k of keys) set.add(k);
    expect(set.size).toBe(6);
    expect(Array.from(set.values()).sort((a, b) => a - b)).toEqual([0, 5, 17, 2 ** 32 + 5, 2 ** 40 + 5, 2 ** 52 + 1]);
  });

  it('holds as many keys as it was made for, and more than 16, without losing any', () => {
    const set = new KeySet(1000);
    const rng = new Rng(4);
    const expected = new Set<number>();
    while (expected.size < 1000) {
      const k = rng.int(1 << 30) * 4096 + rng.int(4096);
      expected.add(k);
      set.add(k);
      set.add(k);
    }
    expect(set.size).toBe(1000);
    expect(Array.from(set.values()).sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
  });
});

describe('sortPairKeys', () => {
  it('orders pair keys ascending, rows and columns alike', () => {
    const rng = new Rng(6);
    const n = 50;
    const keys = new Set<number>();
    while (keys.size < 400) {
      const i = rng.int(n - 1);
      keys.add(i * n + i + 1 + rng.int(n - i - 1));
    }
    const list = [...keys];
    expect(Array.from(sortPairKeys(Float64Array.from(list), n))).toEqual([...list].sort((a, b) => a - b));
    expect(Array.from(sortPairKeys(Float64Array.of(2 * 5 + 4, 0 * 5 + 3, 2 * 5 + 3, 3 * 5 + 4, 0 * 5 + 1), 5))).toEqual(
      [1, 3, 13, 14, 19],
    );
  });
});
