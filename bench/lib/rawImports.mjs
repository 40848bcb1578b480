/**
 * Node loader hooks for Vite's `?raw` imports (the worker imports the exported PyTorch script's source as text), so
 * the bench can load the worker's modules under tsx as the app's bundle does: `import text from './x.py?raw'` gives
 * the file's text as the default export. Registered with `tsx --import ./bench/lib/rawImports.mjs`.
 */
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const RAW = '?raw';

export async function resolve(specifier, context, nextResolve) {
  if (!specifier.endsWith(RAW)) return nextResolve(specifier, context);
  const resolved = new URL(specifier.slice(0, -RAW.length), context.parentURL);
  return { url: `${resolved.href}${RAW}`, format: 'module', shortCircuit: true };
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith(RAW)) return nextLoad(url, context);
  const text = await readFile(new URL(url.slice(0, -RAW.length)), 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}

// Imported with --import on the main thread: register this module's hooks, which Node then loads again on its
// hooks thread (where registering once more would recurse).
if (isMainThread) register(import.meta.url);
