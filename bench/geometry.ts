/**
 * `npm run bench:geometry -- --tsv DIR [--seeds 20]`: how close alignment and uniformity come to their exact values
 * on a real embedding (DIR/vectors.tsv + DIR/metadata.tsv, as `npm run train -- --embeddings-out DIR` writes them),
 * and what each costs. Compared: the estimate the evaluation makes (alignment exact over every positive pair,
 * uniformity on UNIFORMITY_PAIRS pairs drawn from the whole set), a smaller and a larger pair budget, and every pair
 * of a seeded sample of 2,048 points (another way to bound the cost). Each is run with `--seeds` seeds; the table
 * prints its root-mean-square and largest error against the exact values (every pair of the whole set) and its
 * median time. `--base DIR` (a checkout of another commit with node_modules linked) also times that commit's
 * `alignmentUniformity` with its defaults against this one's, interleaved, on the same embeddings (median of 21, on
 * the backend `--backend` names, wasm by default: older versions multiply on it).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type NodeBackend, selectNodeBackend } from '../src/cli/backend';
import { alignmentUniformity, type Geometry, UNIFORMITY_PAIRS } from '../src/core/metrics/geometry';
import { Rng } from '../src/core/rng';
import { flag, load, median, round, table } from './lib/common';
import { readProjectorDir } from './lib/projectorDir';

const dir = flag('tsv', '');
if (!dir) throw new Error('bench/geometry.ts needs --tsv DIR (vectors.tsv + metadata.tsv of a run)');
const seeds = Number(flag('seeds', '20'));
const { x, labels, n, dim } = readProjectorDir(dir);

/** Every pair of `points` rows sampled with `rng` (the sample's own positive pairs for the alignment). */
function pointSample(points: number, rng: Rng): Geometry {
  const rows = rng.sampleWithoutReplacement(n, points).sort((a, b) => a - b);
  const values = new Float32Array(points * dim);
  const rowLabels = new Int32Array(points);
  rows.forEach((r, k) => {
    values.set(x.subarray(r * dim, (r + 1) * dim), k * dim);
    rowLabels[k] = labels[r];
  });
  return alignmentUniformity(values, points, dim, rowLabels, rng, Number.POSITIVE_INFINITY);
}

const exact = alignmentUniformity(x, n, dim, labels, new Rng(1), Number.POSITIVE_INFINITY);
const ways: [string, (rng: Rng) => Geometry][] = [
  [`${UNIFORMITY_PAIRS / 2} random pairs`, (rng) => alignmentUniformity(x, n, dim, labels, rng, UNIFORMITY_PAIRS / 2)],
  [`${UNIFORMITY_PAIRS} random pairs (the evaluation's)`, (rng) => alignmentUniformity(x, n, dim, labels, rng)],
  [`${UNIFORMITY_PAIRS * 2} random pairs`, (rng) => alignmentUniformity(x, n, dim, labels, rng, UNIFORMITY_PAIRS * 2)],
  ['every pair of 2,048 sampled points (this loop, no Gram product)', (rng) => pointSample(2048, rng)],
];
const rms = (errors: number[]) => Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
const rows = ways.map(([name, estimate]) => {
  const alignment: number[] = [];
  const uniformity: number[] = [];
  const times: number[] = [];
  for (let s = 0; s < seeds; s++) {
    const start = performance.now();
    const g = estimate(new Rng(7919 * s + 1));
    times.push(performance.now() - start);
    alignment.push(g.alignment - exact.alignment);
    uniformity.push(g.uniformity - exact.uniformity);
  }
  const largest = (errors: number[]) => Math.max(...errors.map(Math.abs));
  return [
    name,
    round(rms(alignment), 5),
    round(largest(alignment), 5),
    round(rms(uniformity), 5),
    round(largest(uniformity), 5),
    round(median(times), 1),
  ];
});
console.log(
  `${n} × ${dim} from ${dir}: exact alignment ${round(exact.alignment, 5)}, uniformity ${round(exact.uniformity, 5)}` +
    ` (every one of ${exact.pairs} pairs); ${seeds} seeds each`,
);
console.log(
  table(
    ['estimate', 'alignment rms err', 'max', 'uniformity rms err', 'max', 'median ms'],
    rows as (string | number)[][],
  ),
);

const base = flag('base', '');
if (base) {
  await selectNodeBackend(flag('backend', 'wasm') as NodeBackend);
  const url = pathToFileURL(resolve(base, 'src/core/metrics/geometry.ts')).href;
  const before = ((await import(url)) as { alignmentUniformity: typeof alignmentUniformity }).alignmentUniformity;
  const times = { this: [] as number[], base: [] as number[] };
  for (let r = 0; r < 21; r++)
    for (const [name, run] of [
      ['this', alignmentUniformity],
      ['base', before],
    ] as const) {
      const start = performance.now();
      run(x, n, dim, labels, new Rng(r + 1));
      times[name].push(performance.now() - start);
    }
  const [now, then] = [median(times.this), median(times.base)];
  console.log(
    `alignmentUniformity with its defaults, median of 21 interleaved: this ${round(now, 1)} ms, ${base} ` +
      `${round(then, 1)} ms, ratio ${round(now / then, 3)}`,
  );
}
console.log(`load average ${load().loadAverage.join(' ')}`);
