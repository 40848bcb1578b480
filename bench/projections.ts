/**
 * `npm run bench:projections [-- --steps 1700] [-- --seeds 1,2,3]`
 *
 * How well each 2-D picture of the scatter separates the classes on the default demo (the built-in Fashion-MNIST
 * recipe the page opens with), after as many steps as the page trains in about 20 s (≈ 82 steps/s in the browser
 * worker, BENCHMARKS.md). For every seed: train in Node with the same core (WASM), read the 2,000 held-out
 * embeddings, project them as the page does (stable PCA, LDA, UMAP, t-SNE with the projection worker's settings)
 * and score each picture:
 *  - class agreement: the mean share of each point's 10 nearest neighbours in the picture that have its class;
 *  - neighbourhood preservation: the share of each point's 10 nearest neighbours in the embedding that stay its
 *    10 nearest in the picture (how faithful the picture is to the embedding).
 * LDA chooses its plane from the labels of the very points it shows, so it is also fitted on the even-numbered points
 * alone and scored on the odd ones ("held apart"): if that row agrees, the separation is not an artefact of fitting.
 */
import * as tf from '@tensorflow/tfjs';
import { nodeAssetReader } from '../src/cli/assets';
import { selectNodeBackend } from '../src/cli/backend';
import { makeConfig } from '../src/core/config';
import { builtinInfo, loadBuiltinDataset } from '../src/core/data/builtin';
import { DEFAULT_LDA_SHRINKAGE, lda2, StableLda } from '../src/core/projection/lda';
import { runToEnd } from '../src/core/projection/layout';
import { toMetricSpace } from '../src/core/projection/metricSpace';
import { StablePca } from '../src/core/projection/pca';
import { projectWith } from '../src/core/projection/stablePlane';
import { classAgreement, neighbourhoodPreservation } from '../src/core/projection/quality';
import { TsneLayout } from '../src/core/projection/tsne';
import { UmapLayout } from '../src/core/projection/umap';
import { Trainer } from '../src/core/train/trainer';
import { TSNE_ITERATIONS, UMAP_EPOCHS } from '../src/worker/projectionSession';
import { load, log, machine, median, round, table } from './lib/common';

function parseArgs(argv: string[]): { steps: number; seeds: number[]; skipSlow: boolean } {
  let steps = 1700;
  let seeds = [1, 2, 3];
  let skipSlow = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--steps') steps = Number(argv[++i]);
    else if (a === '--seeds') seeds = (argv[++i] ?? '').split(',').map(Number);
    else if (a === '--no-layouts') skipSlow = true;
    else throw new Error(`unknown argument ${a} (use --steps N, --seeds 1,2,3, --no-layouts)`);
  }
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer, got ${steps}`);
  if (seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0))
    throw new Error('--seeds must be a comma-separated list of non-negative integers');
  return { steps, seeds, skipSlow };
}

/** The rows of the picture table for one trained run. */
function scorePictures(
  values: Float32Array,
  n: number,
  dim: number,
  labels: Int32Array,
  skipSlow: boolean,
  seed: number,
): { name: string; agreement: number; preservation: number }[] {
  const space = toMetricSpace(values, n, dim, 'euclidean');
  const rows: { name: string; agreement: number; preservation: number }[] = [];
  const score = (name: string, layout: Float32Array, subset?: Int32Array) => {
    if (subset) {
      // Scored on the subset only (its own neighbours among itself).
      const picked = new Float32Array(subset.length * 2);
      const pickedLabels = new Int32Array(subset.length);
      const pickedValues = new Float32Array(subset.length * dim);
      subset.forEach((i, t) => {
        picked[2 * t] = layout[2 * i];
        picked[2 * t + 1] = layout[2 * i + 1];
        pickedLabels[t] = labels[i];
        pickedValues.set(values.subarray(i * dim, (i + 1) * dim), t * dim);
      });
      rows.push({
        name,
        agreement: classAgreement(picked, pickedLabels),
        preservation: neighbourhoodPreservation(toMetricSpace(pickedValues, subset.length, dim, 'euclidean'), picked),
      });
      return;
    }
    rows.push({
      name,
      agreement: classAgreement(layout, labels),
      preservation: neighbourhoodPreservation(space, layout),
    });
  };
  rows.push({ name: 'embedding space itself (64-D)', agreement: classAgreement(space, labels), preservation: 1 });
  score('PCA (stable)', new StablePca().project(values, n, dim));
  for (const shrinkage of [0.1, 0.5, 0.7, 0.8, 0.9, 0.95, 1]) {
    const fit = lda2(values, n, dim, labels, { shrinkage });
    if (!fit) throw new Error('LDA needs two classes');
    const suffix = shrinkage === DEFAULT_LDA_SHRINKAGE ? ' (default)' : '';
    score(
      `LDA, orthogonal projection, shrinkage ${shrinkage}${suffix}`,
      projectWith(values, n, dim, fit.mean, fit.components),
    );
    if (shrinkage === DEFAULT_LDA_SHRINKAGE)
      score(
        `LDA, raw Fisher coordinates, shrinkage ${shrinkage}`,
        projectWith(values, n, dim, fit.mean, fit.directions),
      );
  }
  // Held apart: fitted on even rows, scored on odd rows.
  const even = Int32Array.from({ length: Math.ceil(n / 2) }, (_, t) => 2 * t);
  const odd = Int32Array.from({ length: Math.floor(n / 2) }, (_, t) => 2 * t + 1);
  const evenValues = new Float32Array(even.length * dim);
  even.forEach((i, t) => evenValues.set(values.subarray(i * dim, (i + 1) * dim), t * dim));
  const held = lda2(
    evenValues,
    even.length,
    dim,
    Int32Array.from(even, (i) => labels[i]),
  );
  if (!held) throw new Error('LDA needs two classes');
  const oddOnly = projectWith(values, n, dim, held.mean, held.components);
  score('LDA default, fitted on even points, scored on odd', oddOnly, odd);
  score('PCA, scored on odd points (same subset)', new StablePca().project(values, n, dim), odd);
  // The scatter's own class (what the page shows).
  const stable = new StableLda().project(values, n, dim, labels);
  if (stable) score('StableLda (what the scatter shows)', stable);
  if (!skipSlow) {
    const t0 = performance.now();
    score(`UMAP (${UMAP_EPOCHS} epochs, seed 1)`, runToEnd(new UmapLayout(space, { seed: 1, epochs: UMAP_EPOCHS })));
    log(`  UMAP ${round((performance.now() - t0) / 1000, 1)} s`);
    const t1 = performance.now();
    score(
      `t-SNE (${TSNE_ITERATIONS} iterations, seed 1)`,
      runToEnd(new TsneLayout(space, { seed: 1, iterations: TSNE_ITERATIONS })),
    );
    log(`  t-SNE ${round((performance.now() - t1) / 1000, 1)} s`);
  }
  void seed;
  return rows;
}

async function main(): Promise<void> {
  const { steps, seeds, skipSlow } = parseArgs(process.argv.slice(2));
  const { backend } = await selectNodeBackend('wasm');
  const started = load();
  const info = builtinInfo('fashion-mnist');
  if (!info) throw new Error('the fashion-mnist built-in is missing');
  const perSeed = new Map<string, number[][]>();
  for (const seed of seeds) {
    const config = makeConfig({ ...info.suggested, seed, training: { backend: 'wasm' } });
    const data = await loadBuiltinDataset('fashion-mnist', nodeAssetReader(), { seed });
    const trainer = Trainer.init(config, data);
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) trainer.step();
    log(`seed ${seed}: ${steps} steps in ${round((performance.now() - t0) / 1000, 1)} s (${backend})`);
    const { values, n, dim } = trainer.heldOutEmbeddings();
    const labels = trainer.snapshot().labels;
    const evaluation = trainer.evaluate();
    log(
      `  held-out P@1 ${round(evaluation.metrics?.precisionAt1 ?? NaN)}, MAP@R ${round(evaluation.metrics?.mapAtR ?? NaN)}`,
    );
    const rows = scorePictures(values, n, dim, labels, skipSlow, seed);
    for (const r of rows) {
      const list = perSeed.get(r.name) ?? [];
      list.push([r.agreement, r.preservation]);
      perSeed.set(r.name, list);
    }
    trainer.dispose();
    log(`  tensors left: ${tf.memory().numTensors}`);
  }
  const header = ['picture', 'class agreement (10-NN), median', 'per seed', 'neighbourhoods kept, median'];
  const body = [...perSeed.entries()].map(([name, list]) => [
    name,
    round(median(list.map((x) => x[0])), 3),
    list.map((x) => round(x[0], 3)).join(' / '),
    round(median(list.map((x) => x[1])), 3),
  ]);
  process.stdout.write(
    `Default demo (fashion-mnist, suggested recipe), ${steps} steps, seeds ${seeds.join(', ')}, backend ${backend}\n` +
      `${JSON.stringify({ machine: machine(), load: started.loadAverage })}\n\n${table(header, body)}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
