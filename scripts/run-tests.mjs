#!/usr/bin/env node
/**
 * `npm test`: every test the project has, in order — the type check, the formatter and linter check (Biome), the
 * Python check of the exported PyTorch script (src/core/export/train.py: byte-compiled, linted with pyflakes), the
 * Node suite (core, worker, UI logic, CLI, exports), the end-to-end suite in Debian's Chromium (the deep one) and
 * the cross-engine smoke suite in Firefox ESR and WebKitGTK, all against one production build — then one line
 * `N passed, N failed` summed over all of them (each check counts as one test). Each vitest run also writes its JSON
 * report to .test-results/, so CI reads numbers, not vitest's summary. Exits non-zero if anything failed.
 *
 * Set-up first: the Debian packages the suites need (Chromium, Firefox ESR, WebKitWebDriver + MiniBrowser, Xvfb,
 * PyTorch for the exported-script tests). Missing ones are installed with apt when this runs as root, in one line
 * that says what it installs. Without root or apt, it prints the exact command to run, still runs everything that
 * does not need the missing piece, and counts each suite that could not run as failed: nothing passes silently.
 *
 * `npm test -- --no-e2e` leaves out the browser suites (for machines without browsers); CI never passes it.
 * `npm test -- --no-install` never calls apt (the missing pieces are then reported and counted as failed).
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
const mayInstall = !process.argv.includes('--no-install');

/** What each suite needs from Debian: a file that proves the package is there, and the package. */
const NEEDS = {
  pytorch: [{ ok: () => spawnSync('/usr/bin/python3', ['-c', 'import torch']).status === 0, pkg: 'python3-torch' }],
  pyflakes: [{ ok: () => spawnSync('/usr/bin/python3', ['-c', 'import pyflakes']).status === 0, pkg: 'pyflakes3' }],
  chromium: [{ ok: () => existsSync('/usr/bin/chromium'), pkg: 'chromium' }],
  firefox: [{ ok: () => existsSync('/usr/bin/firefox-esr'), pkg: 'firefox-esr' }],
  webkit: [
    { ok: () => existsSync('/usr/bin/WebKitWebDriver'), pkg: 'webkit2gtk-driver' },
    { ok: () => existsSync('/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'), pkg: 'libwebkit2gtk-4.1-0' },
    { ok: () => existsSync('/usr/bin/xvfb-run'), pkg: 'xvfb' },
  ],
};
/** Packages of `part` that are missing. */
const missingOf = (part) => NEEDS[part].filter((need) => !need.ok()).map((need) => need.pkg);

let passed = 0;
let failed = 0;
const parts = [];

function run(label, command, args, env = {}) {
  console.log(`\n== ${label}: ${[command, ...args].join(' ')}`);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function vitest(label, configArgs, file, env = {}) {
  const report = resolve(out, file);
  const status = run(
    label,
    bin('vitest'),
    ['run', ...configArgs, '--reporter=default', '--reporter=json', `--outputFile=${report}`],
    env,
  );
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

/**
 * The Chromium suite, then the smoke suite in Firefox and in WebKit, against one production build (E2E_DIST) so the
 * app is built once, not three times. A suite whose engine is missing counts as failed.
 */
function browserSuites() {
  const dist = mkdtempSync(join(tmpdir(), 'siamese-test-build-'));
  try {
    const built = run('production build for the browser suites', bin('vite'), [
      'build',
      '--outDir',
      dist,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ]);
    const suites = [
      { label: 'browser suite (Chromium)', part: 'chromium', args: ['-c', 'vitest.e2e.config.ts'], env: {} },
      {
        label: 'smoke suite (Firefox ESR)',
        part: 'firefox',
        args: ['-c', 'vitest.engines.config.ts'],
        env: { E2E_ENGINE: 'firefox' },
      },
      {
        label: 'smoke suite (WebKit)',
        part: 'webkit',
        args: ['-c', 'vitest.engines.config.ts'],
        env: { E2E_ENGINE: 'webkit' },
      },
    ];
    for (const suite of suites) {
      const missing = missingOf(suite.part);
      if (built !== 0) {
        failed += 1;
        parts.push(`${suite.label}: FAILED (not run: the production build failed)`);
      } else if (missing.length) cannotRun(suite.label, missing);
      else vitest(suite.label, suite.args, `${suite.part}.json`, { ...suite.env, E2E_DIST: dist });
    }
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
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
 * unused imports) when Debian's pyflakes3 is installed (the set-up installs it); without it only pyflakes is skipped,
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
          '\n!! Install it with `apt-get install pyflakes3` (the set-up does, as root).\n',
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

/** Installs what the suites to run lack, when root with apt may; says what it did or what to run. */
function setUp() {
  const needed = ['pytorch', 'pyflakes', ...(withE2e ? ['chromium', 'firefox', 'webkit'] : [])];
  const missing = [...new Set(needed.flatMap(missingOf))];
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(' ')}`;
  const hasApt = existsSync('/usr/bin/apt-get');
  const isRoot = process.getuid?.() === 0;
  if (mayInstall && hasApt && isRoot) {
    console.log(`\n== set-up: installing from Debian what the tests need: ${missing.join(', ')} (${command})`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
    const still = [...new Set(needed.flatMap(missingOf))];
    if (still.length) console.log(`== set-up: still missing after apt: ${still.join(', ')}`);
    return;
  }
  const why = !mayInstall ? '--no-install was given' : !hasApt ? 'no apt-get here' : 'not running as root';
  console.log(`\n== set-up: missing ${missing.join(', ')} (${why}); install them with: sudo ${command}`);
  console.log('   Everything that does not need them runs now; each suite that needs them counts as failed.');
}

/** A suite that cannot run for lack of `packages`: one failure, with the command that fixes it. */
function cannotRun(label, packages) {
  console.log(`\n== ${label}: NOT RUN, missing ${packages.join(', ')}: sudo apt-get install -y ${packages.join(' ')}`);
  failed += 1;
  parts.push(`${label}: FAILED (not run: missing ${packages.join(', ')})`);
}

setUp();
typeCheck();
check('format and lint', bin('biome'), ['check', '.']);
pythonCheck();
vitest('node suite', [], 'node.json');
if (withE2e) browserSuites();
else parts.push('browser suites: left out (--no-e2e)');

writeFileSync(resolve(out, 'summary.json'), JSON.stringify({ passed, failed, parts }, null, 2));
console.log(`\n${parts.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
