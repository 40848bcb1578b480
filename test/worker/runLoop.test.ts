import { describe, expect, it } from 'vitest';
import { SLICE_MS, SOFT_START_MS } from '../../src/worker/host';
import { type LoopDriver, RunLoop } from '../../src/worker/runLoop';
import { VirtualClock } from '../helpers/session';

/**
 * The loop on a virtual clock: every slice takes SLICE_MS of it, a sleep moves it by its length, and the log says
 * what the loop did at which time. The loop stops itself after `slices` slices.
 */
function loopOnVirtualClock(slices: number) {
  const clock = new VirtualClock(0);
  const log: { what: 'slice' | 'sleep' | 'yield'; at: number; ms?: number }[] = [];
  let left = slices;
  let loop: RunLoop;
  const driver: LoopDriver = {
    hasRun: () => true,
    slice: () => {
      log.push({ what: 'slice', at: clock.time });
      clock.advance(SLICE_MS);
      if (--left === 0) loop.requestStop();
      return true;
    },
    afterSlice: () => undefined,
    contextLost: () => false,
    recover: async () => undefined,
    failed: (error) => {
      throw error;
    },
  };
  loop = new RunLoop(
    {
      now: clock.now,
      yieldToEvents: async () => {
        log.push({ what: 'yield', at: clock.time });
      },
      sleep: async (ms) => {
        log.push({ what: 'sleep', at: clock.time, ms });
        clock.advance(ms);
      },
    },
    driver,
  );
  return {
    clock,
    log,
    loop,
    run: async (more: number) => {
      left = more;
      log.length = 0;
      loop.start();
      await loop.whenDone();
    },
  };
}

describe('RunLoop', () => {
  it('trains the first run at half duty for SOFT_START_MS, then at full duty; later runs start at full duty', async () => {
    const slices = 2 * (SOFT_START_MS / SLICE_MS) + 20;
    const l = loopOnVirtualClock(slices);
    await l.run(slices);
    const startedAt = l.log[0].at;
    const soft = l.log.filter((e) => e.at < startedAt + SOFT_START_MS);
    const after = l.log.filter((e) => e.at >= startedAt + SOFT_START_MS);
    // In the first second every slice is followed by a pause as long as the slice: half of that time trains.
    const softSlices = soft.filter((e) => e.what === 'slice').length;
    expect(softSlices).toBe(SOFT_START_MS / SLICE_MS / 2);
    expect(soft.filter((e) => e.what === 'sleep').map((e) => e.ms)).toEqual(Array(softSlices).fill(SLICE_MS));
    expect(soft.some((e) => e.what === 'yield')).toBe(false);
    // Then slices follow each other with only a yield between them (no time lost).
    expect(after.filter((e) => e.what === 'sleep')).toEqual([]);
    const afterSlices = after.filter((e) => e.what === 'slice');
    expect(afterSlices.length).toBeGreaterThan(20);
    expect(afterSlices.slice(1).map((e, i) => e.at - afterSlices[i].at)).toEqual(
      Array(afterSlices.length - 1).fill(SLICE_MS),
    );
    // Resuming (or training again after a reset) in the same worker: full duty from its first slice.
    await l.run(20);
    expect(l.log.filter((e) => e.what === 'sleep')).toEqual([]);
    expect(l.log.filter((e) => e.what === 'slice')).toHaveLength(20);
  });

  it('slow motion paces its steps 1000 / cap ms apart from the first step', async () => {
    const l = loopOnVirtualClock(10);
    l.loop.setSpeed(10);
    await l.run(10);
    const slices = l.log.filter((e) => e.what === 'slice').map((e) => e.at);
    // 10 steps per second: 100 ms apart, the first at once.
    expect(slices.slice(1).map((t, i) => t - slices[i])).toEqual(Array(9).fill(100));
  });
});
