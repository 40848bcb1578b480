/**
 * The live10k benchmark's frame-gap measure: only gaps between two shown frames of one transition count (a
 * transition runs from a snapshot's arrival to the canvas's next settled signal), so the single redraws that answer
 * hovers between transitions, and the pause between two transitions, do not pass for slow animation frames.
 */
import { describe, expect, it } from 'vitest';
import { transitionGaps } from '../../bench/live10k';

describe('transitionGaps', () => {
  it('keeps the gaps within a transition and leaves out hover redraws and the pauses between transitions', () => {
    // [animation frame, drawn at]: a transition from 1000 (settled at 1075), hover redraws at 1200 and 1317, a
    // second transition from 2000 (settled at 2060).
    const shown: [number, number][] = [
      [1016, 1010],
      [1050, 1040],
      [1083, 1075],
      [1216, 1200],
      [1333, 1317],
      [2016, 2005],
      [2033, 2030],
      [2066, 2060],
    ];
    const { shownGaps, drawnGaps, transitions } = transitionGaps(shown, [1000, 2000], [1075, 1200, 1317, 2060]);
    expect(transitions).toBe(2);
    expect(shownGaps).toEqual([34, 33, 17, 33]);
    expect(drawnGaps).toEqual([30, 35, 25, 30]);
  });

  it('joins transitions that overlap (a snapshot arriving mid-transition) into one stretch of motion', () => {
    const shown: [number, number][] = [
      [1016, 1010],
      [1050, 1040],
      [1083, 1075],
    ];
    // The second snapshot arrives at 1030, before the first settled; the canvas settles once, at 1075.
    const { shownGaps, transitions } = transitionGaps(shown, [1000, 1030], [1075]);
    expect(transitions).toBe(1);
    expect(shownGaps).toEqual([34, 33]);
  });

  it('counts nothing for a transition that never settled while watching', () => {
    const { shownGaps, transitions } = transitionGaps(
      [
        [1016, 1010],
        [1050, 1040],
      ],
      [1000],
      [],
    );
    expect(transitions).toBe(0);
    expect(shownGaps).toEqual([]);
  });
});
