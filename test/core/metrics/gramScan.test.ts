/**
 * The Gram row scan: the WebAssembly kernel and the JS loop it stands in for must keep the same columns with the same
 * d² bits (the ranking after them is shared, so equal lists mean equal metrics), and the committed kernel bytes must
 * be what its text assembles to.
 */
import { describe, expect, it } from 'vitest';
import {
  clampAtZero,
  clampedSqrt,
  createGramRowScanner,
  type GramRowScanner,
  kernelSupported,
} from '../../../src/core/metrics/gramScan';
import { GRAM_SCAN_WASM_HEX } from '../../../src/core/metrics/gramScanKernel';
import { Rng } from '../../../src/core/rng';
import { assemble, KERNEL_SOURCE } from '../../../scripts/build-wasm';

/** The list a scan filled: columns and the bits of each d². */
function listed(scanner: GramRowScanner, list: 0 | 1, count: number): { columns: number[]; bits: bigint[] } {
  const columns = Array.from(scanner.index[list].subarray(0, count));
  const bits = Array.from(new BigUint64Array(Float64Array.from(scanner.squared[list].subarray(0, count)).buffer));
  return { columns, bits };
}

describe('Gram row scan', () => {
  it('runs the WebAssembly kernel in Node (the path the whole suite measures and checks)', () => {
    expect(kernelSupported()).toBe(true);
    expect(createGramRowScanner(8).kernel).toBe(true);
    expect(createGramRowScanner(8, false).kernel).toBe(false);
  });

  it('the committed kernel is the assembled gramScan.wat', async () => {
    const bytes = await assemble(KERNEL_SOURCE);
    expect(GRAM_SCAN_WASM_HEX).toBe(Buffer.from(bytes).toString('hex'));
  });

  it('kernel and loop keep the same columns with the same d² bits, on awkward values and every range', () => {
    const rng = new Rng(5);
    const m = 203; // not a multiple of 4: every range below ends in a scalar tail of its own length
    const awkward = [NaN, Infinity, -Infinity, -0, 0, 1e-45, 3.4e38, -3.4e38, 0.5, 0.25];
    const kernel = createGramRowScanner(m, true);
    const loop = createGramRowScanner(m, false);
    for (let trial = 0; trial < 40; trial++) {
      const rows = 3;
      const gram = Float32Array.from({ length: rows * m }, () =>
        rng.next() < 0.1 ? awkward[rng.int(awkward.length)] : rng.normal(),
      );
      const norms = Float64Array.from({ length: m }, () => (rng.next() < 0.05 ? awkward[rng.int(3)] : rng.next() * 3));
      const row = rng.int(rows);
      const nq = trial % 10 === 0 ? NaN : rng.next() * 3;
      // Cuts at the awkward values too: exactly 0, one value of the row's own d², infinite.
      const cuts = [rng.normal() * 2 + 3, 0, Infinity, -Infinity, nq + norms[7] - 2 * gram[row * m + 7]];
      const from = rng.int(m);
      const to = from + rng.int(m - from + 1);
      for (const cut of cuts) {
        for (const scanner of [kernel, loop]) scanner.load(gram, row * m, norms);
        const start = rng.int(5); // a list continued from some earlier count
        const counts = [kernel, loop].map((s) => s.scan(1, from, to, nq, cut, start));
        expect(counts[0]).toBe(counts[1]);
        const a = listed(kernel, 1, counts[0]);
        const b = listed(loop, 1, counts[1]);
        expect(a.columns.slice(start)).toEqual(b.columns.slice(start));
        expect(a.bits.slice(start)).toEqual(b.bits.slice(start));
        for (const c of a.columns.slice(start)) expect(c >= from && c < to).toBe(true);
      }
    }
  });

  it('appends to each list on its own, and reads new norms only from a new array', () => {
    const m = 9;
    const gram = Float32Array.from({ length: m }, (_, c) => c);
    const norms = new Float64Array(m).fill(100);
    for (const useKernel of [true, false]) {
      const scanner = createGramRowScanner(m, useKernel);
      scanner.load(gram, 0, norms);
      // d² = 0 + 100 − 2c ≤ 90 for c ≥ 5
      expect(scanner.scan(0, 0, m, 0, 90, 0)).toBe(4);
      expect(scanner.scan(1, 0, 6, 0, 96, 0)).toBe(4); // c = 2..5
      expect(Array.from(scanner.index[0].subarray(0, 4))).toEqual([5, 6, 7, 8]);
      expect(Array.from(scanner.index[1].subarray(0, 4))).toEqual([2, 3, 4, 5]);
      expect(Array.from(scanner.squared[0].subarray(0, 4))).toEqual([90, 88, 86, 84]);
      scanner.load(gram, 0, new Float64Array(m).fill(10));
      expect(scanner.scan(0, 0, m, 0, 0, 0)).toBe(4); // 10 − 2c ≤ 0 for c ≥ 5 (with the old norms, none)
    }
  });

  it('lays out room for rows of many columns, every one a candidate in both lists (the kernel writes past its count)', () => {
    const m = 40_003; // several pages of kernel memory, and a scalar tail
    const rng = new Rng(9);
    const gram = Float32Array.from({ length: m }, () => rng.normal());
    const norms = Float64Array.from({ length: m }, () => rng.next());
    const kernel = createGramRowScanner(m, true);
    const loop = createGramRowScanner(m, false);
    for (const scanner of [kernel, loop]) scanner.load(gram, 0, norms);
    for (const list of [0, 1] as const) {
      const counts = [kernel, loop].map((scanner) => scanner.scan(list, 0, m, 0.5, Infinity, 0));
      expect(counts).toEqual([m, m]);
    }
    for (const list of [0, 1] as const) {
      const a = listed(kernel, list, m);
      const b = listed(loop, list, m);
      expect(a.columns).toEqual(b.columns);
      expect(a.bits).toEqual(b.bits);
    }
  });

  it('ranks in the kernel only with the two d²-to-distance functions it has; the loop scanner never does', () => {
    // One row of 6 columns: 3 other-label candidates at d² 1, 4, 9 (columns 0, 2, 4) and 3 own at d² 1, 2.25, 16
    // (columns 1, 3, 5), cut at d² 20. R = depth = 3. By distance, then column: 0 (other), 1 (own, tied with 0 at 1 but
    // later), own at 1.5, other 2, other 3, own 4: the own candidates rank 1, 2 and 5.
    const m = 6;
    const gram = Float32Array.from([-0.5, -0.5, -2, -1.125, -4.5, -8]);
    for (const useKernel of [true, false]) {
      const scanner = createGramRowScanner(m, useKernel);
      scanner.load(gram, 0, new Float64Array(m));
      expect(scanner.scan(0, 0, m, 0, 20, 0)).toBe(6);
      // Split by hand into the two lists, as RetrievalRanking's label runs would.
      scanner.index[0].set([0, 2, 4]);
      scanner.squared[0].set([1, 4, 9]);
      scanner.index[1].set([1, 3, 5]);
      scanner.squared[1].set([1, 2.25, 16]);
      if (!useKernel) {
        expect(scanner.rankCandidates(3, 3, 3, 3, 20, clampedSqrt, undefined)).toBeNull();
        continue;
      }
      expect(scanner.rankCandidates(3, 3, 3, 3, 20, (d) => Math.sqrt(d), undefined)).toBeNull();
      expect(scanner.rankCandidates(3, 3, 3, 3, 20, clampedSqrt, undefined)).toEqual({
        relevant: 2,
        averagePrecisionSum: 1 / 2 + 2 / 3,
        firstRelevantRank: 1,
      });
      // Squared distances: the same order. Column 1 as item 9 (after every other item): still ranks after column 0.
      const original = Int32Array.from([0, 9, 2, 3, 4, 5]);
      expect(scanner.rankCandidates(3, 3, 3, 3, 20, clampAtZero, original)).toMatchObject({ firstRelevantRank: 1 });
      // Column 0 as item 7, after column 1's item 1: the tie at distance 1 goes to the own candidate: ranks 0, 2
      // and 5.
      const swapped = Int32Array.from([7, 1, 2, 3, 4, 5]);
      expect(scanner.rankCandidates(3, 3, 3, 3, 20, clampAtZero, swapped)).toEqual({
        relevant: 2,
        averagePrecisionSum: 1 + 2 / 3,
        firstRelevantRank: 0,
      });
      // A cut whose distance leaves fewer than the depth strictly below it cannot be exact.
      expect(scanner.rankCandidates(3, 3, 3, 3, 1, clampedSqrt, undefined)).toBe(false);
    }
  });
});
