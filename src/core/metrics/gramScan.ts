/**
 * The candidate scan of RetrievalRanking.addGramRow: every entry of every Gram row is compared with the row's cut,
 * which makes it the evaluation's largest loop after the matmul itself. A small WebAssembly SIMD kernel
 * (gramScan.wat) compares four columns per step on a copy of the row; where WebAssembly SIMD is missing, a JS loop
 * does the same. Both compute d² = (nq + norms[c]) − 2·row[c] in doubles in that order and keep the columns with
 * d² ≤ cut in ascending order, so they give the same candidates with the same d² bits, and so the same metrics.
 * The kernel also ranks the candidates it kept (RetrievalRanking's per-candidate work, the evaluation's largest in
 * JS), with the same arithmetic as the JS method in the same order, for the two d²-to-distance functions below.
 */
import { DISTANCE_EPSILON } from '../distances';
import { GRAM_SCAN_WASM_HEX } from './gramScanKernel';

/** sqrt(max(d², ε)), the Euclidean and Mahalanobis distance of a squared one. */
export function clampedSqrt(squared: number): number {
  return Math.sqrt(Math.max(squared, DISTANCE_EPSILON));
}

/** max(d², 0), the squared-Euclidean distance (rounding can make a d² slightly negative). */
export function clampAtZero(squared: number): number {
  return Math.max(squared, 0);
}

/** The kernel's mode for a d²-to-distance function: 0 {@link clampedSqrt}, 1 {@link clampAtZero}, −1 any other. */
function kernelMode(toDistance: (squared: number) => number): number {
  return toDistance === clampedSqrt ? 0 : toDistance === clampAtZero ? 1 : -1;
}

/** One row's scores as RetrievalRanking sums them: relevant items within R, the MAP@R sum, the first relevant rank. */
export interface RowScores {
  relevant: number;
  averagePrecisionSum: number;
  /** Infinity when no candidate of the query's label ranks within the depth. */
  firstRelevantRank: number;
}

/** The candidate lists a scan appends to: the columns of other labels, and those of the query's own label. */
export type CandidateList = 0 | 1;

export interface GramRowScanner {
  /** True when the WebAssembly kernel scans, false for the JS loop. */
  readonly kernel: boolean;
  /** Per list: the candidates' columns and d², filled from position 0 by {@link scan}. */
  readonly index: readonly [Int32Array, Int32Array];
  readonly squared: readonly [Float64Array, Float64Array];
  /** The current row: its entry c is values[offset + c]. */
  readonly values: Float32Array;
  readonly offset: number;
  /**
   * Makes row `offset` of `gram` the current row, its columns' squared norms `norms` (read again only when another
   * array is passed: an array's values must not change while a scanner uses it).
   */
  load(gram: Float32Array, offset: number, norms: Float64Array): void;
  /** Appends the columns c in [from, to) with d² ≤ cut to `list` from position `count`; returns the new count. */
  scan(list: CandidateList, from: number, to: number, nq: number, cut: number, count: number): number;
  /**
   * The kernel's RetrievalRanking.rankGramCandidates on the lists as the scans left them (`others` in list 0, `own` in
   * list 1): the row's scores, false when they cannot be exact (fewer than `depth` candidates below the cut's
   * distance), or null where only the JS method ranks (the loop scanner, or a `toDistance` the kernel does not have).
   * `original` is the item of each column (none: column c is item c).
   */
  rankCandidates(
    r: number,
    depth: number,
    others: number,
    own: number,
    cut: number,
    toDistance: (squared: number) => number,
    original: Int32Array | undefined,
  ): RowScores | false | null;
}

/** A scanner for rows of `columns` entries: the kernel where this JS engine runs WebAssembly SIMD, else the loop. */
export function createGramRowScanner(columns: number, useKernel: boolean = kernelSupported()): GramRowScanner {
  return useKernel ? new KernelScanner(columns) : new LoopScanner(columns);
}

let kernelModule: WebAssembly.Module | null | undefined;

/** Whether the kernel compiles here (WebAssembly with 128-bit SIMD: every current browser and Node). */
export function kernelSupported(): boolean {
  // Stryker disable next-line ConditionalExpression: every engine the suite runs has WebAssembly SIMD, where both say true
  return compiledKernel() !== null;
}

function compiledKernel(): WebAssembly.Module | null {
  // Stryker disable next-line ConditionalExpression: compiling the same bytes again gives the same kernel
  if (kernelModule === undefined) {
    const hex = GRAM_SCAN_WASM_HEX;
    const bytes = Uint8Array.from({ length: hex.length / 2 }, (_, i) =>
      Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16),
    );
    kernelModule =
      // Stryker disable next-line ConditionalExpression,LogicalOperator: every engine the suite runs has WebAssembly SIMD, where each form compiles the kernel
      typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return kernelModule;
}

class LoopScanner implements GramRowScanner {
  readonly kernel = false;
  readonly index: readonly [Int32Array, Int32Array];
  readonly squared: readonly [Float64Array, Float64Array];
  values: Float32Array = new Float32Array(0);
  offset = 0;
  private norms: Float64Array = new Float64Array(0);

  constructor(columns: number) {
    this.index = [new Int32Array(columns), new Int32Array(columns)];
    this.squared = [new Float64Array(columns), new Float64Array(columns)];
  }

  load(gram: Float32Array, offset: number, norms: Float64Array): void {
    this.values = gram;
    this.offset = offset;
    this.norms = norms;
  }

  scan(list: CandidateList, from: number, to: number, nq: number, cut: number, count: number): number {
    const { values: gram, offset, norms } = this;
    const index = this.index[list];
    const squared = this.squared[list];
    for (let c = from; c < to; c++) {
      const v = nq + norms[c] - 2 * gram[offset + c];
      if (v <= cut) {
        index[count] = c;
        squared[count++] = v;
      }
    }
    return count;
  }

  rankCandidates(): null {
    return null;
  }
}

/**
 * Bytes of the kernel's memory from 0: the row (float32), the norms (float64), each list's columns and d², then what
 * `rank` works in: each list's float32 distances, the bucket members and ends, the groups, the item of each column,
 * and the scores it writes.
 */
class KernelScanner implements GramRowScanner {
  readonly kernel = true;
  readonly index: readonly [Int32Array, Int32Array];
  readonly squared: readonly [Float64Array, Float64Array];
  readonly values: Float32Array;
  readonly offset = 0;
  private readonly normsView: Float64Array;
  private normsSource: Float64Array | null = null;
  private readonly columns: number;
  private readonly scanKernel: (...args: number[]) => number;
  private readonly rankKernel: (...args: number[]) => number;
  private readonly at: { norms: number; index: [number, number]; squared: [number, number]; out: number };
  private readonly originalView: Int32Array;
  private originalSource: Int32Array | null = null;
  private readonly scores: { sum: Float64Array; ints: Int32Array };
  // Stryker disable next-line ObjectLiteral: every field is written before the object is handed out
  private readonly row: RowScores = { relevant: 0, averagePrecisionSum: 0, firstRelevantRank: Infinity };

  constructor(columns: number) {
    const module = compiledKernel();
    // Stryker disable next-line ConditionalExpression,StringLiteral: never reached: the scanner is made with the kernel only where it compiled
    if (module === null) throw new Error('the Gram scan kernel needs WebAssembly with SIMD');
    const instance = new WebAssembly.Instance(module, {});
    const memory = instance.exports.memory as WebAssembly.Memory;
    this.scanKernel = instance.exports.scan as (...args: number[]) => number;
    this.rankKernel = instance.exports.rank as (...args: number[]) => number;
    this.columns = columns;
    // Each region starts on a 16-byte boundary (the kernel loads 16 bytes at a time); the lists have room for the
    // 3 entries the kernel may write past their end.
    // Stryker disable next-line ArithmeticOperator: larger regions only take more memory
    const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
    const slots = columns + 3;
    const norms = align(4 * columns);
    const index0 = norms + align(8 * columns);
    const squared0 = index0 + align(4 * slots);
    const index1 = squared0 + align(8 * slots);
    const squared1 = index1 + align(4 * slots);
    const values0 = squared1 + align(8 * slots);
    const values1 = values0 + align(4 * slots);
    const members = values1 + align(4 * slots);
    const ends = members + align(4 * slots);
    // Bucket ends for RetrievalRanking's most buckets (4096) and one more; a group per count of other candidates.
    const groups = ends + align(4 * 4097);
    // Stryker disable next-line ArithmeticOperator: the groups need others + 1 ≤ columns + 1 entries; a larger region only takes more memory
    const original = groups + align(4 * (slots + 1));
    const out = original + align(4 * columns);
    // Stryker disable next-line ArithmeticOperator: only a layout whose scores start exactly on a page boundary would lose them, and no row length the tests use lands there
    const end = out + 16;
    const page = 65536;
    const pages = Math.ceil(end / page);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: growing by 0 pages, or by more, only takes more memory
    if (pages > memory.buffer.byteLength / page) memory.grow(pages - memory.buffer.byteLength / page);
    const buffer = memory.buffer;
    this.at = { norms, index: [index0, index1], squared: [squared0, squared1], out };
    (instance.exports.layout as (...args: number[]) => void)(
      index0,
      squared0,
      index1,
      squared1,
      values0,
      values1,
      members,
      ends,
      groups,
      original,
    );
    this.values = new Float32Array(buffer, 0, columns);
    this.normsView = new Float64Array(buffer, norms, columns);
    this.index = [new Int32Array(buffer, index0, columns), new Int32Array(buffer, index1, columns)];
    this.squared = [new Float64Array(buffer, squared0, columns), new Float64Array(buffer, squared1, columns)];
    this.originalView = new Int32Array(buffer, original, columns);
    this.scores = { sum: new Float64Array(buffer, out, 1), ints: new Int32Array(buffer, out + 8, 2) };
  }

  load(gram: Float32Array, offset: number, norms: Float64Array): void {
    this.values.set(gram.subarray(offset, offset + this.columns));
    // Stryker disable next-line ConditionalExpression: copying the same norms again changes nothing
    if (norms !== this.normsSource) {
      this.normsView.set(norms.subarray(0, this.columns));
      this.normsSource = norms;
    }
  }

  scan(list: CandidateList, from: number, to: number, nq: number, cut: number, count: number): number {
    const { at } = this;
    return this.scanKernel(0, at.norms, from, to, nq, cut, at.index[list], at.squared[list], count);
  }

  rankCandidates(
    r: number,
    depth: number,
    others: number,
    own: number,
    cut: number,
    toDistance: (squared: number) => number,
    original: Int32Array | undefined,
  ): RowScores | false | null {
    const mode = kernelMode(toDistance);
    if (mode < 0) return null;
    // Stryker disable next-line ConditionalExpression: copying the same items again changes nothing
    if (original && original !== this.originalSource) {
      this.originalView.set(original.subarray(0, this.columns));
      this.originalSource = original;
    }
    const { at, scores, row } = this;
    if (!this.rankKernel(r, depth, others, own, cut, mode, DISTANCE_EPSILON, original ? 1 : 0, at.out)) return false;
    row.averagePrecisionSum = scores.sum[0];
    row.relevant = scores.ints[0];
    row.firstRelevantRank = scores.ints[1] < 0 ? Infinity : scores.ints[1];
    return row;
  }
}
