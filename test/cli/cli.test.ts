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
    // The verification figures say they come from a sample of the held-out pairs.
    expect(summary.metrics.pairSample.similar).toBeGreaterThan(0);
    expect(summary.metrics.pairSample.similar).toBeLessThanOrEqual(summary.metrics.pairSample.similarTotal);
    // Held-out queries against the training set: every held-out digit's class is in the training set.
    const reference = summary.queryAgainstTraining;
    expect(reference.protocol).toMatch(/training set as the reference/);
    expect(reference.excludedQueries).toBe(0);
    expect(reference.queries).toBeGreaterThan(0);
    for (const key of ['precisionAt1', 'rPrecision', 'mapAtR']) {
      expect(reference[key]).toBeGreaterThan(0.1);
      expect(reference[key]).toBeLessThanOrEqual(1);
    }
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
    expect(out.metrics.evaluationMs).toBeGreaterThanOrEqual(0);

    writeFileSync(join(dir, 'short.tsv'), meta.slice(0, 5).join('\n'));
    const bad = await cli('evaluate', ['--vectors', join(dir, 'vectors.tsv'), '--metadata', join(dir, 'short.tsv')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/short.tsv has 4 labelled rows but vectors.tsv has 10 vectors/);
    const missing = await cli('evaluate', ['--vectors', join(dir, 'vectors.tsv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--metadata is required/);
  });

  it('ranks the queries against a reference set with --reference (hand-worked answer) and checks the reference files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-eval-ref-'));
    // Queries 0, 5, 9 (A, B, C) against references 1, 4, 6, 10, 2 (A, B, A, B, B), 1-D:
    // q0 (R 2): A B … → P@1 1, RP 1/2, MAP@R 1/2; q1 (R 3): B A B (1 and 6 tie at 1, index order) → P@1 1, RP 2/3,
    // MAP@R 5/9; q2: no C in the reference → excluded. Means: P@1 1, RP 7/12, MAP@R 19/36.
    writeFileSync(join(dir, 'vectors.tsv'), '0\n5\n9\n');
    writeFileSync(join(dir, 'metadata.tsv'), 'label\nA\nB\nC\n');
    writeFileSync(join(dir, 'ref.tsv'), '1\n4\n6\n10\n2\n');
    writeFileSync(join(dir, 'ref-meta.tsv'), 'label\nA\nB\nA\nB\nB\n');
    const query = ['--vectors', join(dir, 'vectors.tsv'), '--metadata', join(dir, 'metadata.tsv'), '--backend', 'cpu'];
    const { code, stdout, stderr } = await cli('evaluate', [
      ...query,
      '--reference',
      join(dir, 'ref.tsv'),
      '--reference-metadata',
      join(dir, 'ref-meta.tsv'),
    ]);
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    const r = out.queryAgainstReference;
    expect(r.protocol).toMatch(/queries all --reference points/);
    expect([r.queries, r.excludedQueries, r.referencePoints]).toEqual([2, 1, 5]);
    expect(r.evaluationMs).toBeGreaterThanOrEqual(0);
    expect(r.precisionAt1).toBe(1);
    expect(r.rPrecision).toBeCloseTo(7 / 12, 12);
    expect(r.mapAtR).toBeCloseTo(19 / 36, 12);
    // Leave-one-out within the queries is still reported: no query label repeats, so nothing can be scored.
    expect(out.metrics.protocol).toMatch(/leave-one-out/);
    expect(out.metrics.queries).toBe(0);
    expect(out.metrics.pairSample).toMatchObject({ similar: 0, dissimilar: 3, exhaustive: true });

    const bad = async (files: Record<string, string>, extra: string[]) => {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      return cli('evaluate', [...query, ...extra]);
    };
    const wide = await bad({ 'wide.tsv': '1\t1\n4\t4\n6\t6\n10\t10\n2\t2\n' }, [
      '--reference',
      join(dir, 'wide.tsv'),
      '--reference-metadata',
      join(dir, 'ref-meta.tsv'),
    ]);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toMatch(/wide.tsv \(--reference\) has 2 values per vector but vectors.tsv has 1/);
    const notFinite = await bad({ 'nan.tsv': '1\n4\nNaN\n10\n2\n' }, [
      '--reference',
      join(dir, 'nan.tsv'),
      '--reference-metadata',
      join(dir, 'ref-meta.tsv'),
    ]);
    expect(notFinite.code).toBe(2);
    expect(notFinite.stderr).toMatch(/nan.tsv, line 3: "NaN" is not a number/);
    const huge = await bad({ 'huge.tsv': '1\n4\n6\n1e39\n2\n' }, [
      '--reference',
      join(dir, 'huge.tsv'),
      '--reference-metadata',
      join(dir, 'ref-meta.tsv'),
    ]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/huge.tsv, line 4, column 1: 1e39 is beyond the float32 range/);
    const short = await bad({ 'short-meta.tsv': 'label\nA\nB\n' }, [
      '--reference',
      join(dir, 'ref.tsv'),
      '--reference-metadata',
      join(dir, 'short-meta.tsv'),
    ]);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/short-meta.tsv has 2 labelled rows but ref.tsv has 5 vectors.*--reference-metadata/);
    const alone = await bad({}, ['--reference', join(dir, 'ref.tsv')]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--reference and --reference-metadata go together/);
  });
});
