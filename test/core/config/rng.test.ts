import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng';

describe('Rng', () => {
  it('is reproducible by seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it('draws uniformly in [0, 1) and integers in range', () => {
    const rng = new Rng(7);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      bins[Math.floor(x * 10)]++;
    }
    for (const count of bins) expect(Math.abs(count - 2000)).toBeLessThan(200);
    for (let i = 0; i < 1000; i++) {
      const k = rng.int(5);
      expect(Number.isInteger(k) && k >= 0 && k < 5).toBe(true);
    }
  });

  it('normal samples have mean ≈ 0 and std ≈ 1', () => {
    const rng = new Rng(3);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
  });

  it('shuffles into a permutation and samples distinct indices', () => {
    const rng = new Rng(5);
    const xs = rng.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...xs].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const [n, k] of [
      [100, 10],
      [10, 10],
      [30, 20],
    ]) {
      const s = rng.sampleWithoutReplacement(n, k);
      expect(new Set(s).size).toBe(k);
      expect(s.every((i) => i >= 0 && i < n)).toBe(true);
    }
    expect(() => rng.sampleWithoutReplacement(3, 4)).toThrow(/cannot draw 4 distinct items from 3/);
    expect(() => rng.int(0)).toThrow(/positive bound/);
  });

  it('forks independent, reproducible streams', () => {
    const a = new Rng(9).fork();
    const b = new Rng(9).fork();
    expect(a.next()).toBe(b.next());
  });
});
