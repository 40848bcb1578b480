/**
 * `npm run bench:autosave [-- --points 1000,20000,80000] [--runs 9]`
 *
 * What one autosave costs the page's main thread, by the length of the run (a progress point per step): building
 * the experiment from the page's history (`experimentOfRun`), its stored form (`toStored`: progress as typed
 * columns, filled into the columns the writer handed back after the previous save), and posting it to the run
 * writer's worker as the page does (a structured clone with the progress columns transferred, the weights copied;
 * `postClone` copies everything, for comparison; IndexedDB's own copy happens in that worker). Weights: a dense
 * tower of 784 → 128 → 64 (Fashion-MNIST's default size class). Prints one JSON line: medians in ms after one
 * warm-up, and the record's bytes.
 */
import { DEFAULT_CONFIG } from '../src/core/config';
import { experimentOfRun, type WeightsEvent } from '../src/ui/features/saveShare/experimentOfRun';
import { progressBuffers, type StoredProgress, toStored } from '../src/ui/features/saveShare/storedExperiment';
import { flag, load, median, round } from './lib/common';
import { metricsPoints, progressPoint } from './lib/runHistory';

function history(points: number) {
  return { progress: Array.from({ length: points }, (_, i) => progressPoint(i)), metrics: metricsPoints(points) };
}

function weightsEvent(step: number): WeightsEvent {
  const dense = (name: string, rows: number, cols: number) => [
    { name: `${name}/kernel`, shape: [rows, cols], values: new Float32Array(rows * cols).fill(0.01) },
    { name: `${name}/bias`, shape: [cols], values: new Float32Array(cols) },
  ];
  return {
    type: 'weights',
    requestId: 1,
    run: 1,
    step,
    epoch: 0,
    config: structuredClone(DEFAULT_CONFIG),
    weights: { tower: [...dense('dense1', 784, 128), ...dense('dense2', 128, 64)], head: [] },
  };
}

function bytesOf(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((s: number, v) => s + bytesOf(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((s: number, v) => s + bytesOf(v), 0);
  return typeof value === 'string' ? value.length : 8;
}

const sizes = flag('points', '1000,20000,80000').split(',').map(Number);
const runs = Number(flag('runs', '9'));
const rows: Record<string, unknown>[] = [];
for (const points of sizes) {
  const { progress, metrics } = history(points);
  const weights = weightsEvent(points);
  const times = {
    experimentOfRun: [] as number[],
    toStored: [] as number[],
    postTransfer: [] as number[],
    postClone: [] as number[],
  };
  let bytes = 0;
  let spare: StoredProgress | null = null;
  for (let r = 0; r <= runs; r++) {
    const t0 = performance.now();
    const experiment = experimentOfRun({ weights, progress, metrics, uploadFiles: null, now: new Date() });
    const t1 = performance.now();
    const stored = toStored(experiment, spare);
    const t2 = performance.now();
    structuredClone(stored);
    const t3 = performance.now();
    const posted = structuredClone(stored, { transfer: progressBuffers(stored.history.progress) });
    const t4 = performance.now();
    // The writer hands the columns back.
    spare = posted.history.progress;
    bytes = bytesOf(posted);
    if (r === 0) continue; // warm-up
    times.experimentOfRun.push(t1 - t0);
    times.toStored.push(t2 - t1);
    times.postClone.push(t3 - t2);
    times.postTransfer.push(t4 - t3);
  }
  rows.push({
    points,
    recordBytes: bytes,
    medianMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, round(median(v), 2)])),
  });
}
process.stdout.write(`${JSON.stringify({ runs, rows, load: load() })}\n`);
