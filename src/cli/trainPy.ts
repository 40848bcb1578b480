/**
 * Node's loader of the exported PyTorch script's source, src/core/export/train.py (the page's worker imports the
 * same file through Vite's `?raw`); the core takes its text as an argument and never touches the file system.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where train.py lies in this checkout, found from this file's location (works from any working directory). */
export const TRAIN_PY_PATH = fileURLToPath(new URL('../core/export/train.py', import.meta.url));

/** The text of train.py. */
export function readTrainPy(): string {
  return readFileSync(TRAIN_PY_PATH, 'utf8');
}
