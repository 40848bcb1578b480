/**
 * Node part of `npm run bench`: training throughput of the core (WASM and CPU; MLP, CNN, recurrent), the raw tfjs
 * loop and single-thread PyTorch interleaved in rounds, memory over a long run of the worker's session loop, and
 * evaluation / PCA timings. Every measurement carries the load average at the time it was taken.
 */
import * as tf from '@tensorflow/tfjs';
import { nodeAssetReader } from '../src/cli/assets';
import { selectNodeBackend } from '../src/cli/backend';
import { makeConfig, type Config, type DeepPartial } from '../src/core/config';
import { builtinInfo, loadBuiltinDataset } from '../src/core/data/builtin';
import type { Dataset, LabelledDataset } from '../src/core/data/dataset';
import { pairwiseDistances } from '../src/core/distances';
import { evaluateEmbeddings } from '../src/core/metrics/evaluate';
import { retrievalMetrics } from '../src/core/metrics/retrieval';
import { registerFastWasmKernels, unregisterFastWasmKernels } from '../src/core/model/fastKernels';
import { pca2 } from '../src/core/projection/pca';
import { Rng } from '../src/core/rng';
import { Trainer } from '../src/core/train/trainer';
import type { BackendName } from '../src/core/config';
import type { WorkerEvent } from '../src/worker/protocol';
import { TrainingSession, type SessionHost } from '../src/worker/session';
import { load, log, median, medianMs, round } from './lib/common';
import { PytorchPeer } from './lib/pytorch';
import { RawTfjsLoop } from './lib/rawTfjs';

/** How long the Node part may take: per contender and round, and how many rounds. */
export interface NodePlan {
  slotSeconds: number;
  rounds: number;
  otherTowerRounds: number;
  memorySteps: [number, number];
  evalRuns: number;
}

export const FULL_NODE_PLAN: NodePlan = {
  slotSeconds: 2,
  rounds: 5,
  otherTowerRounds: 3,
  memorySteps: [100, 2000],
  evalRuns: 7,
};
export const QUICK_NODE_PLAN: NodePlan = {
  slotSeconds: 1,
  rounds: 3,
  otherTowerRounds: 2,
  memorySteps: [100, 500],
  evalRuns: 3,
};

/** One contender of an interleaved throughput comparison. */
interface Contender {
  name: string;
  /** Runs `steps` steps and returns their seconds. */
  run(steps: number): Promise<number>;
  /** Set from the warm-up: steps per slot. */
  steps?: number;
}

export interface ThroughputRow {
  name: string;
  backend: string;
  model: string;
  stepsPerSecond: number;
  samples: number[];
  stepsPerSlot: number;
}

async function dataset(name: string): Promise<Dataset> {
  return loadBuiltinDataset(name, nodeAssetReader(), { seed: 1 });
}

function trainerContender(name: string, config: Config, data: Dataset): Contender & { trainer: Trainer } {
  const trainer = Trainer.init(config, data);
  return {
    name,
    trainer,
    async run(steps) {
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) trainer.step();
      return (performance.now() - t0) / 1000;
    },
  };
}

/**
 * Calibrates every contender to about `slotSeconds` per slot (one step at least: the CNN on the CPU backend takes
 * seconds per step), then runs `rounds` rounds in rotating order, so every contender sees the same load drift.
 */
async function interleave(
  contenders: Contender[],
  slotSeconds: number,
  rounds: number,
): Promise<Map<string, number[]>> {
  for (const c of contenders) {
    // Warm-up: first calls compile kernels, pack weights and fill caches; then a timed probe sizes the slot.
    await c.run(1);
    let steps = 0;
    let seconds = 0;
    while (seconds < slotSeconds / 2 && steps < 200) {
      const batch = steps === 0 ? 1 : Math.max(1, Math.min(50, Math.round(steps * 0.5)));
      seconds += await c.run(batch);
      steps += batch;
    }
    c.steps = Math.max(1, Math.round((steps / seconds) * slotSeconds));
    log(`  ${c.name}: ~${round(steps / seconds, 1)} steps/s, ${c.steps} steps per slot`);
  }
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
    for (const c of order) {
      const seconds = await c.run(c.steps!);
      rates.get(c.name)!.push(round(c.steps! / seconds, 2));
    }
    log(`  round ${r + 1}/${rounds}: ${contenders.map((c) => `${c.name} ${rates.get(c.name)!.at(-1)}`).join(', ')}`);
  }
  return rates;
}

/** Per-round ratio a/b (same round, same load), then the median over rounds. */
function pairedRatio(a: number[], b: number[]): number {
  return round(median(a.map((v, i) => v / b[i])), 3);
}

export interface MlpComparison {
  rows: ThroughputRow[];
  ratios: Record<string, number>;
  pytorch: { torch: string; threads: number } | null;
  pytorchError?: string;
  load: { before: ReturnType<typeof load>; after: ReturnType<typeof load> };
}

/**
 * The default MLP: our trainer, the raw tfjs loop (with our WASM kernels and with stock tfjs kernels) and PyTorch,
 * all interleaved on WASM; then ours and raw on the CPU backend.
 */
export async function compareMlp(plan: NodePlan): Promise<MlpComparison> {
  const before = load();
  const config = makeConfig({});
  const data = (await dataset('fashion-mnist')) as LabelledDataset;
  // The raw loop trains on the same training split as the trainer (every sample outside the fixed test split).
  const test = new Set(data.testIndices ?? []);
  const trainIndices = Int32Array.from({ length: data.numSamples }, (_, i) => i).filter((i) => !test.has(i));
  const dim = data.featureShape.reduce((a, b) => a * b, 1);
  const trainFeatures = new Float32Array(trainIndices.length * dim);
  trainIndices.forEach((i, r) => trainFeatures.set(data.features.subarray(i * dim, (i + 1) * dim), r * dim));
  const trainLabels = Int32Array.from(trainIndices, (i) => data.labels[i]);
  const rows: ThroughputRow[] = [];
  const ratios: Record<string, number> = {};

  let pytorch: PytorchPeer | null = null;
  let pytorchError: string | undefined;
  try {
    pytorch = await PytorchPeer.start();
  } catch (error) {
    pytorchError = (error as Error).message;
    log(`PyTorch peer unavailable: ${pytorchError}`);
  }

  await selectNodeBackend('wasm');
  const ours = trainerContender('ours', config, data);
  const raw = new RawTfjsLoop(trainFeatures, trainLabels, data.classNames.length);
  const withStockKernels = async (fn: () => Promise<number>) => {
    unregisterFastWasmKernels();
    try {
      return await fn();
    } finally {
      registerFastWasmKernels();
    }
  };
  const loop = (step: () => unknown) => async (steps: number) => {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) step();
    return (performance.now() - t0) / 1000;
  };
  const contenders: Contender[] = [
    ours,
    { name: 'raw', run: loop(() => raw.step()) },
    { name: 'ours-stock-kernels', run: (n) => withStockKernels(() => ours.run(n)) },
    { name: 'raw-stock-kernels', run: (n) => withStockKernels(() => loop(() => raw.step())(n)) },
  ];
  if (pytorch) {
    const peer = pytorch;
    contenders.push({ name: 'pytorch', run: async (n) => (await peer.run(n)).seconds });
  }
  log(`MLP throughput, WASM, ${plan.rounds} interleaved rounds of ~${plan.slotSeconds} s per contender`);
  const rates = await interleave(contenders, plan.slotSeconds, plan.rounds);
  const label: Record<string, [string, string]> = {
    ours: ['Siamese Playground trainer', 'wasm'],
    raw: ['raw tfjs loop (same kernels)', 'wasm'],
    'ours-stock-kernels': ['Siamese Playground trainer, stock tfjs kernels', 'wasm'],
    'raw-stock-kernels': ['raw tfjs loop, stock tfjs kernels', 'wasm'],
    pytorch: [`PyTorch ${pytorch?.info?.torch ?? ''}, CPU, ${pytorch?.info?.threads ?? 1} thread`, 'cpu (torch)'],
  };
  for (const c of contenders) {
    const samples = rates.get(c.name)!;
    rows.push({
      name: label[c.name][0],
      backend: label[c.name][1],
      model: 'mlp',
      stepsPerSecond: round(median(samples), 1),
      samples,
      stepsPerSlot: c.steps!,
    });
  }
  ratios['ours/raw (wasm)'] = pairedRatio(rates.get('ours')!, rates.get('raw')!);
  ratios['ours/raw-stock-kernels (wasm)'] = pairedRatio(rates.get('ours')!, rates.get('raw-stock-kernels')!);
  ratios['ours/ours-stock-kernels (wasm)'] = pairedRatio(rates.get('ours')!, rates.get('ours-stock-kernels')!);
  if (pytorch) {
    ratios['ours/pytorch (wasm vs 1 thread)'] = pairedRatio(rates.get('ours')!, rates.get('pytorch')!);
    ratios['raw/pytorch'] = pairedRatio(rates.get('raw')!, rates.get('pytorch')!);
    ratios['raw-stock-kernels/pytorch'] = pairedRatio(rates.get('raw-stock-kernels')!, rates.get('pytorch')!);
  }
  ours.trainer.dispose();
  raw.dispose();

  // CPU backend: ours and raw, interleaved (far slower: pure JavaScript kernels).
  await selectNodeBackend('cpu');
  const oursCpu = trainerContender('ours-cpu', config, data);
  const rawCpu = new RawTfjsLoop(trainFeatures, trainLabels, data.classNames.length);
  log('MLP throughput, CPU backend');
  const cpuContenders: Contender[] = [oursCpu, { name: 'raw-cpu', run: loop(() => rawCpu.step()) }];
  if (pytorch) {
    const peer = pytorch;
    cpuContenders.push({ name: 'pytorch-cpu-round', run: async (n) => (await peer.run(n)).seconds });
  }
  const cpuRates = await interleave(cpuContenders, plan.slotSeconds, Math.max(2, plan.otherTowerRounds));
  rows.push({
    name: 'Siamese Playground trainer',
    backend: 'cpu',
    model: 'mlp',
    stepsPerSecond: round(median(cpuRates.get('ours-cpu')!), 1),
    samples: cpuRates.get('ours-cpu')!,
    stepsPerSlot: oursCpu.steps!,
  });
  rows.push({
    name: 'raw tfjs loop',
    backend: 'cpu',
    model: 'mlp',
    stepsPerSecond: round(median(cpuRates.get('raw-cpu')!), 1),
    samples: cpuRates.get('raw-cpu')!,
    stepsPerSlot: cpuContenders[1].steps!,
  });
  ratios['ours/raw (cpu)'] = pairedRatio(cpuRates.get('ours-cpu')!, cpuRates.get('raw-cpu')!);
  if (pytorch)
    ratios['ours/pytorch (cpu backend)'] = pairedRatio(cpuRates.get('ours-cpu')!, cpuRates.get('pytorch-cpu-round')!);
  oursCpu.trainer.dispose();
  rawCpu.dispose();
  pytorch?.stop();
  await selectNodeBackend('wasm');
  return { rows, ratios, pytorch: pytorch?.info ?? null, pytorchError, load: { before, after: load() } };
}

/** The CNN (fashion-mnist images) and the recurrent tower (GRU on typo-words) with their suggested settings. */
export async function otherTowers(plan: NodePlan): Promise<{ rows: ThroughputRow[]; load: ReturnType<typeof load> }> {
  const fashion = await dataset('fashion-mnist');
  const words = await dataset('typo-words');
  const cases: { model: string; config: Config; data: Dataset }[] = [
    { model: 'cnn', config: makeConfig({ model: { tower: 'cnn' } }), data: fashion },
    { model: 'gru', config: makeConfig(builtinInfo('typo-words').suggested as DeepPartial<Config>), data: words },
  ];
  const rows: ThroughputRow[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await selectNodeBackend(backend);
    const contenders = cases.map((c) => trainerContender(`${c.model}-${backend}`, c.config, c.data));
    log(`CNN and GRU throughput, ${backend}`);
    // The CPU backend runs the CNN at seconds per step: one round after the probe is all the time budget allows.
    const rates = await interleave(contenders, plan.slotSeconds, backend === 'cpu' ? 1 : plan.otherTowerRounds);
    cases.forEach((c, i) => {
      const samples = rates.get(contenders[i].name)!;
      rows.push({
        name: 'Siamese Playground trainer',
        backend,
        model: `${c.model} (${c.data.name})`,
        stepsPerSecond: round(median(samples), 1),
        samples,
        stepsPerSlot: contenders[i].steps!,
      });
    });
    contenders.forEach((c) => c.trainer.dispose());
  }
  await selectNodeBackend('wasm');
  return { rows, load: load() };
}

/**
 * tf.memory() of the worker's own loop (TrainingSession: steps in slices, progress, metrics, snapshots,
 * checkpoints) on WASM after the first and second step counts of the plan.
 */
export async function memory(plan: NodePlan): Promise<{
  backend: string;
  points: { step: number; numTensors: number; numBytes: number; numDataBuffers: number }[];
  flat: boolean;
  load: ReturnType<typeof load>;
}> {
  await selectNodeBackend('wasm');
  const host: SessionHost = {
    post: (event: WorkerEvent) => void event,
    readAsset: nodeAssetReader(),
    selectBackend: async (wanted: BackendName) => {
      const r = await selectNodeBackend(wanted === 'cpu' ? 'cpu' : 'wasm');
      return { backend: r.backend, reason: r.fallbackReason };
    },
    now: () => performance.now(),
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
  };
  const session = new TrainingSession(host, 'wasm');
  await session.handle({ type: 'load-builtin', requestId: 1, name: 'fashion-mnist', seed: 1 });
  const config = makeConfig(builtinInfo('fashion-mnist').suggested as DeepPartial<Config>);
  await session.handle({ type: 'configure', runId: 1, config });
  const points: { step: number; numTensors: number; numBytes: number; numDataBuffers: number }[] = [];
  log(`memory: training the session loop to step ${plan.memorySteps[1]} on WASM`);
  await session.handle({ type: 'train', runId: 1 });
  for (const target of plan.memorySteps) {
    while (session.current.step < target) await new Promise((resolve) => setTimeout(resolve, 20));
    await session.handle({ type: 'pause', runId: 1 });
    await session.whenIdle();
    const m = tf.memory();
    points.push({
      step: session.current.step,
      numTensors: m.numTensors,
      numBytes: m.numBytes,
      numDataBuffers: m.numDataBuffers,
    });
    log(`  step ${session.current.step}: ${m.numTensors} tensors, ${m.numBytes} bytes`);
    if (target !== plan.memorySteps.at(-1)) await session.handle({ type: 'train', runId: 1 });
  }
  await session.handle({ type: 'dispose' });
  const [a, b] = points;
  return { backend: 'wasm', points, flat: a.numTensors === b.numTensors && a.numBytes === b.numBytes, load: load() };
}

/** Seeded clustered embeddings: `classes` Gaussian blobs on the unit sphere, like a trained tower's output. */
function clusteredEmbeddings(
  n: number,
  dim: number,
  classes: number,
  seed: number,
): { values: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => rng.normal()));
  const values = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      const v = centres[c][k] + rng.normal(0, 1.2);
      values[i * dim + k] = v;
      norm += v * v;
    }
    for (let k = 0; k < dim; k++) values[i * dim + k] /= Math.sqrt(norm);
  }
  return { values, labels };
}

/**
 * evaluateEmbeddings on 2,000 × 64 (WASM: the Gram matrix is a backend matmul), its retrieval part alone (P@1,
 * R-precision, MAP@R from the distance matrix) and pca2 on 10,000 × 64, as medians of interleaved runs.
 */
export async function evaluationTimings(plan: NodePlan): Promise<{
  evaluateMs: number;
  evaluateCpuMs: number;
  evaluateSamples: number[];
  retrievalMs: number;
  pcaMs: number;
  pcaCpuMs: number;
  pcaSamples: number[];
  backend: string;
  load: ReturnType<typeof load>;
}> {
  await selectNodeBackend('wasm');
  const e = clusteredEmbeddings(2000, 64, 10, 3);
  const p = clusteredEmbeddings(10_000, 64, 10, 4);
  const distances = tf.tidy(() => {
    const x = tf.tensor2d(e.values, [2000, 64]);
    return pairwiseDistances('euclidean', x, x);
  });
  const d = distances.dataSync() as Float32Array;
  distances.dispose();
  const evaluate = () =>
    evaluateEmbeddings(e.values, 2000, 64, e.labels, {
      distance: 'euclidean',
      margin: 0.2,
      threshold: null,
      rng: new Rng(5),
    });
  const samples = {
    evaluate: [] as number[],
    evaluateCpu: [] as number[],
    retrieval: [] as number[],
    pca: [] as number[],
    pcaCpu: [] as number[],
  };
  // Warm-up: the playground evaluates again and again while it trains, so the steady state is what counts; the
  // first calls still run partly unoptimised code (the first of the timed samples was 15–20% slower after one).
  for (let w = 0; w < 3; w++) {
    evaluate();
    pca2(p.values, 10_000, 64);
  }
  for (let r = 0; r < plan.evalRuns; r++) {
    const a = medianMs(evaluate, 1, 0);
    samples.evaluate.push(a.ms);
    samples.evaluateCpu.push(a.cpuMs);
    samples.retrieval.push(medianMs(() => retrievalMetrics(d, 2000, e.labels), 1, 0).ms);
    const b = medianMs(() => pca2(p.values, 10_000, 64), 1, 0);
    samples.pca.push(b.ms);
    samples.pcaCpu.push(b.cpuMs);
  }
  const result = {
    evaluateMs: round(median(samples.evaluate), 1),
    evaluateCpuMs: round(median(samples.evaluateCpu), 1),
    evaluateSamples: samples.evaluate,
    retrievalMs: round(median(samples.retrieval), 1),
    pcaMs: round(median(samples.pca), 1),
    pcaCpuMs: round(median(samples.pcaCpu), 1),
    pcaSamples: samples.pca,
    backend: 'wasm',
    load: load(),
  };
  log(
    `evaluation 2000×64: ${result.evaluateMs} ms (CPU ${result.evaluateCpuMs} ms, retrieval ${result.retrievalMs} ms); PCA 10000×64: ${result.pcaMs} ms (CPU ${result.pcaCpuMs} ms)`,
  );
  return result;
}
