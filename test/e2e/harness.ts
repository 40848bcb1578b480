/**
 * The browser side of the e2e tests: Debian's Chromium through playwright-core, one browser context per test
 * file and a fresh page per test. Every test is watched for what should never happen, whatever it asserts
 * itself: a console error or uncaught exception (page or worker), or a request to any host other than the
 * preview server. Elements are found by the accessible names of the UI contract, never by CSS classes.
 */
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';

/** Debian's Chromium (installed by apt in CI); `npx playwright install` is never used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless flags: no GPU process use (WebGL still works through SwiftShader, the software path we test), and
 * nothing Chromium would fetch on its own (so any foreign request comes from the app).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What a test file gets: the current page (fresh per test) and a way to open the app with a query string. */
export interface Playground {
  readonly page: Page;
  readonly baseUrl: string;
  /** Opens the app (e.g. `?backend=wasm&debug=1`) and waits until a dataset and run are ready. */
  open(query?: string): Promise<void>;
  /** Problems seen so far in this test (console errors, page errors, foreign requests). */
  readonly problems: readonly string[];
}

/** Launches Chromium with the project's flags (also used by the screenshot script). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** True for URLs that stay inside the browser or on the preview server. */
export function isLocalUrl(url: string, baseUrl: string): boolean {
  if (/^(data|blob|about|chrome-error):/.test(url)) return true;
  return new URL(url).origin === new URL(baseUrl).origin;
}

/**
 * Registers the hooks of one test file: browser + context for the file, a new page per test, and a check after
 * each test that nothing forbidden happened. Foreign requests are also aborted, so a broken test cannot leak data.
 * `device` replaces the desktop viewport (e.g. a touch tablet: viewport, `hasTouch`, `isMobile`).
 */
export function usePlayground(device?: BrowserContextOptions): Playground {
  const baseUrl = inject('baseUrl');
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let problems: string[] = [];

  const note = (problem: string) => problems.push(problem);

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext(device ?? { viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
    context.on('request', (request) => {
      if (!isLocalUrl(request.url(), baseUrl)) note(`request left localhost: ${request.method()} ${request.url()}`);
    });
    context.on('weberror', (error) => note(`uncaught error: ${error.error().message}`));
    await context.route('**/*', (route) =>
      isLocalUrl(route.request().url(), baseUrl) ? route.fallback() : route.abort('blockedbyclient'),
    );
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  beforeEach(async () => {
    problems = [];
    page = await context!.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') note(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => note(`page error: ${error.message}`));
    page.on('worker', (worker) => {
      worker.on('console', (message) => {
        if (message.type() === 'error') note(`worker console error: ${message.text()}`);
      });
    });
    page.on('crash', () => note('page crashed'));
  });

  afterEach(async () => {
    await page?.close();
    page = undefined;
    expect(problems, 'console errors, page errors or requests that left localhost').toEqual([]);
  });

  return {
    get page() {
      if (!page) throw new Error('the page exists only inside a test');
      return page;
    },
    baseUrl,
    get problems() {
      return problems;
    },
    async open(query = '') {
      await this.page.goto(`${baseUrl}/${query}`);
      await waitForState(this.page, 'ready', 60_000);
    },
  };
}

/** The status line as the contract defines it (`role="status"` with data-step/data-state/data-backend). */
export interface StatusReading {
  step: number;
  state: string;
  backend: string;
  /** The loss shown in the text, null while it reads `loss –`. */
  loss: number | null;
  text: string;
}

/** The one status line (the contract promises exactly one `role="status"`). */
export function statusLine(page: Page): Locator {
  return page.getByRole('status');
}

/** Reads the status line in one round trip (attributes and text together, so they belong to the same render). */
export async function statusOf(page: Page): Promise<StatusReading> {
  const raw = await statusLine(page).evaluate((el) => ({
    step: el.getAttribute('data-step'),
    state: el.getAttribute('data-state'),
    backend: el.getAttribute('data-backend'),
    text: el.textContent ?? '',
  }));
  const lossMatch = /loss\s+(-?[\d.]+(?:e[-+]?\d+)?|NaN|Infinity)/i.exec(raw.text);
  return {
    step: Number(raw.step),
    state: raw.state ?? '',
    backend: raw.backend ?? '',
    loss: lossMatch ? Number(lossMatch[1]) : null,
    text: raw.text,
  };
}

/** What a status wait waits for: a step reached, a state, or both. */
interface StatusWant {
  minStep?: number;
  state?: string;
}

/**
 * Resolves with the first status reading that satisfies `want`, checked in the page when the wait starts and after
 * every change of the document (a MutationObserver): no polling. The page's own timer bounds the wait.
 */
async function waitForStatus(page: Page, want: StatusWant, what: string, timeout: number): Promise<StatusReading> {
  const outcome = await page.evaluate(
    ({ want, timeout }) =>
      new Promise<{
        ok: boolean;
        raw: { step: string | null; state: string | null; backend: string | null; text: string } | null;
      }>((resolve) => {
        let last: { step: string | null; state: string | null; backend: string | null; text: string } | null = null;
        const check = () => {
          const el = document.querySelector('[role="status"]');
          if (!el) return false;
          last = {
            step: el.getAttribute('data-step'),
            state: el.getAttribute('data-state'),
            backend: el.getAttribute('data-backend'),
            text: el.textContent ?? '',
          };
          return (
            (want.minStep === undefined || Number(last.step) >= want.minStep) &&
            (want.state === undefined || last.state === want.state)
          );
        };
        if (check()) {
          resolve({ ok: true, raw: last });
          return;
        }
        const observer = new MutationObserver(() => {
          if (!check()) return;
          observer.disconnect();
          clearTimeout(timer);
          resolve({ ok: true, raw: last });
        });
        observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
        const timer = setTimeout(() => {
          observer.disconnect();
          resolve({ ok: false, raw: last });
        }, timeout);
      }),
    { want, timeout },
  );
  const raw = outcome.raw;
  if (!outcome.ok || !raw) {
    throw new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${JSON.stringify(raw)}`);
  }
  const lossMatch = /loss\s+(-?[\d.]+(?:e[-+]?\d+)?|NaN|Infinity)/i.exec(raw.text);
  return {
    step: Number(raw.step),
    state: raw.state ?? '',
    backend: raw.backend ?? '',
    loss: lossMatch ? Number(lossMatch[1]) : null,
    text: raw.text,
  };
}

/** Waits until the status line's step reaches `atLeast` (bounded), and returns the reading that got there. */
export function waitForStep(page: Page, atLeast: number, timeout = 60_000): Promise<StatusReading> {
  return waitForStatus(page, { minStep: atLeast }, `status step ${atLeast}`, timeout);
}

/** Waits until the status line reports `state`, and returns the reading that did. */
export function waitForState(page: Page, state: string, timeout = 30_000): Promise<StatusReading> {
  return waitForStatus(page, { state }, `status state ${state}`, timeout);
}

/** Held-out metrics as the readout shows them: the step they belong to and each value (null for `–`). */
export interface MetricsReading {
  step: number | null;
  values: Record<string, number | null>;
}

/** Reads `<dl aria-label="Held-out metrics">` (each `<dd data-metric>` and the `<dl>`'s data-step). */
export async function metricsOf(page: Page): Promise<MetricsReading> {
  return page.getByLabel('Held-out metrics', { exact: true }).evaluate((dl) => {
    const values: Record<string, number | null> = {};
    for (const el of dl.querySelectorAll('[data-metric]')) {
      const parsed = Number.parseFloat(el.textContent ?? '');
      values[el.getAttribute('data-metric') ?? ''] = Number.isFinite(parsed) ? parsed : null;
    }
    const step = dl.getAttribute('data-step');
    return { step: step === null || step === '' ? null : Number(step), values };
  });
}

/** The embedding scatter: the step of the snapshot it shows, how many points, and its pixels as a data URL. */
export async function scatterOf(page: Page): Promise<{ snapshotStep: number | null; points: number; pixels: string }> {
  return page.getByLabel('Embedding scatter', { exact: true }).evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const step = canvas.getAttribute('data-snapshot-step');
    return {
      snapshotStep: step === null || step === '' ? null : Number(step),
      points: Number(canvas.getAttribute('data-points') ?? 0),
      pixels: canvas.toDataURL('image/png'),
    };
  });
}

/**
 * Waits until the scatter shows the final picture of its latest snapshot (`data-settled-step`, set by the canvas
 * when the last transition frame is painted and nothing is pending) and returns that snapshot's step; with `step`,
 * until that snapshot is the one settled. An event the page reports, not a guessed time.
 */
export async function waitForScatterSettled(page: Page, step?: number, timeout = 30_000): Promise<number> {
  const settled = await page.waitForFunction(
    (want) => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas[aria-label="Embedding scatter"]');
      const at = canvas?.getAttribute('data-settled-step');
      if (!canvas || !at || at !== canvas.getAttribute('data-snapshot-step')) return null;
      // Drawn at the size its box has now (a panel that opened narrows the box before the view re-measures it).
      const boxWidth = Math.max(160, Math.floor(canvas.parentElement?.getBoundingClientRect().width ?? 0));
      if (Number.parseFloat(canvas.style.width) !== boxWidth) return null;
      return want === null || Number(at) === want ? { step: Number(at) } : null;
    },
    step ?? null,
    { polling: 'raf', timeout },
  );
  return ((await settled.jsonValue()) as { step: number }).step;
}

/** Every visible `role="alert"` text on the page (load errors, halts, configuration problems). */
export async function alertTexts(page: Page): Promise<string[]> {
  return page.getByRole('alert').allTextContents();
}

/**
 * Opens a panel of the drawer by its button's name (`Model`, `Inspect`, `Save & share`, …) unless it is open, and
 * returns the drawer, which holds the panel's region.
 */
export async function openPanel(page: Page, name: string): Promise<Locator> {
  const button = page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name, exact: true });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  const drawer = page.getByRole('complementary', { name: /panel$/ });
  await drawer.waitFor({ state: 'visible' });
  return drawer;
}

/**
 * Sets a labelled setting by its label text: one of the key settings on the main screen (objective, distance,
 * margin, miner, learning rate), or else a field of the model panel, opened for it.
 */
export async function setControl(page: Page, label: string, value: string | boolean): Promise<void> {
  let control = page.getByRole('region', { name: 'Key settings' }).getByLabel(label, { exact: true });
  if ((await control.count()) === 0) {
    await openPanel(page, 'Model');
    control = page.getByRole('region', { name: 'Model and training' }).getByLabel(label, { exact: true });
  }
  if (typeof value === 'boolean') {
    await control.setChecked(value);
    return;
  }
  const tag = await control.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'select') await control.selectOption(value);
  else {
    await control.fill(value);
    await control.blur();
  }
}

/** Arithmetic mean (the tests compare averages of noisy per-batch losses). */
export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
