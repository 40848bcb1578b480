/**
 * Lets the benchmark scripts import modules that use Vite's `?raw` imports (the worker's session imports the
 * exported PyTorch script's source as text): run them as `tsx --import ./bench/lib/rawImports.mjs bench/x.ts`.
 * Vite and vitest resolve `?raw` themselves; plain Node does not.
 */
import { register } from 'node:module';

register('./rawHooks.mjs', import.meta.url);
