import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config';
import { CompareRunsPanel } from '../../../src/ui/features/compare/CompareRunsPanel';
import { makeKeptRun } from '../../../src/ui/features/compare/keptRuns';
import { emptyInspect } from '../../../src/ui/features/inspect/inspectState';
import { NeighboursPanel } from '../../../src/ui/features/inspect/NeighboursPanel';
import { QueryPanel } from '../../../src/ui/features/inspect/QueryPanel';
import type { InspectController } from '../../../src/ui/features/inspect/useInspect';
import { TimelinePanel, type TimelineController } from '../../../src/ui/features/timeline/TimelinePanel';
import type { DatasetInfo, SamplePreview, SnapshotMessage } from '../../../src/worker/protocol';

const noop = () => undefined;
const timelineController = (selectedStep: number | null, shown: SnapshotMessage | null): TimelineController => ({
  selectedStep,
  playing: false,
  shown,
  select: noop,
  replay: noop,
  stop: noop,
});
function controller(overrides: Partial<InspectController> = {}): InspectController {
  return {
    snapshot: null,
    overlay: null,
    onPointClick: noop,
    selected: null,
    setSelected: noop,
    compareWith: null,
    setCompareWith: noop,
    k: 5,
    setK: noop,
    query: noop,
    clearQuery: noop,
    querySample: null,
    queryPlace: null,
    isQueryRequest: () => false,
    fetchEmbeddings: noop,
    debug: false,
    timeline: timelineController(null, null),
    projection: {
      method: 'pca',
      setMethod: noop,
      seed: 1,
      setSeed: noop,
      view: null,
      snapshot: null,
      viewOf: (snapshot) => snapshot,
      unavailable: false,
      progress: null,
      error: null,
    },
    ...overrides,
  };
}
const info = (modality: DatasetInfo['modality'], featureShape: number[]): DatasetInfo => ({
  name: 'x',
  title: 'x',
  description: '',
  kind: 'labelled',
  modality,
  numSamples: 10,
  featureShape,
  classNames: ['cat', 'dog'],
  traits: { kind: 'labelled', modality, numClasses: 2, featureShape },
});
const rows: SamplePreview = {
  kind: 'row',
  shape: [2],
  count: 3,
  labels: Int32Array.of(0, 1, 0),
  values: Float32Array.of(1, 2, 3, 4, 5, 6),
};
const snap = (step: number): SnapshotMessage => ({
  step,
  coordinates: new Float32Array(2),
  labels: Int32Array.of(0),
  batch: null,
  lda: null,
});

describe('inspect panels (static markup)', () => {
  it('the neighbour list shows each neighbour’s number, class, distance and whether the class matches', () => {
    const answers = {
      ...emptyInspect(),
      neighbours: {
        type: 'neighbours-result' as const,
        runId: 1,
        requestId: 1,
        step: 7,
        index: 0,
        distance: 'cosine' as const,
        neighbours: [
          { index: 2, label: 0, distance: 0.125 },
          { index: 1, label: 1, distance: 0.5 },
        ],
      },
    };
    const html = renderToStaticMarkup(
      createElement(NeighboursPanel, {
        inspect: controller({ selected: 0 }),
        answers,
        dataset: info('tabular', [2]),
        heldOut: rows,
        pointCount: 3,
      }),
    );
    expect(html).toContain('aria-label="Nearest neighbours"');
    expect(html).toContain('data-step="7"');
    expect(html).toMatch(/<li data-index="2" data-distance="0.125" data-label="0">.*#2 · cat ✓ · distance 0.1250/);
    expect(html).toMatch(/#1 · dog ✗ · distance 0.5000/);
    expect(html).toContain('cosine distance (1 − cosine similarity');
    expect(html).toContain('aria-label="Sample A"');
    expect(html).toContain('aria-label="Sample B"');
    expect(html).not.toContain('Fetch embeddings');
  });

  it('the comparison states distance, threshold, its source and the verdict', () => {
    const comparison = {
      type: 'sample-distance' as const,
      runId: 1,
      requestId: 2,
      step: 3,
      a: 0,
      b: 2,
      distanceName: 'euclidean' as const,
      distance: 0.75,
      threshold: 0.5,
      thresholdSource: 'best' as const,
      verdict: 'different' as const,
    };
    const html = renderToStaticMarkup(
      createElement(NeighboursPanel, {
        inspect: controller({ selected: 0, compareWith: 2 }),
        answers: { ...emptyInspect(), comparison },
        dataset: info('tabular', [2]),
        heldOut: rows,
        pointCount: 3,
      }),
    );
    expect(html).toContain('data-verdict="different"');
    expect(html).toMatch(
      /distance 0.7500 &gt; threshold 0.5000 \(best of the last evaluation\) → <strong>different<\/strong>/,
    );
  });

  it('the query panel offers what fits the data: a drawing pad for small images, text, or a row', () => {
    const image = renderToStaticMarkup(
      createElement(QueryPanel, {
        inspect: controller(),
        answers: emptyInspect(),
        dataset: info('image', [28, 28, 1]),
        heldOut: null,
      }),
    );
    expect(image).toContain('aria-label="Draw a sample"');
    expect(image).toContain('Clear drawing');
    expect(image).toContain('aria-label="Upload an image"');
    expect(image).not.toContain('aria-label="Query row"');
    const text = renderToStaticMarkup(
      createElement(QueryPanel, {
        inspect: controller(),
        answers: emptyInspect(),
        dataset: info('text', [12]),
        heldOut: null,
      }),
    );
    expect(text).toContain('aria-label="Query text"');
    expect(text).not.toContain('Draw a sample');
    const row = renderToStaticMarkup(
      createElement(QueryPanel, {
        inspect: controller({ selected: 1 }),
        answers: emptyInspect(),
        dataset: info('tabular', [2]),
        heldOut: rows,
      }),
    );
    expect(row).toContain('aria-label="Query row"');
    expect(row).toContain('Copy sample A’s values');
    expect(row).toContain('2 values');
  });

  it('the timeline slider spans the stored snapshots and says which one is shown', () => {
    const t = [snap(1), snap(5), snap(9)];
    const live = renderToStaticMarkup(
      createElement(TimelinePanel, { timeline: t, controller: timelineController(null, null) }),
    );
    expect(live).toMatch(/<section aria-label="Timeline"[^>]*data-steps="1,5,9" data-live="true"/);
    expect(live).toMatch(/type="range" aria-label="Snapshot" min="0" max="2"/);
    expect(live).toContain('live (step 9)');
    const scrubbed = renderToStaticMarkup(
      createElement(TimelinePanel, { timeline: t, controller: timelineController(5, t[1]) }),
    );
    expect(scrubbed).toContain('step 5 · 2 of 3');
    expect(scrubbed).toContain('value="1"');
  });

  it('compare runs lists final metrics and only the differing settings of two kept runs', () => {
    const metrics = [
      {
        step: 10,
        precisionAt1: 0.5,
        rPrecision: 0.4,
        mapAtR: 0.25,
        pairAccuracy: 0.75,
        auc: 0.8,
        validationLoss: null,
      },
    ];
    const a = makeKeptRun({
      id: 'a',
      name: 'Run 1',
      config: makeConfig({}),
      steps: 10,
      progress: [{ step: 10, epoch: 0, loss: 0.5 }],
      metrics,
    });
    const b = makeKeptRun({
      id: 'b',
      name: 'Run 2',
      config: makeConfig({ objective: { distance: 'cosine' } }),
      steps: 20,
      progress: [],
      metrics: [],
    });
    const current = { runId: 3, config: makeConfig({}), step: 0, progress: [], metrics: [] };
    const html = renderToStaticMarkup(createElement(CompareRunsPanel, { runs: [a, b], current, dispatch: noop }));
    expect(html).toMatch(/<button type="button" disabled="">Keep this run<\/button>/);
    expect(html).toContain('aria-label="Final metrics"');
    expect(html).toMatch(
      /Run 1<\/th><td>fashion-mnist<\/td><td data-metric="steps">10<\/td><td data-metric="loss">0.5000<\/td><td data-metric="precisionAt1">0.500<\/td><td data-metric="mapAtR">0.250<\/td><td data-metric="pairAccuracy">0.750<\/td>/,
    );
    expect(html).toMatch(/data-metric="precisionAt1">–</);
    expect(html).toMatch(
      /<tr data-path="objective.distance"><th[^>]*>objective.distance<\/th><td>euclidean<\/td><td>cosine<\/td><\/tr>/,
    );
    expect((html.match(/data-path=/g) ?? []).length).toBe(1);
    expect(html).toContain('aria-label="Remove Run 2"');
  });
});
