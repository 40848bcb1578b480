/**
 * The query-against-reference command through the real TrainingSession on the tfjs CPU backend: the answer is the
 * core's Trainer.evaluateAgainstTraining() for the same weights, it comes between training slices while the loop
 * runs, runs without classes to look up get the core's reason, and asking leaks no tensors.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../src/cli/assets';
import { againstTrainingUnavailable } from '../../src/core/capabilities';
import { makeConfig, type Config, type DeepPartial } from '../../src/core/config';
import { loadBuiltinDataset } from '../../src/core/data/builtin';
import { Trainer } from '../../src/core/train/trainer';
import type { ReferenceEvent } from '../../src/worker/protocol';
import { referenceAnswer } from '../../src/worker/reference';
import { TrainingSession } from '../../src/worker/session';
import { eventLog, VirtualClock, virtualSessionHost } from '../helpers/session';
import { expectNoLeakedTensors, useCpuBackend } from '../helpers/tf';

function harness() {
  const clock = new VirtualClock(5);
  const log = eventLog(() => clock.time);
  const v = virtualSessionHost({ post: (event) => log.post(event), readAsset: nodeAssetReader() }, clock);
  const session = new TrainingSession(v.host, 'cpu');
  return { session, ...log, ...v };
}

function blobsConfig(overrides: DeepPartial<Config> = {}): Config {
  return makeConfig(
    overrides,
    makeConfig({
      data: { dataset: 'blobs', evalSamples: 60 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [16] }, embeddingDim: 4 },
      batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
      training: { evalEvery: 10, backend: 'cpu' },
    }),
  );
}

const answers = (h: ReturnType<typeof harness>) =>
  h.events.filter((e): e is ReferenceEvent & { at: number } => e.type.startsWith('reference-'));

let active: TrainingSession | null = null;
afterEach(async () => {
  if (active) await active.handle({ type: 'dispose' });
  active = null;
  await useCpuBackend();
});
beforeAll(async () => {
  await useCpuBackend();
});

describe('evaluate-reference through the session', () => {
  it('answers, while paused, with Trainer.evaluateAgainstTraining() of the same weights; no tensor leaks', async () => {
    const h = harness();
    active = h.session;
    await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
    const config = blobsConfig();
    await h.session.handle({ type: 'configure', runId: 1, config });
    for (let i = 0; i < 6; i++) await h.session.handle({ type: 'step', runId: 1 });
    await h.session.handle({ type: 'evaluate-reference', runId: 1, requestId: 7 });
    const [{ at: _at, ...answer }] = answers(h);
    if (answer.type !== 'reference-metrics') throw new Error(`expected figures, got ${JSON.stringify(answer)}`);
    expect(answer).toMatchObject({ runId: 1, requestId: 7, step: 6 });

    // The same weights in a trainer of their own give the same figures.
    await h.session.handle({ type: 'get-weights', runId: 1, requestId: 8 });
    const weights = h.of('weights')[0];
    const twin = Trainer.init(config, await loadBuiltinDataset('blobs', nodeAssetReader(), { seed: 1 }));
    try {
      twin.importModelWeights(weights.weights, weights.step);
      const expected = twin.evaluateAgainstTraining()!;
      const { precisionAt1, rPrecision, mapAtR, queries, excludedQueries } = expected;
      expect(answer.metrics).toEqual({ precisionAt1, rPrecision, mapAtR, queries, excludedQueries });
      expect(referenceAnswer({ type: 'evaluate-reference', runId: 1, requestId: 9 }, twin)).toEqual({
        ...answer,
        requestId: 9,
      });
    } finally {
      twin.dispose();
    }
    expect(answer.metrics.queries).toBe(60);
    expect(answer.metrics.precisionAt1).toBeGreaterThan(0);
    expect(answer.metrics.precisionAt1).toBeLessThanOrEqual(1);

    let next = 10;
    await expectNoLeakedTensors(() => h.session.handle({ type: 'evaluate-reference', runId: 1, requestId: next++ }));
    expect(answers(h).map((e) => e.type)).toEqual(['reference-metrics', 'reference-metrics', 'reference-metrics']);
    // Asking changes nothing about the run: the step stays, and no error was posted.
    expect(h.session.current).toMatchObject({ state: 'paused', step: 6 });
    expect(h.of('error')).toHaveLength(0);
  });

  it('answers between training slices while the loop runs, and training goes on', async () => {
    const h = harness();
    active = h.session;
    await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
    await h.session.handle({ type: 'configure', runId: 1, config: blobsConfig() });
    await h.session.handle({ type: 'train', runId: 1 });
    await h.yieldsFromNow(5);
    const asked = h.session.handle({ type: 'evaluate-reference', runId: 1, requestId: 3 });
    await asked;
    const [answer] = answers(h);
    expect(answer?.type).toBe('reference-metrics');
    if (answer?.type !== 'reference-metrics') return;
    expect(answer.step).toBeGreaterThan(0);
    // Still running after the answer: the loop took up training again past the answered step.
    expect(h.session.current.state).toBe('running');
    await h.yieldsFromNow(3);
    expect(h.session.current.step).toBeGreaterThan(answer.step);
    await h.session.handle({ type: 'pause', runId: 1 });
    await h.session.whenIdle();
    expect(h.of('error')).toHaveLength(0);
  });

  it.each([
    ['split input', { data: { splitInput: true } }],
    ['unseen classes', { data: { unseenClasses: [3, 4] }, batch: { classesPerBatch: 3, size: 12 } }],
  ] as const)('a %s run gets the core reason in words, and its figures are not computed', async (_, overrides) => {
    const h = harness();
    active = h.session;
    await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
    const config = blobsConfig(overrides as DeepPartial<Config>);
    await h.session.handle({ type: 'configure', runId: 1, config });
    expect(h.of('config-error')).toHaveLength(0);
    await h.session.handle({ type: 'step', runId: 1 });
    await h.session.handle({ type: 'evaluate-reference', runId: 1, requestId: 2 });
    const reason = againstTrainingUnavailable(config.data, 'labelled');
    expect(reason).not.toBeNull();
    expect(answers(h)).toEqual([
      expect.objectContaining({ type: 'reference-error', requestId: 2, message: expect.stringContaining(reason!) }),
    ]);
    expect(h.session.current).toMatchObject({ state: 'paused', step: 1 });
  });

  it('a pair file gets the pair reason', async () => {
    const h = harness();
    active = h.session;
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 5},${(i * 3) % 7},${i % 5},${(i * 2) % 7},${i % 2}`);
    const bytes = new TextEncoder().encode(`a_x,a_y,b_x,b_y,label\n${rows.join('\n')}\n`);
    await h.session.handle({ type: 'load-upload', requestId: 1, files: [{ name: 'p.csv', bytes: bytes.buffer }] });
    await h.session.handle({ type: 'use-upload', requestId: 2 });
    const info = h.of('dataset-loaded')[0].info;
    expect(info.kind).toBe('pairs');
    const config = makeConfig({
      data: { dataset: info.name, evalSamples: 20 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [8] }, embeddingDim: 2 },
      objective: { loss: 'contrastive' },
      batch: { mode: 'pairs', size: 8 },
      training: { backend: 'cpu' },
    });
    await h.session.handle({ type: 'configure', runId: 1, config });
    expect(h.of('config-error')).toEqual([]);
    await h.session.handle({ type: 'evaluate-reference', runId: 1, requestId: 3 });
    const reason = againstTrainingUnavailable(config.data, 'pairs')!;
    expect(answers(h)).toEqual([
      expect.objectContaining({ type: 'reference-error', message: expect.stringContaining(reason) }),
    ]);
  });

  it('a question about another run is not answered', async () => {
    const h = harness();
    active = h.session;
    await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
    await h.session.handle({ type: 'configure', runId: 2, config: blobsConfig() });
    await h.session.handle({ type: 'evaluate-reference', runId: 1, requestId: 3 });
    expect(answers(h)).toEqual([]);
  });
});
