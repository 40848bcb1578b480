import { describe, expect, it } from 'vitest';
import { alignmentUniformity } from '../../../src/core/metrics/geometry';
import { Rng } from '../../../src/core/rng';

/** The edges of alignment and uniformity: labels of any value, the pair cap, refused input. */

describe('alignmentUniformity on a sample', () => {
  it('keeps each row with its own label, of any value: single-point classes stay perfectly aligned', () => {
    // 3 classes, each one point on its own axis (orthogonal: d² = 2 between classes, 0 within), labelled with values
    // far apart and negative. Alignment is 0 unless a row were counted with another row's class.
    const n = 90;
    const axis = Array.from({ length: n }, (_, i) => (i * 7) % 3);
    const labels = axis.map((a) => [-5, 1_000_000, 3][a]);
    const x = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) x[i * 3 + axis[i]] = 1 + (i % 5);
    const g = alignmentUniformity(x, n, 3, labels, new Rng(11), 20);
    expect(g.points).toBe(n);
    expect(g.pairs).toBe(20);
    expect(g.alignment).toBe(0);
    // Uniformity lies between "every pair 2 apart" (log e^−4 = −4) and "every pair together" (0), strictly.
    expect(g.uniformity).toBeLessThan(-0.5);
    expect(g.uniformity).toBeGreaterThan(-4);
    // Positive pairs 2 apart in one class and 0 in another average to 1: each class's pairs weigh by their number.
    const y = Float32Array.of(1, 0, -1, 0, 0, 1, 0, 1, 0, 1);
    expect(alignmentUniformity(y, 5, 2, [7, 7, 9, 9, 9], new Rng(1)).alignment).toBeCloseTo((2 * 4) / (2 + 6), 6);
  });

  it('uses every pair, not a sample, when the set has exactly the cap', () => {
    const x = Float32Array.of(1, 0, -1, 0, 0, 1);
    const g = alignmentUniformity(x, 3, 2, [0, 0, 1], new Rng(1), 3);
    expect(g.points).toBe(3);
    expect(g.pairs).toBe(3);
    expect(g.alignment).toBeCloseTo(4, 5); // the one positive pair is antipodal
    // Pairs: one antipodal (d² 4), two orthogonal (d² 2), each both ways: log((2e^−8 + 4e^−4)/6).
    expect(g.uniformity).toBeCloseTo(Math.log((2 * Math.exp(-8) + 4 * Math.exp(-4)) / 6), 5);
  });
});

describe('alignmentUniformity input checks', () => {
  it('refuses fewer than two embeddings, a wrong number of values or of labels', () => {
    const message = 'alignmentUniformity needs at least 2 embeddings of 2 values with a label each, got';
    expect(() => alignmentUniformity(Float32Array.of(1, 0), 1, 2, [0], new Rng(1))).toThrow(`${message} 1`);
    expect(() => alignmentUniformity(new Float32Array(6), 2.5, 2, [0, 0], new Rng(1))).toThrow(`${message} 2.5`);
    expect(() => alignmentUniformity(new Float32Array(5), 2, 2, [0, 0], new Rng(1))).toThrow(`${message} 2`);
    expect(() => alignmentUniformity(new Float32Array(4), 2, 2, [0, 0, 1], new Rng(1))).toThrow(`${message} 2`);
  });
});
