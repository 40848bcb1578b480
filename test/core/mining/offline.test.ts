import { describe, expect, it } from 'vitest';
import type { DistanceName } from '../../../src/core/config';
import { distanceJs, mahalanobisWhiteningJs } from '../../../src/core/distances';
import { offlineMinePairs, offlineMineTriplets } from '../../../src/core/mining';
import { Rng } from '../../../src/core/rng';

const DIM = 3;

/** A pool of `perClass` samples of each of 3 classes around centres `spread` apart; indices are offset. */
function makePool(seed: number, perClass: number, spread: number) {
  const rng = new Rng(seed);
  const labels: number[] = [];
  const values: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perClass; i++) {
      labels.push(c);
      for (let k = 0; k < DIM; k++) values.push((k === c ? spread : 0) + rng.normal(0, 0.5));
    }
  }
  const n = labels.length;
  return {
    n,
    embeddings: Float32Array.from(values),
    labels: Int32Array.from(labels),
    indices: Int32Array.from({ length: n }, (_, i) => 1000 + 3 * i),
  };
}

type Pool = ReturnType<typeof makePool>;

/** makePool plus one sample of a fourth class: it has negatives but no positive, so it can anchor nothing. */
function poolWithSingleton(seed: number): Pool {
  const base = makePool(seed, 8, 1);
  return {
    n: base.n + 1,
    embeddings: Float32Array.from([...base.embeddings, 0.4, 0.4, 0.4]),
    labels: Int32Array.from([...base.labels, 3]),
    indices: Int32Array.from({ length: base.n + 1 }, (_, i) => 1000 + 3 * i),
  };
}

/** Pool position of a training-set index. */
const position = (index: number) => (index - 1000) / 3;

function distanceOf(pool: Pool, name: DistanceName, i: number, j: number, whitening?: Float32Array): number {
  return distanceJs(
    name,
    pool.embeddings.subarray(i * DIM, (i + 1) * DIM),
    pool.embeddings.subarray(j * DIM, (j + 1) * DIM),
    whitening,
  );
}

/** Category by the definitions: δ = d(a,n) − d(a,p); hard δ ≤ 0, semi-hard 0 < δ ≤ m, easy δ > m. */
function category(delta: number, margin: number): 'hard' | 'semi-hard' | 'easy' {
  return delta <= 0 ? 'hard' : delta <= margin ? 'semi-hard' : 'easy';
}

function allTriplets(pool: Pool, name: DistanceName, margin: number, whitening?: Float32Array) {
  const out: { a: number; p: number; q: number; category: 'hard' | 'semi-hard' | 'easy' }[] = [];
  const { n, labels } = pool;
  for (let a = 0; a < n; a++)
    for (let p = 0; p < n; p++)
      for (let q = 0; q < n; q++) {
        if (p === a || labels[p] !== labels[a] || labels[q] === labels[a]) continue;
        out.push({
          a,
          p,
          q,
          category: category(distanceOf(pool, name, a, q, whitening) - distanceOf(pool, name, a, p, whitening), margin),
        });
      }
  return out;
}

describe('offline triplet mining', () => {
  const pool = makePool(3, 10, 1);
  const margin = 0.5;
  const reference = allTriplets(pool, 'euclidean', margin);
  const available = { hard: 0, 'semi-hard': 0, easy: 0 };
  for (const t of reference) available[t.category]++;

  it('the pool has triplets of every category (so the tests below can tell them apart)', () => {
    expect(Math.min(available.hard, available['semi-hard'], available.easy)).toBeGreaterThan(200);
  });

  for (const miner of ['hard', 'semi-hard', 'easy', 'all'] as const) {
    it(`${miner}: picks only triplets of that category when enough exist, as training-set indices`, () => {
      const count = 200;
      const out = offlineMineTriplets(
        pool.embeddings,
        pool.indices,
        pool.labels,
        DIM,
        'euclidean',
        undefined,
        miner,
        margin,
        count,
        new Rng(1),
      );
      expect(out.mined).toBe(count);
      expect(out.filled).toBe(0);
      expect(out.anchor).toHaveLength(count);
      expect(out.counts).toEqual({ easy: available.easy, semiHard: available['semi-hard'], hard: available.hard });
      const seen = new Set<string>();
      for (let k = 0; k < count; k++) {
        const [a, p, q] = [out.anchor[k], out.positive[k], out.negative[k]].map(position);
        expect(Number.isInteger(a) && Number.isInteger(p) && Number.isInteger(q)).toBe(true);
        expect(a !== p && pool.labels[a] === pool.labels[p] && pool.labels[a] !== pool.labels[q]).toBe(true);
        const c = category(distanceOf(pool, 'euclidean', a, q) - distanceOf(pool, 'euclidean', a, p), margin);
        expect(miner === 'all' ? c !== 'easy' : c === miner).toBe(true);
        seen.add(`${a},${p},${q}`);
      }
      expect(seen.size).toBe(count); // a sample without repeats
    });
  }

  it('fills with random valid triplets when the miner finds too few, and says how many', () => {
    const count = available.hard + 150;
    const out = offlineMineTriplets(
      pool.embeddings,
      pool.indices,
      pool.labels,
      DIM,
      'euclidean',
      undefined,
      'hard',
      margin,
      count,
      new Rng(2),
    );
    expect(out.mined).toBe(available.hard);
    expect(out.filled).toBe(150);
    expect(out.anchor).toHaveLength(count);
    let hard = 0;
    for (let k = 0; k < count; k++) {
      const [a, p, q] = [out.anchor[k], out.positive[k], out.negative[k]].map(position);
      expect(a !== p && pool.labels[a] === pool.labels[p] && pool.labels[a] !== pool.labels[q]).toBe(true);
      if (category(distanceOf(pool, 'euclidean', a, q) - distanceOf(pool, 'euclidean', a, p), margin) === 'hard')
        hard++;
    }
    expect(hard).toBeGreaterThanOrEqual(available.hard);

    // Far-apart classes: no hard triplet at all, everything is filled.
    const separated = makePool(4, 6, 50);
    const none = offlineMineTriplets(
      separated.embeddings,
      separated.indices,
      separated.labels,
      DIM,
      'euclidean',
      undefined,
      'hard',
      margin,
      40,
      new Rng(2),
    );
    expect(none.counts.hard).toBe(0);
    expect(none.mined).toBe(0);
    expect(none.filled).toBe(40);
  });

  it('is reproducible by seed', () => {
    const run = (seed: number) =>
      offlineMineTriplets(
        pool.embeddings,
        pool.indices,
        pool.labels,
        DIM,
        'euclidean',
        undefined,
        'semi-hard',
        margin,
        100,
        new Rng(seed),
      );
    expect(run(5)).toEqual(run(5));
    expect(Array.from(run(6).anchor)).not.toEqual(Array.from(run(5).anchor));
  });

  it('batch-hard mines the hardest triplet of every anchor, then fills', () => {
    const out = offlineMineTriplets(
      pool.embeddings,
      pool.indices,
      pool.labels,
      DIM,
      'euclidean',
      undefined,
      'batch-hard',
      margin,
      100,
      new Rng(1),
    );
    expect(out.mined).toBe(pool.n);
    expect(out.filled).toBe(100 - pool.n);
    const triplets = new Set(
      Array.from(out.anchor, (a, k) => `${position(a)},${position(out.positive[k])},${position(out.negative[k])}`),
    );
    for (let a = 0; a < pool.n; a++) {
      let p = -1;
      let q = -1;
      for (let j = 0; j < pool.n; j++) {
        const d = distanceOf(pool, 'euclidean', a, j);
        if (j !== a && pool.labels[j] === pool.labels[a] && (p < 0 || d > distanceOf(pool, 'euclidean', a, p))) p = j;
        if (pool.labels[j] !== pool.labels[a] && (q < 0 || d < distanceOf(pool, 'euclidean', a, q))) q = j;
      }
      expect(triplets.has(`${a},${p},${q}`)).toBe(true);
    }
  });

  it('random draws count valid triplets, all mined', () => {
    const out = offlineMineTriplets(
      pool.embeddings,
      pool.indices,
      pool.labels,
      DIM,
      'euclidean',
      undefined,
      'random',
      margin,
      64,
      new Rng(1),
    );
    expect([out.mined, out.filled, out.anchor.length]).toEqual([64, 0, 64]);
  });

  it('mahalanobis: categories follow the whitened distance', () => {
    const whitening = mahalanobisWhiteningJs(pool.embeddings, pool.n, DIM, 0.01);
    const ref = allTriplets(pool, 'mahalanobis', margin, whitening);
    const semiHard = ref.filter((t) => t.category === 'semi-hard').length;
    const out = offlineMineTriplets(
      pool.embeddings,
      pool.indices,
      pool.labels,
      DIM,
      'mahalanobis',
      whitening,
      'semi-hard',
      margin,
      50,
      new Rng(1),
    );
    expect(out.counts.semiHard).toBe(semiHard);
    expect(out.mined).toBe(50);
    for (let k = 0; k < 50; k++) {
      const [a, p, q] = [out.anchor[k], out.positive[k], out.negative[k]].map(position);
      expect(
        category(
          distanceOf(pool, 'mahalanobis', a, q, whitening) - distanceOf(pool, 'mahalanobis', a, p, whitening),
          margin,
        ),
      ).toBe('semi-hard');
    }
  });

  it('a pool without a valid triplet gives nothing, and bad inputs are clear errors', () => {
    const oneClass = makePool(5, 4, 1);
    const labels = new Int32Array(oneClass.n);
    const out = offlineMineTriplets(
      oneClass.embeddings,
      oneClass.indices,
      labels,
      DIM,
      'euclidean',
      undefined,
      'all',
      margin,
      10,
      new Rng(1),
    );
    expect([out.anchor.length, out.mined, out.filled]).toEqual([0, 0, 0]);
    expect(out.counts).toEqual({ easy: 0, semiHard: 0, hard: 0 });
    expect(() =>
      offlineMineTriplets(
        oneClass.embeddings,
        oneClass.indices,
        labels.subarray(1),
        DIM,
        'euclidean',
        undefined,
        'all',
        margin,
        10,
        new Rng(1),
      ),
    ).toThrow(/one label per pool sample/);
  });
});

describe('offline pair mining', () => {
  const pool = makePool(8, 10, 1);
  const margin = 0.5;
  const reference = allTriplets(pool, 'euclidean', margin);

  it('hard: positives and negatives that take part in a hard triplet, in the requested proportion', () => {
    const hardPositive = new Set(reference.filter((t) => t.category === 'hard').map((t) => `${t.a},${t.p}`));
    const hardNegative = new Set(reference.filter((t) => t.category === 'hard').map((t) => `${t.a},${t.q}`));
    const out = offlineMinePairs(
      pool.embeddings,
      pool.indices,
      pool.labels,
      DIM,
      'euclidean',
      undefined,
      'hard',
      margin,
      60,
      0.25,
      new Rng(1),
    );
    expect(out.a).toHaveLength(60);
    expect([out.mined, out.filled]).toEqual([60, 0]);
    expect(Array.from(out.similar).filter((s) => s === 1)).toHaveLength(15);
    for (let k = 0; k < 60; k++) {
      const a = position(out.a[k]);
      const b = position(out.b[k]);
      const similar = pool.labels[a] === pool.labels[b] && a !== b;
      expect(out.similar[k]).toBe(similar ? 1 : 0);
      expect((similar ? hardPositive : hardNegative).has(`${a},${b}`)).toBe(true);
    }
  });

  it('fills with random pairs of the right kind when too few are mined; reproducible by seed', () => {
    const separated = makePool(9, 5, 50);
    const run = (seed: number) =>
      offlineMinePairs(
        separated.embeddings,
        separated.indices,
        separated.labels,
        DIM,
        'euclidean',
        undefined,
        'hard',
        margin,
        20,
        0.5,
        new Rng(seed),
      );
    const out = run(3);
    expect([out.mined, out.filled]).toEqual([0, 20]);
    for (let k = 0; k < 20; k++) {
      const a = position(out.a[k]);
      const b = position(out.b[k]);
      expect(out.similar[k]).toBe(separated.labels[a] === separated.labels[b] && a !== b ? 1 : 0);
      expect(a === b).toBe(false);
    }
    expect(run(3)).toEqual(out);
    expect(Array.from(run(4).a)).not.toEqual(Array.from(out.a));
  });

  /** minePairs' rule by brute force: pairs in a triplet of the category; batch-hard: farthest positive, closest negative. */
  function referencePairs(p: Pool, miner: 'hard' | 'semi-hard' | 'easy' | 'batch-hard') {
    const positive = new Set<string>();
    const negative = new Set<string>();
    if (miner === 'batch-hard') {
      for (let a = 0; a < p.n; a++) {
        let far = -1;
        let near = -1;
        for (let j = 0; j < p.n; j++) {
          const d = distanceOf(p, 'euclidean', a, j);
          if (j !== a && p.labels[j] === p.labels[a] && (far < 0 || d > distanceOf(p, 'euclidean', a, far))) far = j;
          if (p.labels[j] !== p.labels[a] && (near < 0 || d < distanceOf(p, 'euclidean', a, near))) near = j;
        }
        if (far >= 0 && near >= 0) {
          positive.add(`${a},${far}`);
          negative.add(`${a},${near}`);
        }
      }
    } else {
      for (const t of allTriplets(p, 'euclidean', margin)) {
        if (t.category !== miner) continue;
        positive.add(`${t.a},${t.p}`);
        negative.add(`${t.a},${t.q}`);
      }
    }
    return { positive, negative };
  }

  it('hard, semi-hard, easy and batch-hard select exactly the pairs of their rule (a singleton anchor has none)', () => {
    const withSingleton = poolWithSingleton(8);
    for (const miner of ['hard', 'semi-hard', 'easy', 'batch-hard'] as const) {
      const want = referencePairs(withSingleton, miner);
      const count = want.positive.size + want.negative.size;
      expect(want.positive.size * want.negative.size, miner).toBeGreaterThan(0);
      // Asking for exactly as many pairs of each kind as the rule selects takes every one of them, no fill-in.
      const out = offlineMinePairs(
        withSingleton.embeddings,
        withSingleton.indices,
        withSingleton.labels,
        DIM,
        'euclidean',
        undefined,
        miner,
        margin,
        count,
        want.positive.size / count,
        new Rng(2),
      );
      expect([out.mined, out.filled], miner).toEqual([count, 0]);
      const got = { positive: new Set<string>(), negative: new Set<string>() };
      for (let k = 0; k < count; k++)
        got[out.similar[k] === 1 ? 'positive' : 'negative'].add(`${position(out.a[k])},${position(out.b[k])}`);
      expect([...got.positive].sort(), miner).toEqual([...want.positive].sort());
      expect([...got.negative].sort(), miner).toEqual([...want.negative].sort());
    }
  });

  it('fill-ins never anchor on a sample without a partner of the needed kind (triplets and pairs)', () => {
    const p = poolWithSingleton(11);
    const singleton = p.n - 1;
    const triplets = offlineMineTriplets(
      p.embeddings,
      p.indices,
      p.labels,
      DIM,
      'euclidean',
      undefined,
      'hard',
      margin,
      2000,
      new Rng(4),
    );
    expect(triplets.filled).toBeGreaterThan(0);
    for (let k = 0; k < triplets.anchor.length; k++) {
      const [a, q] = [position(triplets.anchor[k]), position(triplets.negative[k])];
      const pp = position(triplets.positive[k]);
      expect(a === pp || p.labels[a] !== p.labels[pp] || p.labels[a] === p.labels[q]).toBe(false);
    }
    expect(Array.from(triplets.anchor).map(position)).not.toContain(singleton);
    const pairs = offlineMinePairs(
      p.embeddings,
      p.indices,
      p.labels,
      DIM,
      'euclidean',
      undefined,
      'hard',
      margin,
      2000,
      0.5,
      new Rng(4),
    );
    expect(pairs.filled).toBeGreaterThan(0);
    for (let k = 0; k < pairs.a.length; k++) {
      const [a, b] = [position(pairs.a[k]), position(pairs.b[k])];
      if (pairs.similar[k] === 1) expect(a !== b && p.labels[a] === p.labels[b]).toBe(true);
      else expect(p.labels[a] !== p.labels[b]).toBe(true);
    }
  });

  it('positiveFraction must lie in [0, 1], both ends included; count must be a whole number ≥ 0', () => {
    const mine = (count: number, fraction: number) =>
      offlineMinePairs(
        pool.embeddings,
        pool.indices,
        pool.labels,
        DIM,
        'euclidean',
        undefined,
        'hard',
        margin,
        count,
        fraction,
        new Rng(1),
      );
    for (const bad of [-0.01, 1.01, Number.NaN])
      expect(() => mine(10, bad)).toThrow(`positiveFraction must lie in [0, 1], got ${bad}`);
    expect(Array.from(mine(10, 0).similar)).toEqual(new Array(10).fill(0));
    expect(Array.from(mine(10, 1).similar)).toEqual(new Array(10).fill(1));
    for (const bad of [-1, 2.5, Number.NaN])
      expect(() => mine(bad, 0.5)).toThrow(`offline mining needs a whole, non-negative count, got ${bad}`);
    expect(mine(0, 0.5).a).toHaveLength(0);
    expect(() =>
      offlineMinePairs(
        pool.embeddings.subarray(1),
        pool.indices,
        pool.labels,
        DIM,
        'euclidean',
        undefined,
        'hard',
        margin,
        10,
        0.5,
        new Rng(1),
      ),
    ).toThrow(`offline mining expected ${pool.n}×${DIM} pool embeddings, got ${pool.n * DIM - 1} values`);
  });

  it('all and random: every valid pair is a candidate, all counted as mined', () => {
    for (const miner of ['all', 'random'] as const) {
      const out = offlineMinePairs(
        pool.embeddings,
        pool.indices,
        pool.labels,
        DIM,
        'euclidean',
        undefined,
        miner,
        margin,
        50,
        0.5,
        new Rng(1),
      );
      expect([out.mined, out.filled]).toEqual([50, 0]);
    }
  });
});
