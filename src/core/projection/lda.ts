/**
 * Fisher linear discriminant analysis (LDA) of the embedding to 2-D, for the scatter of a labelled set: the plane
 * in which the classes stand furthest apart relative to their own spread. Plain JS, no tensors (it runs with each
 * snapshot next to the PCA and must not touch the training backend).
 *
 * Fisher's directions w maximise wᵀS_b w / wᵀS_w w (S_b: spread of the class means, S_w: spread inside the
 * classes). They solve S_b w = λ S_w w; with S_w = L·Lᵀ (Cholesky) and S_b = B·Bᵀ (B: one column per class,
 * √(n_c/n)·(μ_c − μ)), that is the eigenproblem of G·Gᵀ with G = L⁻¹B, and w = L⁻ᵀ v. S_b has rank ≤ C − 1, so G·Gᵀ
 * is applied as G(Gᵀv) (dim·C per vector) by the same subspace iteration as the PCA, never formed.
 *
 * The picture is the ORTHOGONAL projection onto the plane of the two leading directions (orthonormalised), not the
 * raw Fisher coordinates: it then is a shadow of the embedding like the PCA, so a distance in the picture is never
 * more than the true one; the raw coordinates stretch the axes by the inverse class spread and exaggerate gaps.
 * S_w is shrunk towards a multiple of the identity (Ledoit–Wolf style, `shrinkage`), which keeps it invertible
 * for tight classes and few points per class.
 */
import { leadingEigenpairs } from './pca';
import { type Alignment, StablePlane } from './stablePlane';

/** Result of a 2-D LDA. */
export interface Lda2 {
  /** Column means (length dim). */
  mean: Float32Array;
  /** dim×2 row-major, orthonormal columns spanning the two leading Fisher directions (the picture's axes). */
  components: Float32Array;
  /** dim×2 row-major Fisher directions scaled so wᵀS_w w = 1 (unit within-class spread along each). */
  directions: Float32Array;
  /** Fisher ratio (between- over within-class variance) along each direction; 0 for a filled-in second axis. */
  separation: [number, number];
  /** Classes that took part (labels ≥ 0 with at least one point). */
  classes: number;
}

export interface LdaOptions {
  /** Weight of the identity target in S_w: (1 − s)·S_w + s·(tr S_w / dim)·I; default DEFAULT_LDA_SHRINKAGE. */
  shrinkage?: number;
}

/**
 * Strong shrinkage: on the default demo (10 classes, 64-D, bench/projections.ts) the plane separated the classes
 * best with S_w close to the identity (10-NN class agreement 0.73 at 0.95 against 0.64–0.71 at 0.1–0.9, median of
 * three seeds): with ten classes and two axes, planes fitted to the thinnest within-class directions overfit.
 */
export const DEFAULT_LDA_SHRINKAGE = 0.95;
/** An eigenvalue below this share of the first counts as no second discriminant (e.g. two classes). */
const RANK_TOLERANCE = 1e-9;

/**
 * The 2-D LDA of n×dim row-major data with one label per row (labels < 0 are left out of the statistics), or null
 * when fewer than two classes are present (no class separation to show). dim must be at least 2 (a 1-D or 2-D
 * embedding needs no projection). When the classes span only one discriminant direction, the second axis is the
 * direction of largest total variance orthogonal to it. Each column's sign makes its largest entry positive, so
 * repeated calls on the same data agree exactly.
 */
export function lda2(
  embeddings: Float32Array,
  n: number,
  dim: number,
  labels: ArrayLike<number>,
  options: LdaOptions = {},
): Lda2 | null {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(dim) || dim < 2)
    throw new Error(`lda2: bad shape [${n}, ${dim}] (dim must be at least 2)`);
  if (embeddings.length !== n * dim)
    throw new Error(`lda2: expected ${n}×${dim} = ${n * dim} values, got ${embeddings.length}`);
  if (labels.length !== n) throw new Error(`lda2: expected ${n} labels, got ${labels.length}`);
  const shrinkage = options.shrinkage ?? DEFAULT_LDA_SHRINKAGE;
  if (!(shrinkage >= 0 && shrinkage <= 1)) throw new Error(`lda2: shrinkage must be in [0, 1], got ${shrinkage}`);

  // Class index per row (dense 0..C-1), class sizes and sums.
  const classOf = new Map<number, number>();
  const row = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (!(label >= 0)) {
      row[i] = -1;
      continue;
    }
    let c = classOf.get(label);
    if (c === undefined) {
      c = classOf.size;
      classOf.set(label, c);
    }
    row[i] = c;
  }
  const classes = classOf.size;
  if (classes < 2) return null;
  const counts = new Float64Array(classes);
  const sums = new Float64Array(classes * dim);
  const mean = new Float64Array(dim);
  let used = 0;
  for (let i = 0; i < n; i++) {
    const c = row[i];
    for (let k = 0; k < dim; k++) mean[k] += embeddings[i * dim + k];
    if (c < 0) continue;
    counts[c]++;
    used++;
    for (let k = 0; k < dim; k++) sums[c * dim + k] += embeddings[i * dim + k];
  }
  for (let k = 0; k < dim; k++) mean[k] /= n;
  const labelledMean = new Float64Array(dim);
  for (let c = 0; c < classes; c++) {
    for (let k = 0; k < dim; k++) {
      labelledMean[k] += sums[c * dim + k] / used;
      sums[c * dim + k] /= counts[c];
    }
  }
  const classMeans = sums;

  // S_w: scatter of the labelled rows around their class means (divisor: labelled rows). Upper triangle, mirrored.
  const sw = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const c = row[i];
    if (c < 0) continue;
    for (let k = 0; k < dim; k++) centred[k] = embeddings[i * dim + k] - classMeans[c * dim + k];
    for (let a = 0; a < dim; a++) {
      const xa = centred[a];
      if (xa === 0) continue;
      const base = a * dim;
      for (let b = a; b < dim; b++) sw[base + b] += xa * centred[b];
    }
  }
  let trace = 0;
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = sw[a * dim + b] / used;
      sw[a * dim + b] = v;
      sw[b * dim + a] = v;
    }
    trace += sw[a * dim + a];
  }
  // B: dim×C, column c = √(n_c/n)·(μ_c − μ), so S_b = B·Bᵀ.
  const between = new Float64Array(dim * classes);
  for (let c = 0; c < classes; c++) {
    const weight = Math.sqrt(counts[c] / used);
    for (let k = 0; k < dim; k++) between[k * classes + c] = weight * (classMeans[c * dim + k] - labelledMean[k]);
  }
  // Shrink S_w towards (tr/dim)·I; a zero trace (every class a single point) falls back to the identity.
  const target = trace > 0 ? trace / dim : 1;
  const swShrunk = new Float64Array(dim * dim);
  for (let t = 0; t < sw.length; t++) swShrunk[t] = (1 - shrinkage) * sw[t];
  for (let a = 0; a < dim; a++) swShrunk[a * dim + a] += shrinkage * target;
  const chol = cholesky(swShrunk, dim, target);

  // G = L⁻¹B (dim×C), then the leading eigenvectors of G·Gᵀ.
  const g = new Float64Array(dim * classes);
  const column = new Float64Array(dim);
  for (let c = 0; c < classes; c++) {
    for (let k = 0; k < dim; k++) column[k] = between[k * classes + c];
    forwardSolve(chol, dim, column);
    for (let k = 0; k < dim; k++) g[k * classes + c] = column[k];
  }
  const projected = new Float64Array(classes);
  const { vectors, values } = leadingEigenpairs(
    (block, out) => {
      for (let j = 0; j < block.length; j++) {
        const v = block[j];
        projected.fill(0);
        for (let k = 0; k < dim; k++) {
          const vk = v[k];
          if (vk === 0) continue;
          for (let c = 0; c < classes; c++) projected[c] += g[k * classes + c] * vk;
        }
        const target2 = out[j];
        for (let k = 0; k < dim; k++) {
          let s = 0;
          for (let c = 0; c < classes; c++) s += g[k * classes + c] * projected[c];
          target2[k] = s;
        }
      }
    },
    dim,
    2,
    Math.min(8, dim),
    300,
  );

  // Fisher directions w = L⁻ᵀv, scaled to unit within-class spread (wᵀS_w w = 1 for the shrunk S_w).
  const directions = new Float32Array(dim * 2);
  const w1 = Float64Array.from(vectors[0]);
  backSolve(chol, dim, w1);
  const hasSecond = values.length > 1 && values[1] > RANK_TOLERANCE * Math.max(values[0], 0);
  const w2 = hasSecond ? Float64Array.from(vectors[1]) : null;
  if (w2) backSolve(chol, dim, w2);
  const scaleOf = (w: Float64Array) => 1 / Math.sqrt(Math.max(quadratic(swShrunk, dim, w), 1e-300));
  const s1 = scaleOf(w1);
  for (let k = 0; k < dim; k++) directions[k * 2] = w1[k] * s1;
  if (w2) {
    const s2 = scaleOf(w2);
    for (let k = 0; k < dim; k++) directions[k * 2 + 1] = w2[k] * s2;
  }

  // The picture's axes: orthonormal basis of span(w1, w2).
  const q1 = normalised(w1);
  let q2: Float64Array;
  if (w2) {
    q2 = Float64Array.from(w2);
    for (let pass = 0; pass < 2; pass++) axpy(-dot(q1, q2), q1, q2);
  } else q2 = new Float64Array(dim);
  if (!w2 || !(Math.sqrt(dot(q2, q2)) > 1e-9 * Math.sqrt(dot(w2, w2)))) {
    // No second discriminant: the direction of most total variance (S_w + S_b) orthogonal to q1.
    const total = new Float64Array(dim * dim);
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++) {
        let sb = 0;
        for (let c = 0; c < classes; c++) sb += between[a * classes + c] * between[b * classes + c];
        total[a * dim + b] = sw[a * dim + b] + sb;
      }
    const deflate = (v: Float64Array) => axpy(-dot(q1, v), q1, v);
    const tmp = new Float64Array(dim);
    const { vectors: rest } = leadingEigenpairs(
      (block, out) => {
        for (let j = 0; j < block.length; j++) {
          tmp.set(block[j]);
          deflate(tmp);
          const o = out[j];
          for (let a = 0; a < dim; a++) {
            let s = 0;
            for (let b = 0; b < dim; b++) s += total[a * dim + b] * tmp[b];
            o[a] = s;
          }
          deflate(o);
        }
      },
      dim,
      1,
      Math.min(8, dim),
      300,
    );
    q2 = Float64Array.from(rest[0]);
    for (let pass = 0; pass < 2; pass++) axpy(-dot(q1, q2), q1, q2);
  }
  q2 = normalised(q2);

  const components = new Float32Array(dim * 2);
  [q1, q2].forEach((q, c) => {
    let largest = 0;
    for (let k = 0; k < dim; k++) if (Math.abs(q[k]) > Math.abs(largest)) largest = q[k];
    const sign = largest < 0 ? -1 : 1;
    for (let k = 0; k < dim; k++) {
      components[k * 2 + c] = sign * q[k];
      directions[k * 2 + c] *= sign;
    }
  });
  const ratio = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? Math.max(0, v) : 0);
  return {
    mean: Float32Array.from(mean),
    components,
    directions,
    separation: [ratio(values[0]), hasSecond ? ratio(values[1]) : 0],
    classes,
  };
}

/**
 * LDA to 2-D whose view stays put between snapshots, aligned to the previous one exactly as StablePca does (the
 * orthogonal 2×2 map that best matches the previous coordinates when the same points come back, else the previous
 * basis), so points move because the network learned, not because the discriminant plane flipped or spun. A
 * snapshot without two classes gives null (the caller shows the PCA instead). dim ≤ 2 is shown as is (the LDA
 * plane is then the whole space), like StablePca.
 */
export class StableLda {
  private readonly plane = new StablePlane('StableLda');

  constructor(private readonly options: LdaOptions = {}) {}

  reset(): void {
    this.plane.reset();
  }

  /** Projects n×dim embeddings with their labels to n×2 (row-major), or null without two classes. */
  project(
    embeddings: Float32Array,
    n: number,
    dim: number,
    labels: ArrayLike<number>,
    options: { align?: Alignment } = {},
  ): Float32Array | null {
    return this.plane.project(embeddings, n, dim, () => lda2(embeddings, n, dim, labels, this.options), options.align);
  }

  /** Projects other points (e.g. the last training batch) with the current plane; null before the first fit. */
  transform(embeddings: Float32Array, n: number, dim: number): Float32Array | null {
    return this.plane.transform(embeddings, n, dim);
  }

  /** The current plane (copies), or null before the first fit. */
  basis(): { mean: Float32Array; components: Float32Array; dim: number } | null {
    return this.plane.basis();
  }
}

/**
 * Lower-triangular L with L·Lᵀ = a (row-major dim×dim). A pivot that is not positive (rounding on a nearly singular
 * matrix) is raised to a tiny multiple of `scale`, so the factor always exists.
 */
function cholesky(a: Float64Array, dim: number, scale: number): Float64Array {
  const l = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * dim + j];
      for (let k = 0; k < j; k++) s -= l[i * dim + k] * l[j * dim + k];
      if (i === j) l[i * dim + i] = Math.sqrt(Math.max(s, 1e-12 * scale));
      else l[i * dim + j] = s / l[j * dim + j];
    }
  }
  return l;
}

/** x ← L⁻¹x. */
function forwardSolve(l: Float64Array, dim: number, x: Float64Array): void {
  for (let i = 0; i < dim; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * dim + k] * x[k];
    x[i] = s / l[i * dim + i];
  }
}

/** x ← L⁻ᵀx. */
function backSolve(l: Float64Array, dim: number, x: Float64Array): void {
  for (let i = dim - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < dim; k++) s -= l[k * dim + i] * x[k];
    x[i] = s / l[i * dim + i];
  }
}

function quadratic(a: Float64Array, dim: number, w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < dim; i++) {
    let r = 0;
    for (let j = 0; j < dim; j++) r += a[i * dim + j] * w[j];
    s += w[i] * r;
  }
  return s;
}

function normalised(v: Float64Array): Float64Array {
  const norm = Math.sqrt(dot(v, v));
  const out = new Float64Array(v.length);
  if (norm > 0) for (let k = 0; k < v.length; k++) out[k] = v[k] / norm;
  else out[0] = 1;
  return out;
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k] * y[k];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let k = 0; k < x.length; k++) y[k] += alpha * x[k];
}
