/**
 * The threshold view's summariser: answers by request id from its worker, and falls back to summarising
 * on the page when there is no worker, the worker cannot start, or it crashes. Node has no browser `Worker`, so the
 * worker here is a stand-in that answers with the real summarisePairs; the real worker runs in the e2e suite
 * (teach.test.ts, "margins and thresholds").
 */
import { describe, expect, it } from 'vitest';
import { summarisePairs } from '../../../src/core/teach/threshold';
import {
  PairSummariser,
  type PairSummaryReply,
  type PairSummaryRequest,
} from '../../../src/ui/features/teach/pairSummary';
import { StandInWorker } from '../../helpers/worker';

function pairs(seed: number) {
  const positive = Float32Array.from({ length: 300 }, (_, i) => ((i * 37 + seed) % 101) / 100);
  const negative = Float32Array.from({ length: 500 }, (_, i) => 0.4 + ((i * 53 + seed) % 97) / 80);
  return { positive, negative };
}

/** A stand-in worker: holds requests until `answer` is called (in any order), or fails on demand. */
class HeldWorker extends StandInWorker<PairSummaryRequest> {
  answer(index: number, reply?: PairSummaryReply): void {
    const r = this.sent[index];
    this.reply(reply ?? { id: r.id, summary: summarisePairs({ positive: r.positive, negative: r.negative }) });
  }
}

describe('pair summaries off the page', () => {
  it('without a worker, summarises on the page (the same summary)', async () => {
    const s = new PairSummariser(null);
    expect(s.offPage).toBe(false);
    const p = pairs(1);
    const got = await s.summarise(p);
    const want = summarisePairs(p);
    expect(got.auc).toBe(want.auc);
    expect(got.best).toEqual(want.best);
    expect(Array.from(got.sorted.positive)).toEqual(Array.from(want.sorted.positive));
  });

  it('sends the distances to one worker and matches answers to requests by id, whatever their order', async () => {
    const workers: HeldWorker[] = [];
    const s = new PairSummariser(() => {
      const w = new HeldWorker();
      workers.push(w);
      return w;
    });
    expect(s.offPage).toBe(true);
    const a = pairs(2);
    const b = pairs(3);
    const first = s.summarise(a);
    const second = s.summarise(b);
    expect(workers.length).toBe(1);
    expect(workers[0].sent.map((r) => r.positive)).toEqual([a.positive, b.positive]);
    workers[0].answer(1);
    workers[0].answer(0);
    expect((await first).auc).toBe(summarisePairs(a).auc);
    expect((await second).auc).toBe(summarisePairs(b).auc);
    expect(summarisePairs(a).auc).not.toBe(summarisePairs(b).auc);
  });

  it('an error answer, a worker that cannot start and a crashed worker all fall back to the page', async () => {
    const held = new HeldWorker();
    const s = new PairSummariser(() => held);
    const p = pairs(4);
    const answered = s.summarise(p);
    held.answer(0, { id: held.sent[0].id, error: 'no' });
    expect((await answered).auc).toBe(summarisePairs(p).auc);

    const waiting = s.summarise(pairs(5));
    held.crash();
    expect(held.terminated).toBe(true);
    expect((await waiting).auc).toBe(summarisePairs(pairs(5)).auc);
    expect(s.offPage).toBe(false);
    const before = held.sent.length;
    expect((await s.summarise(pairs(6))).auc).toBe(summarisePairs(pairs(6)).auc);
    expect(held.sent.length).toBe(before); // no new worker, no message to the dead one

    const failing = new PairSummariser(() => {
      throw new Error('workers are blocked');
    });
    expect((await failing.summarise(p)).auc).toBe(summarisePairs(p).auc);
    expect(failing.offPage).toBe(false);
  });
});
