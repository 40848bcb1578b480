/**
 * The end-to-end suite runs against what users get: the production bundle, with React's production build. (The test
 * runner sets NODE_ENV to 'test', which would otherwise put React's development build in the bundle: slower, with
 * effects run twice under StrictMode, so timings and effect bugs there are not the users'.)
 */
import { describe, expect, inject, it } from 'vitest';

describe('the served bundle', () => {
  it("holds React's production build, not its development build", async () => {
    const baseUrl = inject('baseUrl');
    const html = await (await fetch(`${baseUrl}/`)).text();
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    const texts = await Promise.all(scripts.map(async (src) => (await fetch(new URL(src, baseUrl))).text()));
    const code = texts.join('\n');
    // React DOM's development build asks for its DevTools on start; the production build has no such text.
    expect(code).toContain('createRoot');
    expect(code).not.toContain('Download the React DevTools');
  });
});
