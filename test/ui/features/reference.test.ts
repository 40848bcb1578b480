/**
 * Query against reference in the page: the reducer keeps the current run's latest figures (and forgets them with a
 * new run), the view says unavailable / computing / current / stale from the state and the core's rule, and the
 * component renders the figures labelled as the reference protocol, the disabled button with its reason, and
 * failures as alerts.
 */
import { createElement, Fragment } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { againstTrainingUnavailable, QUERY_AGAINST_TRAINING } from '../../../src/core/capabilities';
import { makeConfig } from '../../../src/core/config';
import { ReferenceAction, ReferenceFigures, useReference } from '../../../src/ui/features/reference/ReferenceMetrics';
import { emptyReference, referenceRecord, referenceView } from '../../../src/ui/features/reference/referenceState';
import { parseExperiment, serialiseExperiment } from '../../../src/core/export/experiment';
import { experimentOfRun, type WeightsEvent } from '../../../src/ui/features/saveShare/experimentOfRun';
import { initialState, reducer, type Action, type AppState } from '../../../src/ui/state/reducer';
import type { DatasetInfo, ReferenceMetricsMessage, SamplePreview, WorkerEvent } from '../../../src/worker/protocol';

const info = (kind: 'labelled' | 'pairs' = 'labelled'): DatasetInfo => ({
  name: 'blobs',
  title: 'blobs',
  description: '',
  kind,
  modality: 'points2d',
  numSamples: 500,
  featureShape: [2],
  classNames: ['a', 'b', 'c', 'd', 'e'],
  traits: { kind: 'labelled', modality: 'points2d', numClasses: 5, featureShape: [2] },
});
const figures: ReferenceMetricsMessage = {
  precisionAt1: 0.9,
  rPrecision: 0.75,
  mapAtR: 0.625,
  queries: 100,
  excludedQueries: 0,
};
const ev = (event: WorkerEvent): Action => ({ type: 'event', event });
const run = (state: AppState, ...actions: Action[]) => actions.reduce(reducer, state);

function atStep(step: number, runId = 1): AppState {
  const s = run(initialState(makeConfig({ data: { dataset: 'blobs' } })), { type: 'new-run', runId });
  return { ...s, dataset: info(), runState: 'paused', step };
}

describe('reference figures in the page state', () => {
  it('keeps the newest answer of the current run, drops other runs and older answers, and forgets them on a new run', () => {
    let s = atStep(40);
    s = run(
      s,
      ev({ type: 'reference-metrics', runId: 1, requestId: 2, step: 40, metrics: figures }),
      ev({ type: 'reference-metrics', runId: 9, requestId: 3, step: 40, metrics: { ...figures, mapAtR: 0 } }),
      ev({ type: 'reference-metrics', runId: 1, requestId: 1, step: 30, metrics: { ...figures, mapAtR: 0.1 } }),
    );
    expect(s.reference.latest).toEqual({ requestId: 2, step: 40, metrics: figures });
    expect(s.reference.answered).toBe(2);
    // A failure keeps the figures (nothing is lost) and is reported until a later answer.
    s = run(s, ev({ type: 'reference-error', runId: 1, requestId: 4, message: 'out of memory' }));
    expect(s.reference.latest?.step).toBe(40);
    expect(s.reference.error).toEqual({ requestId: 4, message: 'out of memory' });
    s = run(s, ev({ type: 'reference-metrics', runId: 1, requestId: 5, step: 50, metrics: figures }));
    expect(s.reference.error).toBeNull();
    expect(s.reference.latest?.step).toBe(50);
    s = run(s, { type: 'new-run', runId: 2 });
    expect(s.reference).toEqual(emptyReference());
  });

  it('the view: not asked, computing, current at its step, stale once training moved on', () => {
    const data = makeConfig().data;
    const base = { dataset: info(), data, hasRun: true, step: 40 };
    const s = atStep(40);
    expect(referenceView(s.reference, { ...base, asked: null }).kind).toBe('not-asked');
    expect(referenceView(s.reference, { ...base, asked: 3 })).toEqual({ kind: 'computing', previous: null });
    const answered = run(s, ev({ type: 'reference-metrics', runId: 1, requestId: 3, step: 40, metrics: figures }));
    expect(referenceView(answered.reference, { ...base, asked: 3 })).toMatchObject({
      kind: 'current',
      latest: { step: 40 },
    });
    expect(referenceView(answered.reference, { ...base, step: 90, asked: 3 })).toMatchObject({
      kind: 'stale',
      latest: { step: 40 },
      step: 90,
    });
    // Asked again: computing, with the previous figures still shown meanwhile.
    expect(referenceView(answered.reference, { ...base, step: 90, asked: 4 })).toMatchObject({
      kind: 'computing',
      previous: { step: 40 },
    });
    expect(referenceView(answered.reference, { ...base, hasRun: false, asked: null }).kind).toBe('no-run');
  });

  it('the view says why it does not apply: pair files, split input, unseen classes (the core rule)', () => {
    const data = makeConfig().data;
    const base = { dataset: info(), data, hasRun: true, step: 0, asked: null };
    const cases = [
      { ...base, dataset: info('pairs') },
      { ...base, data: { ...data, splitInput: true } },
      { ...base, data: { ...data, unseenClasses: [3, 4] } },
      { ...base, data: { ...data, unseenCount: 2 } },
    ];
    for (const c of cases) {
      const reason = againstTrainingUnavailable(c.data, c.dataset.kind);
      expect(reason).toBeTruthy();
      expect(referenceView(emptyReference(), c)).toEqual({ kind: 'unavailable', reason });
    }
    expect(againstTrainingUnavailable(data, 'labelled')).toBeNull();
  });
});

/** The button cell (inside a held-out `<dl>`, as the page renders it) and the figures, from one controller. */
function Both(props: { state: AppState }) {
  const controller = useReference(
    props.state,
    () => {},
    () => 1,
  );
  return createElement(
    Fragment,
    null,
    createElement('dl', null, createElement(ReferenceAction, { controller })),
    createElement(ReferenceFigures, { controller }),
  );
}

describe('ReferenceAction and ReferenceFigures (static markup)', () => {
  const render = (state: AppState) => renderToStaticMarkup(createElement(Both, { state }));
  const button = (html: string) => /<button[^>]*>Rank against training set<\/button>/.exec(html)?.[0] ?? '';

  it('before asking: an enabled button that explains itself, and no figures (nothing below the metrics)', () => {
    const html = render(atStep(40));
    expect(button(html)).not.toBe('');
    expect(button(html)).not.toContain('disabled');
    expect(button(html)).toContain('get_accuracy(query, reference)');
    expect(html).not.toContain('aria-label="Held-out queries vs training set (reference)"');
  });

  it('with figures: P@1, R-precision and MAP@R under the protocol caption, with the step and the explanation', () => {
    const s = run(atStep(40), ev({ type: 'reference-metrics', runId: 1, requestId: 1, step: 40, metrics: figures }));
    const html = render(s);
    expect(html).toContain('aria-label="Held-out queries vs training set (reference)"');
    expect(html).toContain('held-out queries vs training set (reference)');
    expect(html).toContain('<dd data-metric="precisionAt1">0.900</dd>');
    expect(html).toContain('<dd data-metric="rPrecision">0.750</dd>');
    expect(html).toContain('<dd data-metric="mapAtR">0.625</dd>');
    expect(html).toContain('At step 40 (current).');
    expect(html).toContain('100 queries');
    expect(html).toContain('<p class="reference-help">The figures above are leave-one-out');
    expect(button(html)).toContain('aria-describedby="reference-note"');
    // Training moved on: the same figures, marked stale with both steps.
    const later = render({ ...s, step: 120 });
    expect(later).toContain('At step 40; stale: the run is at step 120.');
    expect(later).toContain('class="stale"');
  });

  it('not applicable: no button, the cell says so and the reason is in words', () => {
    const s = atStep(0);
    const data = { ...s.config.data, splitInput: true };
    const html = render({ ...s, config: { ...s.config, data } });
    expect(button(html)).toBe('');
    expect(html).toContain('<dd aria-describedby="reference-note">does not apply</dd>');
    const reason = againstTrainingUnavailable(data, 'labelled')!.replaceAll("'", '&#x27;');
    expect(html).toContain(
      `<p id="reference-note" class="reference-note" aria-live="polite">Not ranked against the training set: ${reason}.</p>`,
    );
  });

  it('a failure is an alert, and the figures before it stay', () => {
    const s = run(
      atStep(40),
      ev({ type: 'reference-metrics', runId: 1, requestId: 1, step: 40, metrics: figures }),
      ev({ type: 'reference-error', runId: 1, requestId: 2, message: 'it failed' }),
    );
    const html = render(s);
    expect(html).toContain('<p role="alert">it failed</p>');
    expect(html).toContain('<dd data-metric="mapAtR">0.625</dd>');
  });
});

describe('reference figures in the experiment file', () => {
  const config = makeConfig({ data: { dataset: 'blobs' }, batch: { size: 20, classesPerBatch: 5 } });
  const weights = (step: number): WeightsEvent => ({
    type: 'weights',
    requestId: 1,
    run: 1,
    step,
    epoch: 0,
    config,
    weights: { tower: [{ name: 'dense/kernel', shape: [2, 2], values: Float32Array.of(1, 2, 3, 4) }], head: [] },
  });
  const experimentAt = (step: number, s: AppState) =>
    experimentOfRun({
      weights: weights(step),
      progress: [],
      metrics: [],
      uploadFiles: null,
      now: new Date('2026-01-02T03:04:05Z'),
      reference: referenceRecord(s.reference.latest),
    });

  it('are saved with the protocol named and their step, and read back as written', () => {
    const s = run(atStep(40), ev({ type: 'reference-metrics', runId: 1, requestId: 1, step: 40, metrics: figures }));
    const experiment = experimentAt(40, s);
    const text = serialiseExperiment(experiment);
    expect(JSON.parse(text).reference).toEqual({
      protocol: 'held-out queries against the training set as the reference',
      step: 40,
      precisionAt1: 0.9,
      rPrecision: 0.75,
      mapAtR: 0.625,
      queries: 100,
      excludedQueries: 0,
    });
    expect(parseExperiment(text).reference).toEqual(experiment.reference);
    // Never asked for: no section at all, and files without one read as before.
    const none = serialiseExperiment(experimentAt(40, atStep(40)));
    expect(JSON.parse(none)).not.toHaveProperty('reference');
    expect(parseExperiment(none).reference).toBeUndefined();
  });

  it('are left out when computed after the saved weights, and NaN (no query scored) is written as null', () => {
    const s = run(atStep(40), ev({ type: 'reference-metrics', runId: 1, requestId: 1, step: 40, metrics: figures }));
    expect(experimentAt(30, s).reference).toBeUndefined();
    const empty = { ...figures, precisionAt1: Number.NaN, rPrecision: Number.NaN, mapAtR: Number.NaN, queries: 0 };
    const nan = run(atStep(40), ev({ type: 'reference-metrics', runId: 1, requestId: 1, step: 40, metrics: empty }));
    const back = parseExperiment(serialiseExperiment(experimentAt(40, nan)));
    expect(back.reference).toMatchObject({ protocol: QUERY_AGAINST_TRAINING, precisionAt1: null, queries: 0 });
  });

  it('a damaged section is refused with its reason', () => {
    const s = run(atStep(40), ev({ type: 'reference-metrics', runId: 1, requestId: 1, step: 40, metrics: figures }));
    const doc = JSON.parse(serialiseExperiment(experimentAt(40, s)));
    const broken = (change: Record<string, unknown>) =>
      JSON.stringify({ ...doc, reference: { ...doc.reference, ...change } });
    expect(() => parseExperiment(broken({ mapAtR: 1.5 }), 'x.json')).toThrow(/reference" mapAtR of 1.5/);
    expect(() => parseExperiment(broken({ protocol: 'leave-one-out' }), 'x.json')).toThrow(/"reference" section/);
    expect(() => parseExperiment(broken({ step: 41 }), 'x.json')).toThrow(/past the saved step 40/);
    expect(() => parseExperiment(broken({ queries: -1 }), 'x.json')).toThrow(/whole query counts/);
  });

  it('come back with the reopened run: shown at their step, stale when saved past it, saved again unchanged', () => {
    const points: SamplePreview = { kind: 'row', shape: [2], count: 0, labels: new Int32Array(0) };
    const s = run(atStep(40), ev({ type: 'reference-metrics', runId: 1, requestId: 1, step: 40, metrics: figures }));
    const reopen = (experiment: ReturnType<typeof experimentAt>, runId: number) => {
      const saved = parseExperiment(serialiseExperiment(experiment));
      return run(initialState(config), {
        type: 'restore-run',
        run: runId,
        info: info(),
        preview: points,
        heldOut: points,
        step: saved.step,
        epoch: 0,
        config: saved.config,
        history: saved.history,
        ...(saved.reference ? { reference: saved.reference } : {}),
      });
    };
    const back = reopen(experimentAt(40, s), 5);
    const context = { dataset: info(), data: config.data, hasRun: true, step: 40, asked: null };
    expect(referenceView(back.reference, context)).toEqual({
      kind: 'current',
      latest: { requestId: 0, step: 40, metrics: figures },
    });
    expect(renderToStaticMarkup(createElement(Both, { state: { ...back, runState: 'paused' } }))).toContain(
      '<dd data-metric="mapAtR">0.625</dd>',
    );
    expect(referenceRecord(back.reference.latest)).toEqual(experimentAt(40, s).reference);
    // Saved at step 60 with figures of step 40: stale, with both steps.
    expect(referenceView(reopen(experimentAt(60, s), 6).reference, { ...context, step: 60 })).toMatchObject({
      kind: 'stale',
      latest: { step: 40 },
      step: 60,
    });
    // No figures saved (or none scored): nothing to show, as for a new run.
    expect(reopen(experimentAt(40, atStep(40)), 7).reference).toEqual(emptyReference());
    const empty = { ...figures, precisionAt1: Number.NaN, rPrecision: Number.NaN, mapAtR: Number.NaN, queries: 0 };
    const nan = run(atStep(40), ev({ type: 'reference-metrics', runId: 1, requestId: 1, step: 40, metrics: empty }));
    expect(reopen(experimentAt(40, nan), 8).reference.latest?.metrics).toEqual(empty);
  });
});
