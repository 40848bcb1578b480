/**
 * JS heap allocated per training step of the default demo (WASM), in Node: run with a young generation large enough
 * that no scavenge happens within the measured steps, so the heap's growth is what the steps allocated.
 *
 *     node --expose-gc --max-semi-space-size=256 --min-semi-space-size=256 --import tsx bench/stepAllocation.ts
 */
import { nodeAssetReader } from '../src/cli/assets';
import { selectNodeBackend } from '../src/cli/backend';
import { type Config, type DeepPartial, makeConfig } from '../src/core/config';
import { builtinInfo, loadBuiltinDataset } from '../src/core/data/builtin';
import { Trainer } from '../src/core/train/trainer';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
await selectNodeBackend('wasm');
const data = await loadBuiltinDataset('fashion-mnist', nodeAssetReader(), { seed: 1 });
const trainer = Trainer.init(makeConfig(builtinInfo('fashion-mnist').suggested as DeepPartial<Config>), data);
for (let i = 0; i < 200; i++) trainer.step();
const steps = Number(process.argv[2] ?? 40);
const samples: number[] = [];
let lastLoss = 0;
for (let r = 0; r < 5; r++) {
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < steps; i++) lastLoss = trainer.step().loss;
  const after = process.memoryUsage().heapUsed;
  samples.push((after - before) / steps);
}
samples.sort((a, b) => a - b);
process.stdout.write(
  `bytes allocated per step (median of 5 × ${steps} steps): ${Math.round(samples[2])} (all: ${samples.map(Math.round).join(', ')}); step ${trainer.steps}, loss ${lastLoss}\n`,
);
trainer.dispose();
