/**
 * The two non-Chromium engines behind one small interface: Firefox ESR through puppeteer-core over WebDriver BiDi,
 * and WebKitGTK's MiniBrowser (Safari's engine) through WebKitWebDriver, a W3C WebDriver server, under Xvfb. Both
 * send every request through the test gate (gate.ts) and load the page probe (probe.ts), which finds elements by
 * role and name; clicks and file choices go through each protocol's own input commands, as a user's would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';

export type EngineName = 'firefox' | 'webkit';
export const ENGINE_NAMES: readonly EngineName[] = ['firefox', 'webkit'];

/** A name to match exactly, or a pattern (a RegExp's parts, so it crosses into the page). */
export type NameMatch = string | { source: string; flags: string };
/** An element by ARIA role and accessible name (or by name alone, like a label), optionally inside another. */
export interface ElementQuery {
  role?: string;
  name?: NameMatch;
  within?: ElementQuery;
}

/** A RegExp as a `NameMatch`. */
export function pattern(re: RegExp): NameMatch {
  return { source: re.source, flags: re.flags };
}

/** One browser window under test. */
export interface EnginePage {
  readonly engine: EngineName;
  /** Name and version, e.g. `firefox/153.8.0` or `MiniBrowser/2.50.6`. */
  readonly version: string;
  /** The root of the engine's process tree (the benchmark adds up its CPU time). */
  readonly pid: number | undefined;
  goto(url: string): Promise<void>;
  /** Loads `url` in a throwaway tab of the same browser (bounded; a page that never finishes is given up on),
   * then closes that tab: the window under test stays where it was. */
  visitInNewTab(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Runs a function body (arguments as `arguments[i]`) in the page and returns its JSON result. */
  run<T>(body: string, ...args: unknown[]): Promise<T>;
  click(query: ElementQuery): Promise<void>;
  /** Chooses files (absolute paths) in the file input `query` finds. */
  setFiles(query: ElementQuery, paths: string[]): Promise<void>;
  /** Console errors of the page and its workers the protocol reports itself (beyond the probe's); then cleared. */
  takeProtocolProblems(): string[];
  close(): Promise<void>;
}

/** The Debian files each engine needs, and the one command that installs them. */
export const ENGINE_FILES: Record<EngineName, { paths: string[]; install: string }> = {
  firefox: { paths: ['/usr/bin/firefox-esr'], install: 'apt-get install -y firefox-esr' },
  webkit: {
    paths: ['/usr/bin/WebKitWebDriver', '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/bin/xvfb-run'],
    install: 'apt-get install -y webkit2gtk-driver xvfb',
  },
};

/** The files `engine` lacks on this machine (empty when it can run). */
export function missingFiles(engine: EngineName): string[] {
  return ENGINE_FILES[engine].paths.filter((path) => !existsSync(path));
}

/** The element, scrolled into view and no longer moving. */
const SETTLED = 'return window.__e2e.settle(window.__e2e.find(arguments[0]));';
const VIEWPORT = { width: 1400, height: 1000 };
/** The longest a script run in the page may take: above any wait's own bound. */
const SCRIPT_TIMEOUT_MS = 600_000;

/** Starts `engine` with every request going through the proxy `proxy` (`host:port`). */
export async function launchEngine(engine: EngineName, proxy: string, downloadDir: string): Promise<EnginePage> {
  const missing = missingFiles(engine);
  if (missing.length) {
    throw new Error(
      `${engine} cannot run: ${missing.join(', ')} missing; install with: ${ENGINE_FILES[engine].install}`,
    );
  }
  return engine === 'firefox' ? launchFirefox(proxy, downloadDir) : launchWebkit(proxy);
}

/**
 * The page's viewport. Puppeteer sends the viewport and a screen-orientation override together; Firefox ESR 140.12
 * answers the second with "unknown command", after applying the first. That one refusal is let through, and the
 * viewport is then checked, so a page of the wrong size still fails here.
 */
async function setFirefoxViewport(page: Page): Promise<void> {
  try {
    await page.setViewport(VIEWPORT);
  } catch (error) {
    if (!(error instanceof Error && error.message.includes('setScreenOrientationOverride'))) throw error;
  }
  // The refusal can come back before the viewport is applied.
  const { width, height } = VIEWPORT;
  try {
    await page.waitForFunction(
      (w, h) => window.innerWidth === w && window.innerHeight === h,
      { timeout: 10_000 },
      width,
      height,
    );
  } catch {
    const size = await page.evaluate(() => [window.innerWidth, window.innerHeight]);
    throw new Error(`Firefox viewport is ${size.join('×')}, expected ${width}×${height}`);
  }
}

async function launchFirefox(proxy: string, downloadDir: string): Promise<EnginePage> {
  const [host, port] = proxy.split(':');
  const browser: Browser = await puppeteer.launch({
    // The viewport is set once, by setFirefoxViewport, not also from a default.
    defaultViewport: null,
    browser: 'firefox',
    executablePath: ENGINE_FILES.firefox.paths[0],
    headless: true,
    // A wait in the page (harness.ts) is one evaluate that resolves on an event; its own bound comes first.
    protocolTimeout: SCRIPT_TIMEOUT_MS,
    // Release builds ignore services.settings.server unless this is set; without it Firefox syncs its remote
    // settings from mozilla.com in the background.
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
    extraPrefsFirefox: {
      // Every request, localhost included, through the gate.
      'network.proxy.type': 1,
      'network.proxy.http': host,
      'network.proxy.http_port': Number(port),
      'network.proxy.ssl': host,
      'network.proxy.ssl_port': Number(port),
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': true,
      // Downloads land in a folder of the test's, without a dialog.
      'browser.download.dir': downloadDir,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      // What Firefox would fetch on its own (so a foreign request comes from the app).
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'browser.safebrowsing.update.enabled': false,
      'browser.safebrowsing.downloads.remote.enabled': false,
      'extensions.blocklist.enabled': false,
      'services.settings.server': 'http://127.0.0.1:9/',
      'app.normandy.enabled': false,
      'app.update.enabled': false,
      'browser.region.network.url': '',
      'browser.search.update': false,
      'datareporting.healthreport.uploadEnabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'network.dns.disablePrefetch': true,
      'network.prefetch-next': false,
    },
  });
  const page: Page = await browser.newPage();
  await setFirefoxViewport(page);
  let problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error (BiDi): ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error (BiDi): ${(error as Error).message ?? String(error)}`));
  const element = async (query: ElementQuery) => {
    const handle = await page.evaluateHandle(new Function(SETTLED) as (q: ElementQuery) => Element, query);
    return handle as ElementHandle<Element>;
  };
  return {
    engine: 'firefox',
    version: await browser.version(),
    pid: browser.process()?.pid,
    async goto(url) {
      await page.goto(url, { timeout: 120_000 });
    },
    async visitInNewTab(url) {
      const tab = await browser.newPage();
      try {
        await tab.goto(url, { timeout: 30_000 }).catch(() => undefined);
      } finally {
        await tab.close();
      }
    },
    async reload() {
      await page.reload({ timeout: 120_000 });
    },
    run<T>(body: string, ...args: unknown[]) {
      return page.evaluate(new Function(body) as (...a: unknown[]) => T, ...args) as Promise<T>;
    },
    async click(query) {
      const handle = await element(query);
      await handle.click();
      await handle.dispose();
    },
    async setFiles(query, paths) {
      const handle = (await element(query)) as ElementHandle<HTMLInputElement>;
      await handle.uploadFile(...paths);
      await handle.dispose();
    },
    takeProtocolProblems() {
      const taken = problems;
      problems = [];
      return taken;
    },
    close: () => browser.close(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

async function launchWebkit(proxy: string): Promise<EnginePage> {
  const port = await freePort();
  // Its own process group, so closing ends Xvfb, the driver and MiniBrowser together. The POSIX locale, Debian's
  // default, whatever the caller's: WebKitGTK then reports navigator.language as "C", a tag Intl refuses, and the
  // app must still start (vite.config.ts, localeSafeUplot).
  const driver: ChildProcess = spawn('xvfb-run', ['-a', ENGINE_FILES.webkit.paths[0], `--port=${port}`], {
    stdio: 'ignore',
    detached: true,
    env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
  });
  const base = `http://127.0.0.1:${port}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as { value: T & { error?: string; message?: string } };
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value.error}: ${json.value.message}`);
    return json.value;
  };
  const kill = () => {
    try {
      if (driver.pid) process.kill(-driver.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  // WebKitWebDriver says nothing when it starts listening, so its port is tried until it answers: a wait for a
  // process to start, bounded at 30 s, not a wait on the page under test.
  let ready = false;
  for (let i = 0; i < 150 && !ready; i++) {
    ready = await call('GET', '/status').then(
      () => true,
      () => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 200)),
    );
  }
  if (!ready) {
    kill();
    throw new Error('WebKitWebDriver did not start within 30 s');
  }
  const session = await call<{ sessionId: string; capabilities: { browserName: string; browserVersion: string } }>(
    'POST',
    '/session',
    {
      capabilities: {
        alwaysMatch: {
          browserName: 'MiniBrowser',
          proxy: { proxyType: 'manual', httpProxy: proxy, sslProxy: proxy },
          'webkitgtk:browserOptions': { binary: ENGINE_FILES.webkit.paths[1], args: ['--automation'] },
        },
      },
    },
  ).catch((error: unknown) => {
    kill();
    throw error;
  });
  const s = `/session/${session.sessionId}`;
  await call('POST', `${s}/window/rect`, VIEWPORT);
  // The harness's waits are scripts that resolve when the page changes, bounded by their own timeout: the driver's
  // default script timeout (30 s) must not cut them short.
  await call('POST', `${s}/timeouts`, { script: SCRIPT_TIMEOUT_MS });
  const element = async (query: ElementQuery): Promise<string> => {
    const ref = await call<Record<string, string>>('POST', `${s}/execute/sync`, { script: SETTLED, args: [query] });
    return ref[ELEMENT_KEY];
  };
  return {
    engine: 'webkit',
    version: `${session.capabilities.browserName}/${session.capabilities.browserVersion}`,
    pid: driver.pid,
    async goto(url) {
      await call('POST', `${s}/url`, { url });
    },
    async visitInNewTab(url) {
      const home = await call<string>('GET', `${s}/window`);
      const tab = await call<{ handle: string }>('POST', `${s}/window/new`, { type: 'tab' });
      await call('POST', `${s}/window`, { handle: tab.handle });
      try {
        await call('POST', `${s}/url`, { url }).catch(() => undefined);
      } finally {
        await call('DELETE', `${s}/window`).catch(() => undefined);
        await call('POST', `${s}/window`, { handle: home });
      }
    },
    async reload() {
      await call('POST', `${s}/refresh`, {});
    },
    run<T>(body: string, ...args: unknown[]) {
      return call<T>('POST', `${s}/execute/sync`, { script: body, args });
    },
    async click(query) {
      await call('POST', `${s}/element/${await element(query)}/click`, {});
    },
    async setFiles(query, paths) {
      await call('POST', `${s}/element/${await element(query)}/value`, { text: paths.join('\n') });
    },
    // WebDriver classic reports no console: the probe's page-side record is what there is.
    takeProtocolProblems: () => [],
    async close() {
      await call('DELETE', s).catch(() => undefined);
      kill();
    },
  };
}
