/**
 * KaTeX itself and its stylesheet, in a chunk of their own (TeX.tsx imports this module dynamically): the
 * page does not load or parse them before the user can act, only when a formula is about to be seen. No network:
 * Vite bundles KaTeX's CSS and fonts from node_modules.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';

/** The HTML KaTeX makes of `tex` (HTML for the eye, MathML for screen readers), or null when it cannot parse it. */
export function renderTeXToString(tex: string, displayMode: boolean): string | null {
  try {
    return katex.renderToString(tex, { displayMode, throwOnError: true, output: 'htmlAndMathml', strict: 'ignore' });
  } catch {
    return null;
  }
}
