/**
 * Browser side of bench/charts.ts: times one full chart update (history → table → pixels) of the loss chart with
 * the old hand-written canvas chart and with uPlot, for histories of 10,000 and 100,000 steps, interleaved in
 * rounds. Each timing ends with a one-pixel readback, which makes the browser rasterise the canvas before the clock
 * stops (without it only the recording of the drawing commands would be timed).
 */
import uPlot from 'uplot';
import { lossColumns, lossRows } from '../../src/ui/charts/series';
import type { MetricsPoint, ProgressPoint } from '../../src/worker/protocol';
import { draw, type ChartRow } from './legacyCanvasChart';

const WIDTH = 600;
const HEIGHT = 200;

function history(steps: number): { points: ProgressPoint[]; validation: MetricsPoint[] } {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const points: ProgressPoint[] = [];
  const validation: MetricsPoint[] = [];
  for (let s = 1; s <= steps; s++) {
    points.push({ step: s, epoch: 0, loss: 0.3 + 0.7 * Math.exp(-s / (steps / 5)) + 0.2 * (random() - 0.5) });
    if (s % 100 === 0)
      validation.push({
        step: s,
        precisionAt1: null,
        rPrecision: null,
        mapAtR: null,
        pairAccuracy: null,
        auc: null,
        validationLoss: 0.35 + 0.6 * Math.exp(-s / (steps / 5)),
      });
  }
  return { points, validation };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const LEGACY_SERIES = [
  { key: 'loss', name: 'Training loss', colour: '#1f77b4' },
  { key: 'validationLoss', name: 'Validation loss', colour: '#d62728' },
];

async function run(rounds: number): Promise<Record<string, unknown>[]> {
  const results: Record<string, unknown>[] = [];
  for (const steps of [10_000, 100_000]) {
    const { points, validation } = history(steps);
    const canvas = document.createElement('canvas');
    canvas.style.width = `${WIDTH}px`;
    canvas.style.height = `${HEIGHT}px`;
    document.body.append(canvas);
    const host = document.createElement('div');
    host.style.width = `${WIDTH}px`;
    document.body.append(host);
    const u = new uPlot(
      {
        width: WIDTH,
        height: HEIGHT,
        scales: { x: { time: false } },
        series: [
          {},
          { stroke: 'rgba(31,119,180,0.25)', width: 1, spanGaps: true },
          { stroke: '#1f77b4', width: 2, spanGaps: true },
          { stroke: '#d62728', width: 1.5, spanGaps: true, points: { show: true, size: 4 } },
        ],
      },
      [[], [], [], []],
      host,
    );
    const hostRaw = document.createElement('div');
    document.body.append(hostRaw);
    const uRaw = new uPlot(
      {
        width: WIDTH,
        height: HEIGHT,
        scales: { x: { time: false } },
        series: [{}, { stroke: '#1f77b4', width: 1 }],
      },
      [[], []],
      hostRaw,
    );
    const flush = (c: HTMLCanvasElement) => c.getContext('2d')!.getImageData(0, 0, 1, 1);
    const contenders: Record<string, () => Promise<void>> = {
      'hand-written canvas chart (500-row table)': async () => {
        const rows = lossRows(points, validation) as ChartRow[];
        draw(canvas, WIDTH, HEIGHT, rows, LEGACY_SERIES, false);
        flush(canvas);
      },
      'uPlot: raw + smoothed + validation (500 rows)': async () => {
        const c = lossColumns(points, validation, 0.6);
        u.setData([c.steps, ...c.series]);
        await Promise.resolve(); // uPlot commits in a microtask
        flush(u.ctx.canvas);
      },
      'uPlot: every step, no downsampling': async () => {
        uRaw.setData([points.map((p) => p.step), points.map((p) => p.loss)]);
        await Promise.resolve();
        flush(uRaw.ctx.canvas);
      },
    };
    const samples = new Map<string, number[]>(Object.keys(contenders).map((k) => [k, []]));
    for (const fn of Object.values(contenders)) for (let w = 0; w < 3; w++) await fn();
    for (let r = 0; r < rounds; r++) {
      const names = Object.keys(contenders);
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + r) % names.length];
        const t0 = performance.now();
        await contenders[name]();
        samples.get(name)!.push(performance.now() - t0);
      }
    }
    for (const [name, list] of samples)
      results.push({ steps, implementation: name, medianMs: Math.round(median(list) * 100) / 100, runs: list.length });
    u.destroy();
    uRaw.destroy();
    canvas.remove();
  }
  return results;
}

(window as unknown as { runChartBench: typeof run }).runChartBench = run;
