/**
 * The blocks an evaluation is cut into and the label-grouped column order, checked directly: how many query rows a
 * block holds decides the evaluation's memory, which the whole-matrix comparisons (evaluateBlocked.test.ts) do not
 * see, and a block must be read in place on WASM rather than copied.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DistanceName } from '../../../src/core/config';
import { BLOCK_VALUES, columnOrderByLabel, forEachRowBlock } from '../../../src/core/metrics/blockedDistances';
import { Rng } from '../../../src/core/rng';
import { useBackendInSuite, useCpuBackend } from '../../helpers/tf';

describe('columnOrderByLabel', () => {
  it('groups the items by ascending label, each label in index order, and says where each label runs', () => {
    const labels = [2, 0, 2, 1, 0, 2, 0, 0, 2, 1, 7, 0];
    const order = columnOrderByLabel(labels);
    expect([...order.original]).toEqual([1, 4, 6, 7, 11, 3, 9, 0, 2, 5, 8, 10]);
    for (let c = 0; c < labels.length; c++) expect(order.position[order.original[c]]).toBe(c);
    expect(order.runs).toEqual(
      new Map([
        [0, [0, 5]],
        [1, [5, 7]],
        [2, [7, 11]],
        [7, [11, 12]],
      ]),
    );
  });

  it('keeps index order inside a label of many items', () => {
    const rng = new Rng(5);
    const labels = Array.from({ length: 200 }, () => rng.int(3));
    const { original } = columnOrderByLabel(labels);
    const expected = [0, 1, 2].flatMap((label) => labels.flatMap((l, i) => (l === label ? [i] : [])));
    expect([...original]).toEqual(expected);
  });
});

/** The [start, rows] of every block forEachRowBlock visits. */
function blocksOf(n: number, dim: number, distance: DistanceName, blockValues: number | undefined): number[][] {
  const rng = new Rng(3);
  const x = Float32Array.from({ length: n * dim }, () => rng.normal());
  const blocks: number[][] = [];
  forEachRowBlock(x, n, null, n, dim, distance, undefined, blockValues, (block) => {
    expect(block.values.length).toBe(block.rows * n);
    blocks.push([block.start, block.rows]);
  });
  return blocks;
}

describe('forEachRowBlock cuts the queries into blocks of at most blockValues values', () => {
  beforeAll(async () => {
    await useCpuBackend();
  });

  it('gives each block ⌊blockValues / candidates⌋ rows, the last one the rest, and no empty block', () => {
    expect(blocksOf(10, 3, 'euclidean', 25)).toEqual([
      [0, 2],
      [2, 2],
      [4, 2],
      [6, 2],
      [8, 2],
    ]);
    expect(blocksOf(10, 3, 'cosine', 40)).toEqual([
      [0, 4],
      [4, 4],
      [8, 2],
    ]);
    // A block holds one row at least, whatever the limit.
    expect(blocksOf(3, 2, 'squared-euclidean', 1)).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    // By default 2^20 values (4 MB of float32): 10 queries fit in one block.
    expect(BLOCK_VALUES).toBe(2 ** 20);
    expect(blocksOf(10, 3, 'euclidean', undefined)).toEqual([[0, 10]]);
  });
});

describe('on the WASM backend', () => {
  useBackendInSuite('wasm');

  it('keeps a Manhattan block under 2^24 values of its rows × candidates × dimensions difference tensor', () => {
    // 130 × 1024: 2^24 / 1024 = 16,384 values, so 126 rows of 130 per block; cosine keeps the whole 2^20.
    expect(blocksOf(130, 1024, 'manhattan', undefined)).toEqual([
      [0, 126],
      [126, 4],
    ]);
    expect(blocksOf(130, 1024, 'cosine', undefined)).toEqual([[0, 130]]);
    // A smaller limit still wins: 3 rows of 130.
    expect(blocksOf(130, 1024, 'manhattan', 400).length).toBe(44);
  });

  it('reads each block in place in the WASM heap instead of copying it', () => {
    const n = 50;
    const dim = 4;
    const rng = new Rng(8);
    const x = Float32Array.from({ length: n * dim }, () => rng.normal());
    for (const distance of ['euclidean', 'cosine'] as const) {
      let visited = 0;
      forEachRowBlock(x, n, null, n, dim, distance, undefined, 500, (block) => {
        visited++;
        // A copy would own a buffer of exactly its own size; the heap is megabytes.
        expect(block.values.byteLength).toBe(10 * n * 4);
        expect(block.values.buffer.byteLength).toBeGreaterThan(1 << 20);
      });
      expect(visited).toBe(5);
    }
  });
});
