import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectNodeBackend } from '../../src/cli/backend';
import { makeConfig, type BackendName, type Config, type DeepPartial } from '../../src/core/config';
import { type SessionHost, SLICE_MS, SOFT_START_MS } from '../../src/worker/host';
import type { MetricsPoint, WorkerEvent } from '../../src/worker/protocol';
import { TrainingSession } from '../../src/worker/session';
import { eventLog, macrotask, VirtualClock, virtualSessionHost } from '../helpers/session';
import { expectNoLeakedTensors, useCpuBackend } from '../helpers/tf';

/**
 * A session on real tfjs (cpu/wasm) and a virtual clock: events are stamped with virtual time, and the test acts at
 * the session's yields rather than after sleeps.
 */
function harness(overrides: Partial<SessionHost> = {}, initial: BackendName = 'cpu') {
  const clock = new VirtualClock(5);
  const log = eventLog(() => clock.time);
  const v = virtualSessionHost(
    {
      post: (event) => log.post(event),
      readAsset: async (file) => {
        throw new Error(`could not download the built-in dataset file ${file}: HTTP 404`);
      },
      ...overrides,
    },
    clock,
  );
  const session = new TrainingSession(v.host, initial);
  return { session, ...log, ...v };
}

function blobsConfig(overrides: DeepPartial<Config> = {}): Config {
  return makeConfig(
    overrides,
    makeConfig({
      data: { dataset: 'blobs', evalSamples: 100 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [16] }, embeddingDim: 4 },
      batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
      training: { evalEvery: 10, backend: 'cpu' },
    }),
  );
}

async function loadedSession() {
  const h = harness();
  await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
  expect(h.of('dataset-loaded')).toHaveLength(1);
  return h;
}

/** Every step number in the progress events of `runId`, in order. */
function progressSteps(h: ReturnType<typeof harness>, runId: number): number[] {
  return h
    .of('progress')
    .filter((e) => e.runId === runId)
    .flatMap((e) => e.points.map((p) => p.step));
}

let active: TrainingSession | null = null;
afterEach(async () => {
  if (active) {
    await active.handle({ type: 'dispose' });
    active = null;
  }
  await useCpuBackend();
});

beforeAll(async () => {
  await useCpuBackend();
});

describe('TrainingSession', () => {
  it('loads a built-in, configures a run and posts its held-out preview and step-0 metrics', async () => {
    const h = await loadedSession();
    active = h.session;
    const loaded = h.of('dataset-loaded')[0];
    expect(loaded.info.name).toBe('blobs');
    expect(loaded.info.classNames).toHaveLength(5);
    expect(loaded.preview.count).toBe(Math.min(32, loaded.info.numSamples));
    // Classes are taken in turn: the first five preview samples are of five different classes.
    expect(new Set(loaded.preview.labels.subarray(0, 5)).size).toBe(5);
    expect(loaded.preview.values!.length).toBe(loaded.preview.count * 2);
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    const configured = h.of('configured')[0];
    expect(configured.runId).toBe(1);
    expect(configured.heldOut.count).toBeLessThanOrEqual(100);
    expect(configured.heldOut.count).toBeGreaterThan(0);
    const snapshot = h.of('snapshot')[0];
    expect(snapshot.step).toBe(0);
    expect(snapshot.labels.length).toBe(configured.heldOut.count);
    expect(Array.from(snapshot.labels)).toEqual(Array.from(configured.heldOut.labels));
    expect(h.of('metrics')[0].metrics.step).toBe(0);
    expect(h.of('state').at(-1)).toMatchObject({ runId: 1, state: 'ready', step: 0 });
    expect(h.of('backend')[0].backend).toBe('cpu');
  });

  it('pause takes effect at the next yield; progress carries every step exactly once at a bounded rate', async () => {
    const h = await loadedSession();
    active = h.session;
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    const startEvents = h.events.length;
    const trainAt = h.clock.time;
    const firstYield = h.yields() + 1;
    await h.session.handle({ type: 'train', runId: 1 });
    // The pause arrives while the loop waits in its 60th yield (about 2.7 s of the clock), as a message would.
    await h.atYield(firstYield + 59);
    const stepAtYield = h.session.current.step;
    const pauseAt = h.clock.time;
    await h.session.handle({ type: 'pause', runId: 1 });
    const paused = h.of('state').find((e) => e.state === 'paused')!;
    expect(paused.step).toBe(stepAtYield);
    expect(stepAtYield).toBeGreaterThan(5);
    // Nothing runs after the pause: the loop yields no more and the step stays.
    const yieldsAfter = h.yields();
    for (let i = 0; i < 20; i++) await macrotask();
    expect(h.yields()).toBe(yieldsAfter);
    expect(h.session.current.step).toBe(stepAtYield);
    // Deltas: 1..N, each once.
    expect(progressSteps(h, 1)).toEqual(Array.from({ length: stepAtYield }, (_, i) => i + 1));
    // Rates on the session's clock: progress ≥ 100 ms apart, snapshots ≥ 250 ms, metrics ≥ 1 s (the pause's own
    // refresh excepted).
    const during = h.events.slice(startEvents).filter((e) => e.at <= pauseAt);
    const gaps = (type: string) => {
      const times = during.filter((e) => e.type === type).map((e) => e.at);
      return times.slice(1).map((t, i) => t - times[i]);
    };
    const elapsed = pauseAt - trainAt;
    expect(during.filter((e) => e.type === 'progress').length).toBeLessThanOrEqual(elapsed / 100 + 1);
    expect(during.filter((e) => e.type === 'progress').length).toBeGreaterThanOrEqual(3);
    expect(gaps('snapshot').length).toBeGreaterThanOrEqual(2);
    expect(gaps('metrics').length).toBeGreaterThanOrEqual(1);
    for (const g of gaps('progress')) expect(g).toBeGreaterThanOrEqual(100);
    for (const g of gaps('snapshot')) expect(g).toBeGreaterThanOrEqual(250);
    for (const g of gaps('metrics')) expect(g).toBeGreaterThanOrEqual(1000);
    // The pause refreshes metrics and the snapshot at the paused step.
    expect(h.of('metrics').at(-1)!.metrics.step).toBe(stepAtYield);
    expect(h.of('snapshot').at(-1)!.step).toBe(stepAtYield);
  });

  it('a slice ends after SLICE_MS of the clock: the loop yields at least that often', async () => {
    const h = await loadedSession();
    active = h.session;
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    const times: number[] = [];
    const trainAt = h.clock.time;
    await h.session.handle({ type: 'train', runId: 1 });
    // Past the first run's soft start (half duty: a sleep after each slice, runLoop.test.ts), at full duty.
    await h.atTime(trainAt + SOFT_START_MS);
    for (let i = 0; i < 30; i++) {
      await h.yieldsFromNow(1);
      times.push(h.clock.time);
    }
    await h.session.handle({ type: 'pause', runId: 1 });
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // A slice, plus the clock readings of the events and checkpoint between slices (5 ms each; an evaluation reads
    // the clock around each of its parts too).
    expect(Math.max(...gaps)).toBeLessThanOrEqual(SLICE_MS + 20 * h.clock.tick);
    // Each slice holds several steps, not one: SLICE_MS of readings at one per step.
    expect(h.session.current.step).toBeGreaterThanOrEqual(30 * 3);
  });

  it('step advances exactly one step, then paused with fresh metrics', async () => {
    const h = await loadedSession();
    active = h.session;
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    await h.session.handle({ type: 'step', runId: 1 });
    expect(h.of('state').at(-1)).toMatchObject({ state: 'paused', step: 1 });
    await h.session.handle({ type: 'step', runId: 1 });
    await h.session.whenIdle();
    expect(h.of('state').at(-1)).toMatchObject({ state: 'paused', step: 2 });
    expect(progressSteps(h, 1)).toEqual([1, 2]);
    expect(h.of('metrics').at(-1)!.metrics.step).toBe(2);
    expect(h.of('snapshot').at(-1)!.step).toBe(2);
  });

  it('a speed cap of 5 steps/s gives 4 to 6 steps in a second of the clock', async () => {
    const h = await loadedSession();
    active = h.session;
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    await h.session.handle({ type: 'speed', stepsPerSecond: 5 });
    const start = h.clock.time;
    await h.session.handle({ type: 'train', runId: 1 });
    await h.atTime(start + 1000);
    await h.session.handle({ type: 'pause', runId: 1 });
    const steps = h.of('state').at(-1)!.step;
    expect(steps).toBeGreaterThanOrEqual(4);
    expect(steps).toBeLessThanOrEqual(6);
    expect(progressSteps(h, 1)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
  });

  it('ignores commands with a stale runId', async () => {
    const h = await loadedSession();
    active = h.session;
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    await h.session.handle({ type: 'configure', runId: 2, config: blobsConfig({ seed: 2 }) });
    const before = h.events.length;
    await h.session.handle({ type: 'train', runId: 1 });
    await h.session.handle({ type: 'step', runId: 1 });
    await h.session.handle({ type: 'refresh', runId: 1 });
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    await h.session.whenIdle();
    expect(h.events.length).toBe(before);
    expect(h.session.current).toMatchObject({ runId: 2, state: 'ready', step: 0 });
    await h.session.handle({ type: 'step', runId: 2 });
    expect(h.of('state').at(-1)).toMatchObject({ runId: 2, state: 'paused', step: 1 });
  });

  it('a dataset error keeps the previous dataset and run usable', async () => {
    const h = await loadedSession();
    active = h.session;
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    await h.session.handle({ type: 'load-builtin', requestId: 2, name: 'digits', seed: 1 });
    const failed = h.of('dataset-error')[0];
    expect(failed.requestId).toBe(2);
    expect(failed.message).toMatch(/digits\.json: HTTP 404/);
    const csv = new TextEncoder().encode('x,y,label\n1,2,a\n3,4,b\n');
    await h.session.handle({
      type: 'load-upload',
      requestId: 3,
      files: [{ name: 'tiny.npy', bytes: csv.buffer as ArrayBuffer }],
    });
    expect(h.of('dataset-error')[1].requestId).toBe(3);
    expect(h.of('dataset-error')[1].message).toMatch(/tiny\.npy/);
    await h.session.handle({ type: 'use-upload', requestId: 4 });
    expect(h.of('dataset-error')[2].requestId).toBe(4);
    expect(h.of('dataset-loaded')).toHaveLength(1);
    await h.session.handle({ type: 'step', runId: 1 });
    expect(h.of('state').at(-1)).toMatchObject({ runId: 1, state: 'paused', step: 1 });
    await h.session.handle({ type: 'configure', runId: 2, config: blobsConfig() });
    await h.session.handle({ type: 'step', runId: 2 });
    expect(h.of('state').at(-1)).toMatchObject({ runId: 2, state: 'paused', step: 1 });
  });

  it('a diverging run halts with the reason and a suggestion; Reset starts afresh', async () => {
    const h = await loadedSession();
    active = h.session;
    const diverging = blobsConfig({
      model: { l2Normalize: false },
      objective: { loss: 'contrastive', distance: 'squared-euclidean', margin: 1 },
      optimizer: { name: 'sgd', learningRate: 10 },
    });
    await h.session.handle({ type: 'configure', runId: 1, config: diverging });
    await h.session.handle({ type: 'train', runId: 1 });
    const halted = await h.when((e): e is Extract<WorkerEvent, { type: 'halted' }> => e.type === 'halted');
    expect(halted.reason).toMatch(/the loss became (NaN|Infinity|-Infinity) at step \d+/);
    expect(halted.suggestion).toMatch(/lower the learning rate \(now 10\) or turn on L2 normalisation/);
    await h.session.whenIdle();
    expect(h.of('state').at(-1)).toMatchObject({ state: 'stopped', step: halted.step });
    expect(progressSteps(h, 1).at(-1)).toBe(halted.step);
    await h.session.handle({ type: 'train', runId: 1 });
    expect(h.session.current.state).toBe('stopped');
    await h.session.handle({ type: 'configure', runId: 2, config: blobsConfig() });
    await h.session.handle({ type: 'step', runId: 2 });
    expect(h.of('state').at(-1)).toMatchObject({ runId: 2, state: 'paused', step: 1 });
  });

  it('set-backend cpu → wasm continues from the same weights and step', async () => {
    const h = await loadedSession();
    active = h.session;
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    for (let i = 0; i < 5; i++) await h.session.handle({ type: 'step', runId: 1 });
    const before: MetricsPoint = h.of('metrics').at(-1)!.metrics;
    expect(before.step).toBe(5);
    await h.session.handle({ type: 'set-backend', backend: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
    expect(h.of('backend').at(-1)!.backend).toBe('wasm');
    const after = h.of('metrics').at(-1)!.metrics;
    expect(after.step).toBe(5);
    // Same weights on another backend: the fixed validation batch's loss agrees to float precision.
    expect(before.validationLoss).not.toBeNull();
    expect(Math.abs(after.validationLoss! - before.validationLoss!)).toBeLessThan(
      1e-4 * Math.max(1, Math.abs(before.validationLoss!)),
    );
    expect(after.precisionAt1).toBeCloseTo(before.precisionAt1!, 5);
    await h.session.handle({ type: 'step', runId: 1 });
    expect(h.of('state').at(-1)).toMatchObject({ state: 'paused', step: 6 });
    expect(progressSteps(h, 1)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a backend switch carries batch-norm statistics too: the held-out numbers are unchanged', async () => {
    const h = await loadedSession();
    active = h.session;
    await h.session.handle({
      type: 'configure',
      runId: 1,
      config: blobsConfig({ model: { mlp: { hiddenUnits: [16], batchNorm: true } } }),
    });
    for (let i = 0; i < 5; i++) await h.session.handle({ type: 'step', runId: 1 });
    const before = h.of('metrics').at(-1)!.metrics;
    await h.session.handle({ type: 'set-backend', backend: 'wasm' });
    const after = h.of('metrics').at(-1)!.metrics;
    expect(after.step).toBe(5);
    // Inference uses the moving mean and variance: without them the validation loss would move.
    expect(Math.abs(after.validationLoss! - before.validationLoss!)).toBeLessThan(
      1e-4 * Math.max(1, Math.abs(before.validationLoss!)),
    );
    expect(after.mapAtR).toBeCloseTo(before.mapAtR!, 5);
  });

  it('a train/pause cycle leaks no tensors', async () => {
    const h = await loadedSession();
    active = h.session;
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    await expectNoLeakedTensors(async () => {
      await h.session.handle({ type: 'train', runId: 1 });
      await h.yieldsFromNow(5);
      await h.session.handle({ type: 'pause', runId: 1 });
      await h.session.whenIdle();
    });
    expect(h.of('error')).toHaveLength(0);
  });
});

describe('TrainingSession on a (simulated) WebGL backend', () => {
  it('a lost context switches to WASM, keeps the weights and step, and keeps training', async () => {
    // The GPU is simulated: the "webgl" run really computes on cpu, and the context-lost flag is the host's.
    let lost = false;
    const h = harness(
      {
        selectBackend: async (wanted: BackendName) => {
          if (wanted === 'wasm') {
            const r = await selectNodeBackend('wasm');
            return { backend: r.backend };
          }
          await useCpuBackend();
          return { backend: 'webgl', renderer: 'simulated GPU' };
        },
        isContextLost: () => lost,
        loseContext: () => (lost = true),
      },
      'auto',
    );
    const session = h.session;
    active = session;
    await session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
    await session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    for (let i = 0; i < 3; i++) await session.handle({ type: 'step', runId: 1 });
    await session.handle({ type: 'train', runId: 1 });
    await h.yieldsFromNow(5);
    await session.handle({ type: 'debug-lose-context' });
    const switched = await h.when(
      (e): e is Extract<WorkerEvent, { type: 'backend' }> => e.type === 'backend' && e.backend === 'wasm',
    );
    const from = Number(/from step (\d+)$/.exec(switched.reason ?? '')?.[1]);
    expect(switched.reason).toMatch(/^The WebGL context was lost; continuing on WASM from step \d+$/);
    expect(from).toBeGreaterThanOrEqual(3);
    // It keeps training on WASM: a few more slices, then a pause.
    await h.yieldsFromNow(5);
    await session.handle({ type: 'pause', runId: 1 });
    const state = h.of('state').at(-1)!;
    expect(state.state).toBe('paused');
    expect(state.step).toBeGreaterThan(from);
    expect(tf.getBackend()).toBe('wasm');
    expect(h.of('error')).toHaveLength(0);
  });
});
