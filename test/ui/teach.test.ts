/**
 * The page-side pieces of "Teach and inspect" that need no browser: the lesson in the URL, the reducer's pair
 * distances, the inspector's rows and scatter focus (split-input offset included), the ring geometry, and the
 * "configuration changed since the lesson" check.
 */
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/core/config';
import { lessonConfig, LESSONS } from '../../src/core/lessons/lessons';
import { focusGeometry } from '../../src/ui/scatter/focus';
import { viewTransform } from '../../src/ui/scatter/interpolate';
import { isLessonConfig } from '../../src/ui/features/teach/LessonsPanel';
import { focusOf, inspectorRows } from '../../src/ui/features/teach/TripletInspector';
import { lessonRequest } from '../../src/ui/features/teach/url';
import { initialState, reducer, type Action, type AppState } from '../../src/ui/state/reducer';
import type { SnapshotMessage, WorkerEvent } from '../../src/worker/protocol';
import type { PairDistancesMessage } from '../../src/worker/protocol';

const ev = (event: WorkerEvent): Action => ({ type: 'event', event });
const metricsPoint = (step: number) => ({
  step,
  precisionAt1: null,
  rPrecision: null,
  mapAtR: null,
  pairAccuracy: null,
  auc: null,
  validationLoss: null,
});
const pairs = (step: number): PairDistancesMessage => ({
  step,
  positive: new Float32Array([0.1, 0.2]),
  negative: new Float32Array([0.7]),
  distance: 'euclidean',
  loss: 'triplet',
  margin: 0.2,
});

function started(runId = 1): AppState {
  return reducer(initialState(makeConfig()), { type: 'new-run', runId });
}

describe('URL', () => {
  it('reads ?lesson= as an id and the lesson it names', () => {
    expect(lessonRequest(`?lesson=${LESSONS[2].id}&classroom=1`)).toEqual({ id: LESSONS[2].id, lesson: LESSONS[2] });
    expect(lessonRequest('?lesson=nope')).toEqual({ id: 'nope', lesson: null });
    expect(lessonRequest('?lesson=')).toEqual({ id: null, lesson: null });
    expect(lessonRequest('')).toEqual({ id: null, lesson: null });
  });
});

describe('reducer: pair distances', () => {
  it('keeps the latest evaluation’s pairs of the current run and forgets them on a new run', () => {
    const s0 = started(2);
    expect(s0.pairDistances).toBeNull();
    const stale = reducer(
      s0,
      ev({
        type: 'metrics',
        runId: 1,
        metrics: metricsPoint(5),
        pairDistances: pairs(5),
        evaluationMs: 0,
        evaluationParts: { embed: 0, validation: 0, metrics: 0, geometry: 0 },
      }),
    );
    expect(stale.pairDistances).toBeNull();
    const first = pairs(0);
    const s1 = reducer(
      s0,
      ev({
        type: 'metrics',
        runId: 2,
        metrics: metricsPoint(0),
        pairDistances: first,
        evaluationMs: 0,
        evaluationParts: { embed: 0, validation: 0, metrics: 0, geometry: 0 },
      }),
    );
    expect(s1.pairDistances).toBe(first);
    const second = pairs(20);
    const s2 = reducer(
      s1,
      ev({
        type: 'metrics',
        runId: 2,
        metrics: metricsPoint(20),
        pairDistances: second,
        evaluationMs: 0,
        evaluationParts: { embed: 0, validation: 0, metrics: 0, geometry: 0 },
      }),
    );
    expect(s2.pairDistances).toBe(second);
    // A metrics event without pairs (a pair file) leaves the last ones.
    expect(
      reducer(
        s2,
        ev({
          type: 'metrics',
          runId: 2,
          metrics: metricsPoint(40),
          pairDistances: null,
          evaluationMs: 0,
          evaluationParts: { embed: 0, validation: 0, metrics: 0, geometry: 0 },
        }),
      ).pairDistances,
    ).toBe(second);
    expect(reducer(s2, { type: 'new-run', runId: 3 }).pairDistances).toBeNull();
  });
});

function snapshotWith(candidateOffset: number): SnapshotMessage {
  return {
    step: 4,
    coordinates: new Float32Array(4),
    labels: new Int32Array(2),
    batch: {
      coordinates: Float32Array.from({ length: 2 * (candidateOffset + 3) }, (_, i) => i),
      labels: new Int32Array([0, 0, 1]),
      triplets: [
        { anchor: 0, positive: 1, negative: 2, dAP: 0.4, dAN: 0.5, category: 'semi-hard', loss: 0.1 },
        { anchor: 1, positive: 0, negative: 2, dAP: 0.4, dAN: 0.3, category: 'hard', loss: 0.3 },
      ],
      sampleIndices: new Int32Array([10, 11, 12]),
      candidateOffset,
      rules: { loss: 'triplet', miner: 'all', distance: 'euclidean', margin: 0.2, softMargin: false },
    },
    lda: null,
  };
}

describe('triplet inspector helpers', () => {
  it('turns a snapshot into rows and the picked row into a focus with d(a,p) and d(a,p) + m rings', () => {
    const snapshot = snapshotWith(0);
    const rows = inspectorRows(snapshot);
    expect(rows.map((r) => r.category)).toEqual(['semi-hard', 'hard']);
    expect(rows[0].loss).toBeCloseTo(0.1, 12);
    expect(focusOf(snapshot, rows, null)).toBeNull();
    expect(focusOf(snapshot, rows, 5)).toBeNull();
    expect(focusOf(snapshot, rows, 1)).toEqual({
      anchor: 1,
      positive: 0,
      negative: 2,
      category: 'hard',
      positiveRadius: 0.4,
      marginRadius: 0.4 + 0.2,
    });
    expect(inspectorRows(null)).toEqual([]);
  });

  it('offsets the candidates of split-input batches', () => {
    const snapshot = snapshotWith(3);
    const focus = focusOf(snapshot, inspectorRows(snapshot), 0)!;
    expect([focus.anchor, focus.positive, focus.negative]).toEqual([0, 4, 5]);
  });

  it('draws the rings at the true distances times the view scale', () => {
    const transform = viewTransform({ minX: -1, maxX: 1, minY: -1, maxY: 1 }, 200, 200, 0);
    const coordinates = new Float32Array([0, 0, 0.5, 0, -0.5, 0]);
    const g = focusGeometry(
      { anchor: 0, positive: 1, negative: 2, category: 'easy', positiveRadius: 0.5, marginRadius: 0.7 },
      coordinates,
      transform,
    )!;
    expect(g.positiveRadius).toBeCloseTo(0.5 * transform.scale, 9);
    expect(g.marginRadius).toBeCloseTo(0.7 * transform.scale, 9);
    // In a 2-D Euclidean embedding the positive lies exactly on the d(a,p) ring.
    expect(Math.hypot(g.positive[0] - g.anchor[0], g.positive[1] - g.anchor[1])).toBeCloseTo(g.positiveRadius, 9);
    expect(
      focusGeometry(
        { anchor: 0, positive: 1, negative: 9, category: 'easy', positiveRadius: 1, marginRadius: 1 },
        coordinates,
        transform,
      ),
    ).toBeNull();
  });
});

describe('lesson explanation', () => {
  it('notices when the configuration no longer is the lesson’s (the backend aside)', () => {
    const lesson = LESSONS[1];
    const config = lessonConfig(lesson, 'wasm');
    expect(isLessonConfig(lesson, config)).toBe(true);
    expect(isLessonConfig(lesson, { ...config, objective: { ...config.objective, margin: 0.35 } })).toBe(false);
  });
});
