/**
 * Takes the README's screenshot: the default demo mid-training (`npx tsx test/e2e/screenshot.ts [out.png]`).
 * Builds and serves the app like the e2e suite, trains until the classes have started to separate, and saves
 * the whole page to docs/screenshot.png.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { launchChromium } from './harness';
import { startPreview } from './server';

const STEPS_BEFORE_SHOT = 400;

async function main(): Promise<void> {
  const out = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'docs', 'screenshot.png');
  const server = await startPreview();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(`${server.baseUrl}/?backend=wasm`);
    const status = page.getByRole('status');
    await status.and(page.locator('[data-state="ready"]')).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.waitForFunction(
      (steps) => Number(document.querySelector('[role="status"]')?.getAttribute('data-step') ?? 0) >= steps,
      STEPS_BEFORE_SHOT,
      { timeout: 120_000, polling: 200 },
    );
    // The scatter animates between snapshots: give it a moment to settle on the latest one.
    await page.waitForTimeout(800);
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
    console.log(`saved ${out} at ${await status.textContent()}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
