/**
 * The build's uPlot locale fallback (vite.config.ts): the installed uPlot still builds its number formatter from
 * `navigator.language` the way the fallback expects, in each dist file Vite may resolve, and the rewritten
 * statement survives the POSIX tag "C" that WebKitGTK reports under LANG=C, where uPlot's own statement throws.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localeSafeUplot } from '../../vite.config';

const dist = dirname(createRequire(import.meta.url).resolve('uplot'));

/** The `numFormatter` statement of `source`, evaluated with `nav.language === language`. */
function formatterOf(source: string, language: string): Intl.NumberFormat {
  const statement = source.split('\n').find((line) => line.includes('const numFormatter ='));
  if (!statement) throw new Error('no numFormatter statement');
  return new Function('domEnv', 'nav', `${statement}\nreturn numFormatter;`)(true, { language });
}

describe('uPlot locale fallback', () => {
  for (const file of ['uPlot.esm.js', 'uPlot.cjs.js']) {
    it(`${file}: a refused tag falls back to en-US, a valid one is kept`, () => {
      const original = readFileSync(join(dist, file), 'utf8');
      expect(() => formatterOf(original, 'C')).toThrow(RangeError);
      const guarded = localeSafeUplot(original, file);
      expect(formatterOf(guarded, 'C').resolvedOptions().locale).toBe('en-US');
      expect(formatterOf(guarded, 'C').format(12345.5)).toBe('12,345.5');
      expect(formatterOf(guarded, 'de-DE').format(12345.5)).toBe('12.345,5');
      // Only that statement changes.
      expect(guarded.length - original.length).toBeLessThan(200);
    });
  }

  it('refuses a uPlot without the statement, naming the file', () => {
    expect(() => localeSafeUplot('export default 1;', 'uPlot.esm.js')).toThrow(/uPlot\.esm\.js: .*not found/);
  });
});
