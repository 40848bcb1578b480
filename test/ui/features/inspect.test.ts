import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config';
import { emptyInspect, inspectOnEvent, isInspectEvent } from '../../../src/ui/features/inspect/inspectState';
import { inspectOverlay } from '../../../src/ui/features/inspect/overlay';
import { inkFromRgba, parseRow } from '../../../src/ui/features/inspect/QueryPanel';
import { initialState, reducer } from '../../../src/ui/state/reducer';
import type { InspectEvent } from '../../../src/worker/protocol';

const neighbours = (requestId: number, index: number): InspectEvent => ({
  type: 'neighbours-result',
  runId: 1,
  requestId,
  step: 3,
  index,
  distance: 'euclidean',
  neighbours: [{ index: 2, label: 0, distance: 0.5 }],
});

describe('inspect state', () => {
  it('keeps the newest answer of each kind, and an error until a later answer', () => {
    let s = inspectOnEvent(emptyInspect(), neighbours(2, 7));
    s = inspectOnEvent(s, neighbours(1, 9));
    expect(s.neighbours?.index).toBe(7);
    s = inspectOnEvent(s, { type: 'inspect-error', runId: 1, requestId: 3, message: 'bad' });
    expect(s.error).toEqual({ requestId: 3, message: 'bad' });
    expect(s.neighbours?.index).toBe(7);
    s = inspectOnEvent(s, neighbours(4, 8));
    expect(s.error).toBeNull();
    expect(isInspectEvent({ type: 'sample-distance' })).toBe(true);
    expect(isInspectEvent({ type: 'snapshot' })).toBe(false);
  });

  it('the page reducer drops answers of other runs and forgets answers with a new run', () => {
    let state = reducer(initialState(makeConfig({})), { type: 'new-run', runId: 1 });
    state = reducer(state, { type: 'event', event: neighbours(1, 4) });
    state = reducer(state, { type: 'event', event: { ...neighbours(2, 5), runId: 0 } as InspectEvent });
    expect(state.inspect.neighbours?.index).toBe(4);
    state = reducer(state, { type: 'new-run', runId: 2 });
    expect(state.inspect).toEqual(emptyInspect());
  });
});

describe('query helpers', () => {
  it('parses typed rows and reads ink from a white-on-black drawing', () => {
    expect(parseRow('5.1, 3.5  1.4;0.2')).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(parseRow('-1e-3 +2 .5')).toEqual([-0.001, 2, 0.5]);
    expect(parseRow('1, two')).toEqual([1, NaN]);
    expect(parseRow('  ')).toEqual([]);
    expect(Array.from(inkFromRgba(Uint8ClampedArray.of(255, 255, 255, 255, 0, 0, 0, 255, 51, 51, 51, 255)))).toEqual([
      1,
      0,
      Math.fround(0.2),
    ]);
  });

  it('draws nothing without marks', () => {
    expect(inspectOverlay({ selected: null, compareWith: null, neighbours: [], query: null })).toBeNull();
    expect(inspectOverlay({ selected: 1, compareWith: null, neighbours: [], query: null })).toBeTypeOf('function');
  });
});
