/**
 * `npm run bench:chart-columns [-- --points 20000,60000,100000] [--arrivals 20] [--runs 15]`
 *
 * What one redraw of the loss and triplet charts costs the page's main thread, by the length of the run (a progress
 * point per step, each a triplet batch): the columns built from the whole history, as every redraw did (`lossColumns`,
 * `tripletRows` → columns), against the charts' kept columns extended by the points that arrived since the last
 * redraw (`ProgressColumns.sync`, `SmoothedSeries.update`, `lossColumnsOf`, `tripletColumns`). Both are timed on the
 * same history, interleaved, and must give the same columns. Prints one JSON line: medians in ms after warm-up.
 */
import { ProgressColumns } from '../src/ui/charts/progressColumns';
import {
  columnsOf,
  lossColumns,
  lossColumnsOf,
  stackColumns,
  tripletColumns,
  tripletRows,
} from '../src/ui/charts/series';
import { SmoothedSeries } from '../src/ui/charts/smoothing';
import type { ProgressPoint } from '../src/worker/protocol';
import { flag, load, median, round } from './lib/common';
import { metricsPoints, progressPoint } from './lib/runHistory';

const SMOOTHING = 0.9;

function main(): void {
  const lengths = flag('points', '20000,60000,100000').split(',').map(Number);
  const arrivals = Number(flag('arrivals', '20'));
  const runs = Number(flag('runs', '15'));
  const rows: Record<string, unknown>[] = [];
  for (const length of lengths) {
    const history: ProgressPoint[] = [];
    for (let i = 0; i < length; i++) history.push(progressPoint(i));
    const validation = metricsPoints(length);
    const kept = { history: new ProgressColumns(), smoothed: new SmoothedSeries(), triplets: new ProgressColumns() };
    kept.history.sync(history);
    kept.triplets.sync(history);
    const whole: number[] = [];
    const incremental: number[] = [];
    let same = true;
    for (let run = 0; run < runs + 3; run++) {
      for (let k = 0; k < arrivals; k++) history.push(progressPoint(history.length));
      let start = performance.now();
      const wholeLoss = lossColumns(history, validation, SMOOTHING);
      const wholeTriplets = stackColumns(columnsOf(tripletRows(history), ['hard', 'semiHard', 'easy']));
      const wholeMs = performance.now() - start;
      start = performance.now();
      const { history: columns, smoothed } = kept;
      columns.sync(history);
      const keptLoss = lossColumnsOf(
        columns,
        smoothed.update(columns.loss, columns.length, SMOOTHING, columns.revision),
        validation,
      );
      const keptTriplets = stackColumns(tripletColumns(kept.triplets.sync(history)));
      const keptMs = performance.now() - start;
      if (JSON.stringify([wholeLoss, wholeTriplets]) !== JSON.stringify([keptLoss, keptTriplets])) same = false;
      if (run >= 3) {
        whole.push(wholeMs);
        incremental.push(keptMs);
      }
    }
    rows.push({
      points: length,
      arrivalsPerRedraw: arrivals,
      wholeHistoryMs: round(median(whole), 2),
      keptColumnsMs: round(median(incremental), 2),
      ratio: round(median(incremental) / median(whole), 3),
      sameColumns: same,
    });
  }
  process.stdout.write(`${JSON.stringify({ bench: 'chart-columns', runs, ...load(), rows })}\n`);
}

main();
