/**
 * Hostile input through the real `npm run train` / `npm run evaluate` processes: a stream with no end, a file that
 * could be read several ways (refused with the page's message plus the flag that chooses), notes on stderr and in the
 * JSON, loose numbers in flags, and exported experiments continued with `--experiment` (damaged ones refused).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeAssetReader } from '../../src/cli/assets';
import { loadBuiltinDataset } from '../../src/core/data/builtin';
import { serialiseExperiment } from '../../src/core/export/experiment';
import { defaultConfigFor } from '../../src/core/share/link';
import { Trainer } from '../../src/core/train/trainer';
import { useCpuBackend } from '../helpers/tf';
import { CORPUS } from './corpus';
import { EXPERIMENT_CASES } from './experimentCorpus';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'sp-hostile-'));

async function cli(script: 'train' | 'evaluate', args: string[]) {
  try {
    const { stdout, stderr } = await exec(tsx, [join(root, 'src', 'cli', `${script}.ts`), ...args], {
      cwd: root,
      timeout: 150_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Writes a corpus case's single file into the temp folder and returns its path. */
function corpusFile(name: string): string {
  const file = CORPUS.find((c) => c.name === name)!.files()[0];
  const path = join(dir, file.name);
  writeFileSync(path, file.bytes);
  return path;
}

const SMALL = [
  '--steps',
  '3',
  '--batch',
  '8',
  '--classes',
  '2',
  '--hidden',
  '4',
  '--embedding-dim',
  '2',
  '--backend',
  'cpu',
];

describe('npm run train with hostile input', { timeout: 200_000 }, () => {
  it('refuses an endless stream (/dev/zero) at the upload limit', async () => {
    const { code, stderr } = await cli('train', ['--data', '/dev/zero', '--backend', 'cpu']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/error: --data \/dev\/zero is larger than 100\.0 MB, the limit for this input/);
  });

  it('refuses an ambiguous table with the choices and their flag, and trains once --kind chooses', async () => {
    // The corpus's text-and-numbers.csv, with enough rows per class to train on.
    const path = join(dir, 'text-and-numbers.csv');
    const rows = ['id,x,y,label'];
    for (let i = 0; i < 40; i++) rows.push(`r${i % 7}x${i},${i},${i * 2},${i % 2 ? 'a' : 'b'}`);
    writeFileSync(path, `${rows.join('\n')}\n`);
    const refused = await cli('train', ['--data', path, ...SMALL]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /error: text-and-numbers\.csv: "id" holds text but "x", "y" hold numbers: .*choose how to read it \(choose with --kind text\|tabular\)/,
    );
    const chosen = await cli('train', ['--data', path, '--kind', 'text', '--tower', 'gru', ...SMALL]);
    expect(chosen.code, chosen.stderr).toBe(0);
    const summary = JSON.parse(chosen.stdout.trim().split('\n').pop()!);
    expect(summary.data).toMatchObject({ kind: 'text-csv', samples: 40, classes: 2 });
    expect(summary.data.notes.join('\n')).toMatch(/2 other columns ignored/);
    expect(chosen.stderr).toMatch(/data: text-csv, 40 samples, 2 classes/);
    expect(chosen.stderr).toMatch(/note: 2 other columns ignored/);
  });

  it('prints the encoding note of a Windows-1252 file on stderr and in the JSON', async () => {
    // The corpus's latin1-labels.csv (café, cafè, cafe in Windows-1252), with enough rows per class to train on.
    const path = join(dir, 'latin1-labels.csv');
    const rows = ['x,label'];
    for (let i = 0; i < 45; i++) rows.push(`${i},${['café', 'cafè', 'cafe'][i % 3]}`);
    writeFileSync(
      path,
      Uint8Array.from(`${rows.join('\n')}\n`, (ch) => ch.charCodeAt(0)),
    );
    const { code, stdout, stderr } = await cli('train', [
      '--data',
      path,
      ...SMALL.slice(0, 2),
      '--batch',
      '6',
      '--classes',
      '3',
      ...SMALL.slice(6),
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/note: encoding: not valid UTF-8, read as Windows-1252/);
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(summary.data.classes).toBe(3);
    expect(summary.data.notes.join('\n')).toMatch(/Windows-1252/);
  });

  it('refuses loose numbers in flags and values beyond float32 in a CSV, naming row and column', async () => {
    const hex = await cli('train', ['--dataset', 'blobs', '--seed', '0x10']);
    expect(hex.code).toBe(2);
    expect(hex.stderr).toMatch(/--seed takes a whole number, got "0x10"/);
    const big = await cli('train', ['--data', corpusFile('csv-1e308.csv'), ...SMALL]);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/error: csv-1e308\.csv, row 3, column "y": 1e308 is beyond the float32 range/);
  });

  it('refuses an experiment with NaN weights, before training', async () => {
    const c = EXPERIMENT_CASES.find((x) => x.name === 'weights-nan')!;
    const path = join(dir, 'nan.json');
    writeFileSync(path, c.text());
    const { code, stdout, stderr } = await cli('train', ['--experiment', path]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/error: nan\.json has weight dense\/kernel holding NaN at index 2/);
  });

  describe('--experiment continues an exported run', () => {
    let path = '';
    beforeAll(async () => {
      await useCpuBackend();
      const config = defaultConfigFor('blobs');
      config.model.mlp.hiddenUnits = [8];
      config.model.embeddingDim = 2;
      const trainer = Trainer.init(config, await loadBuiltinDataset('blobs', nodeAssetReader(), { seed: config.seed }));
      for (let i = 0; i < 4; i++) trainer.step();
      const weights = trainer.exportModelWeights();
      trainer.dispose();
      path = join(dir, 'run.json');
      writeFileSync(
        path,
        serialiseExperiment({
          title: 'blobs',
          savedAt: '',
          config,
          dataset: { kind: 'builtin', name: 'blobs' },
          step: 4,
          epoch: 0,
          history: { progress: [], metrics: [] },
          weights,
        }),
      );
    });

    it('trains --steps more steps from the saved step, and refuses flags that would change the model', async () => {
      const { code, stdout, stderr } = await cli('train', ['--experiment', path, '--steps', '3', '--backend', 'cpu']);
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/continuing run\.json from step 4/);
      const summary = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(summary.steps).toBe(7);
      expect(summary.data).toMatchObject({ kind: 'builtin', classes: 5 });
      expect(Number.isFinite(summary.finalLoss)).toBe(true);
      const mixed = await cli('train', ['--experiment', path, '--tower', 'cnn']);
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toMatch(/--experiment takes its configuration from the file/);
    });
  });
});

describe('npm run evaluate with hostile input', { timeout: 200_000 }, () => {
  it('refuses a vectors.tsv value beyond float32, naming line and column', async () => {
    const vectors = join(dir, 'vectors.tsv');
    const metadata = join(dir, 'metadata.tsv');
    writeFileSync(vectors, '0.1\t0.2\n0.3\t1e39\n0.5\t0.6\n0.7\t0.8\n');
    writeFileSync(metadata, 'label\na\na\nb\nb\n');
    const { code, stderr } = await cli('evaluate', ['--vectors', vectors, '--metadata', metadata, '--backend', 'cpu']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/vectors\.tsv, line 2, column 2: 1e39 is beyond the float32 range/);
  });
});
