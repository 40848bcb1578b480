/**
 * Distances of query rows to candidate rows, one block of query rows at a time, so an evaluation never holds more
 * than a block × candidates of them: the memory of an evaluation grows with n, not n².
 *
 * Euclidean family (Euclidean, squared, Mahalanobis): each block is a slice of the Gram matrix Q·Cᵀ from one backend
 * matmul (rows whitened first for Mahalanobis), read in place where the backend allows, with the squared norms in
 * doubles. d²(i, j) = |qi|² + |cj|² − 2·Gij; the distance follows the ε rules of distances.ts (Euclidean and
 * Mahalanobis sqrt(max(d², ε)), squared max(d², 0), NaN stays NaN), rounded to float32 like a tensor. The matmul
 * computes every entry from its own row and column only, so a block's entries are the bits the whole matrix would
 * hold (tested on the CPU and WASM backends). Cosine and Manhattan: each block is the backend's distance block itself.
 */
import * as tf from '@tensorflow/tfjs';
import { valuesView } from '../tensorValues';
import type { DistanceName } from '../config';
import { pairwiseDistances } from '../distances';
import { clampAtZero, clampedSqrt } from './gramScan';
import type { ColumnOrder, RetrievalRanking } from './retrieval';

/**
 * Values a block holds at most (4 MB of float32): the block's rows are this divided by the candidates. Small enough
 * that a block is still in cache when its rows are scanned and that one evaluation touches little fresh memory (a
 * first touch costs more than the matmul on some machines); the matmul is as fast per value down to about a hundred
 * rows of 10,000.
 */
export const BLOCK_VALUES = 1 << 20;
/** The Manhattan kernel builds a [rows, m, dim] difference tensor, so its blocks hold about this many values. */
const MANHATTAN_BLOCK_VALUES = 1 << 24;

/**
 * The candidates grouped by label (ascending label, then index), for leave-one-out Gram rows: a query's nearest are
 * then mostly one run of columns, which scans and splits by label with far fewer mispredicted branches.
 */
export function columnOrderByLabel(labels: ArrayLike<number>): ColumnOrder {
  const original = Int32Array.from({ length: labels.length }, (_, i) => i).sort(
    (a, b) => labels[a] - labels[b] || a - b,
  );
  const position = new Int32Array(labels.length);
  const runs = new Map<number, [number, number]>();
  for (let c = 0; c < original.length; c++) {
    position[original[c]] = c;
    const label = labels[original[c]];
    const run = runs.get(label);
    if (run) run[1] = c + 1;
    else runs.set(label, [c, c + 1]);
  }
  return { original, position, runs };
}

/** One block of query rows [start, start + rows) against all m candidates. */
export interface RowBlock {
  start: number;
  rows: number;
  /** rows × m, row-major: Gram entries (Euclidean family; columns in the visit's order) or distances. Valid only during the visit. */
  values: Float32Array;
  /** The float32 distance of query q (in this block) to candidate j. */
  distance(q: number, j: number): number;
  /** Ranks every query row of the block. */
  rank(ranking: RetrievalRanking): void;
}

type GramDistance = 'euclidean' | 'squared-euclidean' | 'mahalanobis';

function isGramDistance(distance: DistanceName): distance is GramDistance {
  return distance === 'euclidean' || distance === 'squared-euclidean' || distance === 'mahalanobis';
}

/**
 * Visits the blocks of query rows (n × dim, row-major) against the candidates (m × dim; the queries themselves when
 * `candidates` is null) in ascending order. Every tensor is disposed, also when `visit` throws.
 */
export function forEachRowBlock(
  queries: Float32Array,
  n: number,
  candidates: Float32Array | null,
  m: number,
  dim: number,
  distance: DistanceName,
  whitening: Float32Array | undefined,
  blockValues: number | undefined,
  visit: (block: RowBlock) => void,
  order?: ColumnOrder,
): void {
  const limit = blockValues ?? BLOCK_VALUES;
  if (!(limit >= 1)) throw new Error(`blockValues must be ≥ 1, got ${blockValues}`);
  if (distance === 'mahalanobis' && whitening !== undefined && whitening.length !== dim * dim) {
    throw new Error(`evaluateEmbeddings: the whitening matrix must be ${dim}×${dim}, got ${whitening.length} values`);
  }
  // Stryker disable next-line ArrayDeclaration: tf.dispose skips what is not a tensor
  const held: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    held.push(t);
    return t;
  };
  try {
    // Only Mahalanobis whitens (a run's W is passed along whatever the distance, and the others ignore it).
    const w =
      distance === 'mahalanobis' && whitening !== undefined ? keep(tf.tensor2d(whitening, [dim, dim])) : undefined;
    // The whole query and candidate matrices go to the backend only where it computes with them: to whiten, to
    // raise the usual error, and for the distances that are not a Gram product.
    const uploaded = () => {
      const q = keep(tf.tensor2d(queries, [n, dim]));
      return { q, c: candidates === null ? q : keep(tf.tensor2d(candidates, [m, dim])) };
    };
    if (isGramDistance(distance)) {
      if (distance === 'mahalanobis' && w === undefined) {
        const { q, c } = uploaded();
        pairwiseDistances(distance, q, c); // throws the usual error
      }
      // The rows as JS arrays (whitened on the backend first): each block's queries are uploaded from them, and the
      // candidates once, already in the order's columns and transposed (matMul's transpose flags, tf.gather and
      // tf.slice all cost more on the WASM backend than these copies).
      const whitened = (rows: Float32Array, count: number, by: tf.Tensor2D) =>
        tf.tidy(() => tf.matMul(tf.tensor2d(rows, [count, dim]), by).dataSync() as Float32Array);
      const qRows = w ? whitened(queries, n, w) : queries;
      const cRows = candidates === null ? qRows : w ? whitened(candidates, m, w) : candidates;
      const cT = keep(tf.tensor2d(transposedColumns(cRows, m, dim, order), [dim, m]));
      const queryNorms = squaredNorms(qRows, n, dim);
      // Stryker disable next-line ConditionalExpression: the same rows give the same norms; sharing them only saves a pass
      const candidateNorms = candidates === null ? queryNorms : squaredNorms(cRows, m, dim);
      const toDistance = distance === 'squared-euclidean' ? clampAtZero : clampedSqrt;
      const columnNorms = order ? Float64Array.from(order.original, (j) => candidateNorms[j]) : candidateNorms;
      const rowsPerBlock = Math.max(1, Math.floor(limit / Math.max(m, 1)));
      for (let start = 0; start < n; start += rowsPerBlock) {
        const rows = Math.min(rowsPerBlock, n - start);
        const block = qRows.subarray(start * dim, (start + rows) * dim);
        const gram = tf.tidy(() => tf.matMul(tf.tensor2d(block, [rows, dim]), cT));
        try {
          visit(gramBlock(start, rows, valuesView(gram), m, queryNorms, columnNorms, toDistance, order));
        } finally {
          gram.dispose();
        }
      }
      return;
    }
    const { c } = uploaded();
    const values = distance === 'manhattan' ? Math.min(limit, MANHATTAN_BLOCK_VALUES / dim) : limit;
    const rowsPerBlock = Math.max(1, Math.floor(values / Math.max(m, 1)));
    for (let start = 0; start < n; start += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, n - start);
      const queryRows = queries.subarray(start * dim, (start + rows) * dim);
      const block = tf.tidy(() => pairwiseDistances(distance, tf.tensor2d(queryRows, [rows, dim]), c));
      try {
        visit(distanceBlock(start, rows, valuesView(block), m));
      } finally {
        block.dispose();
      }
    }
  } finally {
    tf.dispose(held);
  }
}

function gramBlock(
  start: number,
  rows: number,
  values: Float32Array,
  m: number,
  queryNorms: Float64Array,
  columnNorms: Float64Array,
  toDistance: (squared: number) => number,
  order: ColumnOrder | undefined,
): RowBlock {
  return {
    start,
    rows,
    values,
    distance(q, j) {
      const c = order ? order.position[j] : j;
      return Math.fround(toDistance(queryNorms[q] + columnNorms[c] - 2 * values[(q - start) * m + c]));
    },
    rank(ranking) {
      for (let q = start; q < start + rows; q++)
        ranking.addGramRow(q, values, (q - start) * m, columnNorms, toDistance, queryNorms[q], order);
    },
  };
}

function distanceBlock(start: number, rows: number, values: Float32Array, m: number): RowBlock {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  return {
    start,
    rows,
    values,
    distance: (q, j) => values[(q - start) * m + j],
    rank(ranking) {
      for (let q = start; q < start + rows; q++) ranking.addRow(q, values, bits, (q - start) * m);
    },
  };
}

/** The m × dim `rows` as a dim × m matrix whose column c is row original[c] (row c without an order). */
function transposedColumns(rows: Float32Array, m: number, dim: number, order: ColumnOrder | undefined): Float32Array {
  const out = new Float32Array(dim * m);
  for (let c = 0; c < m; c++) {
    const from = (order ? order.original[c] : c) * dim;
    // Stryker disable next-line EqualityOperator: a write one past the end of a typed array is dropped
    for (let k = 0; k < dim; k++) out[k * m + c] = rows[from + k];
  }
  return out;
}

function squaredNorms(rows: Float32Array, n: number, dim: number): Float64Array {
  const norms = new Float64Array(n);
  // Stryker disable next-line EqualityOperator: a write one past the end of a typed array is dropped
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = i * dim; k < (i + 1) * dim; k++) sum += rows[k] * rows[k];
    norms[i] = sum;
  }
  return norms;
}
