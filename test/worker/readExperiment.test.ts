/**
 * Experiment import through the worker's message path: the page hands over the file's bytes (`read-experiment`) and
 * the worker parses and checks them, answering with the experiment or a `save-error`; the run in the worker is left
 * as it was either way.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/core/config';
import { MAX_EXPERIMENT_BYTES } from '../../src/core/export/experiment';
import { TrainingSession } from '../../src/worker/session';
import { EXPERIMENT_CASES, validExperimentText } from '../hostile/experimentCorpus';
import { eventLog, VirtualClock, virtualSessionHost } from '../helpers/session';
import { useCpuBackend } from '../helpers/tf';

function harness() {
  const clock = new VirtualClock(5);
  const log = eventLog(() => clock.time);
  const v = virtualSessionHost(
    {
      post: (event) => log.post(event),
      readAsset: async (file) => {
        throw new Error(`no asset ${file} in this test`);
      },
    },
    clock,
  );
  return { session: new TrainingSession(v.host, 'cpu'), ...log };
}

function bytesOf(text: string): ArrayBuffer {
  return new TextEncoder().encode(text).buffer as ArrayBuffer;
}

let active: TrainingSession | null = null;
afterEach(async () => {
  await active?.handle({ type: 'dispose' });
  active = null;
});
beforeAll(useCpuBackend);

describe('read-experiment in the worker', () => {
  it('a sound file comes back parsed; hostile ones are refused with their reason and the run goes on', async () => {
    const h = harness();
    active = h.session;
    await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
    const config = makeConfig({
      data: { dataset: 'blobs', evalSamples: 100 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [16] }, embeddingDim: 4 },
      batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
      training: { evalEvery: 10, backend: 'cpu' },
    });
    await h.session.handle({ type: 'configure', runId: 1, config });
    await h.session.handle({ type: 'step', runId: 1 });
    expect(h.of('state').at(-1)).toMatchObject({ runId: 1, state: 'paused', step: 1 });

    await h.session.handle({
      type: 'read-experiment',
      requestId: 2,
      name: 'ok.json',
      bytes: bytesOf(validExperimentText()),
    });
    const read = h.of('experiment-read');
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({ requestId: 2, name: 'ok.json', experiment: { step: 3, title: 'blobs' } });
    expect(Array.from(read[0].experiment.weights!.tower[0].values)).toEqual([1, 2, 3, 4, 5, 6]);

    const cases = EXPERIMENT_CASES.slice(0, 6);
    for (const [i, c] of cases.entries()) {
      await h.session.handle({
        type: 'read-experiment',
        requestId: 10 + i,
        name: `${c.name}.json`,
        bytes: bytesOf(c.text()),
      });
      const refused = h.of('save-error').find((e) => e.requestId === 10 + i);
      expect(refused?.message, c.name).toMatch(c.error);
    }
    // The size cap is checked on the byte count, before any text is made of them.
    await h.session.handle({
      type: 'read-experiment',
      requestId: 30,
      name: 'huge.json',
      bytes: new ArrayBuffer(MAX_EXPERIMENT_BYTES + 1),
    });
    expect(h.of('save-error').find((e) => e.requestId === 30)?.message).toBe(
      'huge.json is 200.0 MB; experiment files up to 200 MB are opened; nothing was changed',
    );
    expect(h.of('experiment-read')).toHaveLength(1);

    await h.session.handle({ type: 'step', runId: 1 });
    expect(h.of('state').at(-1)).toMatchObject({ runId: 1, state: 'paused', step: 2 });
  });
});
