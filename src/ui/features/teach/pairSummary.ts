/**
 * The "Distances and threshold" view's summary of an evaluation's pair distances (sorted arrays, ROC, AUC, best
 * threshold), computed off the main thread.
 *
 * Why: summarising about 20,000 held-out pairs (two sorts, a merge, a ROC point per distinct distance) takes 15–45 ms
 * on every evaluation; on the page's main thread it lands in the same task as React's render of the new metrics (a
 * Chrome trace of `npm run bench` shows main-thread tasks over 50 ms just after Train). So it runs in a small worker
 * of its own (pairSummary.worker.ts); the view keeps showing the previous evaluation until the new summary is back (a
 * few milliseconds later). Without workers (Node, server rendering) or if the worker fails, the summary is computed
 * on the page.
 */
import { startTransition, useEffect, useState } from 'react';
import { summarisePairs, type PairDistances, type PairSummary } from '../../../core/teach/threshold';
import type { PairDistancesMessage } from '../../../worker/protocol';
import type { WorkerLike } from '../../worker/client';
import { OffPageWorker } from '../../worker/offPage';

/** Page → worker: one evaluation's pair distances (copied, the page keeps its arrays). */
export interface PairSummaryRequest {
  id: number;
  positive: Float32Array;
  negative: Float32Array;
}

/** Worker → page: the summary (its sorted arrays transferred) or why it failed. */
export type PairSummaryReply = { id: number; summary: PairSummary } | { id: number; error: string };

/** Starts the real module worker (Vite bundles it from this URL). */
export function createPairSummaryWorker(): WorkerLike {
  return new Worker(new URL('./pairSummary.worker.ts', import.meta.url), { type: 'module' });
}

/** Summarises on the page (the fallback), as a promise. */
function summariseHere(pairs: PairDistances): Promise<PairSummary> {
  return new Promise((resolve) => resolve(summarisePairs(pairs)));
}

type Pairs = PairDistances & { positive: Float32Array; negative: Float32Array };

/**
 * Hands pair distances to one worker, started on first use, and answers with their summary. With no worker factory
 * (no `Worker` here), a factory that throws, a worker that crashes or one that answers with an error, it summarises
 * on the page instead.
 */
export class PairSummariser {
  private readonly worker: OffPageWorker<Pairs, PairSummary>;

  constructor(factory: (() => WorkerLike) | null = typeof Worker === 'undefined' ? null : createPairSummaryWorker) {
    this.worker = new OffPageWorker<Pairs, PairSummary>(factory, {
      message: (id, pairs): PairSummaryRequest => ({ id, positive: pairs.positive, negative: pairs.negative }),
      read: (reply) => {
        const r = reply as PairSummaryReply;
        return 'summary' in r ? { output: r.summary } : { error: r.error };
      },
      here: summariseHere,
      onError: 'here',
    });
  }

  /** False when summaries are computed on the page (then they can be computed synchronously up front). */
  get offPage(): boolean {
    return this.worker.offPage;
  }

  /** The summary of `pairs`. */
  summarise(pairs: Pairs): Promise<PairSummary> {
    return this.worker.run(pairs);
  }

  /** Stops the worker; later summaries start a new one. */
  dispose(): void {
    this.worker.dispose();
  }
}

let shared: PairSummariser | null = null;

/** The page's summariser (one worker for the page). */
export function pageSummariser(): PairSummariser {
  shared ??= new PairSummariser();
  return shared;
}

/** What the threshold view shows: one evaluation's pairs together with their summary. */
export interface SummarisedPairs {
  pairs: PairDistancesMessage;
  summary: PairSummary;
}

/**
 * The latest evaluation's pairs with their summary once it is ready; until then the previous ones (null after a
 * new run cleared the pairs, or before the first summary). `error` says why a summary could not be made.
 */
export function usePairSummary(
  pairs: PairDistancesMessage | null,
  summariser: PairSummariser = pageSummariser(),
): { shown: SummarisedPairs | null; error: string | null } {
  // Without a worker the first summary is made during the first render (server rendering and Node tests see it).
  const [shown, setShown] = useState<SummarisedPairs | null>(() =>
    pairs && !summariser.offPage ? { pairs, summary: summarisePairs(pairs) } : null,
  );
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reruns only for new pairs; `shown` is read to skip a repeat
  useEffect(() => {
    if (!pairs) {
      // A new run cleared the pairs: nothing of the old run's may linger until the next summary.
      if (shown) setShown(null);
      return;
    }
    if (shown?.pairs === pairs) return;
    let current = true;
    summariser.summarise(pairs).then(
      (summary) => {
        if (!current) return;
        // A live update like the events that brought the pairs: rendered in slices that yield to input.
        startTransition(() => {
          setShown({ pairs, summary });
          setError(null);
        });
      },
      (reason: unknown) => {
        if (current) setError(reason instanceof Error ? reason.message : String(reason));
      },
    );
    return () => {
      current = false;
    };
    // `shown` is read only to skip pairs already summarised.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pairs, summariser]);
  return { shown: pairs ? shown : null, error: pairs ? error : null };
}
