/**
 * The autosave's run writer: it posts each stored run to its worker and settles by request id; an error answer is a
 * failed save; without a worker, or once the worker fails, it writes on the page. Node has no browser `Worker` (nor
 * IndexedDB), so the worker is a stand-in and the page's writer a recording function; the real worker writes in the
 * e2e suite (saveShare.test.ts, "autosave").
 */
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config';
import type { SavedRunInfo } from '../../../src/ui/features/saveShare/runStore';
import { RunWriter, type RunWriteRequest } from '../../../src/ui/features/saveShare/runWriter';
import { type StoredExperiment, toStored } from '../../../src/ui/features/saveShare/storedExperiment';
import { StandInWorker } from '../../helpers/worker';

function stored(step: number): StoredExperiment {
  return toStored({
    title: `run at ${step}`,
    savedAt: '2026-12-03T08:00:00.000Z',
    config: makeConfig({ data: { dataset: 'blobs' } }),
    dataset: { kind: 'builtin', name: 'blobs' },
    step,
    epoch: 0,
    history: { progress: [{ step, epoch: 0, loss: 1 }], metrics: [] },
    weights: { tower: [{ name: 'dense/kernel', shape: [1, 1], values: Float32Array.of(step) }], head: [] },
  });
}

const infoOf = (id: string, s: StoredExperiment): SavedRunInfo => ({
  id,
  title: s.title,
  savedAt: s.savedAt,
  step: s.step,
  dataset: s.config.data.dataset,
});

/** A writer on the page that records what it wrote. */
function pageWriter() {
  const written: [string, StoredExperiment][] = [];
  const write = async (id: string, s: StoredExperiment) => {
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
  it('without a worker, writes on the page', async () => {
    const here = pageWriter();
    const writer = new RunWriter(null, here.write);
    expect(writer.offPage).toBe(false);
    const s = stored(5);
    expect(await writer.write('r1', s)).toEqual(infoOf('r1', s));
    expect(here.written).toEqual([['r1', s]]);
  });

  it('posts each record to one worker and settles by request id, whatever the order of the answers', async () => {
    const { workers, here, writer } = writerWithWorkers();
    expect(writer.offPage).toBe(true);
    const a = stored(1);
    const b = stored(2);
    const first = writer.write('r1', a);
    const second = writer.write('r2', b);
    expect(workers.length).toBe(1);
    expect(workers[0].sent.map((r) => [r.recordId, r.stored])).toEqual([
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

  it("fails a write the worker reports as failed, with the worker's reason", async () => {
    const worker = new StandInWorker<RunWriteRequest>();
    const here = pageWriter();
    const writer = new RunWriter(() => worker, here.write);
    const saving = writer.write('r1', stored(3));
    worker.reply({ id: worker.sent[0].id, error: 'saving failed: QuotaExceededError' });
    await expect(saving).rejects.toThrow('saving failed: QuotaExceededError');
    expect(here.written).toEqual([]);
    expect(writer.offPage).toBe(true);
  });

  it('writes on the page what was waiting when the worker fails, and everything after', async () => {
    const { workers, here, writer } = writerWithWorkers();
    const a = stored(1);
    const waiting = writer.write('r1', a);
    workers[0].crash();
    expect(workers[0].terminated).toBe(true);
    expect(await waiting).toEqual(infoOf('r1', a));
    const b = stored(2);
    expect(await writer.write('r1', b)).toEqual(infoOf('r1', b));
    expect(here.written).toEqual([
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
    const s = stored(4);
    expect(await writer.write('r9', s)).toEqual(infoOf('r9', s));
    expect(here.written.length).toBe(1);
    expect(writer.offPage).toBe(false);
  });
});
