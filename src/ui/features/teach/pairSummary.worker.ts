/**
 * A small worker of its own for the "Distances and threshold" view: it sorts one evaluation's held-out
 * pair distances (about 20,000) and summarises them (ROC, AUC, best threshold), so neither the page nor the training
 * worker pays for it. Plain JS, no tfjs.
 *
 * Started by the page as:
 *   new Worker(new URL('./pairSummary.worker.ts', import.meta.url), { type: 'module' })
 */
/// <reference lib="webworker" />
import { summarisePairs } from '../../../core/teach/threshold';
import type { PairSummaryReply, PairSummaryRequest } from './pairSummary';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (message: MessageEvent<PairSummaryRequest>) => {
  const { id, positive, negative } = message.data;
  let reply: PairSummaryReply;
  try {
    const summary = summarisePairs({ positive, negative });
    reply = { id, summary };
    scope.postMessage(reply, [summary.sorted.positive.buffer, summary.sorted.negative.buffer]);
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
    scope.postMessage(reply);
  }
};
