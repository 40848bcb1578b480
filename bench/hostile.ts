/**
 * `npx tsx bench/hostile.ts`: every case of the hostile upload corpus through `loadUpload`, timed (median of 3) with
 * the process's peak resident memory after it (a high-water mark: it only grows), so BENCHMARKS.md can state the time
 * and memory bound each refusal or load stays within. Prints one line per case and the worst of each.
 */
import { resourceUsage } from 'node:process';
import { loadUpload } from '../src/core/data/loaders/index';
import { CORPUS } from '../test/hostile/corpus';

const rows: { name: string; ms: number; peakMb: number; outcome: string }[] = [];
for (const c of CORPUS) {
  const files = c.files();
  const times: number[] = [];
  let outcome = '';
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    try {
      const { summary } = await loadUpload(files, c.options);
      outcome = `loaded ${summary.format} ${summary.samples}×[${summary.shape.join(',')}]`;
    } catch (error) {
      outcome = `refused: ${(error as Error).message.slice(0, 70)}`;
    }
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const peakMb = resourceUsage().maxRSS / 1024;
  rows.push({ name: c.name, ms: times[1], peakMb, outcome });
  console.log(
    `${c.name.padEnd(32)} ${times[1].toFixed(0).padStart(6)} ms  peak RSS ${peakMb.toFixed(0).padStart(5)} MB  ${outcome}`,
  );
}
const worst = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
console.log(
  `\nslowest: ${worst.name} ${worst.ms.toFixed(0)} ms; peak RSS over the whole corpus ${rows.at(-1)!.peakMb.toFixed(0)} MB`,
);
