/**
 * Lets the benchmarks import modules that use Vite's `?raw` imports (the worker's session loads the exported PyTorch
 * script's text that way): a Node module hook that answers `<file>?raw` with the file's text as the default export.
 * Used as `tsx --import ./bench/lib/rawImports.mjs bench/run.ts` (package.json "bench").
 */
import { register } from 'node:module';

const hooks = `
import { readFile } from 'node:fs/promises';
export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('?raw')) return nextLoad(url, context);
  const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
  return { format: 'module', source: 'export default ' + JSON.stringify(text) + ';', shortCircuit: true };
}
`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url);
