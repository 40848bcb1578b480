/**
 * `npm run export-pytorch`: writes train.py, config.json and the dataset files; resolves the config like
 * `npm run train`; bad input ends with a one-line error and exit code 2. (The scripts themselves run under real
 * PyTorch in test/export/pytorch.test.ts.)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runExportPytorch } from '../../src/cli/exportPytorch';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const work = mkdtempSync(join(tmpdir(), 'sp-export-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run export-pytorch', () => {
  it('writes the script, the config and the dataset files of the experiment the flags describe', async () => {
    const out = join(work, 'iris');
    const summary = await runExportPytorch([
      '--dataset',
      'iris',
      '--loss',
      'contrastive',
      '--miner',
      'batch-hard',
      '--steps',
      '120',
      '--seed',
      '4',
      '--out',
      out,
    ]);
    expect(readdirSync(out).sort()).toEqual([
      'config.json',
      'dataset.json',
      'test_x.npy',
      'test_y.npy',
      'train.py',
      'train_x.npy',
      'train_y.npy',
    ]);
    expect(summary.command).toBe(`python3 ${join(out, 'train.py')}`);
    // Dataset suggestions first (iris: MLP [16] → 8, P×K 24 over 3 classes), then the flags.
    expect(summary.config.model.mlp.hiddenUnits).toEqual([16]);
    expect(summary.config.batch).toMatchObject({ size: 24, classesPerBatch: 3 });
    expect(summary.config.objective.loss).toBe('contrastive');
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toEqual(summary.config);
    const script = readFileSync(join(out, 'train.py'), 'utf8');
    expect(script).toContain('"loss": "contrastive"');
    expect(script).toContain('"miner": "batch-hard"');
    expect(script).toContain('"steps": 120');
    const manifest = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'siamese-playground-dataset',
      name: 'iris',
      featureShape: [4],
      trainCount: 120,
      testCount: 30,
    });
  });

  it('ends with a one-line error and exit code 2 on bad input', async () => {
    const run = async (args: string[]) => {
      try {
        await exec(tsx, [join(root, 'src', 'cli', 'exportPytorch.ts'), ...args], { cwd: root, timeout: 120_000 });
        return { code: 0, stderr: '' };
      } catch (error) {
        const e = error as { code: number; stderr: string };
        return { code: e.code, stderr: e.stderr };
      }
    };
    const missingOut = await run(['--dataset', 'iris']);
    expect(missingOut.code).toBe(2);
    expect(missingOut.stderr).toBe('error: --out is required: the folder to write the script and the data into\n');
    await expect(runExportPytorch(['--dataset', 'nope', '--out', join(work, 'x')])).rejects.toThrow(
      /unknown built-in dataset "nope"/,
    );
    await expect(runExportPytorch(['--dataset', 'iris', '--tower', 'cnn', '--out', join(work, 'y')])).rejects.toThrow(
      /model.tower|CNN tower needs images/,
    );
    await expect(
      runExportPytorch(['--dataset', 'iris', '--mining', 'offline', '--out', join(work, 'z')]),
    ).rejects.toMatchObject({ name: 'PytorchExportError', option: 'mining.mode' });
  });
});
