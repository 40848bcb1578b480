/**
 * Takes the README's screenshots of the one-screen view: the default demo mid-training, in normal and classroom
 * mode, at 1280×720 (a lecture projector) and 1920×1080. Builds and serves the app like the e2e suite
 * (`E2E_DIST=<folder>` serves an existing build) and drives Debian's Chromium.
 *
 *   npx tsx scripts/screenshots.ts [--out docs] [--steps 400] [--only 1280x720-normal]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/e2e/harness';
import { startPreview } from '../test/e2e/server';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
const MODES = ['normal', 'classroom'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(import.meta.dirname, '..', 'docs') },
      steps: { type: 'string', default: '400' },
      only: { type: 'string' },
    },
  });
  const steps = Number(values.steps);
  if (!Number.isInteger(steps) || steps < 0)
    throw new Error(`--steps must be a whole number ≥ 0 (got ${values.steps})`);
  const out = resolve(values.out!);
  mkdirSync(out, { recursive: true });
  const server = await startPreview();
  const browser = await launchChromium();
  try {
    for (const size of SIZES) {
      for (const mode of MODES) {
        const name = `${size.width}x${size.height}-${mode}`;
        if (values.only && values.only !== name) continue;
        const page = await browser.newPage({ viewport: size, deviceScaleFactor: 1 });
        page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
        await page.goto(`${server.baseUrl}/?backend=wasm${mode === 'classroom' ? '&classroom=1' : ''}`);
        const status = page.getByRole('status');
        await status.and(page.locator('[data-state="ready"]')).waitFor({ timeout: 60_000 });
        if (steps > 0) {
          await page.getByRole('button', { name: 'Train', exact: true }).click();
          await page.waitForFunction(
            (n) => Number(document.querySelector('[role="status"]')?.getAttribute('data-step') ?? 0) >= n,
            steps,
            { timeout: 180_000, polling: 200 },
          );
          await page.getByRole('button', { name: 'Pause', exact: true }).click();
        }
        // The scatter eases between snapshots: let it settle on the last one.
        await page.waitForTimeout(800);
        const path = join(out, `screenshot-${name}.png`);
        await page.screenshot({ path });
        console.log(`saved ${path} at ${await status.textContent()}`);
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
