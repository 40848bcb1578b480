import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config';
import {
  configDifferences,
  keptRunsReducer,
  makeKeptRun,
  overlayRows,
  KEPT_CURVE_POINTS,
} from '../../../src/ui/features/compare/keptRuns';
import { initialState, reducer } from '../../../src/ui/state/reducer';
import type { MetricsPoint, ProgressPoint } from '../../../src/worker/protocol';

const metric = (step: number, v: number): MetricsPoint => ({
  step,
  precisionAt1: v,
  rPrecision: v,
  mapAtR: v / 2,
  pairAccuracy: 0.5 + v / 4,
  auc: 0.9,
  validationLoss: null,
});

describe('configDifferences', () => {
  it('lists only the fields that differ, by dotted path, with each run’s value', () => {
    const a = makeConfig({ objective: { loss: 'triplet', margin: 0.2 }, seed: 1 });
    const b = makeConfig({ objective: { loss: 'contrastive', margin: 0.5 }, seed: 1 });
    const c = makeConfig({
      objective: { loss: 'triplet', margin: 0.2 },
      seed: 3,
      model: { mlp: { hiddenUnits: [32, 16] } },
    });
    expect(configDifferences([a, b])).toEqual([
      { path: 'objective.loss', values: ['triplet', 'contrastive'] },
      { path: 'objective.margin', values: ['0.2', '0.5'] },
    ]);
    const three = configDifferences([a, b, c]);
    expect(three.map((d) => d.path)).toEqual(['model.mlp.hiddenUnits', 'objective.loss', 'objective.margin', 'seed']);
    expect(three.find((d) => d.path === 'model.mlp.hiddenUnits')!.values).toEqual([
      JSON.stringify(a.model.mlp.hiddenUnits),
      JSON.stringify(a.model.mlp.hiddenUnits),
      '[32,16]',
    ]);
    expect(configDifferences([a, structuredClone(a)])).toEqual([]);
    expect(configDifferences([a])).toEqual([]);
    // A null and a number differ; a missing field shows as –.
    const withThreshold = makeConfig({ training: { threshold: 0.7 } });
    expect(configDifferences([makeConfig({}), withThreshold])).toEqual([
      { path: 'training.threshold', values: ['null', '0.7'] },
    ]);
    const missing = structuredClone(a) as unknown as { objective: Record<string, unknown> };
    delete missing.objective.margin;
    expect(configDifferences([a, missing as never])).toEqual([{ path: 'objective.margin', values: ['0.2', '–'] }]);
  });
});

describe('kept runs', () => {
  const progress: ProgressPoint[] = Array.from({ length: 2000 }, (_, i) => ({
    step: i + 1,
    epoch: 0,
    loss: i === 5 ? NaN : 1 / (i + 1),
  }));
  const metrics = [metric(0, 0.1), metric(100, 0.4), metric(200, 0.6)];

  it('keeps a small, serialisable record with downsampled curves and the last evaluation', () => {
    const run = makeKeptRun({
      id: 'a',
      name: 'Run 1',
      config: makeConfig({}),
      steps: 2000,
      progress,
      metrics,
      keptAt: new Date(0),
    });
    expect(run.loss.length).toBeLessThanOrEqual(KEPT_CURVE_POINTS);
    expect(run.loss[0]).toEqual({ step: 1, loss: 1 });
    expect(run.loss.at(-1)).toEqual({ step: 2000, loss: 1 / 2000 });
    expect(run.loss.every((p) => Number.isFinite(p.loss))).toBe(true);
    expect(run.final).toEqual({
      steps: 2000,
      loss: 1 / 2000,
      precisionAt1: 0.6,
      mapAtR: 0.3,
      pairAccuracy: 0.65,
      auc: 0.9,
      metricsStep: 200,
    });
    expect(JSON.parse(JSON.stringify(run))).toEqual(run);
    expect(run.keptAt).toBe('1970-01-01T00:00:00.000Z');
  });

  it('overlays curves on one step axis, one key per run', () => {
    const a = makeKeptRun({
      id: 'a',
      name: 'A',
      config: makeConfig({}),
      steps: 3,
      progress: progress.slice(0, 3),
      metrics,
    });
    const b = makeKeptRun({
      id: 'b',
      name: 'B',
      config: makeConfig({}),
      steps: 2,
      progress: progress.slice(1, 3).map((p) => ({ ...p, loss: 5 })),
      metrics: [],
    });
    expect(overlayRows([a, b], (r) => r.loss.map((p) => ({ step: p.step, value: p.loss })))).toEqual([
      { step: 1, a: 1 },
      { step: 2, a: 0.5, b: 5 },
      { step: 3, a: 1 / 3, b: 5 },
    ]);
    expect(overlayRows([a, b], (r) => r.metrics.map((m) => ({ step: m.step, value: m.mapAtR })))).toEqual([
      { step: 0, a: 0.05 },
      { step: 100, a: 0.2 },
      { step: 200, a: 0.3 },
    ]);
  });

  it('keep replaces a run of the same id, remove drops it; the page keeps them across new runs', () => {
    const one = makeKeptRun({ id: 'a', name: 'Run 1', config: makeConfig({}), steps: 1, progress, metrics });
    const two = makeKeptRun({ id: 'b', name: 'Run 2', config: makeConfig({}), steps: 1, progress, metrics });
    let runs = keptRunsReducer([], { type: 'keep-run', run: one });
    runs = keptRunsReducer(runs, { type: 'keep-run', run: two });
    const updated = { ...one, name: 'Run 1 again' };
    runs = keptRunsReducer(runs, { type: 'keep-run', run: updated });
    expect(runs.map((r) => r.name)).toEqual(['Run 1 again', 'Run 2']);
    expect(keptRunsReducer(runs, { type: 'remove-kept-run', id: 'a' }).map((r) => r.id)).toEqual(['b']);

    let state = reducer(initialState(makeConfig({})), { type: 'keep-run', run: one });
    state = reducer(state, { type: 'new-run', runId: 5 });
    expect(state.keptRuns).toEqual([one]);
  });
});
