import { beforeAll, describe, expect, it } from 'vitest';
import { alignmentUniformity } from '../../../src/core/metrics/geometry';
import { Rng } from '../../../src/core/rng';
import { useCpuBackend } from '../../helpers/tf';

/** The edges of alignment and uniformity: labels that travel with a sampled row, the sample size, refused input. */

beforeAll(async () => {
  await useCpuBackend();
});

describe('alignmentUniformity on a sample', () => {
  it('keeps each sampled row with its own label: classes that are single points stay perfectly aligned', () => {
    // 3 classes, each one point on its own axis (orthogonal: d² = 2 between classes, 0 within). Whatever rows the
    // sample takes, alignment is 0 — unless a row were paired with another row's label.
    const n = 90;
    const labels = Array.from({ length: n }, (_, i) => (i * 7) % 3);
    const x = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) x[i * 3 + labels[i]] = 1 + (i % 5);
    const g = alignmentUniformity(x, n, 3, labels, new Rng(11), 20);
    expect(g.points).toBe(20);
    expect(g.alignment).toBe(0);
    // Uniformity lies between "every pair 2 apart" (log e^−4 = −4) and "every pair together" (0), strictly.
    expect(g.uniformity).toBeLessThan(-0.5);
    expect(g.uniformity).toBeGreaterThan(-4);
  });

  it('uses every point, not a sample, when the set is exactly the cap', () => {
    const x = Float32Array.of(1, 0, -1, 0, 0, 1);
    const g = alignmentUniformity(x, 3, 2, [0, 0, 1], new Rng(1), 3);
    expect(g.points).toBe(3);
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
