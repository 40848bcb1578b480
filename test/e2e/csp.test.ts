/**
 * The Content-Security-Policy, enforced by Chromium on the built app:
 * - the built index.html carries the policy as a <meta>, and the preview server sends it (with frame-ancestors)
 *   as a header on the page, the worker scripts and the .wasm files;
 * - the whole default flow (train, upload a CSV, export and import an experiment, a lesson with its formulas and
 *   threshold view, the UMAP and t-SNE workers) raises no `securitypolicyviolation` event and no CSP console error;
 * - a request to another origin, made from the page and from every worker, is refused by the policy.
 *
 * The shared harness aborts foreign requests at the network layer, which would hide whether the policy blocks
 * anything. So the blocking tests use a context of their own with no routing, aim at a real second server on
 * another port (another origin) that counts what reaches it, and check the same request from a context that
 * bypasses the policy does reach it: the zero count with the policy on is the policy's doing.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gaussianCsv } from './fixtures';
import { launchChromium, openPanel, scatterOf, statusOf, usePlayground, waitForState, waitForStep } from './harness';

/** One CSP violation as the page or a worker saw it. */
interface Violation {
  where: string;
  directive: string;
  blocked: string;
}

declare global {
  interface Window {
    __cspViolations?: Violation[];
  }
}

/** Runs in every document before its own scripts: records each violation event. */
function recordViolations(): void {
  const seen: Violation[] = [];
  (window as Window).__cspViolations = seen;
  document.addEventListener('securitypolicyviolation', (event) => {
    seen.push({ where: 'page', directive: event.effectiveDirective, blocked: event.blockedURI });
  });
}

/** Installs the same recorder inside a worker (its global scope receives its own violation events). */
async function watchWorker(worker: Worker): Promise<void> {
  await worker
    .evaluate(() => {
      const scope = self as unknown as { __cspViolations?: unknown[] } & EventTarget;
      if (scope.__cspViolations) return;
      const seen: unknown[] = [];
      scope.__cspViolations = seen;
      scope.addEventListener('securitypolicyviolation', (e) => {
        const event = e as SecurityPolicyViolationEvent;
        seen.push({ where: 'worker', directive: event.effectiveDirective, blocked: event.blockedURI });
      });
    })
    .catch(() => undefined); // a worker that already ended has nothing left to report
}

/** Violations recorded so far in the page and in every worker still running. */
async function violationsOf(page: Page): Promise<Violation[]> {
  const out = [...((await page.evaluate(() => window.__cspViolations ?? [])) as Violation[])];
  for (const worker of page.workers()) {
    const seen = await worker
      .evaluate(() => (self as unknown as { __cspViolations?: unknown[] }).__cspViolations ?? [])
      .catch(() => []);
    for (const v of seen as Violation[]) out.push({ ...v, where: `worker ${worker.url()}` });
  }
  return out;
}

/** Short name of a worker script (`/assets/training.worker-abc123.js` -> `training`). */
function workerName(worker: Worker): string {
  return /\/([a-zA-Z]+)\.worker/.exec(worker.url())?.[1] ?? worker.url();
}

describe('policy delivery', () => {
  const baseUrl = inject('baseUrl');

  it('the built page carries the policy as a <meta>; the server sends it on the page, workers and .wasm', async () => {
    const response = await fetch(`${baseUrl}/`);
    const html = await response.text();
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(meta, 'a CSP <meta> in the built index.html').not.toBeNull();
    // The <meta> comes before anything it must govern.
    expect(html.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(html.indexOf('<script'));
    const content = meta![1].replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');
    const directives = new Map(
      content.split(';').map((part) => {
        const [name, ...sources] = part.trim().split(/\s+/);
        return [name, sources.join(' ')] as const;
      }),
    );
    expect(Object.fromEntries(directives)).toEqual({
      'default-src': "'self'",
      'script-src': "'self' 'wasm-unsafe-eval'",
      'worker-src': "'self'",
      'connect-src': "'self'",
      'style-src': "'self'",
      'style-src-attr': "'unsafe-inline'",
      'img-src': "'self'",
      'font-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
    });
    const header = response.headers.get('content-security-policy') ?? '';
    expect(header).toBe(`${content}; frame-ancestors 'none'`);

    // Every asset the page loads, workers and WebAssembly included, comes with the same header.
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    const entry = assets.find((a) => a.endsWith('.js'))!;
    const code = await (await fetch(`${baseUrl}${entry}`)).text();
    const workers = [...code.matchAll(/\/assets\/[\w-]+\.worker-[\w-]+\.js/g)].map((m) => m[0]);
    expect(new Set(workers.map((w) => /(\w+)\.worker/.exec(w)![1]))).toEqual(
      new Set(['training', 'projection', 'painter', 'pairSummary', 'runWriter']),
    );
    const trainingCode = await (await fetch(`${baseUrl}${workers.find((w) => w.includes('training'))}`)).text();
    const wasm = [...trainingCode.matchAll(/\/assets\/[\w-]+\.wasm/g)].map((m) => m[0]);
    expect(wasm.length).toBeGreaterThan(0);
    for (const path of [...assets, ...workers, ...wasm]) {
      const r = await fetch(`${baseUrl}${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-security-policy'), path).toBe(header);
    }
    // No asset is inlined as a data: URL (font-src and img-src stay 'self').
    const css = assets.filter((a) => a.endsWith('.css'));
    for (const path of css) expect(await (await fetch(`${baseUrl}${path}`)).text(), path).not.toContain('data:');
  });
});

describe('normal use', () => {
  const playground = usePlayground();

  it('the whole default flow raises no CSP violation in the page or any worker', { timeout: 600_000 }, async () => {
    const { page } = playground;
    await page.addInitScript(recordViolations);
    const watched: Promise<void>[] = [];
    const workersSeen = new Set<string>();
    page.on('worker', (worker) => {
      workersSeen.add(workerName(worker));
      watched.push(watchWorker(worker));
    });

    // Default demo: load, train a few steps with Train/Pause (the wasm backend compiles its module).
    await playground.open('?backend=wasm');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 5, 60_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForState(page, 'paused');

    // Export the experiment (a blob: download), reset, and import it back.
    const trained = (await statusOf(page)).step;
    await openPanel(page, 'Save & share');
    const saveShare = page.getByRole('region', { name: 'Save and share' });
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      saveShare.getByRole('button', { name: 'Export experiment', exact: true }).click(),
    ]);
    const experiment = readFileSync(await download.path());
    expect(JSON.parse(experiment.toString('utf8')).format).toBe('siamese-playground-experiment');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await waitForState(page, 'ready', 30_000);
    await saveShare
      .getByLabel('Import experiment', { exact: true })
      .setInputFiles({ name: 'experiment.json', mimeType: 'application/json', buffer: experiment });
    await expect
      .poll(async () => `${(await statusOf(page)).state} ${(await statusOf(page)).step}`, { timeout: 60_000 })
      .toBe(`paused ${trained}`);

    // UMAP and t-SNE projections, each in the projection worker.
    await openPanel(page, 'Inspect');
    const projection = page.getByLabel('Projection', { exact: true });
    for (const method of ['umap', 'tsne']) {
      await projection.selectOption(method);
      const status = page.locator(`[data-projection="${method}"]`);
      await expect
        .poll(() => status.getAttribute('data-projected-step'), { timeout: 120_000, message: `${method} projects` })
        .not.toBe('');
    }
    await projection.selectOption('pca');

    // Upload a CSV, use it and train on it.
    await openPanel(page, 'Data');
    await page.getByLabel('Upload data').setInputFiles(gaussianCsv('blobs3.csv', 3, 40));
    const summary = page.getByRole('region', { name: 'Upload summary' });
    await summary.waitFor({ state: 'visible', timeout: 30_000 });
    await summary.getByRole('button', { name: 'Use this data' }).click();
    await summary.waitFor({ state: 'detached', timeout: 30_000 });
    await waitForState(page, 'ready', 30_000);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, 1, 30_000);

    // The page is about to be replaced: keep what it and its workers saw.
    await Promise.all(watched);
    const seen = await violationsOf(page);

    // A lesson: KaTeX formulas (inline style attributes, bundled fonts) and the threshold view (its worker).
    await playground.open('?lesson=triplet-loss&backend=wasm');
    const explanation = page.getByRole('complementary', { name: 'Lesson explanation' });
    await explanation.waitFor({ state: 'visible', timeout: 60_000 });
    // Formulas are typeset when they come near the view.
    await explanation.locator('.tex').first().scrollIntoViewIfNeeded();
    await expect.poll(() => explanation.locator('.katex').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    // KaTeX's fonts load from the app ('self') and are in use.
    await expect
      .poll(() => page.evaluate(() => document.fonts.check('16px KaTeX_Main')), { timeout: 30_000 })
      .toBe(true);
    await waitForState(page, 'ready', 60_000);
    for (let k = 1; k <= 2; k++) {
      await page.getByRole('button', { name: 'Step', exact: true }).click();
      await waitForStep(page, k, 30_000);
    }
    await openPanel(page, 'Threshold');
    const threshold = page.getByRole('region', { name: 'Distances and threshold' });
    await expect.poll(async () => Number(await threshold.getAttribute('data-step')), { timeout: 30_000 }).toBe(2);
    expect((await scatterOf(page)).points).toBeGreaterThan(0);

    await Promise.all(watched);
    expect(workersSeen).toEqual(new Set(['training', 'projection', 'painter', 'pairSummary', 'runWriter']));
    expect([...seen, ...(await violationsOf(page))]).toEqual([]);
    // Console errors (CSP refusals are logged as such, in the page and in workers) fail the test in the harness.
    expect(playground.problems).toEqual([]);
  });
});

describe('requests to another origin', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser | undefined;
  let foreign: Server | undefined;
  let foreignOrigin = '';
  /** Paths the foreign server was asked for. */
  const received: string[] = [];

  beforeAll(async () => {
    foreign = createServer((req, res) => {
      received.push(req.url ?? '');
      res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
      res.end('leaked');
    });
    await new Promise<void>((resolve) => foreign!.listen(0, '127.0.0.1', resolve));
    foreignOrigin = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
    expect(foreignOrigin).not.toBe(baseUrl);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => foreign?.close(resolve));
  });

  /** A context with no request routing (nothing but the policy stands between the page and the other origin). */
  async function openApp(bypassCSP: boolean): Promise<{ context: BrowserContext; page: Page; console: string[] }> {
    const context = await browser!.newContext({ bypassCSP, viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const console: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') console.push(m.text());
    });
    await page.addInitScript(recordViolations);
    await page.goto(`${baseUrl}/?lesson=triplet-loss&backend=wasm`);
    await expect
      .poll(async () => (await statusOf(page)).state, { timeout: 60_000, message: 'the app becomes ready' })
      .toBe('ready');
    return { context, page, console };
  }

  /** From the page: fetch, an image and a beacon to the other origin; what happened to each. */
  function leakFromPage(page: Page, target: string) {
    return page.evaluate(async (url) => {
      const fetched = await fetch(`${url}/page-fetch`)
        .then((r) => r.text())
        .catch((e: unknown) => `refused: ${e instanceof Error ? e.name : String(e)}`);
      const image = await new Promise<string>((resolve) => {
        const img = new Image();
        img.onload = () => resolve('loaded');
        img.onerror = () => resolve('failed');
        img.src = `${url}/page-image`;
      });
      // A beacon is queued whatever happens to it; the policy's refusal shows as a violation event.
      navigator.sendBeacon(`${url}/page-beacon`, 'x');
      return { fetched, image };
    }, target);
  }

  it('the page and every worker are refused by the policy; without the policy the same requests arrive', async () => {
    // Control: the same page with the policy bypassed reaches the other origin, so the server counts truly.
    const control = await openApp(true);
    const unblocked = await leakFromPage(control.page, foreignOrigin);
    expect(unblocked.fetched).toBe('leaked');
    expect(unblocked.image).toBe('failed'); // the server answers text, not an image, but it was asked
    await expect
      .poll(() => [...received].sort(), { timeout: 10_000 })
      .toEqual(['/page-beacon', '/page-fetch', '/page-image']);
    await control.context.close();
    received.length = 0;

    const { context, page, console } = await openApp(false);
    try {
      // Bring up every worker the app has: training (already), threshold view, scatter painter, projection, and the
      // run writer (the step's autosave).
      await page.getByRole('button', { name: 'Step', exact: true }).click();
      await waitForStep(page, 1, 30_000);
      await openPanel(page, 'Threshold');
      await openPanel(page, 'Inspect');
      await page.getByLabel('Projection', { exact: true }).selectOption('umap');
      await expect
        .poll(() => new Set(page.workers().map(workerName)), { timeout: 60_000, message: 'every worker runs' })
        .toEqual(new Set(['training', 'projection', 'painter', 'pairSummary', 'runWriter']));

      const fromPage = await leakFromPage(page, foreignOrigin);
      expect(fromPage.fetched).toBe('refused: TypeError');
      expect(fromPage.image).toBe('failed');
      // Each policy that refuses reports once: the page has two identical ones (the <meta> and the header).
      await expect
        .poll(async () => {
          const seen = (await violationsOf(page)).filter((v) => v.where === 'page');
          return [...new Set(seen.map((v) => `${v.directive} ${v.blocked}`))].sort();
        })
        .toEqual([
          `connect-src ${foreignOrigin}/page-beacon`,
          `connect-src ${foreignOrigin}/page-fetch`,
          `img-src ${foreignOrigin}/page-image`,
        ]);

      for (const worker of page.workers()) {
        const name = workerName(worker);
        await watchWorker(worker);
        const outcome = await worker.evaluate(
          (url) =>
            fetch(url)
              .then((r) => r.text())
              .catch((e: unknown) => `refused: ${e instanceof Error ? e.name : String(e)}`),
          `${foreignOrigin}/worker-${name}`,
        );
        expect(outcome, `fetch from the ${name} worker`).toBe('refused: TypeError');
        await expect
          .poll(
            async () =>
              (
                (await worker.evaluate(
                  () => (self as unknown as { __cspViolations?: Violation[] }).__cspViolations ?? [],
                )) as Violation[]
              ).map((v) => `${v.directive} ${v.blocked}`),
            { message: `the ${name} worker's violation event` },
          )
          .toEqual([`connect-src ${foreignOrigin}/worker-${name}`]);
      }
      // Nothing reached the other origin, and Chromium names the policy as the reason in the page's console.
      expect(received).toEqual([]);
      expect(console.some((line) => /Content Security Policy/.test(line) && line.includes(foreignOrigin))).toBe(true);
    } finally {
      await context.close();
    }
  });
});
