/**
 * Each lesson's "Watch: …" claim, proven by its outcome: the lesson's own configuration and step count (seeded,
 * headless, WASM as the other learning tests), for seeds 1–5, and the phenomenon the text names measured with a
 * number. Runs are cached, so lessons compared with each other (random and hard mining against semi-hard) share them.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../../src/cli/assets';
import { selectNodeBackend } from '../../../src/cli/backend';
import { makeConfig, type Config, type DeepPartial } from '../../../src/core/config';
import { loadBuiltinDataset } from '../../../src/core/data/builtin';
import type { Dataset } from '../../../src/core/data/dataset';
import { findLesson, lessonConfig } from '../../../src/core/lessons/lessons';
import type { Metrics } from '../../../src/core/metrics/evaluate';
import { scaleCollapseOf } from '../../../src/core/metrics/scaleCollapse';
import { Trainer } from '../../../src/core/train/trainer';
import type { Snapshot, StepResult } from '../../../src/core/train/types';

const SEEDS = [1, 2, 3, 4, 5];
/** Batch statistics are averaged over this many final steps (one batch is noisy). */
const LAST_STEPS = 20;
const TIMEOUT = 300_000;

interface LessonRun {
  config: Config;
  start: Metrics;
  end: Metrics;
  steps: StepResult[];
  /** Mined triplets of the last batch at the requested steps (what the triplet inspector lists). */
  batches: Map<number, NonNullable<Snapshot['batch']>>;
  /** Held-out embeddings at the end, with their labels. */
  embeddings: { values: Float32Array; n: number; dim: number; labels: Int32Array };
}

const datasets = new Map<string, Promise<Dataset>>();
const runs = new Map<string, Promise<LessonRun>>();
let tensorsBefore = 0;

beforeAll(async () => {
  await selectNodeBackend('wasm');
  tensorsBefore = tf.memory().numTensors;
});

function dataset(name: string, seed: number): Promise<Dataset> {
  const key = `${name}/${seed}`;
  if (!datasets.has(key)) datasets.set(key, loadBuiltinDataset(name, nodeAssetReader(), { seed }));
  return datasets.get(key)!;
}

/** Runs the lesson's configuration (plus `variant`) for the lesson's own number of steps; cached per arguments. */
function runLesson(
  id: string,
  seed: number,
  options: { variant?: DeepPartial<Config>; batchesAt?: number[] } = {},
): Promise<LessonRun> {
  const key = JSON.stringify([id, seed, options]);
  if (!runs.has(key)) runs.set(key, train(id, seed, options));
  return runs.get(key)!;
}

async function train(
  id: string,
  seed: number,
  options: { variant?: DeepPartial<Config>; batchesAt?: number[] },
): Promise<LessonRun> {
  const lesson = findLesson(id);
  if (!lesson) throw new Error(`no lesson ${id}`);
  const config = makeConfig({ ...options.variant, seed }, lessonConfig(lesson));
  const trainer = Trainer.init(config, await dataset(lesson.dataset, seed));
  try {
    const start = trainer.evaluate().metrics!;
    const total = config.training.steps;
    const wanted = new Set([...(options.batchesAt ?? []), total]);
    const steps: StepResult[] = [];
    const batches = new Map<number, NonNullable<Snapshot['batch']>>();
    for (let s = 1; s <= total; s++) {
      steps.push(trainer.step());
      if (wanted.has(s)) {
        const batch = trainer.snapshot().batch;
        if (batch) batches.set(s, batch);
      }
    }
    const end = trainer.evaluate().metrics!;
    const { values, n, dim } = trainer.heldOutEmbeddings();
    return {
      config,
      start,
      end,
      steps,
      batches,
      embeddings: { values, n, dim, labels: trainer.heldOutSamples().labels },
    };
  } finally {
    trainer.dispose();
  }
}

const mean = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0) / values.length;
const fraction = (values: ArrayLike<number>, test: (v: number) => boolean): number =>
  Array.from(values).filter(test).length / values.length;
function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[sorted.length >> 1];
}
/** Share of easy triplets among all valid triplets of the last batches. */
function easyShare(steps: StepResult[]): number {
  let easy = 0;
  let total = 0;
  for (const s of steps.slice(-LAST_STEPS)) {
    easy += s.counts!.easy;
    total += s.counts!.easy + s.counts!.semiHard + s.counts!.hard;
  }
  return easy / total;
}

/**
 * Shape of the classes of a 2-D embedding seen from the origin: the spread of each class along its ray (std of the
 * radius) over its spread across it (mean radius × circular std of the angle), pooled over classes. Rays ≫ 1,
 * round clouds ≈ 1.
 */
function alongOverAcross(values: Float32Array, n: number, labels: Int32Array): number {
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) members.set(labels[i], [...(members.get(labels[i]) ?? []), i]);
  let along = 0;
  let across = 0;
  for (const idx of members.values()) {
    let cos = 0;
    let sin = 0;
    let r1 = 0;
    let r2 = 0;
    for (const i of idx) {
      const r = Math.hypot(values[2 * i], values[2 * i + 1]);
      cos += values[2 * i] / r;
      sin += values[2 * i + 1] / r;
      r1 += r;
      r2 += r * r;
    }
    const m = idx.length;
    const meanR = r1 / m;
    along += Math.sqrt(Math.max(0, r2 / m - meanR * meanR));
    across += meanR * Math.sqrt(-2 * Math.log(Math.hypot(cos, sin) / m));
  }
  return along / across;
}

describe('lesson outcomes (seeds 1–5, each lesson its own configuration and steps)', () => {
  it.each(SEEDS)(
    'siamese-basics, seed %i: the five clouds pull apart (different-class pairs ≥ 4× as far as same-class, twice the start ratio)',
    async (seed) => {
      const { start, end } = await runLesson('siamese-basics', seed);
      const ratio = (m: Metrics) => mean(m.negativeDistances) / mean(m.positiveDistances);
      expect(ratio(end)).toBeGreaterThanOrEqual(4);
      expect(ratio(end)).toBeGreaterThanOrEqual(2 * ratio(start));
      expect(end.mapAtR).toBeGreaterThanOrEqual(0.85);
    },
    TIMEOUT,
  );

  it.each(SEEDS)(
    'contrastive-loss, seed %i: negative pairs move beyond the margin, positive pairs stay near 0',
    async (seed) => {
      const { start, end, config } = await runLesson('contrastive-loss', seed);
      const m = config.objective.margin;
      expect(fraction(start.negativeDistances, (d) => d > m)).toBeLessThanOrEqual(0.05);
      expect(fraction(end.negativeDistances, (d) => d > m)).toBeGreaterThanOrEqual(0.5);
      expect(median(end.positiveDistances)).toBeLessThanOrEqual(0.15 * m);
    },
    TIMEOUT,
  );

  it.each(SEEDS)(
    'triplet-loss, seed %i: held-out triplets inside the margin fall from nearly all to a few percent; batches turn easy',
    async (seed) => {
      const { start, end, steps } = await runLesson('triplet-loss', seed);
      expect(start.tripletViolation).toBeGreaterThanOrEqual(0.9);
      expect(end.tripletViolation).toBeLessThanOrEqual(0.05);
      expect(easyShare(steps.slice(0, LAST_STEPS))).toBeLessThanOrEqual(0.3);
      expect(easyShare(steps)).toBeGreaterThanOrEqual(0.85);
    },
    TIMEOUT,
  );

  it.each(SEEDS)(
    'mining-random, seed %i: most picked triplets are easy, and MAP@R trails the semi-hard lesson at the same step',
    async (seed) => {
      const random = await runLesson('mining-random', seed);
      const semiHard = await runLesson('mining-semi-hard', seed, { batchesAt: [1, 100] });
      const picked = random.batches.get(random.config.training.steps)!.triplets;
      expect(picked.length).toBeGreaterThan(0);
      expect(picked.filter((t) => t.category === 'easy').length / picked.length).toBeGreaterThanOrEqual(0.75);
      expect(random.config.training.steps).toBe(semiHard.config.training.steps);
      expect(random.end.mapAtR).toBeLessThan(semiHard.end.mapAtR);
    },
    TIMEOUT,
  );

  it.each(SEEDS)(
    'mining-semi-hard, seed %i: every mined triplet is semi-hard, every batch has some, negatives leave positives behind',
    async (seed) => {
      const { steps, batches, end, config } = await runLesson('mining-semi-hard', seed, { batchesAt: [1, 100] });
      // The training step itself: it trains on exactly the batch's semi-hard triplets, and there always are some.
      for (const s of steps) {
        expect(s.mined).toBe(s.counts!.semiHard);
        expect(s.mined).toBeGreaterThan(0);
      }
      // What the triplet inspector lists.
      expect(batches.size).toBe(3);
      for (const batch of batches.values()) {
        expect(batch.triplets.length).toBeGreaterThan(0);
        for (const t of batch.triplets) {
          expect(t.category).toBe('semi-hard');
          expect(t.dAN).toBeGreaterThan(t.dAP);
          expect(t.dAN).toBeLessThanOrEqual(t.dAP + config.objective.margin + 1e-6);
        }
      }
      expect(median(end.negativeDistances) - median(end.positiveDistances)).toBeGreaterThanOrEqual(0.5);
      expect(end.auc).toBeGreaterThanOrEqual(0.95);
    },
    TIMEOUT,
  );

  it.each(SEEDS)(
    'mining-hard, seed %i: the embedding shrinks to a point (spread ≤ 20% of the semi-hard lesson’s), every triplet inside the margin, the warning fires',
    async (seed) => {
      const hard = await runLesson('mining-hard', seed);
      const semiHard = await runLesson('mining-semi-hard', seed, { batchesAt: [1, 100] });
      expect(hard.config.training.steps).toBe(semiHard.config.training.steps);
      expect(hard.end.collapse.meanPairDistance).toBeLessThanOrEqual(0.2 * semiHard.end.collapse.meanPairDistance);
      const m = hard.config.objective.margin;
      expect(median(hard.end.negativeDistances)).toBeLessThanOrEqual(m / 4);
      expect(hard.end.tripletViolation).toBeGreaterThanOrEqual(0.95);
      // The loss sits at the margin.
      expect(mean(hard.steps.slice(-LAST_STEPS).map((s) => s.loss))).toBeCloseTo(m, 1);
      const warning = scaleCollapseOf(hard.end, hard.config, hard.config.training.steps);
      expect(warning?.squeezed).toBe(true);
      expect(scaleCollapseOf(semiHard.end, semiHard.config, semiHard.config.training.steps)?.squeezed).toBe(false);
      // As the text says: the neighbours keep their order, so P@1 alone does not show the collapse.
      expect(hard.end.precisionAt1).toBeGreaterThanOrEqual(0.9);
    },
    TIMEOUT,
  );

  it.each(SEEDS)(
    'split-input, seed %i: own-half retrieval rises from chance to ≥ 25% (P@1), AUC ≥ 0.85',
    async (seed) => {
      const { start, end } = await runLesson('split-input', seed);
      expect(start.precisionAt1).toBeLessThanOrEqual(0.1);
      expect(end.precisionAt1).toBeGreaterThanOrEqual(0.25);
      expect(start.auc).toBeLessThanOrEqual(0.65);
      expect(end.auc).toBeGreaterThanOrEqual(0.85);
    },
    TIMEOUT,
  );

  it.each(SEEDS)(
    'distance-choice, seed %i: cosine makes rays (spread along ≥ 1.4× across), Euclidean round clouds (≤ 1)',
    async (seed) => {
      const cosine = await runLesson('distance-choice', seed);
      const euclidean = await runLesson('distance-choice', seed, { variant: { objective: { distance: 'euclidean' } } });
      expect(cosine.config.objective.distance).toBe('cosine');
      const rays = alongOverAcross(cosine.embeddings.values, cosine.embeddings.n, cosine.embeddings.labels);
      const round = alongOverAcross(euclidean.embeddings.values, euclidean.embeddings.n, euclidean.embeddings.labels);
      expect(rays).toBeGreaterThanOrEqual(1.4);
      expect(round).toBeLessThanOrEqual(1);
      expect(rays).toBeGreaterThanOrEqual(2 * round);
    },
    TIMEOUT,
  );

  it.each(SEEDS)(
    'text-recurrent, seed %i: clusters of one word form (MAP@R at least doubles, AUC ≥ 0.9)',
    async (seed) => {
      const { start, end } = await runLesson('text-recurrent', seed);
      expect(end.mapAtR).toBeGreaterThanOrEqual(2 * start.mapAtR);
      expect(end.auc).toBeGreaterThanOrEqual(0.9);
    },
    TIMEOUT,
  );

  it('leaves no tensor behind', async () => {
    await Promise.all(runs.values());
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
