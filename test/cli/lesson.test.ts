/**
 * `npm run train -- --lesson <id>` and `--embeddings-out DIR`, as a user runs them: a real CLI process, real files,
 * and the written embeddings read back by `npm run evaluate`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseMetadataTsv, parseVectorsTsv } from '../../src/core/export/projectorTsv';
import { findLesson, lessonConfig } from '../../src/core/lessons/lessons';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const TIMEOUT = 300_000;

async function cli(
  script: 'train' | 'evaluate',
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(tsx, [join(root, 'src', 'cli', `${script}.ts`), ...args], {
      cwd: root,
      timeout: TIMEOUT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

describe('npm run train -- --lesson', () => {
  it(
    'mining-hard runs the lesson as the page sets it, visibly collapses (warning in JSON and on stderr) and writes the embeddings it evaluated',
    async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'sp-lesson-')), 'nested', 'out');
      const { code, stdout, stderr } = await cli('train', ['--lesson', 'mining-hard', '--embeddings-out', dir]);
      expect(code, stderr).toBe(0);
      const summary = lastJson(stdout);
      const expected = lessonConfig(findLesson('mining-hard')!);
      expect(summary.lesson).toBe('mining-hard');
      expect(summary.config).toEqual(expected);
      expect(summary.steps).toBe(expected.training.steps);

      // The collapse, in numbers and in words.
      expect(summary.scaleCollapse.squeezed).toBe(true);
      expect(summary.scaleCollapse.fractionBelow).toBeGreaterThanOrEqual(0.95);
      expect(summary.scaleCollapse.medianNegative).toBeLessThan(expected.objective.margin / 4);
      expect(summary.warnings).toHaveLength(1);
      expect(summary.warnings[0]).toMatch(/The embedding has shrunk: \d+% of held-out pairs are closer than 0\.100/);
      expect(stderr).toMatch(/warning: The embedding has shrunk/);

      // The files: one vector per held-out sample, its class name beside it.
      expect(summary.embeddingsOut).toEqual({
        directory: dir,
        files: ['vectors.tsv', 'metadata.tsv'],
        n: summary.embeddingsOut.n,
        dim: 32,
      });
      const vectors = parseVectorsTsv(readFileSync(join(dir, 'vectors.tsv'), 'utf8'), 'vectors.tsv');
      expect(vectors.n).toBe(summary.embeddingsOut.n);
      expect(vectors.dim).toBe(32);
      const meta = parseMetadataTsv(readFileSync(join(dir, 'metadata.tsv'), 'utf8'), 'metadata.tsv', vectors.n);
      expect(meta.header).toEqual(['label', 'index']);
      expect(new Set(meta.labels)).toEqual(new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']));
      // On the unit sphere, as the lesson configures.
      for (let i = 0; i < vectors.n; i += 37) {
        let sq = 0;
        for (let k = 0; k < vectors.dim; k++) sq += vectors.vectors[i * vectors.dim + k] ** 2;
        expect(Math.sqrt(sq)).toBeCloseTo(1, 4);
      }
      // They are the embeddings the run evaluated: the evaluator finds the same retrieval numbers in them.
      const evaluated = await cli('evaluate', [
        '--vectors',
        join(dir, 'vectors.tsv'),
        '--metadata',
        join(dir, 'metadata.tsv'),
      ]);
      expect(evaluated.code, evaluated.stderr).toBe(0);
      const out = lastJson(evaluated.stdout);
      expect(out.points).toBe(vectors.n);
      expect(out.metrics.precisionAt1).toBeCloseTo(summary.metrics.precisionAt1, 2);
      expect(out.metrics.mapAtR).toBeCloseTo(summary.metrics.mapAtR, 2);
    },
    TIMEOUT,
  );

  it(
    'flags change a lesson (--steps, --seed); a default healthy run raises no warning',
    async () => {
      const lesson = await cli('train', ['--lesson', 'mining-semi-hard', '--steps', '40', '--seed', '2', '--quiet']);
      expect(lesson.code, lesson.stderr).toBe(0);
      const summary = lastJson(lesson.stdout);
      expect(summary.steps).toBe(40);
      expect(summary.seed).toBe(2);
      expect(summary.config.mining.miner).toBe('semi-hard');
      expect(summary.config.training.evalEvery).toBe(20);
      expect(lesson.stderr).toBe('');

      const healthy = await cli('train', ['--dataset', 'digits', '--steps', '150', '--quiet']);
      expect(healthy.code, healthy.stderr).toBe(0);
      const h = lastJson(healthy.stdout);
      expect(h.lesson).toBeUndefined();
      expect(h.config.mining.miner).toBe('all');
      expect(h.scaleCollapse.squeezed).toBe(false);
      expect(h.scaleCollapse.fractionBelow).toBeLessThan(0.5);
      expect(h.warnings).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'refuses an unknown lesson, a dataset that is not the lesson’s, and an output path that is a file, before training',
    async () => {
      const unknown = await cli('train', ['--lesson', 'mining-harder']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(
        /--lesson "mining-harder" is not a lesson; lessons: siamese-basics, .*mining-hard/,
      );
      expect(unknown.stdout).toBe('');

      const other = await cli('train', ['--lesson', 'mining-hard', '--dataset', 'iris']);
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/--lesson mining-hard trains on "digits", but --dataset asks for "iris"/);

      const file = join(mkdtempSync(join(tmpdir(), 'sp-lesson-')), 'taken');
      writeFileSync(file, 'not a directory');
      const taken = await cli('train', ['--lesson', 'mining-hard', '--embeddings-out', file]);
      expect(taken.code).toBe(2);
      expect(taken.stderr.trim().split('\n')).toEqual([
        `error: --embeddings-out ${file}: a file of that name exists; give a directory`,
      ]);
      expect(readFileSync(file, 'utf8')).toBe('not a directory');
      expect(existsSync(join(file, 'vectors.tsv'))).toBe(false);
    },
    TIMEOUT,
  );

  it('--help documents both flags', async () => {
    const { code, stdout } = await cli('train', ['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--lesson\s+run a lesson's configuration and steps/);
    expect(stdout).toMatch(/--embeddings-out\s+write the held-out embeddings .* vectors\.tsv \+ metadata\.tsv/);
  });
});
