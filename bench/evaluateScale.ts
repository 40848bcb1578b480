/**
 * `npx tsx bench/evaluateScale.ts [--n 10000] [--dim 64] [--runs 7] [--backend wasm] [--base DIR] [--write-tsv DIR]
 *   [--tsv DIR]`
 *
 * Times evaluateEmbeddings (P@1, R-precision, MAP@R, Recall@K, ROC/AUC, threshold, checks) on seeded clustered
 * embeddings (10 classes; every class far from the others, so P@1 is 1), or with `--tsv DIR` on the embeddings of a
 * real run (DIR/vectors.tsv + DIR/metadata.tsv, as `npm run train -- --embeddings-out DIR` writes them, where classes
 * overlap and ranking has more to do), and prints one JSON line: medians in ms of whole evaluations after one warm-up, plus the
 * process's CPU time per evaluation (the machine is shared, so wall time includes waiting for a core). With
 * `--base DIR` (a checkout of another commit, e.g. `git worktree add --detach DIR <commit>` with node_modules linked)
 * the same data is evaluated by that checkout's evaluateEmbeddings too, interleaved run by run in this process, and
 * the ratio is printed. `--write-tsv DIR` writes the embeddings as vectors.tsv + metadata.tsv (for `npm run evaluate`
 * under `/usr/bin/time -v`) and exits.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { selectNodeBackend } from '../src/cli/backend';
import { evaluateEmbeddings } from '../src/core/metrics/evaluate';
import { Rng } from '../src/core/rng';
import { flag, median } from './lib/common';
import { readProjectorDir } from './lib/projectorDir';

type Evaluate = typeof evaluateEmbeddings;

function clustered(n: number, dim: number, classes: number, seed: number) {
  const rng = new Rng(seed);
  const centres = Float32Array.from({ length: classes * dim }, () => rng.normal());
  const labels = Int32Array.from({ length: n }, () => rng.int(classes));
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < dim; k++) x[i * dim + k] = centres[labels[i] * dim + k] + 0.8 * rng.normal();
  return { x, labels };
}

function timed(evaluate: Evaluate, x: Float32Array, n: number, dim: number, labels: Int32Array) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const m = evaluate(x, n, dim, labels, { distance: 'euclidean', margin: 0.2, threshold: null, rng: new Rng(1) });
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000, m };
}

async function main(): Promise<void> {
  let n = Number(flag('n', '10000'));
  let dim = Number(flag('dim', '64'));
  const runs = Number(flag('runs', '7'));
  const backend = flag('backend', 'wasm') as 'wasm' | 'cpu';
  const base = flag('base', '');
  const from = flag('tsv', '');
  const { x, labels } = from ? readProjectorDir(from) : clustered(n, dim, 10, 7);
  if (from) {
    n = labels.length;
    dim = x.length / n;
  }
  const tsvDir = flag('write-tsv', '');
  if (tsvDir) {
    mkdirSync(tsvDir, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(Array.from(x.subarray(i * dim, (i + 1) * dim), (v) => String(v)).join('\t'));
    writeFileSync(join(tsvDir, 'vectors.tsv'), `${lines.join('\n')}\n`);
    writeFileSync(join(tsvDir, 'metadata.tsv'), `label\n${Array.from(labels, (l) => `c${l}`).join('\n')}\n`);
    process.stdout.write(`${JSON.stringify({ wrote: tsvDir, n, dim })}\n`);
    return;
  }
  await selectNodeBackend(backend);
  const candidates: Array<[string, Evaluate]> = [['this', evaluateEmbeddings]];
  if (base) {
    const url = pathToFileURL(resolve(base, 'src/core/metrics/evaluate.ts')).href;
    candidates.push(['base', ((await import(url)) as { evaluateEmbeddings: Evaluate }).evaluateEmbeddings]);
  }
  const wall = new Map<string, number[]>(candidates.map(([name]) => [name, []]));
  const cpu = new Map<string, number[]>(candidates.map(([name]) => [name, []]));
  const results = new Map<string, number[]>();
  for (const [, evaluate] of candidates) timed(evaluate, x, n, dim, labels); // warm-up
  for (let r = 0; r < runs; r++) {
    // Alternate which goes first, so load drifts hit both alike.
    const order = r % 2 === 0 ? candidates : [...candidates].reverse();
    for (const [name, evaluate] of order) {
      const t = timed(evaluate, x, n, dim, labels);
      wall.get(name)!.push(t.wall);
      cpu.get(name)!.push(t.cpu);
      results.set(name, [t.m.precisionAt1, t.m.rPrecision, t.m.mapAtR, t.m.auc]);
    }
  }
  const out: Record<string, unknown> = { data: from || 'clustered', n, dim, backend, runs };
  for (const [name] of candidates) {
    out[name] = {
      medianMs: Math.round(median(wall.get(name)!)),
      rangeMs: [Math.round(Math.min(...wall.get(name)!)), Math.round(Math.max(...wall.get(name)!))],
      medianCpuMs: Math.round(median(cpu.get(name)!)),
      precisionAt1: results.get(name)![0],
      mapAtR: results.get(name)![2],
      auc: results.get(name)![3],
    };
  }
  if (base) {
    const ratios = wall.get('this')!.map((t, i) => t / wall.get('base')![i]);
    out.thisOverBase = Number(median(ratios).toFixed(3));
    out.sameNumbers = JSON.stringify(results.get('this')) === JSON.stringify(results.get('base'));
  }
  out.rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main();
