/**
 * Exact t-SNE (van der Maaten & Hinton, 2008) for up to a couple of thousand points, in plain JS and in steps.
 *
 * In words: for every point, turn its distances into "how likely would I pick that point as my neighbour" with a
 * Gaussian whose width is tuned so each point has about `perplexity` effective neighbours; then place points in 2-D
 * so that the same choice made with a heavy-tailed (Student-t) kernel gives similar probabilities. Near things stay
 * near; the sizes of clusters and the gaps between them mean little.
 *
 * Cost: O(n²) memory (one float per pair) and O(n²) time per iteration, hence the point limit. The first steps
 * calibrate the per-point widths a block of rows at a time; every later step is one gradient iteration with
 * momentum and per-coordinate gains, early exaggeration at first (as in the reference implementation and
 * scikit-learn). Seeded: the same input, options and seed give the same layout.
 */
import { Rng } from '../rng';
import type { StepLayout } from './layout';
import { squaredMetricDistance, type MetricSpace } from './metricSpace';

/** t-SNE keeps one float per pair of points; beyond this it would be slow and large. */
export const TSNE_MAX_POINTS = 2000;

export interface TsneOptions {
  seed: number;
  /** Effective number of neighbours per point (default 30, lowered to (n − 1) / 3 for small sets). */
  perplexity?: number;
  /** Gradient iterations (default 500). */
  iterations?: number;
  /** Step size; default max(n / earlyExaggeration / 4, 50) (scikit-learn's "auto"). */
  learningRate?: number;
  /** Factor on the input probabilities during the first quarter of the iterations (default 12). */
  earlyExaggeration?: number;
  /** Start from these positions (n × 2) instead of a tiny random cloud; then no early exaggeration is used. */
  initial?: Float32Array;
}

/** Rows of the probability matrix calibrated per step. */
const CALIBRATION_ROWS = 64;
const PERPLEXITY_TOLERANCE = 1e-5;
const PERPLEXITY_SEARCH_STEPS = 64;
const MIN_GAIN = 0.01;
const PROBABILITY_FLOOR = 1e-12;

/** A t-SNE layout advanced by {@link TsneLayout.step}. */
export class TsneLayout implements StepLayout {
  private readonly space: MetricSpace;
  private readonly n: number;
  private readonly perplexity: number;
  private readonly iterations: number;
  private readonly learningRate: number;
  private readonly exaggeration: number;
  private readonly exaggerationIterations: number;
  /** Joint probabilities p_ij, n × n (conditional ones until calibration ends). */
  private readonly p: Float32Array;
  private readonly y: Float64Array;
  private readonly gains: Float64Array;
  private readonly update: Float64Array;
  private readonly gradient: Float64Array;
  /** Repulsive part of the gradient before division by Z. */
  private readonly repulsion: Float64Array;
  private calibrated = 0;
  private iteration = 0;

  constructor(space: MetricSpace, options: TsneOptions) {
    const n = space.n;
    if (n < 2) throw new Error(`t-SNE needs at least 2 points, got ${n}`);
    if (n > TSNE_MAX_POINTS)
      throw new Error(
        `t-SNE runs on at most ${TSNE_MAX_POINTS.toLocaleString('en')} points; this set has ${n.toLocaleString('en')}`,
      );
    const perplexity = options.perplexity ?? 30;
    if (!(perplexity > 0)) throw new Error(`the t-SNE perplexity must be > 0, got ${perplexity}`);
    const iterations = options.iterations ?? 500;
    if (!Number.isInteger(iterations) || iterations < 1)
      throw new Error(`t-SNE iterations must be a whole number ≥ 1, got ${iterations}`);
    this.space = space;
    this.n = n;
    this.perplexity = Math.max(1, Math.min(perplexity, (n - 1) / 3));
    this.iterations = iterations;
    this.exaggeration = options.initial ? 1 : (options.earlyExaggeration ?? 12);
    this.exaggerationIterations = options.initial ? 0 : Math.floor(iterations / 4);
    this.learningRate = options.learningRate ?? Math.max(n / (options.earlyExaggeration ?? 12) / 4, 50);
    this.p = new Float32Array(n * n);
    this.y = new Float64Array(n * 2);
    this.gains = new Float64Array(n * 2).fill(1);
    this.update = new Float64Array(n * 2);
    this.gradient = new Float64Array(n * 2);
    this.repulsion = new Float64Array(n * 2);
    if (options.initial) {
      if (options.initial.length !== n * 2)
        throw new Error(`t-SNE initial positions: expected ${n}×2 values, got ${options.initial.length}`);
      this.y.set(options.initial);
    } else {
      const rng = new Rng(options.seed);
      for (let t = 0; t < n * 2; t++) this.y[t] = rng.normal(0, 1e-4);
    }
  }

  get progress(): number {
    // Calibration counts as the first 10 % of the work.
    return 0.1 * (this.calibrated / this.n) + 0.9 * (this.iteration / this.iterations);
  }

  step(): boolean {
    if (this.calibrated < this.n) {
      const end = Math.min(this.n, this.calibrated + CALIBRATION_ROWS);
      for (let i = this.calibrated; i < end; i++) this.calibrateRow(i);
      this.calibrated = end;
      if (end === this.n) this.symmetrise();
      return false;
    }
    if (this.iteration >= this.iterations) return true;
    this.gradientStep();
    this.iteration++;
    return this.iteration >= this.iterations;
  }

  coordinates(): Float32Array {
    return Float32Array.from(this.y);
  }

  /** Conditional probabilities p_{j|i} for one row, with the Gaussian width found by bisection on its precision. */
  private calibrateRow(i: number): void {
    const n = this.n;
    const distances = new Float64Array(n);
    let nearest = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      distances[j] = squaredMetricDistance(this.space, i, j);
      if (distances[j] < nearest) nearest = distances[j];
    }
    // Shifting by the nearest distance leaves the normalised row unchanged and keeps exp() from underflowing.
    for (let j = 0; j < n; j++) distances[j] = j === i ? 0 : distances[j] - nearest;
    const targetEntropy = Math.log(this.perplexity);
    let beta = 1;
    let lo = 0;
    let hi = Infinity;
    const row = this.p.subarray(i * n, (i + 1) * n);
    for (let attempt = 0; attempt < PERPLEXITY_SEARCH_STEPS; attempt++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) {
          row[j] = 0;
          continue;
        }
        const v = Math.exp(-distances[j] * beta);
        row[j] = v;
        sum += v;
        weighted += distances[j] * v;
      }
      const entropy = Math.log(sum) + (beta * weighted) / sum;
      if (Math.abs(entropy - targetEntropy) < PERPLEXITY_TOLERANCE) break;
      if (entropy > targetEntropy) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = (beta + lo) / 2;
      }
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += row[j];
    for (let j = 0; j < n; j++) row[j] = sum > 0 ? row[j] / sum : j === i ? 0 : 1 / (n - 1);
  }

  /** p_ij = (p_{j|i} + p_{i|j}) / 2n, floored so the KL gradient stays finite. */
  private symmetrise(): void {
    const n = this.n;
    const p = this.p;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const v = Math.max((p[i * n + j] + p[j * n + i]) / (2 * n), PROBABILITY_FLOOR);
        p[i * n + j] = v;
        p[j * n + i] = v;
      }
      p[i * n + i] = 0;
    }
  }

  /**
   * One pass over the pairs: the gradient 4·Σ_j (e·p_ij − q_ij/Z)·q_ij·(y_i − y_j), with q_ij = 1/(1 + ‖y_i − y_j‖²) and
   * Z = Σ q, splits into an attractive sum (needs p) and a repulsive sum that Z only scales, so both are gathered
   * together and combined once Z is known.
   */
  private gradientStep(): void {
    const { n, p, y, gradient, repulsion, gains, update } = this;
    const exaggeration = this.iteration < this.exaggerationIterations ? this.exaggeration : 1;
    gradient.fill(0);
    repulsion.fill(0);
    let z = 0;
    for (let i = 0; i < n; i++) {
      const yi0 = y[2 * i];
      const yi1 = y[2 * i + 1];
      const row = i * n;
      let a0 = 0;
      let a1 = 0;
      let r0 = 0;
      let r1 = 0;
      for (let j = i + 1; j < n; j++) {
        const d0 = yi0 - y[2 * j];
        const d1 = yi1 - y[2 * j + 1];
        const kernel = 1 / (1 + d0 * d0 + d1 * d1);
        z += 2 * kernel;
        const attract = exaggeration * p[row + j] * kernel;
        const repel = kernel * kernel;
        a0 += attract * d0;
        a1 += attract * d1;
        r0 += repel * d0;
        r1 += repel * d1;
        gradient[2 * j] -= attract * d0;
        gradient[2 * j + 1] -= attract * d1;
        repulsion[2 * j] -= repel * d0;
        repulsion[2 * j + 1] -= repel * d1;
      }
      gradient[2 * i] += a0;
      gradient[2 * i + 1] += a1;
      repulsion[2 * i] += r0;
      repulsion[2 * i + 1] += r1;
    }
    for (let t = 0; t < n * 2; t++) gradient[t] = 4 * (gradient[t] - repulsion[t] / z);
    const momentum = this.iteration < Math.max(this.exaggerationIterations, 1) ? 0.5 : 0.8;
    for (let t = 0; t < n * 2; t++) {
      const sameDirection = gradient[t] > 0 === update[t] > 0;
      gains[t] = Math.max(sameDirection ? gains[t] * 0.8 : gains[t] + 0.2, MIN_GAIN);
      update[t] = momentum * update[t] - this.learningRate * gains[t] * gradient[t];
      y[t] += update[t];
    }
    // Keep the cloud centred on the origin (the objective does not care where it is).
    let m0 = 0;
    let m1 = 0;
    for (let i = 0; i < n; i++) {
      m0 += y[2 * i];
      m1 += y[2 * i + 1];
    }
    m0 /= n;
    m1 /= n;
    for (let i = 0; i < n; i++) {
      y[2 * i] -= m0;
      y[2 * i + 1] -= m1;
    }
  }
}
