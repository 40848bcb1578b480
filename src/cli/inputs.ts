/**
 * What the CLI commands read from disk: a `--config` JSON file and the dataset (a built-in, or `--data <file>` loaded
 * like an upload). Shared by `train` and `export-pytorch`, so both resolve their inputs the same way and fail with the
 * same one-line messages.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config, DeepPartial } from '../core/config';
import { loadBuiltinDataset } from '../core/data/builtin';
import type { Dataset } from '../core/data/dataset';
import { DataLoadError, DEFAULT_MAX_BYTES, loadUpload, type TableKind, type UploadSummary } from '../core/data/loaders';
import { formatBytes } from '../core/data/loaders/common';
import { MAX_EXPERIMENT_BYTES, readExperimentBytes, type Experiment } from '../core/export/experiment';
import { parseJsonStrict } from '../core/export/json';
import { nodeAssetReader } from './assets';
import { UsageError } from './args';

/**
 * A file's bytes, reading at most `maxBytes` (+1 to tell that there is more): a device or a pipe (/dev/zero, a FIFO)
 * is read like a file and refused once it passes the limit, instead of being read forever.
 */
export async function readCapped(path: string, maxBytes: number, flag: string): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new UsageError(
      `cannot read --${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1 << 20, maxBytes + 1 - total));
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(chunk, 0, chunk.length, null));
      } catch (error) {
        throw new UsageError(
          `cannot read --${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) {
        throw new UsageError(
          `--${flag} ${path} is larger than ${formatBytes(maxBytes)}, the limit for this input; nothing was read`,
        );
      }
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } finally {
    await handle.close();
  }
}

/** How a user file is read: the same choices the page offers when a file could be read several ways. */
export interface CliDataChoices {
  kind?: TableKind;
  labelColumn?: string;
}

/** The flag that makes each upload choice on the command line. */
const CHOICE_FLAGS = { tableKind: 'kind', labelColumn: 'label-column' } as const;

/**
 * A load error as the CLI shows it: an ambiguous file names the flag that chooses (the page shows the same message
 * with buttons).
 */
function cliLoadError(error: unknown): unknown {
  if (error instanceof DataLoadError && error.choices) {
    const flag = CHOICE_FLAGS[error.choices.option];
    const e = new DataLoadError({
      file: error.file,
      row: error.row,
      column: error.column,
      entry: error.entry,
      reason: `${error.reason} (choose with --${flag} ${error.choices.values.join('|')})`,
    });
    return e;
  }
  return error;
}

/** A dataset and, for a user file, the summary and notes the page shows for the same upload. */
export interface CliData {
  dataset: Dataset;
  summary?: UploadSummary;
}

/** The built-in `name`, or the user's file at `dataPath` parsed like an upload in the playground. */
export async function loadCliData(
  name: string,
  dataPath: string | undefined,
  seed: number,
  choices: CliDataChoices = {},
): Promise<CliData> {
  if (!dataPath) return { dataset: await loadBuiltinDataset(name, nodeAssetReader(), { seed }) };
  const bytes = await readCapped(dataPath, DEFAULT_MAX_BYTES, 'data');
  try {
    return await loadUpload([{ name: basename(dataPath), bytes }], {
      ...(choices.kind ? { tableKind: choices.kind } : {}),
      ...(choices.labelColumn !== undefined ? { labelColumn: choices.labelColumn } : {}),
    });
  } catch (error) {
    throw cliLoadError(error);
  }
}

/** The built-in `name`, or the user's file at `dataPath` (see loadCliData). */
export async function loadCliDataset(name: string, dataPath: string | undefined, seed: number): Promise<Dataset> {
  return (await loadCliData(name, dataPath, seed)).dataset;
}

/** An exported experiment file (`--experiment`), with the page's checks and messages. */
export async function readExperimentFile(path: string): Promise<Experiment> {
  const bytes = await readCapped(path, MAX_EXPERIMENT_BYTES, 'experiment');
  return readExperimentBytes(bytes, basename(path));
}

/**
 * The data an experiment trained on: its built-in, the upload saved inside it, or (when it was saved without its
 * data) the file given with --data, which must have the upload's name.
 */
export async function loadExperimentData(
  experiment: Experiment,
  dataPath: string | undefined,
  choices: CliDataChoices = {},
): Promise<CliData> {
  const ref = experiment.dataset;
  if (ref.kind === 'builtin') return loadCliData(ref.name, undefined, experiment.config.seed);
  if (ref.files) {
    try {
      return await loadUpload(ref.files.map((f) => ({ name: f.name, bytes: f.bytes, className: f.className })));
    } catch (error) {
      throw cliLoadError(error);
    }
  }
  const fileName = ref.name.replace(/^upload:/, '');
  if (!dataPath || basename(dataPath) !== fileName) {
    throw new UsageError(
      `the experiment trained on an upload (${fileName}) saved without its data: give it with --data ${fileName}`,
    );
  }
  return loadCliData(ref.name, dataPath, experiment.config.seed, choices);
}

/** A partial configuration from a JSON file (`--config`); unreadable or non-object files are usage errors. */
export async function readConfigFile(path: string): Promise<DeepPartial<Config>> {
  const text = new TextDecoder().decode(await readCapped(path, 10 * 1024 * 1024, 'config'));
  try {
    const parsed = parseJsonStrict(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('it is not a JSON object');
    return parsed as DeepPartial<Config>;
  } catch (error) {
    throw new UsageError(`--config ${path} is not a valid configuration: ${(error as Error).message}`);
  }
}
