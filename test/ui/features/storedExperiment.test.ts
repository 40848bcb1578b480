/** A saved run's stored form (progress as typed columns) and the history an autosave takes: exact, in any order. */
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config';
import type { Experiment, ExperimentProgressPoint } from '../../../src/core/export/experiment';
import { upToStep } from '../../../src/ui/features/saveShare/experimentOfRun';
import {
  exactColumns,
  fromStored,
  progressBuffers,
  toStored,
} from '../../../src/ui/features/saveShare/storedExperiment';

function experimentWith(progress: ExperimentProgressPoint[]): Experiment {
  return {
    title: 't',
    savedAt: '2026-12-03T08:00:00.000Z',
    config: makeConfig({ data: { dataset: 'blobs' } }),
    dataset: { kind: 'builtin', name: 'blobs' },
    step: progress.length,
    epoch: 1,
    history: {
      progress,
      metrics: [
        {
          step: 0,
          precisionAt1: 0.5,
          rPrecision: null,
          mapAtR: 0.25,
          pairAccuracy: null,
          auc: null,
          validationLoss: 1.5,
        },
      ],
    },
    weights: { tower: [{ name: 'dense/kernel', shape: [1, 2], values: Float32Array.of(1, 2) }], head: [] },
  };
}

describe('the stored form of a saved run', () => {
  it('keeps every progress point exactly, with absent triplet counts absent again', () => {
    const progress: ExperimentProgressPoint[] = [
      { step: 1, epoch: 0, loss: 0.1 + 0.2, easy: 3, semiHard: 2, hard: 1 },
      { step: 2, epoch: 0, loss: 1e-300 },
      { step: 3, epoch: 1, loss: 7, easy: 0, semiHard: 0, hard: 0 },
    ];
    const experiment = experimentWith(progress);
    const stored = toStored(experiment);
    expect(stored.history.progress.step).toEqual(Float64Array.of(1, 2, 3));
    expect(stored.history.progress.loss).toEqual(Float64Array.of(0.1 + 0.2, 1e-300, 7));
    expect(Array.from(stored.history.progress.easy)).toEqual([3, Number.NaN, 0]);
    expect(stored.history.metrics).toBe(experiment.history.metrics);
    const back = fromStored(structuredClone(stored));
    expect(back.history.progress).toEqual(progress);
    expect('easy' in back.history.progress[1]).toBe(false);
    expect(back.weights).toEqual(experiment.weights);
    expect({ ...back, history: null }).toEqual({ ...experiment, history: null });
  });

  it('fills the columns of a spare set that has room, else new ones with room to grow; the record keeps exact ones', () => {
    const progress = (n: number): ExperimentProgressPoint[] =>
      Array.from({ length: n }, (_, i) => ({ step: i + 1, epoch: 0, loss: 1 / (i + 1), hard: i }));
    const first = toStored(experimentWith(progress(3)), null).history.progress;
    expect(first.step.length).toBe(3);
    expect(first.step.buffer.byteLength).toBeGreaterThan(8 * 3);
    expect(progressBuffers(first).length).toBe(6);
    // A longer run fits in the first run's room: the same buffers, filled again.
    const second = toStored(experimentWith(progress(40)), first);
    expect(second.history.progress.step.buffer).toBe(first.step.buffer);
    expect(Array.from(second.history.progress.hard)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(fromStored(second).history.progress).toEqual(progress(40));
    // One past the room: new buffers.
    const room = first.step.buffer.byteLength / 8;
    const third = toStored(experimentWith(progress(room + 1)), first).history.progress;
    expect(third.step.buffer).not.toBe(first.step.buffer);
    expect(third.step.length).toBe(room + 1);
    // What is written: columns of their own length, the same values.
    const exact = exactColumns(second);
    expect(exact.history.progress.loss.buffer.byteLength).toBe(8 * 40);
    expect(exact.history.progress.loss).toEqual(second.history.progress.loss);
    expect(fromStored(structuredClone(exact)).history.progress).toEqual(progress(40));
    // Columns that already span their buffer are kept as they are.
    const plain = toStored(experimentWith(progress(2)));
    expect(plain.history.progress.step.buffer.byteLength).toBe(16);
    expect(exactColumns(plain).history.progress.step).toBe(plain.history.progress.step);
  });

  it('stores a run of no steps', () => {
    const back = fromStored(toStored(experimentWith([])));
    expect(back.history.progress).toEqual([]);
  });
});

describe('the history an autosave takes', () => {
  const points = (...steps: number[]) => steps.map((step) => ({ step }));

  it('is the points up to the step, the same objects in the same order', () => {
    const all = points(1, 2, 3, 4, 5);
    const taken = upToStep(all, 3);
    expect(taken.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(taken[0]).toBe(all[0]);
    expect(taken).not.toBe(all);
    expect(upToStep(all, 5)).toEqual(all);
    expect(upToStep(all, 9)).not.toBe(all);
    expect(upToStep(all, 0)).toEqual([]);
    expect(upToStep([], 3)).toEqual([]);
  });

  it('picks the points up to the step one by one when they are out of order', () => {
    expect(upToStep(points(1, 5, 2, 3, 6, 4), 3).map((p) => p.step)).toEqual([1, 2, 3]);
    expect(upToStep(points(4, 1, 2), 3).map((p) => p.step)).toEqual([1, 2]);
    expect(upToStep(points(4, 5), 3)).toEqual([]);
  });
});
