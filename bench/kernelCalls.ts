/**
 * `npx tsx bench/kernelCalls.ts`: what the JS side of small WASM kernel calls costs in Chromium's dedicated worker
 * and in Node, with tfjs-backend-wasm's stock kernels and with the direct calls the trainer uses (shapes through
 * reused arrays, no new typed array per call; src/core/model/wasmCalls.ts), and around them a JS array of ones
 * against onesLike, and a readback copy against an in-place view. Bundles bench/lib/kernelCallCases.ts for the
 * browser (vite, library mode, into a temporary folder), serves it with the WASM files, and runs the same cases in
 * a module worker of headless Chromium and in this process. Prints µs per call (medians of 9 interleaved rounds).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'vite';
import { launchChromium } from '../test/e2e/harness';
import { type KernelCallTimes, kernelCallTimes } from './lib/kernelCallCases';
import { load, log, table } from './lib/common';

const ROOT = resolve(import.meta.dirname, '..');
const WASM_DIR = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

const WORKER = `import { kernelCallTimes } from './cases.js';
onmessage = async () => {
  try { postMessage({ ok: await kernelCallTimes('/wasm/') }); } catch (e) { postMessage({ error: String(e?.stack ?? e) }); }
};`;

async function inChromium(): Promise<KernelCallTimes> {
  const dir = mkdtempSync(join(tmpdir(), 'siamese-kernel-calls-'));
  try {
    await build({
      root: ROOT,
      logLevel: 'warn',
      configFile: false,
      build: {
        outDir: dir,
        emptyOutDir: true,
        lib: {
          entry: resolve(import.meta.dirname, 'lib/kernelCallCases.ts'),
          formats: ['es'],
          fileName: () => 'cases.js',
        },
      },
    });
    writeFileSync(join(dir, 'worker.js'), WORKER);
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const file = path.startsWith('/wasm/')
        ? join(WASM_DIR, path.slice(6))
        : join(dir, path === '/' ? 'index.html' : path);
      const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.js') ? 'text/javascript' : 'text/html';
      try {
        const body = path === '/' ? '<!doctype html><title>kernel calls</title>' : readFileSync(file);
        res.writeHead(200, { 'content-type': type }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      const reply = await page.evaluate(
        () =>
          new Promise<{ ok?: KernelCallTimes; error?: string }>((done) => {
            const worker = new Worker('/worker.js', { type: 'module' });
            worker.onmessage = (e) => done(e.data);
            worker.onerror = (e) => done({ error: e.message });
            worker.postMessage(null);
          }),
      );
      if (!reply.ok) throw new Error(`the Chromium worker failed: ${reply.error}`);
      return reply.ok;
    } finally {
      await browser.close();
      server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const before = load().loadAverage.join(' ');
  log('kernel calls: Chromium worker (building the cases, ~20 s), then Node');
  const chromium = await inChromium();
  const node = await kernelCallTimes(`${WASM_DIR}/`);
  const rows = Object.keys(chromium).map((name) => [
    name,
    String(chromium[name].stock),
    String(chromium[name].direct),
    String(node[name].stock),
    String(node[name].direct),
  ]);
  process.stdout.write(
    `\nµs per call, medians of 9 interleaved rounds of 1,000 calls (load average ${before} → ${load().loadAverage.join(' ')})\n`,
  );
  process.stdout.write(
    `${table(['case (stock / direct)', 'Chromium stock', 'Chromium direct', 'Node stock', 'Node direct'], rows)}\n`,
  );
}
