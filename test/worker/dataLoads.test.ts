/**
 * Built-in datasets download beside the session's command queue: while a download is under way the current dataset
 * and run keep answering, progress is posted, and Cancel (or a newer load) leaves everything as it was.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../src/cli/assets';
import { makeConfig, type Config } from '../../src/core/config';
import { abortError, type AssetReader } from '../../src/core/data/builtin';
import type { WorkerEvent } from '../../src/worker/protocol';
import { TrainingSession } from '../../src/worker/session';
import { eventLog, macrotask, VirtualClock, virtualSessionHost } from '../helpers/session';
import { useCpuBackend } from '../helpers/tf';

/**
 * The shipped files, except that a payload (.bin) download stops halfway (after reporting half its bytes) until the
 * test releases it; aborting its signal rejects it as fetch does.
 */
function gatedReader() {
  const real = nodeAssetReader();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const reader: AssetReader = async (file, options) => {
    const bytes = await real(file);
    if (!file.endsWith('.bin')) return bytes;
    options?.onBytes?.(bytes.length >> 1);
    await new Promise<void>((resolve, reject) => {
      options?.signal?.addEventListener('abort', () => reject(abortError()));
      void gate.then(resolve);
    });
    options?.onBytes?.(bytes.length);
    return bytes;
  };
  return { reader, release: () => release() };
}

function harness(reader: AssetReader) {
  const clock = new VirtualClock(5);
  const log = eventLog(() => clock.time);
  const v = virtualSessionHost({ post: (event) => log.post(event), readAsset: reader }, clock);
  return { session: new TrainingSession(v.host, 'cpu'), ...log };
}

const blobs: Config = makeConfig({
  data: { dataset: 'blobs', evalSamples: 100 },
  model: { tower: 'mlp', mlp: { hiddenUnits: [16] }, embeddingDim: 4 },
  batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
  training: { evalEvery: 10, backend: 'cpu' },
});

/** Waits until the download of `requestId` has reported its first half (it then waits at the gate). */
async function halfway(h: ReturnType<typeof harness>, requestId: number): Promise<void> {
  await h.when(
    (e): e is Extract<WorkerEvent, { type: 'load-progress' }> =>
      e.type === 'load-progress' && e.requestId === requestId,
  );
  for (let i = 0; i < 5; i++) await macrotask();
}

let active: TrainingSession | null = null;
afterEach(async () => {
  await active?.handle({ type: 'dispose' });
  active = null;
});
beforeAll(useCpuBackend);

describe('a built-in download', () => {
  it('leaves the current run usable while it downloads, reports progress, and a cancel keeps the old dataset', async () => {
    const { reader, release } = gatedReader();
    const h = harness(reader);
    active = h.session;
    await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
    await h.session.handle({ type: 'configure', runId: 1, config: blobs });
    const download = h.session.handle({ type: 'load-builtin', requestId: 2, name: 'digits', seed: 1 });
    await halfway(h, 2);
    // Halfway through the download, a step of the current run is answered at once.
    expect(
      h
        .of('load-progress')
        .filter((e) => e.requestId === 2)
        .map((e) => e.fraction),
    ).toEqual([0.5]);
    await h.session.handle({ type: 'step', runId: 1 });
    expect(h.of('state').at(-1)).toMatchObject({ runId: 1, state: 'paused', step: 1 });
    await h.session.handle({ type: 'cancel-load', requestId: 2 });
    await download;
    release();
    await h.session.whenIdle();
    expect(h.of('load-cancelled').map((e) => e.requestId)).toEqual([2]);
    expect(h.of('dataset-loaded').map((e) => e.info.name)).toEqual(['blobs']);
    expect(h.of('dataset-error')).toHaveLength(0);
    // The old dataset is still the loaded one: a new blobs run builds and steps.
    await h.session.handle({ type: 'configure', runId: 2, config: blobs });
    await h.session.handle({ type: 'step', runId: 2 });
    expect(h.of('config-error')).toHaveLength(0);
    expect(h.of('state').at(-1)).toMatchObject({ runId: 2, state: 'paused', step: 1 });
  });

  it('replaces the dataset once it has arrived, after its progress reached 1', async () => {
    const { reader, release } = gatedReader();
    const h = harness(reader);
    active = h.session;
    const download = h.session.handle({ type: 'load-builtin', requestId: 1, name: 'digits', seed: 1 });
    await halfway(h, 1);
    expect(h.of('dataset-loaded')).toHaveLength(0);
    release();
    await download;
    const fractions = h.of('load-progress').map((e) => e.fraction);
    expect(fractions).toEqual([0.5, 1]);
    expect(h.of('dataset-loaded').map((e) => [e.requestId, e.info.name, e.info.numSamples])).toEqual([
      [1, 'digits', 1797],
    ]);
  });

  it('is superseded by a newer load: only the newer one is installed, whatever finishes last', async () => {
    const { reader, release } = gatedReader();
    const h = harness(reader);
    active = h.session;
    const slow = h.session.handle({ type: 'load-builtin', requestId: 1, name: 'digits', seed: 1 });
    await halfway(h, 1);
    await h.session.handle({ type: 'load-builtin', requestId: 2, name: 'blobs', seed: 1 });
    release();
    await slow;
    await h.session.whenIdle();
    expect(h.of('load-cancelled').map((e) => e.requestId)).toEqual([1]);
    expect(h.of('dataset-loaded').map((e) => e.info.name)).toEqual(['blobs']);
    await h.session.handle({ type: 'configure', runId: 1, config: blobs });
    expect(h.of('config-error')).toHaveLength(0);
    expect(h.of('configured')).toHaveLength(1);
  });
});
