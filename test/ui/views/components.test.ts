import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { EmbeddingView } from '../../../src/ui/components/EmbeddingView';
import { LossChart } from '../../../src/ui/components/LossChart';
import { MetricsChart } from '../../../src/ui/components/MetricsChart';
import { TripletChart } from '../../../src/ui/components/TripletChart';
import type { ProgressPoint } from '../../../src/worker/protocol';

// Server rendering checks the accessible structure of the contract without a DOM (effects do not run).
describe('view components (static markup)', () => {
  const points: ProgressPoint[] = Array.from({ length: 2000 }, (_, i) => ({
    step: i + 1,
    epoch: 0,
    loss: 1 / (i + 1),
    easy: i,
    semiHard: 2,
    hard: 1,
  }));

  it('charts render labelled figures with captions, and an empty state without data', () => {
    const loss = renderToStaticMarkup(createElement(LossChart, { points, validation: [] }));
    expect(loss).toContain('aria-label="Loss chart"');
    expect(loss).toContain('<figcaption>');
    const metrics = renderToStaticMarkup(createElement(MetricsChart, { metrics: [] }));
    expect(metrics).toContain('aria-label="Metrics chart"');
    expect(metrics).toContain('No held-out metrics yet.');
    const triplets = renderToStaticMarkup(createElement(TripletChart, { points }));
    expect(triplets).toContain('aria-label="Triplet categories chart"');
  });

  it('embedding view has the canvas, a legend item per class and the triplet checkbox on by default', () => {
    const html = renderToStaticMarkup(
      createElement(EmbeddingView, { snapshot: null, classNames: ['cat', 'dog', 'fox'], heldOut: null }),
    );
    expect(html).toContain('aria-label="Embedding view"');
    expect(html).toMatch(/<canvas[^>]*aria-label="Embedding scatter"[^>]*data-points="0"/);
    expect(html).not.toContain('data-snapshot-step');
    const legend = /<ul aria-label="Legend"[^>]*>(.*?)<\/ul>/.exec(html);
    expect(legend).not.toBeNull();
    expect(legend![1].match(/<li/g)?.length).toBe(3);
    expect(html).toMatch(/<input type="checkbox" checked=""\/> Show mined triplets/);
  });
});
