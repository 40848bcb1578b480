import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

async function cli(
  script: 'train' | 'evaluate',
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(tsx, [join(root, 'src', 'cli', `${script}.ts`), ...args], {
      cwd: root,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run train', () => {
  it('trains and prints one JSON summary as the last stdout line', async () => {
    const { code, stdout, stderr } = await cli('train', [
      '--dataset',
      'digits',
      '--steps',
      '30',
      '--eval-every',
      '10',
      '--hidden',
      '32',
      '--embedding-dim',
      '16',
      '--batch',
      '40',
      '--classes',
      '10',
      '--seed',
      '3',
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]);
    expect(summary.steps).toBe(30);
    expect(['wasm', 'cpu']).toContain(summary.backend);
    expect(summary.stepsPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
    for (const key of ['precisionAt1', 'rPrecision', 'mapAtR']) expect(summary.metrics[key]).toBeGreaterThan(0.1);
    expect(summary.config.model.mlp.hiddenUnits).toEqual([32]);
    expect(stderr).toMatch(/step 10 epoch \d+ loss/);
  });

  it('trains on a user CSV given with --data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-cli-'));
    const rows = ['x,y,label'];
    for (let i = 0; i < 60; i++) rows.push(`${(i % 3) * 5 + (i % 7) * 0.1},${(i % 3) * -4 + (i % 5) * 0.1},c${i % 3}`);
    writeFileSync(join(dir, 'points.csv'), rows.join('\n'));
    const { code, stdout } = await cli('train', [
      '--data',
      join(dir, 'points.csv'),
      '--steps',
      '5',
      '--classes',
      '3',
      '--batch',
      '12',
      '--hidden',
      '8',
      '--embedding-dim',
      '2',
      '--backend',
      'cpu',
    ]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(summary.dataset).toMatch(/points/);
    expect(summary.backend).toBe('cpu');
  });

  it.each([
    [['--dataset', 'nope'], /unknown.*dataset.*fashion-mnist/i],
    [['--steps', 'ten'], /--steps takes a whole number, got "ten"/],
    [['--frobnicate', '1'], /unknown flag --frobnicate; known flags:/],
    [['--loss', 'hinge'], /objective.loss is "hinge"; allowed: contrastive/],
    [['--config', '/no/such/file.json'], /cannot read --config \/no\/such\/file.json: ENOENT/],
    [['--data', '/no/such/data.csv'], /cannot read --data \/no\/such\/data.csv: ENOENT/],
    [['--steps'], /--steps needs a value/],
  ])('bad input %j ends with a one-line error and exit code 2', async (args, pattern) => {
    const { code, stderr, stdout } = await cli('train', args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(pattern);
  });
});

describe('npm run evaluate', () => {
  it('reads Embedding Projector TSV and prints the metrics as JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-eval-'));
    // Two tight, far-apart clusters: perfect retrieval.
    const vectors: string[] = [];
    const meta = ['label\tindex'];
    for (let i = 0; i < 10; i++) {
      const c = i % 2;
      vectors.push([c * 10 + i * 0.01, c * -10, 1].join('\t'));
      meta.push(`${c ? 'cat' : 'dog'}\t${i}`);
    }
    writeFileSync(join(dir, 'vectors.tsv'), `${vectors.join('\n')}\n`);
    writeFileSync(join(dir, 'metadata.tsv'), `${meta.join('\n')}\n`);
    const { code, stdout } = await cli('evaluate', [
      '--vectors',
      join(dir, 'vectors.tsv'),
      '--metadata',
      join(dir, 'metadata.tsv'),
    ]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.metrics.precisionAt1).toBe(1);
    expect(out.metrics.rPrecision).toBe(1);
    expect(out.metrics.mapAtR).toBe(1);
    expect(out.points).toBe(10);

    writeFileSync(join(dir, 'short.tsv'), meta.slice(0, 5).join('\n'));
    const bad = await cli('evaluate', ['--vectors', join(dir, 'vectors.tsv'), '--metadata', join(dir, 'short.tsv')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/short.tsv has 4 labelled rows but vectors.tsv has 10 vectors/);
    const missing = await cli('evaluate', ['--vectors', join(dir, 'vectors.tsv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--metadata is required/);
  });
});
