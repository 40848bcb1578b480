#!/usr/bin/env node
/**
 * `npm test`: every test the project has, in order — the type check, the formatter and linter check (Biome), the
 * Python check of the exported PyTorch script (src/core/export/train.py: byte-compiled, linted with pyflakes), the
 * Node suite (core, worker, UI logic, CLI, exports) and the end-to-end suite in Debian's Chromium against the built
 * app — then one line `N passed, N failed` summed over all of them (each check counts as one test). Each vitest run
 * also writes its JSON report to .test-results/, so CI reads numbers, not vitest's summary. Exits non-zero if
 * anything failed.
 *
 * `npm test -- --no-e2e` leaves out the browser suite (for machines without Chromium); CI never passes it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, '.test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bin = (name) => resolve(root, 'node_modules', '.bin', name);
const withE2e = !process.argv.includes('--no-e2e');

let passed = 0;
let failed = 0;
const parts = [];

function run(label, command, args) {
  console.log(`\n== ${label}: ${[command, ...args].join(' ')}`);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

function vitest(label, configArgs, file) {
  const report = resolve(out, file);
  const status = run(label, bin('vitest'), [
    'run',
    ...configArgs,
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${report}`,
  ]);
  let p = 0;
  let f = 0;
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    p = r.numPassedTests ?? 0;
    // Each failing test counts once; a file that failed with no failing test in it (it did not load, or a hook
    // threw) counts as one more. A failing test also fails its file, so summing the two totals would count it twice.
    const brokenFiles = (r.testResults ?? []).filter(
      (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
    ).length;
    f = (r.numFailedTests ?? 0) + brokenFiles;
  } catch {
    f = 1;
  }
  if (status !== 0 && f === 0) f = 1;
  passed += p;
  failed += f;
  parts.push(`${label}: ${p} passed, ${f} failed`);
}

/** A check that is one test: it passes or fails as a whole. */
function check(label, command, args) {
  const status = run(label, command, args);
  if (status === 0) passed += 1;
  else failed += 1;
  parts.push(`${label}: ${status === 0 ? 'ok' : 'FAILED'}`);
}

/**
 * The exported PyTorch script's source as Python tools see it: `py_compile` (syntax), then pyflakes (undefined names,
 * unused imports) when Debian's pyflakes3 is installed — .ci/run installs it; without it only pyflakes is skipped,
 * with a warning. Compiled files go to a temporary folder, not next to the script. One test.
 */
function pythonCheck() {
  const label = 'Python script';
  const script = resolve(root, 'src/core/export/train.py');
  // Debian's interpreter, where python3-torch and pyflakes3 install (the exported-script tests use it too).
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const cache = mkdtempSync(join(tmpdir(), 'train-py-'));
  const env = { ...process.env, PYTHONPYCACHEPREFIX: cache };
  console.log(`\n== ${label}: ${python} -m py_compile ${script}; ${python} -m pyflakes ${script}`);
  let ok = spawnSync(python, ['-m', 'py_compile', script], { cwd: root, stdio: 'inherit', env }).status === 0;
  let note = '';
  if (ok) {
    const probe = spawnSync(python, ['-c', 'import pyflakes'], { cwd: root, stdio: 'ignore', env });
    if (probe.status === 0) {
      ok = spawnSync(python, ['-m', 'pyflakes', script], { cwd: root, stdio: 'inherit', env }).status === 0;
    } else {
      note = ' (byte-compiled only: pyflakes is missing)';
      console.log(
        `\n!! WARNING: pyflakes is not installed for ${python}, so train.py was byte-compiled but NOT linted.` +
          '\n!! Install it with `apt-get install pyflakes3` (.ci/run does).\n',
      );
    }
  }
  rmSync(cache, { recursive: true, force: true });
  if (ok) passed += 1;
  else failed += 1;
  parts.push(`${label}: ${ok ? 'ok' : 'FAILED'}${note}`);
}

/**
 * The type check is one test over every program: everything together (tsconfig.json, the tests' view), then each
 * side against its own platform library: the core against ECMAScript and the globals of types/platform.d.ts only,
 * the workers against WebWorker, the page against the DOM.
 */
function typeCheck() {
  const configs = ['tsconfig.json', 'tsconfig.core.json', 'tsconfig.worker.json', 'tsconfig.page.json'];
  const broken = configs.filter(
    (config) => run(`type check (${config})`, bin('tsc'), ['--noEmit', '-p', config]) !== 0,
  );
  if (broken.length === 0) passed += 1;
  else failed += 1;
  parts.push(`type check: ${broken.length === 0 ? 'ok' : `FAILED (${broken.join(', ')})`}`);
}

typeCheck();
check('format and lint', bin('biome'), ['check', '.']);
pythonCheck();
vitest('node suite', [], 'node.json');
if (withE2e) vitest('browser suite', ['-c', 'vitest.e2e.config.ts'], 'e2e.json');

writeFileSync(resolve(out, 'summary.json'), JSON.stringify({ passed, failed, parts }, null, 2));
console.log(`\n${parts.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
