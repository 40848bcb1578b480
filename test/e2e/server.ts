/**
 * Builds the app and serves the production bundle with `vite preview` on 127.0.0.1 — what users get, not the dev
 * server (whose lazy dependency discovery reloads pages mid-test). The bundle goes to a fresh temporary folder so
 * a build here never races a developer's `dist/`; `E2E_DIST=<absolute folder>` serves an existing build instead
 * (no build, nothing emptied). Shared by the vitest global setup and the screenshot script.
 *
 * Safety: a build only ever writes into a folder this module just created with mkdtemp; any other outDir (empty,
 * relative, the project or a parent of it) is refused, because Vite's emptyOutDir would delete it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { build, preview } from 'vite';

const root = resolve(import.meta.dirname, '..', '..');

/** A running preview server and how to stop it (also removes the temporary build). */
export interface PreviewHandle {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  stop(): Promise<void>;
}

/** Asks the OS for a port nobody listens on (the preview then binds it with strictPort). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** True when `dir` is the project root or one of its parents (never a place to build into or serve from). */
function containsProject(dir: string): boolean {
  const rel = relative(resolve(dir), root);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Builds into a fresh temporary folder (or serves E2E_DIST) and serves the app on a free local port. `development`
 * builds with React's development build instead (what `npm start` serves: StrictMode runs every effect twice on
 * mount), always fresh.
 */
export async function startPreview(options: { development?: boolean } = {}): Promise<PreviewHandle> {
  const development = options.development === true;
  const given = development ? undefined : process.env.E2E_DIST?.trim();
  if (given !== undefined && given !== '' && (!isAbsolute(given) || containsProject(given))) {
    throw new Error(`E2E_DIST must be an absolute folder outside the project (got "${given}")`);
  }
  const reuse = given ? given : null;
  const outDir = reuse ?? mkdtempSync(join(tmpdir(), 'siamese-e2e-'));
  if (!isAbsolute(outDir) || containsProject(outDir)) throw new Error(`refusing to build into ${outDir}`);
  if (!reuse) {
    // emptyOutDir is safe here: outDir is the folder mkdtemp created a moment ago.
    // React's production build, as users get it: Vite and its React plugin take NODE_ENV from the environment when
    // set, and the test runner sets it to 'test', which bundles React's development build (slower, with StrictMode's
    // doubled effects). So the build sees the mode asked for, and the variable is put back afterwards.
    const nodeEnv = process.env.NODE_ENV;
    const mode = development ? 'development' : 'production';
    process.env.NODE_ENV = mode;
    try {
      // React's development build makes a larger bundle than Vite's size warning allows; it is not one users load.
      const chunkSizeWarningLimit = development ? 4096 : undefined;
      await build({
        root,
        mode,
        logLevel: 'warn',
        build: { outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit },
      });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
  }
  const port = await freePort();
  const server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await server.close();
      if (!reuse) rmSync(outDir, { recursive: true, force: true });
    },
  };
}
