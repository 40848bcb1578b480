/**
 * Screenshots of the scatter and the live charts mid-training at 1280×720 and 1920×1080
 * (`npx tsx test/e2e/scatterScreenshots.ts [outDir] [steps]`, default docs/ and 1,600 steps ≈ 20 s of training in
 * the browser): the default demo's scatter with its few triplet links (PCA and LDA) and the three charts. Builds and
 * serves the app like the e2e suite (E2E_DIST serves an existing build).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, openPanel, waitForScatterSettled } from './harness';
import { startPreview } from './server';

async function main(): Promise<void> {
  const outDir = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'docs');
  const steps = Number(process.argv[3] ?? 1600);
  mkdirSync(outDir, { recursive: true });
  const server = await startPreview();
  const browser = await launchChromium();
  try {
    for (const [width, height] of [
      [1280, 720],
      [1920, 1080],
    ]) {
      const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      await page.goto(`${server.baseUrl}/?backend=wasm`);
      const status = page.getByRole('status').and(page.locator('[data-step]'));
      await page.locator('[role="status"][data-state="ready"]').waitFor({ timeout: 120_000 });
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.waitForFunction(
        (n) => Number(document.querySelector('[role="status"][data-step]')?.getAttribute('data-step') ?? 0) >= n,
        steps,
        { timeout: 900_000, polling: 250 },
      );
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      // Paused, the run sends the snapshot of its last step; the shot waits until the scatter has drawn it.
      const paused = page.locator('[role="status"][data-state="paused"]');
      await paused.waitFor({ timeout: 30_000 });
      await waitForScatterSettled(page, Number(await paused.getAttribute('data-step')));
      const shot = async (name: string, label: string) => {
        const target = page.getByLabel(label, { exact: true });
        await target.scrollIntoViewIfNeeded();
        await target.screenshot({ path: join(outDir, `${name}-${width}x${height}.png`) });
      };
      await shot('scatter-pca', 'Embedding view');
      await page
        .getByRole('region', { name: 'Charts' })
        .screenshot({ path: join(outDir, `charts-${width}x${height}.png`) });
      // The projection control lives in the Inspect panel.
      await openPanel(page, 'Inspect');
      await page.getByLabel('Projection', { exact: true }).selectOption('lda');
      await waitForScatterSettled(page);
      await shot('scatter-lda', 'Embedding view');
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(outDir, `page-${width}x${height}.png`) });
      console.log(`${width}×${height}: ${await status.first().textContent()}`);
      await page.close();
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
