/**
 * The worker's upload path for long and ambiguous reads, through the real session on real tfjs: a parse cancelled
 * on its first progress event ends in a `dataset-error` and the previous dataset keeps training; an ambiguous file's
 * error carries its choices, and loading it again with one of them parses it that way.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/core/config';
import type { WorkerEvent } from '../../src/worker/protocol';
import { TrainingSession } from '../../src/worker/session';
import { eventLog, VirtualClock, virtualSessionHost } from '../helpers/session';
import { useCpuBackend } from '../helpers/tf';

/** A session whose posted events also go to `onEvent`, synchronously, as the worker posts them. */
function harness(onEvent: (event: WorkerEvent, session: TrainingSession) => void = () => {}) {
  const clock = new VirtualClock(5);
  const log = eventLog(() => clock.time);
  let session: TrainingSession | null = null;
  const v = virtualSessionHost(
    {
      post: (event) => {
        log.post(event);
        if (session) onEvent(event, session);
      },
      readAsset: async (file) => {
        throw new Error(`no asset ${file} in this test`);
      },
    },
    clock,
  );
  session = new TrainingSession(v.host, 'cpu');
  return { session, ...log };
}

const blobs = makeConfig({
  data: { dataset: 'blobs', evalSamples: 100 },
  model: { tower: 'mlp', mlp: { hiddenUnits: [16] }, embeddingDim: 4 },
  batch: { mode: 'pk', size: 20, classesPerBatch: 5 },
  training: { evalEvery: 10, backend: 'cpu' },
});

function csvBytes(text: string): ArrayBuffer {
  return new TextEncoder().encode(text).buffer as ArrayBuffer;
}

/** A numeric CSV of about `megabytes` MB (several read blocks). */
function bigCsv(megabytes: number): string {
  const rows = ['a,b,c,label'];
  let size = 0;
  for (let i = 0; size < megabytes * 1024 * 1024; i++) {
    const row = `${(i % 97) * 0.125},${(i % 13) - 6.5},${i % 1000},${i % 4}`;
    rows.push(row);
    size += row.length + 1;
  }
  return rows.join('\n');
}

let active: TrainingSession | null = null;
afterEach(async () => {
  await active?.handle({ type: 'dispose' });
  active = null;
});
beforeAll(useCpuBackend);

describe('upload reads in the worker', () => {
  it('Cancel on the first progress event stops the read; the previous dataset and run still train', async () => {
    let cancels = 0;
    const h = harness((event, session) => {
      if (event.type === 'load-progress' && event.fraction > 0 && cancels === 0) {
        cancels++;
        void session.handle({ type: 'cancel-upload', requestId: 2 });
      }
    });
    active = h.session;
    await h.session.handle({ type: 'load-builtin', requestId: 1, name: 'blobs', seed: 1 });
    await h.session.handle({ type: 'configure', runId: 1, config: blobs });
    await h.session.handle({
      type: 'load-upload',
      requestId: 2,
      files: [{ name: 'big.csv', bytes: csvBytes(bigCsv(4)) }],
    });
    expect(cancels).toBe(1);
    const progress = h.of('load-progress').map((e) => e.fraction);
    expect(progress.filter((f) => f > 0)).toHaveLength(1);
    expect(progress.at(-1)).toBeLessThan(0.5);
    expect(h.of('upload-parsed')).toHaveLength(0);
    expect(h.of('dataset-error')).toEqual([
      expect.objectContaining({ requestId: 2, message: 'big.csv: reading was cancelled; nothing was loaded' }),
    ]);
    await h.session.handle({ type: 'use-upload', requestId: 3 });
    expect(h.of('dataset-error')[1]).toMatchObject({
      requestId: 3,
      message: expect.stringMatching(/no parsed upload/),
    });
    expect(h.of('dataset-loaded').map((e) => e.info.name)).toEqual(['blobs']);
    await h.session.handle({ type: 'step', runId: 1 });
    await h.session.handle({ type: 'step', runId: 1 });
    expect(h.of('state').at(-1)).toMatchObject({ runId: 1, state: 'paused', step: 2 });
  });

  it('a cancel sent while the parse is still queued stops it before it starts', async () => {
    const h = harness();
    active = h.session;
    const load = h.session.handle({
      type: 'load-upload',
      requestId: 5,
      files: [{ name: 'q.csv', bytes: csvBytes(bigCsv(1)) }],
    });
    await h.session.handle({ type: 'cancel-upload', requestId: 5 });
    await load;
    expect(h.of('upload-parsed')).toHaveLength(0);
    expect(h.of('dataset-error')[0]).toMatchObject({ requestId: 5, message: expect.stringMatching(/cancelled/) });
  });

  it('an ambiguous file is refused with its choices; loading it again with one reads it that way', async () => {
    const h = harness();
    active = h.session;
    const rows = ['x,y,label'];
    for (let i = 0; i < 40; i++) rows.push(`${i * 0.5},${i % 4},${['a', 'b'][i % 2]}`);
    const file = () => [{ name: 'two-labels.csv', bytes: csvBytes(rows.join('\n')) }];
    await h.session.handle({ type: 'load-upload', requestId: 1, files: file() });
    const refused = h.of('dataset-error')[0];
    expect(refused.message).toMatch(/several columns could hold the labels/);
    expect(refused.choices).toEqual({ option: 'labelColumn', values: ['label', 'y'] });

    await h.session.handle({ type: 'load-upload', requestId: 2, files: file(), reading: { labelColumn: 'label' } });
    const parsed = h.of('upload-parsed')[0];
    expect(parsed.requestId).toBe(2);
    expect(parsed.info.upload?.labelColumn).toBe('label');
    expect(parsed.info.classNames).toEqual(['a', 'b']);
    expect(parsed.info.featureShape).toEqual([2]);

    const mixed = ['word,length,label'];
    for (let i = 0; i < 20; i++) mixed.push(`w${i % 5}x,${i % 7},${i % 2}`);
    const mixedFile = () => [{ name: 'mixed.csv', bytes: csvBytes(mixed.join('\n')) }];
    await h.session.handle({ type: 'load-upload', requestId: 3, files: mixedFile(), reading: { tableKind: 'text' } });
    expect(h.of('upload-parsed')[1]).toMatchObject({ requestId: 3, info: { modality: 'text' } });
    await h.session.handle({ type: 'use-upload', requestId: 4 });
    expect(h.of('dataset-loaded')[0]).toMatchObject({ requestId: 4, info: { name: 'upload:mixed.csv' } });
  });
});
