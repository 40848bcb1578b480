/**
 * Same-run comparison of this checkout's Trainer against another checkout's (a git worktree of an older commit):
 * training steps/s and evaluate() time, both trainers in ONE process on the same WASM backend and data, in
 * alternating rounds so both see the same load drift. Medians, and ratios as the median of same-round ratios.
 * Each figure is given twice: by wall-clock time and by this process's CPU time (user + system), which on a
 * loaded machine leaves out the time spent waiting for a core.
 *
 *     git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *     npx tsx bench/trainerSplit.ts --base /tmp/base [--rounds 9] [--steps 40] [--evals 3]
 *
 * The other checkout must share this one's node_modules through a symlink, so both trainers run on one tfjs.
 * `--branch DIR` compares against another checkout instead of this one (`--branch /tmp/base` is an A/A run: how
 * far apart two identical trainers measure here).
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { nodeAssetReader } from '../src/cli/assets';
import { selectNodeBackend } from '../src/cli/backend';
import { type Config, makeConfig } from '../src/core/config';
import { loadBuiltinDataset } from '../src/core/data/builtin';
import type { Dataset } from '../src/core/data/dataset';
import { Trainer } from '../src/core/train/trainer';
import { load, log, median, round } from './lib/common';

/** What both trainers offer (the facade's stable part). */
interface TrainerLike {
  step(): unknown;
  evaluate(): unknown;
  snapshot(): unknown;
  dispose(): void;
}
type TrainerClass = { init(config: Config, dataset: Dataset): TrainerLike };

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    branch: { type: 'string' },
    rounds: { type: 'string', default: '9' },
    steps: { type: 'string', default: '40' },
    evals: { type: 'string', default: '3' },
  },
});
if (!values.base) throw new Error('--base DIR (a checkout of the commit to compare against) is required');
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const evals = Number(values.evals);
for (const [name, v] of [
  ['--rounds', rounds],
  ['--steps', steps],
  ['--evals', evals],
] as const)
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a whole number ≥ 1, got ${v}`);

const baseUrl = pathToFileURL(join(resolve(values.base), 'src/core/train/trainer.ts')).href;
const BaseTrainer = (await import(baseUrl)).Trainer as TrainerClass;
const BranchTrainer: TrainerClass = values.branch
  ? (await import(pathToFileURL(join(resolve(values.branch), 'src/core/train/trainer.ts')).href)).Trainer
  : Trainer;

const { backend } = await selectNodeBackend('wasm');
if (backend !== 'wasm') throw new Error(`WASM backend unavailable (got ${backend})`);
const data = await loadBuiltinDataset('fashion-mnist', nodeAssetReader(), { seed: 1 });
const recipes: Record<string, Config> = {
  'default (P×K batch-all triplet)': makeConfig({}),
  'pairs, contrastive': makeConfig({ batch: { mode: 'pairs' }, objective: { loss: 'contrastive' } }),
};

interface Sample {
  stepsPerSecond: number;
  stepsPerCpuSecond: number;
  evaluateMs: number;
  evaluateCpuMs: number;
  snapshotAndEvaluateMs: number;
}

/** Wall-clock and CPU milliseconds of `fn`. */
function timed(fn: () => void): { ms: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000 };
}

function measure(trainer: TrainerLike): Sample {
  const train = timed(() => {
    for (let i = 0; i < steps; i++) trainer.step();
  });
  const evalMs: number[] = [];
  const evalCpuMs: number[] = [];
  const bothMs: number[] = [];
  for (let i = 0; i < evals; i++) {
    trainer.step();
    const e = timed(() => trainer.evaluate());
    evalMs.push(e.ms);
    evalCpuMs.push(e.cpuMs);
    // The worker's pattern: a snapshot and an evaluation of the same step.
    trainer.step();
    bothMs.push(
      timed(() => {
        trainer.snapshot();
        trainer.evaluate();
      }).ms,
    );
  }
  return {
    stepsPerSecond: steps / (train.ms / 1000),
    stepsPerCpuSecond: steps / (train.cpuMs / 1000),
    evaluateMs: median(evalMs),
    evaluateCpuMs: median(evalCpuMs),
    snapshotAndEvaluateMs: median(bothMs),
  };
}

const pairedRatio = (a: number[], b: number[]) => round(median(a.map((x, i) => x / b[i])), 3);

const start = load();
log(
  `base ${values.base}, branch ${values.branch ?? 'this checkout'}, ${rounds} rounds, ${steps} steps + ${evals} evaluations per slot, WASM`,
);
const report: Record<string, unknown> = {};
for (const [recipe, config] of Object.entries(recipes)) {
  const contenders = { base: BaseTrainer.init(config, data), branch: BranchTrainer.init(config, data) };
  for (const t of Object.values(contenders)) for (let i = 0; i < 5; i++) t.step(); // warm-up: kernels, caches
  const samples: Record<'base' | 'branch', Sample[]> = { base: [], branch: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['base', 'branch'] as const) : (['branch', 'base'] as const);
    for (const name of order) samples[name].push(measure(contenders[name]));
    const last = (name: 'base' | 'branch') => samples[name].at(-1) as Sample;
    log(
      `  ${recipe} round ${r + 1}/${rounds}: steps/s base ${round(last('base').stepsPerSecond, 1)} branch ${round(last('branch').stepsPerSecond, 1)}, ` +
        `per CPU s base ${round(last('base').stepsPerCpuSecond, 1)} branch ${round(last('branch').stepsPerCpuSecond, 1)}; ` +
        `evaluate ms base ${round(last('base').evaluateMs, 1)} branch ${round(last('branch').evaluateMs, 1)}`,
    );
  }
  for (const t of Object.values(contenders)) t.dispose();
  const col = (name: 'base' | 'branch', key: keyof Sample) => samples[name].map((s) => s[key]);
  const row = (key: keyof Sample) => ({
    base: round(median(col('base', key)), 2),
    branch: round(median(col('branch', key)), 2),
    'branch/base': pairedRatio(col('branch', key), col('base', key)),
  });
  report[recipe] = {
    stepsPerSecond: row('stepsPerSecond'),
    stepsPerCpuSecond: row('stepsPerCpuSecond'),
    evaluateMs: row('evaluateMs'),
    evaluateCpuMs: row('evaluateCpuMs'),
    snapshotAndEvaluateMs: row('snapshotAndEvaluateMs'),
  };
}
console.log(JSON.stringify({ report, tensorsLeft: tf.memory().numTensors, load: { start, end: load() } }, null, 2));
