/**
 * A 2-D linear view (a mean and a dim×2 basis) whose plane stays put between snapshots, so points move because the
 * network learned, not because the projection flipped or spun. Each newly fitted basis is multiplied by the
 * orthogonal 2×2 map (rotation or reflection; the closed form of the Procrustes solution U·Vᵀ from the 2×2 SVD) that
 * best matches the previous snapshot:
 *  - `align: 'points'` (default, used when the same n points come back in the same order — the trainer's fixed
 *    held-out set): matches the new coordinates to the previous ones, M = Y_newᵀ·Y_prev. This also absorbs
 *    rotations and flips of the whole embedding space, which networks make freely.
 *  - `align: 'basis'` (or when n differs from the last call): matches the bases, M = B_newᵀ·B_prev, which
 *    removes the eigen-solver's sign and in-plane rotation ambiguity.
 * dim ≤ 2 is shown as is (dim 2: identity, dim 1: (x, 0)), NOT centred: with a 2-D embedding the plot is the
 * embedding space itself, origin included (e.g. L2-normalised points stay on the unit circle around (0, 0)).
 * StablePca and StableLda are this view with their own fit.
 */

/** How a stable view matches a new snapshot to the previous one. */
export type Alignment = 'points' | 'basis';

/** A plane: column means (length dim) and a dim×2 row-major basis. */
export interface Plane {
  mean: Float32Array;
  components: Float32Array;
}

export class StablePlane {
  private mean: Float32Array | null = null;
  private components: Float32Array | null = null;
  private dim = 0;
  private previousCoordinates: Float32Array | null = null;

  /** `owner` names the caller in error messages (e.g. "StablePca"). */
  constructor(private readonly owner: string) {}

  /** Forgets the previous snapshot (new run, new model, or a different embedding size). */
  reset(): void {
    this.mean = null;
    this.components = null;
    this.dim = 0;
    this.previousCoordinates = null;
  }

  /**
   * Projects n×dim embeddings to n×2 (row-major) with the plane `fitPlane` returns, aligned to the previous snapshot,
   * and keeps it for the next one. Null when `fitPlane` finds no plane (the previous one is then kept).
   */
  project(
    embeddings: Float32Array,
    n: number,
    dim: number,
    fitPlane: () => Plane | null,
    align: Alignment = 'points',
  ): Float32Array | null {
    if (!Number.isInteger(n) || n < 1 || !Number.isInteger(dim) || dim < 1)
      throw new Error(`${this.owner}.project: bad shape [${n}, ${dim}]`);
    if (embeddings.length !== n * dim)
      throw new Error(`${this.owner}.project: expected ${n}×${dim} = ${n * dim} values, got ${embeddings.length}`);
    if (dim !== this.dim) this.reset();

    let mean: Float32Array;
    let components: Float32Array;
    if (dim <= 2) {
      mean = new Float32Array(dim);
      components = dim === 2 ? Float32Array.of(1, 0, 0, 1) : Float32Array.of(1, 0);
    } else {
      const fitted = fitPlane();
      if (!fitted) return null;
      ({ mean, components } = fitted);
      const previous = this.previousCoordinates;
      if (previous !== null && this.components !== null) {
        const m =
          align === 'points' && previous.length === n * 2
            ? crossProduct2(projectWith(embeddings, n, dim, mean, components), previous, n)
            : crossProduct2(components, this.components, dim);
        components = rotateBasis(components, dim, bestOrthogonal2(m));
      }
    }
    this.mean = mean;
    this.components = components;
    this.dim = dim;
    const coordinates = projectWith(embeddings, n, dim, mean, components);
    this.previousCoordinates = coordinates.slice();
    return coordinates;
  }

  /** Projects other points with the current plane, without changing it; null before the first fit or for another dim. */
  transform(embeddings: Float32Array, n: number, dim: number): Float32Array | null {
    if (this.mean === null || this.components === null || dim !== this.dim) return null;
    if (embeddings.length !== n * dim)
      throw new Error(`${this.owner}.transform: expected ${n}×${dim} = ${n * dim} values, got ${embeddings.length}`);
    return projectWith(embeddings, n, dim, this.mean, this.components);
  }

  /** The current plane (copies) and its dimension, or null before the first fit. */
  basis(): { mean: Float32Array; components: Float32Array; dim: number } | null {
    if (this.mean === null || this.components === null) return null;
    return { mean: this.mean.slice(), components: this.components.slice(), dim: this.dim };
  }
}

export function projectWith(
  embeddings: Float32Array,
  n: number,
  dim: number,
  mean: Float32Array,
  components: Float32Array,
): Float32Array {
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    let x = 0;
    let y = 0;
    const row = i * dim;
    for (let k = 0; k < dim; k++) {
      const centred = embeddings[row + k] - mean[k];
      x += centred * components[k * 2];
      y += centred * components[k * 2 + 1];
    }
    out[i * 2] = x;
    out[i * 2 + 1] = y;
  }
  return out;
}

/** Aᵀ·B for two rows×2 row-major matrices, as [m00, m01, m10, m11]. */
export function crossProduct2(a: Float32Array, b: Float32Array, rows: number): number[] {
  const m = [0, 0, 0, 0];
  for (let r = 0; r < rows; r++) {
    const a0 = a[r * 2];
    const a1 = a[r * 2 + 1];
    const b0 = b[r * 2];
    const b1 = b[r * 2 + 1];
    m[0] += a0 * b0;
    m[1] += a0 * b1;
    m[2] += a1 * b0;
    m[3] += a1 * b1;
  }
  return m;
}

/**
 * The orthogonal Q (rotation or reflection) maximising trace(Qᵀ·M), i.e. minimising ‖A·Q − B‖ for M = Aᵀ·B —
 * the Procrustes solution U·Vᵀ of M = U·Σ·Vᵀ, in closed form for 2×2. Ties go to the rotation.
 */
export function bestOrthogonal2(m: readonly number[]): [number, number, number, number] {
  const [m00, m01, m10, m11] = m;
  // Rotation [[c, −s], [s, c]]: trace = c(m00 + m11) + s(m10 − m01).
  const rotationGain = Math.hypot(m00 + m11, m10 - m01);
  // Reflection [[c, s], [s, −c]]: trace = c(m00 − m11) + s(m01 + m10).
  const reflectionGain = Math.hypot(m00 - m11, m01 + m10);
  if (reflectionGain > rotationGain) {
    const angle = Math.atan2(m01 + m10, m00 - m11);
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    return [c, s, s, -c];
  }
  const angle = Math.atan2(m10 - m01, m00 + m11);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [c, -s, s, c];
}

export function rotateBasis(components: Float32Array, dim: number, q: readonly number[]): Float32Array {
  const out = new Float32Array(dim * 2);
  for (let k = 0; k < dim; k++) {
    const b0 = components[k * 2];
    const b1 = components[k * 2 + 1];
    out[k * 2] = b0 * q[0] + b1 * q[2];
    out[k * 2 + 1] = b0 * q[1] + b1 * q[3];
  }
  return out;
}
