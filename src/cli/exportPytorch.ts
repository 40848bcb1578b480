/**
 * `npm run export-pytorch -- --dataset fashion-mnist [the flags of npm run train] --out dir/`
 *
 * Writes the experiment as a runnable PyTorch script (train.py), its config (config.json) and the dataset files
 * the script reads (dataset.json + .npy: the playground's own train / held-out split) into `--out`. Then:
 *
 *     python3 dir/train.py --device cpu                     # or cuda
 *     torchrun --nproc_per_node=2 dir/train.py              # DistributedDataParallel
 *
 * Prints one JSON line: the folder, the files written and the command to run. Bad flags, unknown names, configs
 * the script cannot reproduce and unwritable folders end with a one-line error and exit code 2.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ConfigError, DEFAULT_CONFIG, makeConfig, type Config, type DeepPartial } from '../core/config';
import { builtinInfo } from '../core/data/builtin';
import { PYTORCH_SCRIPT_FILE, PytorchExportError, pytorchExportFiles } from '../core/export/pytorchScript';
import { readTrainPy } from './trainPy';
import { parseArgs, TRAIN_FLAGS, usage, UsageError } from './args';
import { loadCliDataset, readConfigFile } from './inputs';

const EXTRA_FLAGS = { config: false, data: false, out: false, help: true };
const EXTRA_HELP = {
  config: 'JSON file with a (partial) configuration; flags override it',
  data: 'export your own file instead of a built-in (CSV/TSV, .npy, image .zip, text CSV, pair file)',
  out: 'folder to write train.py, config.json and the dataset files into (created if missing)',
  help: 'this text',
};

/** What `runExportPytorch` wrote. */
export interface ExportSummary {
  out: string;
  files: { name: string; bytes: number }[];
  script: string;
  command: string;
  dataset: string;
  config: Config;
}

/**
 * Resolves the config exactly as `npm run train` does (dataset suggestions, then --config, then flags), loads the
 * data, and writes the export into --out. Returns the summary the command prints.
 */
export async function runExportPytorch(argv: string[]): Promise<ExportSummary> {
  const { patch, extra } = parseArgs(argv, TRAIN_FLAGS, EXTRA_FLAGS);
  if (typeof extra.out !== 'string' || extra.out.trim() === '')
    throw new UsageError('--out is required: the folder to write the script and the data into');
  const fromFile = typeof extra.config === 'string' ? await readConfigFile(extra.config) : {};
  const datasetName = patch.data?.dataset ?? fromFile.data?.dataset ?? DEFAULT_CONFIG.data.dataset;
  const dataPath = typeof extra.data === 'string' ? extra.data : undefined;
  let suggested: DeepPartial<Config> = {};
  if (!dataPath) {
    try {
      suggested = builtinInfo(datasetName).suggested;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const config = makeConfig(patch, makeConfig(fromFile, makeConfig(suggested)));
  if (dataPath) config.data.dataset = `upload:${basename(dataPath)}`;

  const dataset = await loadCliDataset(datasetName, dataPath, config.seed);
  const files = pytorchExportFiles(config, dataset, readTrainPy());
  const out = resolve(extra.out);
  try {
    await mkdir(out, { recursive: true });
    for (const file of files) await writeFile(join(out, file.name), file.bytes);
  } catch (error) {
    throw new UsageError(
      `cannot write into --out ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const script = join(out, PYTORCH_SCRIPT_FILE);
  return {
    out,
    files: files.map((f) => ({ name: f.name, bytes: f.bytes.length })),
    script,
    command: `python3 ${script}`,
    dataset: dataset.name,
    config,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(`${usage('export-pytorch', TRAIN_FLAGS, EXTRA_HELP)}\n`);
    return;
  }
  try {
    const summary = await runExportPytorch(argv);
    process.stderr.write(
      `wrote ${summary.files.length} files to ${summary.out}; run: ${summary.command}  (or torchrun --nproc_per_node=2 ${summary.script})\n`,
    );
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } catch (error) {
    const known =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof PytorchExportError ||
      (error instanceof Error && error.name === 'DataLoadError');
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message.split('\n')[0]}\n`);
    if (!known && error instanceof Error && process.env.DEBUG) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) void main();
