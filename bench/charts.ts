/**
 * `npm run bench:charts [-- --rounds 21]`: time to update the live loss chart in headless Chromium with the old
 * hand-written canvas chart and with uPlot, for 10,000- and 100,000-step histories (bench/charts/entry.ts), one run,
 * interleaved rounds, medians. Prints a table.
 */
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { resolve } from 'node:path';
import { load, log, machine, table } from './lib/common';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--rounds');
  const rounds = at >= 0 ? Number(argv[at + 1]) : 21;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${rounds}`);
  const bundle = await build({
    entryPoints: [resolve(import.meta.dirname, 'charts', 'entry.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    minify: true,
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    const started = load();
    log(`running ${rounds} rounds`);
    const results = (await page.evaluate(
      (r) => (window as unknown as { runChartBench(r: number): Promise<unknown> }).runChartBench(r),
      rounds,
    )) as { steps: number; implementation: string; medianMs: number; runs: number }[];
    process.stdout.write(
      `${JSON.stringify({ machine: machine(), load: started.loadAverage, browser: browser.version() })}\n\n` +
        `${table(
          ['history', 'implementation', 'median ms per update', 'runs'],
          results.map((x) => [x.steps.toLocaleString('en'), x.implementation, x.medianMs, x.runs]),
        )}\n`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
