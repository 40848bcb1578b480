import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

async function train(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(tsx, [join(root, 'src', 'cli', 'train.ts'), ...args], {
      cwd: root,
      timeout: 180_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const SMALL = ['--dataset', 'digits', '--hidden', '32', '--embedding-dim', '16', '--batch', '40', '--backend', 'cpu'];
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

describe('npm run train --unseen-classes', () => {
  it('holds classes 5–9 out: the JSON names the protocol, metrics and the TSV are about those classes only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-unseen-'));
    const { code, stdout, stderr } = await train([
      ...SMALL,
      '--unseen-classes',
      '5,6,7,8,9',
      '--steps',
      '40',
      '--eval-every',
      '20',
      '--embeddings-out',
      dir,
    ]);
    expect(code, stderr).toBe(0);
    const summary = lastJson(stdout);
    expect(summary.protocol).toEqual({
      kind: 'unseen-classes',
      classes: [5, 6, 7, 8, 9],
      classNames: ['5', '6', '7', '8', '9'],
    });
    expect(summary.config.data.unseenClasses).toEqual([5, 6, 7, 8, 9]);
    // 8 classes per batch cannot come from 5 seen classes: the batch is refitted and the note says how.
    expect(summary.config.batch.classesPerBatch).toBe(5);
    expect(stderr).toMatch(/only 5 classes are left to train on, so a P×K batch of 40 takes 5 classes × 8 samples/);
    expect(stderr).toMatch(/training never sees 5, 6, 7, 8, 9/);
    expect(stderr).toMatch(/step 20 .*MAP@R [\d.]+ \(seen classes MAP@R [\d.]+\) align [\d.]+ uniform -[\d.]+/);
    for (const key of ['precisionAt1', 'rPrecision', 'mapAtR']) {
      expect(summary.metrics[key]).toBeGreaterThan(0);
      expect(summary.metrics[key]).toBeLessThanOrEqual(1);
    }
    // The threshold is the one chosen on the seen classes; its accuracy is reported on the unseen ones.
    expect(summary.metrics.threshold).toBe(summary.seenMetrics.threshold);
    expect(summary.seenMetrics.mapAtR).toBeGreaterThan(0);
    expect(summary.geometry.alignment).toBeGreaterThan(0);
    expect(summary.geometry.uniformity).toBeLessThan(0);
    expect(summary.geometry.uniformity).toBeGreaterThanOrEqual(-8);

    const metadata = readFileSync(join(dir, 'metadata.tsv'), 'utf8').trim().split('\n');
    const vectors = readFileSync(join(dir, 'vectors.tsv'), 'utf8').trim().split('\n');
    expect(metadata[0]).toBe('label\tindex');
    const classes = new Set(metadata.slice(1).map((line) => line.split('\t')[0]));
    expect([...classes].sort()).toEqual(['5', '6', '7', '8', '9']);
    expect(vectors).toHaveLength(metadata.length - 1);
    expect(summary.embeddingsOut.n).toBe(vectors.length);
  });

  it('a single number is a seeded choice of that many classes, the same for the same seed', async () => {
    const run = (seed: string) =>
      train([...SMALL, '--classes', '4', '--unseen-classes', '3', '--steps', '3', '--seed', seed]).then((r) => {
        expect(r.code, r.stderr).toBe(0);
        return lastJson(r.stdout);
      });
    const [a, b] = [await run('7'), await run('7')];
    expect(a.protocol.kind).toBe('unseen-classes');
    expect(a.protocol.classes).toHaveLength(3);
    expect(b.protocol.classes).toEqual(a.protocol.classes);
    expect(a.config.data.unseenCount).toBe(3);
  });

  it('refuses class ids the data does not have, and a single unseen class, with exit code 2', async () => {
    const missing = await train([...SMALL, '--unseen-classes', '4,12', '--steps', '3']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error: .*classes 0\.\.9, so it has no class 12/);
    expect(missing.stdout).toBe('');
    const one = await train([...SMALL, '--unseen-classes', '1', '--steps', '3']);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/needs at least 2/);
    const bad = await train([...SMALL, '--unseen-classes', '5,x', '--steps', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--unseen-classes takes a whole number, got "x"/);
  });
});
