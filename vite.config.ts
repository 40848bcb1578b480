import { randomBytes } from 'node:crypto';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The Content-Security-Policy of every page the app serves. Everything the app runs or loads is its own bundle
 * from its own origin, so the policy can say so: nothing may be fetched from, sent to or framed by anyone else.
 * - `script-src 'self' 'wasm-unsafe-eval'`: the bundle, plus compiling the tfjs WASM backend and the evaluation's
 *   Gram scan kernel (no `eval`).
 * - `worker-src 'self'`: the four workers are bundle files; none is built from a blob: or data: URL.
 * - `connect-src 'self'`: built-in datasets and the .wasm files are fetched from the app's origin; uploads and
 *   imports are read with the File API and downloads are blob: links the user follows, neither a connection.
 * - `style-src 'self'` for style sheets; `style-src-attr 'unsafe-inline'` because KaTeX writes its layout into
 *   `style="…"` attributes of the HTML it renders. An attribute cannot load anything that img-src/font-src forbid.
 * - `img-src 'self'`, `font-src 'self'`: the icon and KaTeX's fonts (emitted as files, never inlined as data:).
 *   Sample thumbnails are canvases painted from pixel arrays, which no CSP directive governs.
 * - `object-src 'none'`, `base-uri 'none'`, `form-action 'none'`: no plugins, no <base> rewrites, no form posts.
 */
export const CONTENT_SECURITY_POLICY: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'"],
  'style-src': ["'self'"],
  'style-src-attr': ["'unsafe-inline'"],
  'img-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/** Directives a <meta> policy cannot carry (browsers ignore them there): sent as headers by the Vite servers. */
const HEADER_ONLY: Readonly<Record<string, readonly string[]>> = {
  'frame-ancestors': ["'none'"],
};

/** Serialises directives, adding `extra` sources (e.g. the dev server's nonce) to the named directives. */
export function serialisePolicy(
  directives: Readonly<Record<string, readonly string[]>>,
  extra: Readonly<Record<string, readonly string[]>> = {},
): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources, ...(extra[name] ?? [])].join(' '))
    .join('; ');
}

/**
 * The development server's nonce: Vite's dev runtime injects an inline module script (React Fast Refresh's
 * preamble) and <style> elements (each CSS import), and `html.cspNonce` stamps this value on all of them. A fresh
 * value per server start: the dev server only listens on this machine and serves no user data of its own.
 */
const devNonce = randomBytes(18).toString('base64');

/**
 * Applies the policy: the built index.html carries it as a <meta http-equiv> (so it holds on any static host),
 * and the dev and preview servers send it as a header on every response, workers and .wasm included, together
 * with the header-only directives. A worker loaded from the app's origin is governed by its own response's
 * headers, not by the page's <meta>, which is why the servers send the header on the worker scripts too.
 */
function contentSecurityPolicy(): Plugin {
  const built = serialisePolicy(CONTENT_SECURITY_POLICY);
  const preview = serialisePolicy({ ...CONTENT_SECURITY_POLICY, ...HEADER_ONLY });
  const dev = serialisePolicy(
    { ...CONTENT_SECURITY_POLICY, ...HEADER_ONLY },
    { 'script-src': [`'nonce-${devNonce}'`], 'style-src': [`'nonce-${devNonce}'`] },
  );
  return {
    name: 'siamese:content-security-policy',
    transformIndexHtml: {
      order: 'pre',
      handler(html, ctx) {
        if (ctx.server) return html;
        // Right after <meta charset> (which must open the document) and before every script and style sheet:
        // a <meta> policy governs only what the parser meets after it.
        const charset = /<meta charset="[^"]*"\s*\/?>/i;
        if (!charset.test(html)) throw new Error('index.html needs a <meta charset> for the CSP <meta> to follow');
        return html.replace(
          charset,
          (tag) => `${tag}\n    <meta http-equiv="Content-Security-Policy" content="${built}" />`,
        );
      },
    },
    configureServer(server) {
      server.middlewares.use((_req, res, next) => {
        res.setHeader('Content-Security-Policy', dev);
        next();
      });
    },
    configurePreviewServer(server) {
      server.middlewares.use((_req, res, next) => {
        res.setHeader('Content-Security-Policy', preview);
        next();
      });
    },
  };
}

/** uPlot's number formatter, built from `navigator.language` as its module is evaluated (each dist build has it). */
const UPLOT_FORMATTER = "const numFormatter = new Intl.NumberFormat(domEnv ? nav.language : 'en-US');";

/**
 * uPlot's source with a formatter that survives a language tag Intl refuses. WebKitGTK (Safari's engine on Linux:
 * GNOME Web, kiosks, CI) reports the POSIX locale as `navigator.language === "C"` when LANG is C or C.UTF-8, and
 * `new Intl.NumberFormat("C")` throws a RangeError while uPlot's module is evaluated: the app's bundle would stop
 * before React mounts, leaving a blank page. Such a tag falls back to uPlot's own non-browser default, en-US.
 * Throws when uPlot no longer has the statement, so an upgrade is checked rather than silently unguarded.
 */
export function localeSafeUplot(code: string, id: string): string {
  if (!code.includes(UPLOT_FORMATTER)) {
    throw new Error(`${id}: uPlot's navigator.language number formatter was not found; check its locale fallback`);
  }
  return code.replace(
    UPLOT_FORMATTER,
    "const numFormatter = (() => { try { return new Intl.NumberFormat(domEnv ? nav.language : 'en-US'); } " +
      "catch { return new Intl.NumberFormat('en-US'); } })();",
  );
}

function uplotLocaleFallback(): Plugin {
  return {
    name: 'siamese:uplot-locale-fallback',
    transform(code, id) {
      return /[\\/]node_modules[\\/]uplot[\\/]dist[\\/]uPlot\.(esm|cjs)\.js(\?|$)/.test(id)
        ? localeSafeUplot(code, id)
        : null;
    },
  };
}

export default defineConfig(({ command }) => ({
  plugins: [react(), contentSecurityPolicy(), uplotLocaleFallback()],
  // Only the dev server needs the nonce (the build has no inline script or style element).
  html: command === 'serve' ? { cspNonce: devNonce } : {},
  // Pre-bundle the heavy dependencies up front; otherwise the dev server discovers them lazily
  // and reloads the page in the middle of an end-to-end test.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      'recharts',
      'react',
      'react-dom',
      'fflate',
      'katex',
      'umap-js',
      'fast-png',
      'jpeg-js',
    ],
    // Served as it is, through the plugins, so the dev server gets uplotLocaleFallback too (one ES module, no deps).
    exclude: ['uplot'],
  },
  worker: { format: 'es' },
  // No asset inlined as a data: URL (KaTeX's smallest font would be), so font-src and img-src stay 'self'.
  build: { target: 'es2022', sourcemap: true, assetsInlineLimit: 0 },
}));
