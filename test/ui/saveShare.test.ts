/** The page side of save and share, without a browser: reopening a run in the reducer, experiments of a run, the panel's markup. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/core/config';
import { parseExperiment, serialiseExperiment } from '../../src/core/export/experiment';
import {
  experimentFileName,
  experimentOfRun,
  restoreCommandOf,
  type WeightsEvent,
} from '../../src/ui/features/saveShare/experimentOfRun';
import { LinkProblems, SaveSharePanel } from '../../src/ui/features/saveShare/SaveSharePanel';
import { useSaveShare } from '../../src/ui/features/saveShare/useSaveShare';
import { configForBuiltin } from '../../src/ui/state/configForm';
import { initialState, metricsOf, progressOf, reducer, type AppState } from '../../src/ui/state/reducer';
import type { DatasetInfo, SamplePreview } from '../../src/worker/protocol';

const info: DatasetInfo = {
  name: 'blobs',
  title: 'Blobs',
  description: 'd',
  kind: 'labelled',
  modality: 'points2d',
  numSamples: 500,
  featureShape: [2],
  classNames: ['a', 'b', 'c', 'd', 'e'],
  traits: { kind: 'labelled', modality: 'points2d', numClasses: 5, featureShape: [2] },
};
const preview: SamplePreview = {
  kind: 'row',
  shape: [2],
  count: 1,
  labels: Int32Array.of(0),
  values: Float32Array.of(1, 2),
};
const config = makeConfig({
  data: { dataset: 'blobs' },
  batch: { size: 20, classesPerBatch: 5 },
  model: { embeddingDim: 2 },
});

function weightsEvent(step: number, run = 3): WeightsEvent {
  return {
    type: 'weights',
    requestId: 1,
    run,
    step,
    epoch: 0,
    config,
    weights: { tower: [{ name: 'dense/kernel', shape: [2, 2], values: Float32Array.of(1, 2, 3, 4) }], head: [] },
  };
}

/** A page state with a run of 5 progress points and 2 evaluations. */
function stateWithHistory(): AppState {
  let s = initialState(configForBuiltin('fashion-mnist'));
  s = reducer(s, { type: 'new-run', runId: 3 });
  s = reducer(s, {
    type: 'event',
    event: {
      type: 'progress',
      runId: 3,
      stepsPerSecond: 10,
      points: [1, 2, 3, 4, 5].map((step) => ({ step, epoch: 0, loss: 1 / step, easy: 1, semiHard: 2, hard: 3 })),
    },
  });
  for (const step of [0, 5]) {
    s = reducer(s, {
      type: 'event',
      event: {
        type: 'metrics',
        runId: 3,
        metrics: {
          step,
          precisionAt1: 0.5,
          rPrecision: 0.4,
          mapAtR: 0.3,
          pairAccuracy: null,
          auc: 0.7,
          validationLoss: 0.2,
        },
        pairDistances: null,
        evaluationMs: 0,
        evaluationParts: { embed: 0, validation: 0, metrics: 0, geometry: 0 },
      },
    });
  }
  return s;
}

describe('experiments of a run', () => {
  it("take the worker's configuration and weights, and the history up to the weights' step", () => {
    const s = stateWithHistory();
    const experiment = experimentOfRun({
      weights: weightsEvent(4),
      progress: progressOf(s),
      metrics: metricsOf(s),
      uploadFiles: null,
      now: new Date('2025-05-06T07:08:09Z'),
    });
    expect(experiment.config).toEqual(config);
    expect(experiment.step).toBe(4);
    expect(experiment.history.progress.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(experiment.history.metrics.map((m) => m.step)).toEqual([0]);
    expect(experiment.dataset).toEqual({ kind: 'builtin', name: 'blobs' });
    expect(experiment.savedAt).toBe('2025-05-06T07:08:09.000Z');
    expect(experimentFileName(experiment)).toBe('experiment-blobs-step4.json');
    // It is a valid experiment file.
    expect(parseExperiment(serialiseExperiment(experiment)).history).toEqual(experiment.history);
  });

  it("keep an upload's files only when given them, and reopen with them", () => {
    const up = makeConfig({ data: { dataset: 'upload:my data.csv' } }, config);
    const event = { ...weightsEvent(1), config: up };
    const bytes = Uint8Array.of(1, 2, 3).buffer;
    const withData = experimentOfRun({
      weights: event,
      progress: [],
      metrics: [],
      uploadFiles: [{ name: 'my data.csv', bytes }],
      now: new Date(),
    });
    expect(withData.dataset).toEqual({
      kind: 'upload',
      name: 'upload:my data.csv',
      files: [{ name: 'my data.csv', bytes: Uint8Array.of(1, 2, 3) }],
    });
    expect(experimentFileName(withData)).toBe('experiment-my-data.csv-step1.json');
    const command = restoreCommandOf(withData, 9, 10, 'x.json');
    expect(command).toMatchObject({
      type: 'restore-run',
      runId: 9,
      requestId: 10,
      step: 1,
      source: 'x.json',
      dataset: { kind: 'upload', name: 'upload:my data.csv' },
    });
    const withoutData = experimentOfRun({
      weights: event,
      progress: [],
      metrics: [],
      uploadFiles: null,
      now: new Date(),
    });
    expect(withoutData.dataset).toEqual({ kind: 'upload', name: 'upload:my data.csv', files: null });
  });
});

describe('reopening a run in the page state', () => {
  it('switches dataset, configuration, run, step and history at once, dropping what the run had', () => {
    const s = stateWithHistory();
    const restoredConfig = makeConfig({ objective: { margin: 0.7 } }, config);
    const next = reducer(s, {
      type: 'restore-run',
      run: 8,
      info,
      preview,
      heldOut: preview,
      step: 30,
      epoch: 1,
      config: restoredConfig,
      history: {
        progress: [
          { step: 29, epoch: 1, loss: 0.25 },
          { step: 30, epoch: 1, loss: Number.NaN },
          { step: 31, epoch: 1, loss: 0.1 },
        ],
        metrics: [
          {
            step: 20,
            precisionAt1: 0.9,
            rPrecision: 0.8,
            mapAtR: 0.7,
            pairAccuracy: null,
            auc: null,
            validationLoss: null,
          },
        ],
      },
    });
    expect(next).toMatchObject({
      runId: 8,
      runState: 'paused',
      step: 30,
      epoch: 1,
      dataset: info,
      config: restoredConfig,
      issues: [],
      heldOut: preview,
      snapshot: null,
      lastLoss: null,
    });
    expect(progressOf(next).map((p) => p.step)).toEqual([29, 30]);
    expect(metricsOf(next).map((m) => m.step)).toEqual([20]);
    // The old run's arrays are untouched (earlier states keep their history).
    expect(progressOf(s).map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
    // Events of the old run are now dropped; the reopened run's are taken.
    expect(
      reducer(next, { type: 'event', event: { type: 'state', runId: 3, state: 'running', step: 99, epoch: 0 } }),
    ).toBe(next);
    expect(
      reducer(next, { type: 'event', event: { type: 'state', runId: 8, state: 'running', step: 30, epoch: 1 } })
        .runState,
    ).toBe('running');
    // Save/share answers wait in the inbox for the panel, in order, and change nothing else; taking them empties it.
    const answer = { type: 'save-error', requestId: 4, message: 'x' } as const;
    const second = { type: 'save-error', requestId: 5, message: 'y' } as const;
    const waiting = reducer(reducer(next, { type: 'event', event: answer }), { type: 'event', event: second });
    expect(waiting.saveShareInbox).toEqual([answer, second]);
    expect({ ...waiting, saveShareInbox: [] }).toEqual(next);
    const taken = reducer(waiting, { type: 'save-share-taken', count: 1 });
    expect(taken.saveShareInbox).toEqual([second]);
    expect(reducer(taken, { type: 'save-share-taken', count: 1 }).saveShareInbox).toEqual([]);
  });

  it('remembers a reopened upload as the upload in use', () => {
    const upload = { ...info, name: 'upload:pts.csv', title: 'pts.csv' };
    const next = reducer(initialState(config), {
      type: 'restore-run',
      run: 1,
      info: upload,
      preview,
      heldOut: preview,
      step: 0,
      epoch: 0,
      config: makeConfig({ data: { dataset: 'upload:pts.csv' } }, config),
      history: { progress: [], metrics: [] },
    });
    expect(next.usedUpload).toEqual(upload);
    expect(next.runState).toBe('ready');
  });
});

/** The panel as the page wires it: its controller's hook, then the view of what the controller returns. */
function WiredPanel(props: { state: AppState }) {
  const c = useSaveShare({
    state: props.state,
    dispatch: () => undefined,
    client: null,
    nextRequestId: () => 1,
    nextRunId: () => 1,
    linkHasSetup: false,
  });
  return createElement(SaveSharePanel, { c, state: props.state, client: null });
}

describe('the Save and share panel (static markup)', () => {
  it('has every control of the contract with its accessible name', () => {
    const s = {
      ...stateWithHistory(),
      dataset: info,
      config: makeConfig({ seed: 9, objective: { margin: 0.3 } }, configForBuiltin('blobs')),
    };
    const html = renderToStaticMarkup(createElement(WiredPanel, { state: s }));
    expect(html).toContain('aria-label="Save and share"');
    for (const name of [
      'Download model (TF.js)',
      'Download embeddings (Projector TSV)',
      'Download 2-D coordinates (CSV)',
      'Export experiment',
      'Copy link to this setup',
      'Download PyTorch script',
    ]) {
      expect(html).toMatch(new RegExp(`<button[^>]*>${name.replace(/[()]/g, '\\$&')}</button>`));
    }
    expect(html).toContain('aria-label="Load model"');
    expect(html).toContain('aria-label="Import experiment"');
    expect(html).toMatch(/<input type="checkbox"[^>]*\/> Include uploaded data/);
    expect(html).toMatch(/<input type="checkbox"[^>]*\/> Classroom link/);
    expect(html).toMatch(/<span>Shareable link <\/span><input type="text" readonly=""/i);
    expect(html).toContain('?dataset=blobs&amp;seed=9&amp;margin=0.3');
    expect(html).toContain('tf.loadLayersModel');
    expect(html).not.toContain('role="status"');
    expect(html).not.toContain('role="alert"');
  });

  it('lists link problems as an alert, and nothing when there are none', () => {
    expect(renderToStaticMarkup(createElement(LinkProblems, { problems: [] }))).toBe('');
    const html = renderToStaticMarkup(
      createElement(LinkProblems, { problems: ['"colour" is not a setting links know; it was ignored'] }),
    );
    expect(html).toContain(
      '<ul role="alert" aria-label="Link problems"><li>&quot;colour&quot; is not a setting links know; it was ignored</li></ul>',
    );
  });
});
