import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/core/config';
import {
  CRASH_NOTE,
  initialState,
  latestMetrics,
  progressOf,
  reducer,
  type Action,
  type AppState,
} from '../../src/ui/state/reducer';
import type { DatasetInfo, SamplePreview, WorkerEvent } from '../../src/worker/protocol';

const preview: SamplePreview = {
  kind: 'row',
  shape: [4],
  count: 1,
  labels: new Int32Array([0]),
  values: new Float32Array(4),
};
const info = (name: string, classes = 3): DatasetInfo => ({
  name,
  title: name,
  description: '',
  kind: 'labelled',
  modality: 'tabular',
  numSamples: 150,
  featureShape: [4],
  classNames: Array.from({ length: classes }, (_, i) => `c${i}`),
  traits: { kind: 'labelled', modality: 'tabular', numClasses: classes, featureShape: [4] },
});
const ev = (event: WorkerEvent): Action => ({ type: 'event', event });
const run = (state: AppState, ...actions: Action[]) => actions.reduce(reducer, state);

function started(runId = 1): AppState {
  return run(initialState(makeConfig()), { type: 'new-run', runId });
}

describe('reducer', () => {
  it('drops events of other runs and keeps those of the current run', () => {
    const s = started(2);
    const stale = reducer(
      s,
      ev({ type: 'progress', runId: 1, points: [{ step: 1, epoch: 0, loss: 0.5 }], stepsPerSecond: 3 }),
    );
    expect(stale).toBe(s);
    const fresh = reducer(
      s,
      ev({ type: 'progress', runId: 2, points: [{ step: 1, epoch: 0, loss: 0.5 }], stepsPerSecond: 3 }),
    );
    expect(fresh.step).toBe(1);
    expect(fresh.lastLoss).toBe(0.5);
  });

  it('appends progress deltas and stays the same when a reducer call is repeated (StrictMode)', () => {
    const s0 = started();
    const a = ev({
      type: 'progress',
      runId: 1,
      points: [
        { step: 1, epoch: 0, loss: 1 },
        { step: 2, epoch: 0, loss: 0.9 },
      ],
      stepsPerSecond: 10,
    });
    const b = ev({ type: 'progress', runId: 1, points: [{ step: 3, epoch: 1, loss: 0.8 }], stepsPerSecond: 12 });
    const s1 = reducer(s0, a);
    reducer(s0, a); // repeated call with the same input state
    const s1again = reducer(s0, a);
    const s2 = reducer(s1again, b);
    expect(progressOf(s1).map((p) => p.step)).toEqual([1, 2]);
    expect(progressOf(s2).map((p) => p.step)).toEqual([1, 2, 3]);
    expect(s2.history.progress).toBe(s0.history.progress); // appended in place, not copied
    expect(s2.epoch).toBe(1);
    expect(s2.stepsPerSecond).toBe(12);
  });

  it('starts a fresh history on a new run', () => {
    const s1 = run(
      started(),
      ev({ type: 'progress', runId: 1, points: [{ step: 1, epoch: 0, loss: 1 }], stepsPerSecond: 1 }),
    );
    const s2 = reducer(s1, { type: 'new-run', runId: 2 });
    expect(progressOf(s2)).toEqual([]);
    expect(progressOf(s1)).toHaveLength(1);
    expect(s2.lastLoss).toBeNull();
  });

  it('records metrics, halts and errors', () => {
    const m = {
      step: 5,
      precisionAt1: 0.8,
      rPrecision: 0.5,
      mapAtR: 0.4,
      pairAccuracy: 0.9,
      auc: 0.95,
      validationLoss: 0.2,
    };
    const s = run(
      started(),
      ev({
        type: 'metrics',
        runId: 1,
        metrics: m,
        pairDistances: null,
        evaluationMs: 0,
        evaluationParts: { embed: 0, validation: 0, metrics: 0, geometry: 0 },
      }),
      ev({ type: 'halted', runId: 1, step: 7, reason: 'the loss became NaN', suggestion: 'lower the learning rate' }),
    );
    expect(latestMetrics(s)).toEqual(m);
    expect(s.halted).toEqual({ step: 7, reason: 'the loss became NaN', suggestion: 'lower the learning rate' });
    expect(s.runState).toBe('paused');
    const resumed = reducer(s, ev({ type: 'state', runId: 1, state: 'running', step: 7, epoch: 0 }));
    expect(resumed.halted).toBeNull();
    const err = reducer(s, ev({ type: 'error', runId: null, message: 'boom' }));
    expect(err.error).toBe('boom');
  });

  it('keeps the previous dataset when a load fails, and ignores answers to older requests', () => {
    let s = run(
      started(),
      { type: 'request-load', requestId: 1 },
      ev({ type: 'dataset-loaded', requestId: 1, info: info('iris'), preview }),
    );
    expect(s.dataset?.name).toBe('iris');
    s = run(
      s,
      { type: 'request-load', requestId: 2 },
      ev({ type: 'dataset-error', requestId: 2, message: 'could not download digits.bin: HTTP 404' }),
    );
    expect(s.dataset?.name).toBe('iris');
    expect(s.datasetError).toBe('could not download digits.bin: HTTP 404');
    expect(s.pendingLoad).toBeNull();
    const late = reducer(s, ev({ type: 'dataset-loaded', requestId: 1, info: info('old'), preview }));
    expect(late.dataset?.name).toBe('iris');
  });

  it('follows a download: progress of the pending load only, and a cancel keeps the dataset in use', () => {
    let s = run(
      started(),
      { type: 'request-load', requestId: 1 },
      ev({ type: 'dataset-loaded', requestId: 1, info: info('iris'), preview }),
      { type: 'request-load', requestId: 2, name: 'fashion-mnist-full' },
    );
    expect(s.download).toEqual({ requestId: 2, name: 'fashion-mnist-full', fraction: 0 });
    s = run(
      s,
      ev({ type: 'load-progress', requestId: 2, fraction: 0.4 }),
      ev({ type: 'load-progress', requestId: 1, fraction: 0.9 }),
    );
    expect(s.download?.fraction).toBe(0.4);
    s = reducer(s, { type: 'cancel-load', requestId: 2 });
    expect(s.download).toBeNull();
    expect(s.pendingLoad).toBeNull();
    expect(s.dataset?.name).toBe('iris');
    // The worker's answers to the cancelled request change nothing.
    const late = run(
      s,
      ev({ type: 'load-progress', requestId: 2, fraction: 0.5 }),
      ev({ type: 'dataset-loaded', requestId: 2, info: info('fashion-mnist-full'), preview }),
    );
    expect(late.dataset?.name).toBe('iris');
    expect(late.download).toBeNull();
    // A load the worker cancelled (superseded) ends the wait too; an arrival ends the download.
    s = run(s, { type: 'request-load', requestId: 3, name: 'fashion-mnist-full' });
    expect(reducer(s, ev({ type: 'load-cancelled', requestId: 3 })).pendingLoad).toBeNull();
    const arrived = reducer(s, ev({ type: 'dataset-loaded', requestId: 3, info: info('fashion-mnist-full'), preview }));
    expect(arrived.dataset?.name).toBe('fashion-mnist-full');
    expect(arrived.download).toBeNull();
  });

  it('validates the config against the loaded data', () => {
    const config = makeConfig({ batch: { mode: 'pk', size: 64, classesPerBatch: 8 } });
    let s = run(
      initialState(config),
      { type: 'request-load', requestId: 1 },
      ev({ type: 'dataset-loaded', requestId: 1, info: info('iris', 3), preview }),
    );
    expect(s.issues.map((i) => i.path)).toContain('batch.classesPerBatch');
    s = reducer(s, {
      type: 'edit-config',
      config: makeConfig({ batch: { mode: 'pk', size: 24, classesPerBatch: 3 } }),
    });
    expect(s.issues).toEqual([]);
  });

  it('walks the upload flow: parsing → parsed → using → loaded', () => {
    let s = run(
      started(),
      { type: 'request-load', requestId: 1 },
      ev({ type: 'dataset-loaded', requestId: 1, info: info('iris'), preview }),
    );
    s = run(s, { type: 'request-upload', requestId: 2 }, ev({ type: 'load-progress', requestId: 2, fraction: 0.5 }));
    expect(s.upload).toEqual({ phase: 'parsing', requestId: 2, fraction: 0.5 });
    s = reducer(s, ev({ type: 'upload-parsed', requestId: 2, info: info('upload:a.csv'), preview }));
    expect(s.upload.phase).toBe('parsed');
    expect(s.dataset?.name).toBe('iris'); // not in use until "Use this data"
    s = run(
      s,
      { type: 'request-use-upload', requestId: 3 },
      ev({ type: 'dataset-loaded', requestId: 3, info: info('upload:a.csv'), preview }),
    );
    expect(s.dataset?.name).toBe('upload:a.csv');
    expect(s.usedUpload?.name).toBe('upload:a.csv');
    expect(s.upload.phase).toBe('idle');
  });

  it('keeps the dataset when an upload fails to parse, and discards a parsed upload', () => {
    let s = run(
      started(),
      { type: 'request-load', requestId: 1 },
      ev({ type: 'dataset-loaded', requestId: 1, info: info('iris'), preview }),
    );
    s = run(
      s,
      { type: 'request-upload', requestId: 2 },
      ev({ type: 'dataset-error', requestId: 2, message: 'a.csv row 3, column 2: "x" is not a number' }),
    );
    expect(s.upload.phase).toBe('idle');
    expect(s.datasetError).toContain('row 3');
    expect(s.dataset?.name).toBe('iris');
    s = run(
      s,
      { type: 'request-upload', requestId: 4 },
      ev({ type: 'upload-parsed', requestId: 4, info: info('upload:b.csv'), preview }),
      { type: 'discard-upload' },
    );
    expect(s.upload.phase).toBe('idle');
    expect(s.dataset?.name).toBe('iris');
  });

  it('notes a worker restart and keeps it over a plain backend event', () => {
    const s = run(
      started(),
      ev({ type: 'state', runId: 1, state: 'running', step: 3, epoch: 0 }),
      { type: 'worker-restarted' },
      ev({ type: 'backend', backend: 'wasm' }),
    );
    expect(s.backendNote).toBe(CRASH_NOTE);
    expect(s.backend).toBe('wasm');
    expect(s.runState).toBe('paused');
    const fallback = reducer(s, ev({ type: 'backend', backend: 'cpu', reason: 'WebGL is not available' }));
    expect(fallback.backendNote).toBe('WebGL is not available');
  });
});
