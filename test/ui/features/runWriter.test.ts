/**
 * The autosave's run writer: it posts each run's stored record to its worker, its progress columns transferred, and
 * settles by request id; the columns the worker hands back are filled again by the next record; an error answer is a
 * failed save; without a worker, or once the worker fails, it writes on the page, the whole run still there. Node has
 * no browser `Worker` (nor IndexedDB), so the worker is a stand-in (receiving a structured clone, transferred buffers
 * detached on the page as in a browser) and the page's writer a recording function; the real worker writes in the
 * e2e suite (saveShare.test.ts, "autosave").
 */
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config';
import type { Experiment } from '../../../src/core/export/experiment';
import type { SavedRunInfo } from '../../../src/ui/features/saveShare/runStore';
import { RunWriter, type RunWriteRequest } from '../../../src/ui/features/saveShare/runWriter';
import { fromStored, type StoredExperiment } from '../../../src/ui/features/saveShare/storedExperiment';
import { StandInWorker } from '../../helpers/worker';

function experiment(step: number): Experiment {
  return {
    title: `run at ${step}`,
    savedAt: '2026-12-03T08:00:00.000Z',
    config: makeConfig({ data: { dataset: 'blobs' } }),
    dataset: { kind: 'builtin', name: 'blobs' },
    step,
    epoch: 0,
    history: {
      progress: Array.from({ length: step }, (_, i) => ({ step: i + 1, epoch: 0, loss: 1 / (i + 1), easy: i })),
      metrics: [],
    },
    weights: { tower: [{ name: 'dense/kernel', shape: [1, 1], values: Float32Array.of(step) }], head: [] },
  };
}

const infoOf = (id: string, e: { title: string; savedAt: string; step: number; config: Experiment['config'] }) => ({
  id,
  title: e.title,
  savedAt: e.savedAt,
  step: e.step,
  dataset: e.config.data.dataset,
});

/** A writer on the page that records what it wrote. */
function pageWriter() {
  const written: [string, StoredExperiment][] = [];
  const write = async (id: string, s: StoredExperiment): Promise<SavedRunInfo> => {
    written.push([id, s]);
    return infoOf(id, s);
  };
  return { written, write };
}

/** A writer whose worker factory makes stand-ins (kept in `workers`), and its page writer. */
function writerWithWorkers() {
  const workers: StandInWorker<RunWriteRequest>[] = [];
  const here = pageWriter();
  const writer = new RunWriter(() => {
    const w = new StandInWorker<RunWriteRequest>();
    workers.push(w);
    return w;
  }, here.write);
  return { workers, here, writer };
}

describe('the run writer', () => {
  it('without a worker, writes the stored run on the page', async () => {
    const here = pageWriter();
    const writer = new RunWriter(null, here.write);
    expect(writer.offPage).toBe(false);
    const e = experiment(5);
    expect(await writer.write('r1', e)).toEqual(infoOf('r1', e));
    expect(here.written.length).toBe(1);
    expect(here.written[0][0]).toBe('r1');
    expect(fromStored(here.written[0][1])).toEqual(e);
  });

  it('posts each record to one worker and settles by request id, whatever the order of the answers', async () => {
    const { workers, here, writer } = writerWithWorkers();
    expect(writer.offPage).toBe(true);
    const a = experiment(1);
    const b = experiment(2);
    const first = writer.write('r1', a);
    const second = writer.write('r2', b);
    expect(workers.length).toBe(1);
    expect(workers[0].sent.map((r) => [r.recordId, fromStored(r.stored)])).toEqual([
      ['r1', a],
      ['r2', b],
    ]);
    const [ra, rb] = workers[0].sent;
    workers[0].reply({ id: rb.id, info: infoOf('r2', b) });
    workers[0].reply({ id: ra.id, info: infoOf('r1', a) });
    expect(await first).toEqual(infoOf('r1', a));
    expect(await second).toEqual(infoOf('r2', b));
    expect(here.written).toEqual([]);
  });

  it('transfers the progress columns, and fills the ones handed back for the next record', async () => {
    const { workers, writer } = writerWithWorkers();
    const saving = writer.write('r1', experiment(30));
    const received = workers[0].sent[0];
    const columns = received.stored.history.progress;
    expect(columns.step.length).toBe(30);
    // The worker hands the columns back with its answer; the page's next record is written into them.
    workers[0].reply({ id: received.id, info: infoOf('r1', experiment(30)), columns });
    await saving;
    const longer = experiment(60);
    const next = writer.write('r1', longer);
    // Transferred again: the handed-back buffers are the page's no longer, and the worker got the new run in them.
    expect(columns.step.buffer.byteLength).toBe(0);
    expect(fromStored(workers[0].sent[1].stored)).toEqual(longer);
    workers[0].reply({ id: workers[0].sent[1].id, info: infoOf('r1', longer) });
    expect(await next).toEqual(infoOf('r1', longer));
  });

  it("fails a write the worker reports as failed, with the worker's reason", async () => {
    const worker = new StandInWorker<RunWriteRequest>();
    const here = pageWriter();
    const writer = new RunWriter(() => worker, here.write);
    const saving = writer.write('r1', experiment(3));
    worker.reply({ id: worker.sent[0].id, error: 'saving failed: QuotaExceededError' });
    await expect(saving).rejects.toThrow('saving failed: QuotaExceededError');
    expect(here.written).toEqual([]);
    expect(writer.offPage).toBe(true);
  });

  it('writes on the page the whole run that was waiting when the worker fails, and everything after', async () => {
    const { workers, here, writer } = writerWithWorkers();
    const a = experiment(7);
    const waiting = writer.write('r1', a);
    // The columns went to the worker; the run itself is still whole on the page.
    expect(workers[0].sent[0].stored.history.progress.step.length).toBe(7);
    workers[0].crash();
    expect(workers[0].terminated).toBe(true);
    expect(await waiting).toEqual(infoOf('r1', a));
    const b = experiment(9);
    expect(await writer.write('r1', b)).toEqual(infoOf('r1', b));
    expect(here.written.map(([id, s]) => [id, fromStored(s)])).toEqual([
      ['r1', a],
      ['r1', b],
    ]);
    expect(workers.length).toBe(1);
    expect(writer.offPage).toBe(false);
  });

  it('writes on the page when the worker cannot be started', async () => {
    const here = pageWriter();
    const writer = new RunWriter(() => {
      throw new Error('no workers here');
    }, here.write);
    const e = experiment(4);
    expect(await writer.write('r9', e)).toEqual(infoOf('r9', e));
    expect(here.written.length).toBe(1);
    expect(writer.offPage).toBe(false);
  });
});
