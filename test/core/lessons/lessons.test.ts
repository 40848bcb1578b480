/**
 * The lessons registry: unique ids, configurations that validate on (and really train) their datasets, overrides
 * applied exactly, formulas KaTeX can typeset, and the topics the lessons cover.
 */
import katex from 'katex';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../../src/cli/assets';
import { DEFAULT_CONFIG, validate, type Config } from '../../../src/core/config';
import { builtinInfo, loadBuiltinDataset } from '../../../src/core/data/builtin';
import { findLesson, lessonConfig, LESSONS } from '../../../src/core/lessons/lessons';
import { Trainer } from '../../../src/core/train/trainer';
import { useCpuBackend } from '../../helpers/tf';

/** Every leaf of a partial config as [dotted path, value] (arrays are leaves). */
function leaves(value: unknown, path = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[path, value]];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

function at(config: Config, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], config);
}

describe('lessons registry', () => {
  it('has unique, link-safe ids and unique titles', () => {
    const ids = LESSONS.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const titles = LESSONS.map((l) => l.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(LESSONS.length).toBeGreaterThanOrEqual(6);
  });

  it.each(LESSONS.map((l) => [l.id, l] as const))(
    '%s: its configuration passes validate() for its dataset',
    (_id, lesson) => {
      const info = builtinInfo(lesson.dataset);
      const config = lessonConfig(lesson);
      expect(config.data.dataset).toBe(lesson.dataset);
      expect(validate(config, { kind: 'labelled', modality: info.modality, numClasses: info.numClasses })).toEqual([]);
    },
  );

  it.each(LESSONS.map((l) => [l.id, l] as const))(
    '%s: sets exactly its overrides, the dataset defaults elsewhere',
    (_id, lesson) => {
      const config = lessonConfig(lesson);
      for (const [path, value] of leaves(lesson.overrides)) expect(at(config, path), path).toEqual(value);
      // Fields neither the dataset nor the lesson mention keep the documented defaults.
      const mentioned = new Set(
        [...leaves(builtinInfo(lesson.dataset).suggested), ...leaves(lesson.overrides)].map(([p]) => p),
      );
      for (const [path, value] of leaves(DEFAULT_CONFIG))
        if (!mentioned.has(path)) expect(at(config, path), path).toEqual(value);
      // Only the backend preference is the user's.
      expect(lessonConfig(lesson, 'wasm')).toEqual({ ...config, training: { ...config.training, backend: 'wasm' } });
      // A fresh copy each time: editing one does not change the lesson.
      lessonConfig(lesson).model.embeddingDim = 999;
      expect(lessonConfig(lesson).model.embeddingDim).toBe(config.model.embeddingDim);
    },
  );

  it.each(LESSONS.map((l) => [l.id, l] as const))(
    '%s: its formula typesets and it explains in plain words',
    (_id, lesson) => {
      expect(() => katex.renderToString(lesson.formula, { throwOnError: true, strict: 'ignore' })).not.toThrow();
      for (const text of [lesson.explanation, lesson.formulaInWords, lesson.watch]) {
        expect(text.length).toBeGreaterThan(40);
        expect(text).not.toMatch(/\\[a-z]+/); // no TeX in the plain-language text
      }
    },
  );

  it('covers both margin losses, three miners, split input, the cosine distance and a recurrent tower', () => {
    const configs = LESSONS.map((l) => lessonConfig(l));
    expect(configs.some((c) => c.objective.loss === 'contrastive')).toBe(true);
    expect(configs.some((c) => c.objective.loss === 'triplet')).toBe(true);
    for (const miner of ['random', 'semi-hard', 'hard'] as const)
      expect(
        configs.some((c) => c.mining.miner === miner),
        miner,
      ).toBe(true);
    expect(configs.some((c) => c.data.splitInput)).toBe(true);
    expect(configs.some((c) => c.objective.distance === 'cosine')).toBe(true);
    expect(configs.some((c) => c.model.tower === 'gru' || c.model.tower === 'lstm')).toBe(true);
  });

  it('finds lessons by id and answers null for unknown ones', () => {
    expect(findLesson(LESSONS[0].id)).toBe(LESSONS[0]);
    expect(findLesson('no-such-lesson')).toBeNull();
    expect(findLesson(null)).toBeNull();
    expect(findLesson('')).toBeNull();
  });
});

describe('lessons train', () => {
  beforeAll(async () => {
    await useCpuBackend();
  });

  it.each(LESSONS.map((l) => [l.id, l] as const))(
    '%s: Trainer.init accepts it on the real dataset and a step has a finite loss',
    async (_id, lesson) => {
      const dataset = await loadBuiltinDataset(lesson.dataset, nodeAssetReader(), { seed: lessonConfig(lesson).seed });
      const config = lessonConfig(lesson);
      config.data.evalSamples = 50; // keep the check quick; the lesson's own value is checked above
      const trainer = Trainer.init(config, dataset);
      const result = trainer.step();
      expect(Number.isFinite(result.loss)).toBe(true);
      trainer.dispose();
    },
  );
});
