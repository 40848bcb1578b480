/**
 * The page's collapse alert carries the scale-collapse warning: a real TrainingSession (WASM) runs the hard-mining
 * lesson, and its metrics event, the one the metrics readout shows as role="alert", says the embedding has shrunk;
 * the semi-hard lesson's does not.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../src/cli/assets';
import { findLesson, lessonConfig } from '../../src/core/lessons/lessons';
import type { WorkerEvent } from '../../src/worker/protocol';
import { TrainingSession } from '../../src/worker/session';
import { nodeSessionHost } from '../helpers/session';

const sessions: TrainingSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.handle({ type: 'dispose' });
});

/** Trains the lesson in a session until at least its own step count, pauses, and returns the last metrics point. */
async function lessonMetrics(id: string) {
  const events: WorkerEvent[] = [];
  const reader = nodeAssetReader();
  const config = lessonConfig(findLesson(id)!, 'wasm');
  // Resolved by the progress event that reports the lesson's last step: the test waits for that event, not a time.
  let reached = (): void => {};
  const lessonDone = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const post = (e: WorkerEvent) => {
    events.push(e);
    if (e.type === 'progress' && (e.points.at(-1)?.step ?? 0) >= config.training.steps) reached();
  };
  const session = new TrainingSession(nodeSessionHost({ post, readAsset: reader }), 'wasm');
  sessions.push(session);
  await session.handle({ type: 'load-builtin', requestId: 1, name: config.data.dataset, seed: config.seed });
  await session.handle({ type: 'configure', runId: 1, config });
  await session.handle({ type: 'train', runId: 1 });
  await lessonDone;
  await session.handle({ type: 'pause', runId: 1 });
  await session.whenIdle();
  const metrics = events.filter((e) => e.type === 'metrics');
  const last = metrics.at(-1);
  if (last?.type !== 'metrics') throw new Error('no metrics event');
  expect(last.metrics.step).toBeGreaterThanOrEqual(config.training.steps);
  return last.metrics;
}

describe('scale-collapse warning in the page', () => {
  it('the hard-mining lesson raises it; the semi-hard lesson does not', async () => {
    const hard = await lessonMetrics('mining-hard');
    expect(hard.collapseWarning).toMatch(/^The embedding has shrunk: \d+% of held-out pairs are closer than 0\.100/);
    expect(hard.collapseWarning).toMatch(/semi-hard or batch-all mining/);
    const semiHard = await lessonMetrics('mining-semi-hard');
    expect(semiHard.collapseWarning).toBeUndefined();
    expect(semiHard.precisionAt1).toBeGreaterThan(0.9);
  }, 300_000);
});
