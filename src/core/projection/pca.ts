/**
 * 2-D PCA of the embedding space for the live scatter plot, in plain JS (no tensors: it runs on each snapshot
 * readback and must not touch the training backend).
 *
 * Eigen-solver: block power (subspace) iteration with Rayleigh–Ritz on the covariance, from a fixed seeded
 * start, so the result is deterministic. A block of up to 8 vectors converges at rate λ₉/λ₂ rather than λ₃/λ₂,
 * which keeps nearly-equal eigenvalues (common in embeddings) fast. The covariance costs n·dim²/2; for
 * dim > 256 the iteration applies Xᵀ(X·v) instead of forming it and stops after a fixed work budget (at least
 * 10 iterations), so wide embeddings with a flat spectrum get a close, still deterministic, plane.
 */
import { Rng } from '../rng';
import { type Alignment, StablePlane } from './stablePlane';

/** Result of a plain 2-D PCA. */
export interface Pca2 {
  /** Column means (length dim). */
  mean: Float32Array;
  /** dim×2 row-major: column 0 is the first principal direction, column 1 the second (unit length). */
  components: Float32Array;
  /**
   * Fraction of the total variance along each component (scikit-learn's explained_variance_ratio_), for axis
   * labels such as "PC1 (42 %)". [0, 0] when the data has no variance.
   */
  explainedVariance: [number, number];
}

const BLOCK_SIZE = 8;
const MAX_ITERATIONS = 300;
/** Wide embeddings: stop after about this many multiply-adds of iteration (a bounded, deterministic cost). */
const IMPLICIT_FLOP_BUDGET = 2e8;
const MIN_ITERATIONS = 10;
const RESIDUAL_TOLERANCE = 1e-6;
const COVARIANCE_DIM_LIMIT = 256;
const START_SEED = 0x5eed2d;
/** Rows per block when the data is centred and stored column by column. */
const TRANSPOSE_BLOCK = 64;

/**
 * The two leading principal directions of n×dim row-major data, centred on the column means. Each component's
 * sign is fixed so that its largest-magnitude entry is positive (as scikit-learn does), so repeated calls on
 * the same data agree exactly.
 */
export function pca2(embeddings: Float32Array, n: number, dim: number): Pca2 {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(dim) || dim < 1)
    throw new Error(`pca2: bad shape [${n}, ${dim}]`);
  if (embeddings.length !== n * dim)
    throw new Error(`pca2: expected ${n}×${dim} = ${n * dim} values, got ${embeddings.length}`);

  const mean64 = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean64[k] += embeddings[i * dim + k];
  for (let k = 0; k < dim; k++) mean64[k] /= n;
  // Centred data stored column by column: every inner loop below then runs over contiguous memory.
  // Transposed in blocks of rows, so both the reads and the column writes stay within cached lines.
  const columns = new Float64Array(n * dim);
  for (let start = 0; start < n; start += TRANSPOSE_BLOCK) {
    const end = Math.min(n, start + TRANSPOSE_BLOCK);
    for (let k = 0; k < dim; k++) {
      const m = mean64[k];
      const column = k * n;
      for (let i = start; i < end; i++) columns[column + i] = embeddings[i * dim + k] - m;
    }
  }

  let totalVariance = 0;
  for (let t = 0; t < columns.length; t++) totalVariance += columns[t] * columns[t];
  totalVariance /= n;

  const p = Math.min(BLOCK_SIZE, dim);
  const wide = dim > COVARIANCE_DIM_LIMIT;
  const applyCovariance = wide ? implicitCovarianceOperator(columns, n, dim) : covarianceOperator(columns, n, dim);
  const maxIterations = wide
    ? Math.max(MIN_ITERATIONS, Math.min(MAX_ITERATIONS, Math.floor(IMPLICIT_FLOP_BUDGET / (2 * p * n * dim))))
    : MAX_ITERATIONS;
  const { vectors, values } = leadingEigenpairs(applyCovariance, dim, Math.min(2, dim), p, maxIterations);

  const components = new Float32Array(dim * 2);
  for (let c = 0; c < Math.min(2, dim); c++) {
    let largest = 0;
    for (let k = 0; k < dim; k++) if (Math.abs(vectors[c][k]) > Math.abs(largest)) largest = vectors[c][k];
    const sign = largest < 0 ? -1 : 1;
    for (let k = 0; k < dim; k++) components[k * 2 + c] = sign * vectors[c][k];
  }
  const ratio = (v: number | undefined): number =>
    totalVariance > 0 && v !== undefined ? Math.min(1, Math.max(0, v) / totalVariance) : 0;
  return { mean: Float32Array.from(mean64), components, explainedVariance: [ratio(values[0]), ratio(values[1])] };
}

/** Applies the covariance to every vector of a block at once (one pass over the data per block). */
export type Operator = (block: Float64Array[], out: Float64Array[]) => void;

/** Dot product of two length-n runs of one array, with four accumulators (about twice as fast in V8). */
function columnDot(data: Float64Array, offsetA: number, offsetB: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += data[offsetA + i] * data[offsetB + i];
    s1 += data[offsetA + i + 1] * data[offsetB + i + 1];
    s2 += data[offsetA + i + 2] * data[offsetB + i + 2];
    s3 += data[offsetA + i + 3] * data[offsetB + i + 3];
  }
  for (; i < n; i++) s0 += data[offsetA + i] * data[offsetB + i];
  return s0 + s1 + s2 + s3;
}

/** Rows per chunk of the covariance: the chunk's slices of every column stay in cache while all pairs use them. */
const COVARIANCE_CHUNK = 512;

/**
 * v ↦ C·v with C = XᵀX/n formed once (n·dim²/2 multiply-adds, upper triangle mirrored). The sums run chunk by chunk
 * of rows, so each chunk's column slices are read from memory once and reused by all dim²/2 pairs from cache,
 * instead of streaming two whole columns per pair, and four by four columns at a time (accumulateBlock4).
 */
function covarianceOperator(columns: Float64Array, n: number, dim: number): Operator {
  const cov = new Float64Array(dim * dim);
  const blocked = dim - (dim % 4);
  for (let start = 0; start < n; start += COVARIANCE_CHUNK) {
    const length = Math.min(COVARIANCE_CHUNK, n - start);
    for (let a = 0; a < blocked; a += 4) {
      for (let b = a; b < blocked; b += 4) accumulateBlock4(columns, n, start, length, a, b, cov, dim);
    }
    // Columns past the last multiple of 4 pair up one dot product at a time.
    for (let a = 0; a < dim; a++) {
      for (let b = Math.max(a, blocked); b < dim; b++)
        cov[a * dim + b] += columnDot(columns, a * n + start, b * n + start, length);
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const value = cov[a * dim + b] / n;
      cov[a * dim + b] = value;
      cov[b * dim + a] = value;
    }
  }
  return (block, out) => {
    for (let c = 0; c < block.length; c++) {
      const v = block[c];
      const target = out[c];
      for (let a = 0; a < dim; a++) {
        let s = 0;
        const base = a * dim;
        for (let b = 0; b < dim; b++) s += cov[base + b] * v[b];
        target[a] = s;
      }
    }
  };
}

/**
 * cov[a+p][b+q] += Σ_i x[a+p][i]·x[b+q][i] over rows [start, start+length), for p, q < 4: sixteen sums kept in
 * locals, so each loaded value serves four products (about 2.3× faster than one dot product per pair).
 */
function accumulateBlock4(
  columns: Float64Array,
  n: number,
  start: number,
  length: number,
  a: number,
  b: number,
  cov: Float64Array,
  dim: number,
): void {
  const a0 = a * n + start;
  const a1 = a0 + n;
  const a2 = a1 + n;
  const a3 = a2 + n;
  const b0 = b * n + start;
  const b1 = b0 + n;
  const b2 = b1 + n;
  const b3 = b2 + n;
  let s00 = 0,
    s01 = 0,
    s02 = 0,
    s03 = 0,
    s10 = 0,
    s11 = 0,
    s12 = 0,
    s13 = 0;
  let s20 = 0,
    s21 = 0,
    s22 = 0,
    s23 = 0,
    s30 = 0,
    s31 = 0,
    s32 = 0,
    s33 = 0;
  for (let i = 0; i < length; i++) {
    const x0 = columns[a0 + i];
    const x1 = columns[a1 + i];
    const x2 = columns[a2 + i];
    const x3 = columns[a3 + i];
    const y0 = columns[b0 + i];
    const y1 = columns[b1 + i];
    const y2 = columns[b2 + i];
    const y3 = columns[b3 + i];
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s23 += x2 * y3;
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3;
  }
  const row0 = a * dim + b;
  const row1 = row0 + dim;
  const row2 = row1 + dim;
  const row3 = row2 + dim;
  cov[row0] += s00;
  cov[row0 + 1] += s01;
  cov[row0 + 2] += s02;
  cov[row0 + 3] += s03;
  cov[row1] += s10;
  cov[row1 + 1] += s11;
  cov[row1 + 2] += s12;
  cov[row1 + 3] += s13;
  cov[row2] += s20;
  cov[row2 + 1] += s21;
  cov[row2 + 2] += s22;
  cov[row2 + 3] += s23;
  cov[row3] += s30;
  cov[row3 + 1] += s31;
  cov[row3 + 2] += s32;
  cov[row3 + 3] += s33;
}

/**
 * v ↦ Xᵀ(X·v)/n without forming the dim×dim covariance (wide embeddings). Loops run column by column so each
 * data column is read from memory once per block and reused from cache for every vector.
 */
function implicitCovarianceOperator(columns: Float64Array, n: number, dim: number): Operator {
  let projections: Float64Array[] = [];
  return (block, out) => {
    if (projections.length !== block.length) projections = block.map(() => new Float64Array(n));
    for (const p of projections) p.fill(0);
    for (let k = 0; k < dim; k++) {
      const offset = k * n;
      for (let c = 0; c < block.length; c++) {
        const weight = block[c][k];
        if (weight === 0) continue;
        const p = projections[c];
        for (let i = 0; i < n; i++) p[i] += weight * columns[offset + i];
      }
    }
    for (let k = 0; k < dim; k++) {
      const offset = k * n;
      for (let c = 0; c < block.length; c++) {
        const p = projections[c];
        let s = 0;
        for (let i = 0; i < n; i++) s += columns[offset + i] * p[i];
        out[c][k] = s / n;
      }
    }
  };
}

/** The `count` leading eigenpairs of a symmetric PSD operator by subspace iteration + Rayleigh–Ritz. */
export function leadingEigenpairs(
  apply: Operator,
  dim: number,
  count: number,
  p: number,
  maxIterations: number,
): { vectors: Float64Array[]; values: number[] } {
  const rng = new Rng(START_SEED);
  let basis: Float64Array[] = [];
  for (let c = 0; c < p; c++) basis.push(Float64Array.from({ length: dim }, () => rng.normal()));
  orthonormalize(basis, dim);

  const images = basis.map(() => new Float64Array(dim));
  let ritzValues: number[] = [];
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    apply(basis, images);
    // Rayleigh–Ritz: eigen-decompose H = Qᵀ C Q (p×p) and rotate the block onto its eigenvectors.
    const h = new Float64Array(p * p);
    for (let a = 0; a < p; a++)
      for (let b = a; b < p; b++) {
        const value = dot(basis[a], images[b]);
        h[a * p + b] = value;
        h[b * p + a] = value;
      }
    const { values, vectors } = jacobiEigen(h, p);
    ritzValues = values;
    const ritzVectors = combine(basis, vectors, p, dim);
    const ritzImages = combine(images, vectors, p, dim);
    // Converged when C·v ≈ θ·v for the leading `count` Ritz pairs, relative to the largest eigenvalue.
    const scale = Math.max(Math.abs(values[0]), 1e-300);
    let worst = 0;
    for (let c = 0; c < count; c++) {
      let residual = 0;
      for (let k = 0; k < dim; k++) {
        const r = ritzImages[c][k] - values[c] * ritzVectors[c][k];
        residual += r * r;
      }
      worst = Math.max(worst, Math.sqrt(residual) / scale);
    }
    if (values[0] <= 0 || worst < RESIDUAL_TOLERANCE || iteration === maxIterations - 1) {
      return { vectors: ritzVectors.slice(0, count), values: values.slice(0, count) };
    }
    basis = ritzImages;
    orthonormalize(basis, dim);
  }
  return { vectors: basis.slice(0, count), values: ritzValues.slice(0, count) };
}

/** Columns Σ_b block[b]·weights[b][c], for weights stored p×p row-major with eigenvectors as columns. */
function combine(block: Float64Array[], weights: Float64Array, p: number, dim: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let c = 0; c < p; c++) {
    const v = new Float64Array(dim);
    for (let b = 0; b < p; b++) {
      const w = weights[b * p + c];
      if (w === 0) continue;
      const source = block[b];
      for (let k = 0; k < dim; k++) v[k] += w * source[k];
    }
    out.push(v);
  }
  return out;
}

/**
 * Modified Gram–Schmidt, twice (numerically safe). A vector that vanishes (rank-deficient data, e.g. all points
 * equal) is replaced by the first standard basis vector that still has a component orthogonal to the others,
 * so the block always stays orthonormal and the result stays deterministic.
 */
function orthonormalize(block: Float64Array[], dim: number): void {
  for (let c = 0; c < block.length; c++) {
    const original = Math.sqrt(dot(block[c], block[c]));
    for (let pass = 0; pass < 2; pass++)
      for (let prev = 0; prev < c; prev++) axpy(-dot(block[prev], block[c]), block[prev], block[c]);
    let norm = Math.sqrt(dot(block[c], block[c]));
    if (!(norm > 1e-10 * original) || norm === 0) {
      for (let axis = 0; axis < dim; axis++) {
        const candidate = new Float64Array(dim);
        candidate[axis] = 1;
        for (let pass = 0; pass < 2; pass++)
          for (let prev = 0; prev < c; prev++) axpy(-dot(block[prev], candidate), block[prev], candidate);
        norm = Math.sqrt(dot(candidate, candidate));
        if (norm > 0.5) {
          block[c] = candidate;
          break;
        }
      }
    }
    const scale = 1 / norm;
    for (let k = 0; k < dim; k++) block[c][k] *= scale;
  }
}

/** Cyclic Jacobi eigen-decomposition of a small symmetric matrix; values descending, vectors as columns. */
function jacobiEigen(matrix: Float64Array, size: number): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    let diagonal = 0;
    for (let i = 0; i < size; i++) {
      diagonal += a[i * size + i] * a[i * size + i];
      for (let j = i + 1; j < size; j++) offDiagonal += a[i * size + j] * a[i * size + j];
    }
    if (offDiagonal <= 1e-30 * diagonal || offDiagonal === 0) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q];
        if (apq === 0) continue;
        const theta = (a[q * size + q] - a[p * size + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p];
          const akq = a[k * size + q];
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k];
          const aqk = a[q * size + k];
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p];
          const vkq = v[k * size + q];
          v[k * size + p] = c * vkp - s * vkq;
          v[k * size + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((x, y) => a[y * size + y] - a[x * size + x] || x - y);
  const vectors = new Float64Array(size * size);
  order.forEach((source, target) => {
    for (let k = 0; k < size; k++) vectors[k * size + target] = v[k * size + source];
  });
  return { values: order.map((i) => a[i * size + i]), vectors };
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k] * y[k];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let k = 0; k < x.length; k++) y[k] += alpha * x[k];
}

/**
 * PCA to 2-D whose view stays put between snapshots (StablePlane): points move because the network learned, not
 * because the eigen-solver's signs or in-plane rotation changed.
 */
export class StablePca {
  private readonly plane = new StablePlane('StablePca');

  /** Forgets the previous snapshot (new run, new model, or a different embedding size). */
  reset(): void {
    this.plane.reset();
  }

  /** Projects n×dim embeddings to n×2 (row-major) and keeps the aligned basis for the next snapshot. */
  project(embeddings: Float32Array, n: number, dim: number, options: { align?: Alignment } = {}): Float32Array {
    const coordinates = this.plane.project(embeddings, n, dim, () => pca2(embeddings, n, dim), options.align);
    if (!coordinates) throw new Error('StablePca.project: no plane was fitted');
    return coordinates;
  }

  /**
   * Projects other points (e.g. the last training batch) with the current basis, without changing it, so they
   * land in the same view as the last snapshot. Throws before the first `project`.
   */
  transform(embeddings: Float32Array, n: number, dim: number): Float32Array {
    const basis = this.plane.basis();
    if (basis === null) throw new Error('StablePca.transform: call project() first to fix a basis');
    if (dim !== basis.dim) throw new Error(`StablePca.transform: the basis is for dimension ${basis.dim}, got ${dim}`);
    const coordinates = this.plane.transform(embeddings, n, dim);
    if (!coordinates) throw new Error('StablePca.transform: no basis');
    return coordinates;
  }

  /** The current basis (dim×2 row-major) and mean (copies), or null before the first call. */
  basis(): { mean: Float32Array; components: Float32Array; dim: number } | null {
    return this.plane.basis();
  }
}
