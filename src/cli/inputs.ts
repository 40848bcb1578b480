/**
 * What the CLI commands read from disk: a `--config` JSON file and the dataset (a built-in, or `--data <file>` loaded
 * like an upload). Shared by `train` and `export-pytorch`, so both resolve their inputs the same way and fail with the
 * same one-line messages.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config, DeepPartial } from '../core/config';
import { loadBuiltinDataset } from '../core/data/builtin';
import type { Dataset } from '../core/data/dataset';
import { loadUpload } from '../core/data/loaders';
import { nodeAssetReader } from './assets';
import { UsageError } from './args';

/** The built-in `name`, or the user's file at `dataPath` parsed like an upload in the playground. */
export async function loadCliDataset(name: string, dataPath: string | undefined, seed: number): Promise<Dataset> {
  if (!dataPath) return loadBuiltinDataset(name, nodeAssetReader(), { seed });
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(dataPath));
  } catch (error) {
    throw new UsageError(
      `cannot read --data ${dataPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const { dataset } = await loadUpload([{ name: basename(dataPath), bytes }]);
  return dataset;
}

/** A partial configuration from a JSON file (`--config`); unreadable or non-object files are usage errors. */
export async function readConfigFile(path: string): Promise<DeepPartial<Config>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --config ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('it is not a JSON object');
    return parsed as DeepPartial<Config>;
  } catch (error) {
    throw new UsageError(`--config ${path} is not a valid configuration: ${(error as Error).message}`);
  }
}
