/**
 * The smoke path in Firefox and WebKit (`E2E_ENGINE`), plus what differs between engines: training in a worker on
 * WASM (SIMD or the plain build, said on the page), WebGL in a worker or the stated reason why not, the scatter
 * painted in a worker of its own, a CSV upload and a broken one, an experiment downloaded and imported again, and
 * the IndexedDB autosave across a reload. The Chromium suite (test/e2e) is the deep one.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gaussianCsv, raggedCsv } from '../e2e/fixtures';
import { pattern } from './drivers';
import { useEngine } from './harness';

const session = useEngine();
const files = mkdtempSync(join(tmpdir(), `siamese-${process.env.E2E_ENGINE}-files-`));
afterAll(() => rmSync(files, { recursive: true, force: true }));

const button = (name: string) => ({ role: 'button', name });
const saveShare = { role: 'region', name: 'Save and share' };
/** Opens one of the page's panels (Data, Save & share, …) in the drawer; each test starts with them closed. */
const openPanel = (name: string) =>
  session.page.click({ ...button(name), within: { role: 'navigation', name: 'Panels' } });
const SIMD_MODULE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11,
];

/** The backend note's text ('' when there is none). */
async function backendNote(): Promise<string> {
  return (await session.texts({ role: 'note', name: 'Backend note' }))[0] ?? '';
}

interface Metrics {
  step: number | null;
  mapAtR: number | null;
}

/** The held-out metrics readout: its step and MAP@R (null while it shows none). Runs in the page. */
function readMetrics(): Metrics {
  const probe = (window as unknown as { __e2e: { findAll(q: object): Element[] } }).__e2e;
  const dl = probe.findAll({ name: 'Held-out metrics' })[0];
  const step = dl?.getAttribute('data-step') ?? null;
  const value = Number.parseFloat(dl?.querySelector('[data-metric="mapAtR"]')?.textContent ?? '');
  return { step: step === null || step === '' ? null : Number(step), mapAtR: Number.isFinite(value) ? value : null };
}

/** The metrics once they show a step after `after` (any step when null) and a MAP@R. */
function waitForMetrics(what: string, after: number | null, timeout?: number): Promise<Metrics> {
  return session.until(
    what,
    readMetrics,
    (m, later) => m.step !== null && m.mapAtR !== null && (later === null || m.step > later),
    [after],
    timeout,
  );
}

/** The metrics once they show step `step` and a MAP@R. */
function waitForMetricsOf(step: number): Promise<Metrics> {
  return session.until(`metrics of step ${step}`, readMetrics, (m, at) => m.step === at && m.mapAtR !== null, [step]);
}

/** Resolves once `path` exists with `size` bytes: woken by the folder's change events (inotify), not polled. */
function waitForFile(path: string, size: number, timeout = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dirname(path));
    const finish = (error?: Error) => {
      watcher.close();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (existsSync(path) && statSync(path).size === size) finish();
    };
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${timeout} ms waiting for ${path} (${size} bytes)`)),
      timeout,
    );
    watcher.on('change', check);
    watcher.on('error', (error) => finish(error));
    check();
  });
}

/** The Dataset combobox's value (runs in the page). */
function readDataset(): string {
  return (window as unknown as { __e2e: { find(q: object): HTMLSelectElement } }).__e2e.find({
    role: 'combobox',
    name: 'Dataset',
  }).value;
}

/** Writes an upload fixture to disk (WebDriver and BiDi choose files by path). */
function onDisk(file: { name: string; buffer: Buffer }): string {
  const path = join(files, file.name);
  writeFileSync(path, file.buffer);
  return path;
}

describe(`${process.env.E2E_ENGINE}: the default demo`, () => {
  it('trains in the worker on WASM, shows steps, loss and held-out metrics advancing, and pauses', async () => {
    await session.open();
    // WebKit runs in the POSIX locale (drivers.ts): the page started although Intl refuses its language tag.
    if (session.page.engine === 'webkit')
      expect(await session.page.run<string>('return navigator.language;')).toBe('C');
    const ready = await session.status();
    expect(ready.step).toBe(0);
    // Auto picks WASM here: headless engines give no hardware WebGL. The note says why, in this engine's words.
    expect(ready.backend).toBe('wasm');
    expect(await backendNote()).toMatch(/^WebGL (could not start \(.+\)|is a software renderer .+); using WASM|^WebGL/);
    const simd = await session.page.run<boolean>(
      'return WebAssembly.validate(new Uint8Array(arguments[0]));',
      SIMD_MODULE,
    );
    // The plain WASM build is used, and said, exactly where the engine lacks SIMD.
    if (simd) expect(await backendNote()).not.toMatch(/no SIMD/);
    else expect(await backendNote()).toMatch(/WebAssembly has no SIMD, so WASM runs its plain build/);

    await session.page.click(button('Train'));
    await session.waitForState('running');
    const early = await session.waitForStep(20);
    expect(early.text).toMatch(/^Step \d+ · epoch \d+ · loss [\d.]+ · [\d.]+ steps\/s · backend wasm$/);
    const first = await waitForMetrics('held-out metrics', null);
    // Bounds, not speeds: WebKit made 0.2–0.6 steps/s here at a load average of 30 on 2 cores.
    const later = await waitForMetrics('a later evaluation', first.step, 240_000);
    expect(later.step!).toBeGreaterThan(first.step!);
    const steps = Number(/([\d.]+) steps\/s/.exec((await session.status()).text)?.[1]);
    expect(steps).toBeGreaterThan(0);

    // The scatter's points were painted in its own worker (ImageData + createImageBitmap there).
    await session.until(
      'the scatter painted in its worker',
      () =>
        (window as unknown as { __e2e: { findAll(q: object): Element[] } }).__e2e
          .findAll({ name: 'Embedding scatter' })[0]
          ?.getAttribute('data-painter') ?? null,
      (painter) => painter === 'worker',
      [],
    );

    await session.page.click(button('Pause'));
    const paused = await session.waitForState('paused', 20_000);
    // Stopped, not slowed: the worker takes a Step only between two slices of a running loop, so had the loop gone
    // on after the pause, the run would settle well past one step on. The Step's metrics mark where it settled.
    await session.page.click(button('Step'));
    const settled = await waitForMetrics('the metrics of the one step after the pause', paused.step);
    expect(settled.step).toBe(paused.step + 1);
    expect(await session.status()).toMatchObject({ state: 'paused', step: paused.step + 1 });
  });

  it('asked for WebGL, trains on it or says why this engine cannot give it to the worker', async () => {
    await session.open('?backend=webgl');
    const { backend } = await session.status();
    if (backend === 'webgl') expect(await backendNote()).toBe('');
    else {
      expect(backend).toBe('wasm');
      expect(await backendNote()).toMatch(/^WebGL could not start \(this browser .+\); using WASM/);
    }
    await session.page.click(button('Step'));
    await session.waitForStep(1, 60_000);
  });
});

describe(`${process.env.E2E_ENGINE}: data`, () => {
  it('a CSV upload is summarised, used and trained on; a ragged CSV gets a specific alert and changes nothing', async () => {
    await session.open('?backend=wasm');
    await openPanel('Data');
    await session.page.setFiles({ name: 'Upload data' }, [onDisk(gaussianCsv('blobs3.csv', 3, 40))]);
    const summary = { role: 'region', name: 'Upload summary' };
    const [text] = await session.waitForTexts('the upload summary', summary, (t) => t.length === 1, null);
    expect(text).toContain('120');
    await session.page.click({ ...button('Use this data'), within: summary });
    await session.until('the uploaded dataset in use', readDataset, (value, name) => value.includes(name), [
      'blobs3.csv',
    ]);
    await session.waitForState('ready');
    await session.page.click(button('Train'));
    await session.waitForStep(10);
    await session.page.click(button('Pause'));
    const paused = await session.waitForState('paused');

    await session.page.setFiles({ name: 'Upload data' }, [onDisk(raggedCsv('ragged.csv', 5))]);
    const alerts = await session.waitForTexts(
      'the alert for ragged.csv',
      { role: 'alert' },
      (texts, _query, name) => texts.some((t) => t.includes(name)),
      'ragged.csv',
    );
    expect(alerts.find((t) => t.includes('ragged.csv'))).toMatch(/row 5\b/);
    expect(await session.page.run<string>(`return (${readDataset})();`)).toContain('blobs3.csv');
    const after = await session.status();
    expect(`${after.state} ${after.step}`).toBe(`paused ${paused.step}`);
  });
});

describe(`${process.env.E2E_ENGINE}: save and share`, () => {
  it('exports an experiment (a real download) and imports it back after a reset', async () => {
    await session.open('?backend=wasm&dataset=iris&seed=4&margin=0.3');
    for (let k = 1; k <= 6; k++) {
      await session.page.click(button('Step'));
      await session.waitForStep(k, 60_000);
    }
    const trained = await waitForMetricsOf(6);
    await openPanel('Save & share');
    await session.page.click({ ...button('Export experiment'), within: saveShare });
    const saved = await session.until(
      'the experiment download',
      () => (window as unknown as { __e2e: { downloads: { name: string; base64: string | null }[] } }).__e2e.downloads,
      (d) => d.length === 1 && d[0].base64 !== null,
      [],
    );
    expect(saved[0].name).toBe('experiment-iris-step6.json');
    const bytes = Buffer.from(saved[0].base64!, 'base64');
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ format: 'siamese-playground-experiment', step: 6 });
    if (session.page.engine === 'firefox') {
      // Firefox saves it to the folder its profile names, byte for byte what the page made.
      const onDiskPath = join(session.downloadDir, 'experiment-iris-step6.json');
      await waitForFile(onDiskPath, bytes.length);
      expect(readFileSync(onDiskPath).equals(bytes)).toBe(true);
    }

    await session.page.click(button('Reset'));
    await session.waitForStatus('the reset run', (s) => s.state === 'ready' && s.step === 0, []);
    const path = join(files, 'experiment.json');
    writeFileSync(path, bytes);
    await session.page.setFiles({ name: 'Import experiment', within: saveShare }, [path]);
    await session.waitForStatus('the imported run', (s) => s.state === 'paused' && s.step === 6, []);
    const restored = await waitForMetricsOf(6);
    expect(restored.mapAtR).toBe(trained.mapAtR);
  });

  it('autosaves to IndexedDB and a reload continues the run', async () => {
    // The default demo: a link with a setup (dataset=…) would only offer the saved run after a reload.
    await session.open('?backend=wasm');
    for (let k = 1; k <= 3; k++) {
      await session.page.click(button('Step'));
      await session.waitForStep(k, 60_000);
    }
    await session.until(
      'the autosave of step 3',
      () => document.querySelector('[data-autosave-step]')?.getAttribute('data-autosave-step') ?? null,
      (step) => step === '3',
      [],
    );
    await session.page.reload();
    await session.waitForStatus('the reopened run', (s) => s.state === 'paused' && s.step === 3, [], 120_000);
    await openPanel('Save & share');
    expect((await session.texts(saveShare))[0]).toContain('Opened your last run');
    expect(
      (await session.texts({ role: 'button', name: pattern(/^Reopen fashion-mnist · /), within: saveShare })).length,
    ).toBeGreaterThan(0);
  });
});

describe(`${process.env.E2E_ENGINE}: the watchdog`, () => {
  it('sees a request that leaves localhost and an error the page logs (so a clean run means something)', async () => {
    await session.open('?backend=wasm');
    // The app's Content-Security-Policy refuses a fetch to another origin before it leaves the browser.
    expect(
      await session.page.run<string>(
        "return fetch('http://example.invalid/leak').then(() => 'answered', () => 'refused');",
      ),
    ).toBe('refused');
    await session.page.run("console.error('deliberate'); return null;");
    const problems = await session.takeProblems();
    expect(problems).toContain('console error: deliberate');
    expect(problems.some((p) => p.startsWith('request left localhost'))).toBe(false);
    // A top-level navigation is not the page's policy to stop: the gate sees it leave. It goes to a host the gate
    // keeps apart and happens in a tab of its own, so nothing that foreign page asks for later counts against the
    // next test and the window under test never has to come back from it.
    session.gate.watch('example.invalid');
    await session.page.visitInNewTab('http://example.invalid/leak');
    expect(session.gate.takeWatched()).toContain('GET http://example.invalid/leak');
    expect(await session.takeProblems()).toEqual([]);
  });
});
