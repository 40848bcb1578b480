/**
 * Save and share through the worker session, with real tfjs on the CPU backend: downloads, loading a tower back,
 * weights for experiment files, and reopening a saved run (which either fully succeeds or changes nothing).
 */
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../src/cli/assets';
import { makeConfig, type Config, type DeepPartial } from '../../src/core/config';
import { parseExperiment, serialiseExperiment } from '../../src/core/export/experiment';
import { parseProjectorPair } from '../../src/core/export/projectorTsv';
import { experimentOfRun, restoreCommandOf } from '../../src/ui/features/saveShare/experimentOfRun';
import type { WorkerEvent } from '../../src/worker/protocol';
import { TrainingSession } from '../../src/worker/session';
import { nodeSessionHost } from '../helpers/session';
import { useCpuBackend } from '../helpers/tf';

/** A real host for Node: real clock, real macrotask yields, real tfjs cpu. */
function harness() {
  const events: WorkerEvent[] = [];
  const host = nodeSessionHost({
    post: (event) => events.push(event),
    readAsset: nodeAssetReader(),
  });
  const session = new TrainingSession(host, 'cpu');
  sessions.push(session);
  const of = <T extends WorkerEvent['type']>(type: T) =>
    events.filter((e) => e.type === type) as Extract<WorkerEvent, { type: T }>[];
  const last = <T extends WorkerEvent['type']>(type: T) => of(type).at(-1);
  return { session, events, of, last };
}

const sessions: TrainingSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.handle({ type: 'dispose' });
});

beforeAll(async () => {
  await useCpuBackend();
});

function blobsConfig(overrides: DeepPartial<Config> = {}): Config {
  return makeConfig(
    overrides,
    makeConfig({
      seed: 3,
      data: { dataset: 'blobs', evalSamples: 80 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [16], batchNorm: true, dropout: 0.1 }, embeddingDim: 4 },
      batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
      training: { evalEvery: 10, backend: 'cpu' },
    }),
  );
}

/** A session with blobs loaded and run 1 trained `steps` single steps. */
async function trainedSession(steps: number, config = blobsConfig()) {
  const h = harness();
  await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: config.seed });
  await h.session.handle({ type: 'configure', runId: 1, config });
  for (let i = 0; i < steps; i++) await h.session.handle({ type: 'step', runId: 1 });
  await h.session.whenIdle();
  return h;
}

/** The held-out embeddings of the current run, read through "Download embeddings". */
async function heldOutVectors(h: ReturnType<typeof harness>, runId: number, requestId: number): Promise<string> {
  await h.session.handle({ type: 'export-embeddings', runId, requestId });
  const file = h.of('file-ready').find((e) => e.requestId === requestId);
  expect(file, h.last('save-error')?.message).toBeDefined();
  return strFromU8(unzipSync(new Uint8Array(file!.bytes))['vectors.tsv']);
}

describe('save and share in the worker session', () => {
  it('an exported experiment reopened in a new session restores configuration, step, history and weights', async () => {
    const a = await trainedSession(6);
    await a.session.handle({ type: 'get-weights', runId: 1, requestId: 10 });
    const weights = a.of('weights')[0];
    expect(weights).toMatchObject({ requestId: 10, run: 1, step: 6 });
    expect(weights.config).toEqual(blobsConfig());
    const progress = a.of('progress').flatMap((e) => e.points);
    const metrics = a.of('metrics').map((e) => e.metrics);
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const text = serialiseExperiment(
      experimentOfRun({ weights, progress, metrics, uploadFiles: null, now: new Date() }),
    );
    const vectorsBefore = await heldOutVectors(a, 1, 11);
    const metricsBefore = a.last('metrics')!.metrics;

    // A fresh page: another dataset loaded and another run going.
    const b = harness();
    await b.session.handle({ type: 'load-builtin', requestId: 1, name: 'moons', seed: 1 });
    await b.session.handle({
      type: 'configure',
      runId: 1,
      config: makeConfig({
        data: { dataset: 'moons' },
        model: { embeddingDim: 2, l2Normalize: false },
        batch: { size: 20, classesPerBatch: 2 },
      }),
    });
    const experiment = parseExperiment(text, 'run.json');
    expect(experiment.history.progress).toEqual(progress);
    await b.session.handle(restoreCommandOf(experiment, 2, 5, 'run.json'));
    const restored = b.last('restored');
    expect(restored, b.last('save-error')?.message).toMatchObject({
      requestId: 5,
      run: 2,
      step: 6,
      info: { name: 'blobs' },
    });
    expect(b.last('state')).toMatchObject({ runId: 2, state: 'paused', step: 6 });
    expect(b.session.current).toMatchObject({ runId: 2, step: 6 });
    // Same weights (batch-norm statistics included): identical held-out embeddings and metrics.
    expect(await heldOutVectors(b, 2, 12)).toBe(vectorsBefore);
    const metricsAfter = b.last('metrics')!.metrics;
    expect(metricsAfter).toEqual(metricsBefore);
    // Training goes on from step 6.
    await b.session.handle({ type: 'step', runId: 2 });
    expect(b.last('state')).toMatchObject({ runId: 2, step: 7 });
  });

  it('weights of another shape: a clear message, and the current run goes on unchanged', async () => {
    const a = await trainedSession(2);
    await a.session.handle({ type: 'get-weights', runId: 1, requestId: 10 });
    const doc = JSON.parse(
      serialiseExperiment(
        experimentOfRun({ weights: a.of('weights')[0], progress: [], metrics: [], uploadFiles: null, now: new Date() }),
      ),
    );
    doc.config.model.mlp.hiddenUnits = [24];
    const experiment = parseExperiment(JSON.stringify(doc), 'edited.json');

    const b = await trainedSession(3);
    const before = await heldOutVectors(b, 1, 20);
    const eventsBefore = b.events.length;
    await b.session.handle(restoreCommandOf(experiment, 2, 21, 'edited.json'));
    expect(b.last('save-error')).toEqual({
      type: 'save-error',
      requestId: 21,
      message:
        'tower weight 1 of 7 (Dense/kernel) has shape [2, 16] in edited.json, but this model needs [2, 24] (Dense/kernel): the file was saved from a network with other layer sizes or another input; choose the same model settings and try again',
    });
    expect(b.events.slice(eventsBefore).map((e) => e.type)).toEqual(['save-error']);
    expect(b.session.current).toMatchObject({ runId: 1, step: 3 });
    expect(await heldOutVectors(b, 1, 22)).toBe(before);
  });

  it('an upload saved without its data asks for the upload, and changes nothing', async () => {
    const a = await trainedSession(1);
    await a.session.handle({
      type: 'restore-run',
      runId: 2,
      requestId: 30,
      config: makeConfig({ data: { dataset: 'upload:points.csv' } }, blobsConfig()),
      dataset: { kind: 'upload', name: 'upload:points.csv', files: null },
      source: 'run.json',
      weights: null,
      step: 0,
    });
    expect(a.last('save-error')!.message).toBe(
      'this run trained on uploaded data (points.csv) that was not saved with it: upload points.csv and use it, then open the run again (or save runs with "Include uploaded data")',
    );
    expect(a.session.current).toMatchObject({ runId: 1, step: 1 });
  });

  it('reopens a run whose uploaded data travelled in the file', async () => {
    const csv =
      'x,y,label\n' +
      Array.from({ length: 60 }, (_, i) => `${(i % 3) + Math.sin(i)},${(i % 3) * 2 + Math.cos(i)},c${i % 3}`).join(
        '\n',
      ) +
      '\n';
    const bytes = new TextEncoder().encode(csv);
    const h = harness();
    await h.session.handle({
      type: 'load-upload',
      requestId: 1,
      files: [{ name: 'points.csv', bytes: bytes.slice().buffer }],
    });
    await h.session.handle({ type: 'use-upload', requestId: 2 });
    const info = h.last('dataset-loaded')!.info;
    const config = makeConfig({
      data: { dataset: info.name, evalSamples: 20 },
      model: { mlp: { hiddenUnits: [8] }, embeddingDim: 2, l2Normalize: false },
      batch: { size: 12, classesPerBatch: 3 },
      training: { backend: 'cpu' },
    });
    await h.session.handle({ type: 'configure', runId: 1, config });
    await h.session.handle({ type: 'step', runId: 1 });
    await h.session.handle({ type: 'get-weights', runId: 1, requestId: 3 });
    const experiment = experimentOfRun({
      weights: h.last('weights')!,
      progress: [],
      metrics: [],
      uploadFiles: [{ name: 'points.csv', bytes: bytes.slice().buffer }],
      now: new Date(),
    });
    const back = parseExperiment(serialiseExperiment(experiment), 'up.json');

    const fresh = harness();
    await fresh.session.handle({ type: 'load-builtin', requestId: 1, name: 'moons', seed: 1 });
    await fresh.session.handle(restoreCommandOf(back, 1, 4, 'up.json'));
    expect(fresh.last('restored'), fresh.last('save-error')?.message).toMatchObject({
      run: 1,
      step: 1,
      info: { name: 'upload:points.csv' },
    });
  });

  it('Download model → Load model into a fresh run gives the same held-out embeddings and metrics', async () => {
    const a = await trainedSession(5);
    await a.session.handle({ type: 'export-model', runId: 1, requestId: 40 });
    const file = a.last('file-ready')!;
    expect(file.fileName).toBe('siamese-tower-blobs-step5.zip');
    expect(Object.keys(unzipSync(new Uint8Array(file.bytes))).sort()).toEqual([
      'README.md',
      'custom-layers.js',
      'model.json',
      'weights.bin',
    ]);
    const vectors = await heldOutVectors(a, 1, 41);
    const metrics = a.last('metrics')!.metrics;

    // Reset: a new run of the same architecture (fresh weights), then load the file into it.
    await a.session.handle({ type: 'configure', runId: 2, config: blobsConfig() });
    expect(await heldOutVectors(a, 2, 42)).not.toBe(vectors);
    await a.session.handle({
      type: 'load-model',
      runId: 2,
      requestId: 43,
      files: [{ name: file.fileName, bytes: file.bytes.slice(0) }],
    });
    expect(a.last('model-loaded'), a.last('save-error')?.message).toMatchObject({
      requestId: 43,
      run: 2,
      step: 0,
      source: 'siamese-tower-blobs-step5.zip',
    });
    expect(await heldOutVectors(a, 2, 44)).toBe(vectors);
    expect({ ...a.last('metrics')!.metrics, step: 5 }).toEqual(metrics);
  });

  it('Load model refuses a tower whose input does not fit the data, and keeps the run', async () => {
    const iris = harness();
    await iris.session.handle({ type: 'load-builtin', requestId: 1, name: 'iris', seed: 1 });
    await iris.session.handle({
      type: 'configure',
      runId: 1,
      config: makeConfig({
        data: { dataset: 'iris', evalSamples: 30 },
        model: { mlp: { hiddenUnits: [16] }, embeddingDim: 4 },
        batch: { size: 12, classesPerBatch: 3 },
        training: { backend: 'cpu' },
      }),
    });
    await iris.session.handle({ type: 'export-model', runId: 1, requestId: 2 });
    const irisModel = iris.last('file-ready')!;

    const a = await trainedSession(2);
    const before = await heldOutVectors(a, 1, 50);
    await a.session.handle({
      type: 'load-model',
      runId: 1,
      requestId: 51,
      files: [{ name: 'iris.zip', bytes: irisModel.bytes }],
    });
    expect(a.last('save-error')).toEqual({
      type: 'save-error',
      requestId: 51,
      message:
        "iris.zip takes samples of shape [4], but the loaded dataset gives samples of shape [2]: load the dataset the model was trained on first (the file's model: mlp tower, hidden units 16, embedding size 4, trained on iris)",
    });
    expect(await heldOutVectors(a, 1, 52)).toBe(before);
  });

  it('Download embeddings gives Projector files for the held-out set (one row per scatter point)', async () => {
    const a = await trainedSession(2);
    await a.session.handle({ type: 'export-embeddings', runId: 1, requestId: 60 });
    const file = a.last('file-ready')!;
    expect(file.fileName).toBe('embeddings-blobs-step2.zip');
    const entries = unzipSync(new Uint8Array(file.bytes));
    const data = parseProjectorPair(strFromU8(entries['vectors.tsv']), strFromU8(entries['metadata.tsv']));
    const snapshot = a.last('snapshot')!;
    expect(data.n).toBe(snapshot.labels.length);
    expect(data.dim).toBe(4);
    const classNames = a.of('dataset-loaded')[0].info.classNames;
    expect(data.labels).toEqual(Array.from(snapshot.labels, (l) => classNames[l]));
  });

  it('Download PyTorch script zips train.py, config.json and the dataset files of the run', async () => {
    const a = await trainedSession(1, blobsConfig({ model: { mlp: { batchNorm: false, dropout: 0 } } }));
    await a.session.handle({ type: 'export-pytorch', runId: 1, requestId: 80 });
    const file = a.last('file-ready');
    expect(file, a.last('save-error')?.message).toBeDefined();
    expect(file!.fileName).toBe('pytorch-blobs.zip');
    const entries = unzipSync(new Uint8Array(file!.bytes));
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(['train.py', 'config.json']));
    expect(JSON.parse(strFromU8(entries['config.json']))).toEqual(
      blobsConfig({ model: { mlp: { batchNorm: false, dropout: 0 } } }),
    );
  });

  it('requests for a run that is no longer current are refused', async () => {
    const a = await trainedSession(1);
    await a.session.handle({ type: 'export-model', runId: 7, requestId: 70 });
    expect(a.last('save-error')).toEqual({
      type: 'save-error',
      requestId: 70,
      message: 'that run is no longer the current one; try again',
    });
  });
});
