/**
 * Node-only reader of the shipped built-in dataset files (public/datasets), for the CLI, benchmarks and
 * tests. The browser passes a fetch-based reader instead; the core never touches the file system.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abortError, type AssetReader, type AssetReadOptions } from '../core/data/builtin';

/** public/datasets of this checkout, found from this file's location (works from any working directory). */
export const DEFAULT_DATASETS_ROOT = fileURLToPath(new URL('../../public/datasets/', import.meta.url));

/** An AssetReader over `root` (default: the repository's public/datasets); refuses names that leave it. */
export function nodeAssetReader(root: string = DEFAULT_DATASETS_ROOT): AssetReader {
  const base = resolve(root);
  return async (fileName: string, options: AssetReadOptions = {}): Promise<Uint8Array> => {
    if (options.signal?.aborted) throw abortError();
    const path = resolve(base, fileName);
    const rel = relative(base, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
      throw new Error(`dataset file name "${fileName}" must stay inside ${base}`);
    try {
      const bytes = await readFile(path);
      options.onBytes?.(bytes.byteLength);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new Error(`built-in dataset file ${path} is missing; build it with \`npm run datasets\``);
      throw new Error(`could not read built-in dataset file ${path}: ${(error as Error).message}`);
    }
  };
}
