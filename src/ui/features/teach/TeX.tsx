/**
 * A formula rendered with KaTeX to an HTML string (no network: KaTeX's CSS and fonts are bundled by Vite from
 * node_modules). KaTeX also emits MathML, which screen readers read; a bad formula shows its source as code.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { useMemo, type JSX } from 'react';

/** The HTML KaTeX makes of `tex`, or null when it cannot parse it. */
export function renderTeX(tex: string, displayMode = true): string | null {
  try {
    return katex.renderToString(tex, { displayMode, throwOnError: true, output: 'htmlAndMathml', strict: 'ignore' });
  } catch {
    return null;
  }
}

/** `<div class="tex">` holding the rendered formula. */
export function TeX(props: { tex: string }): JSX.Element {
  const html = useMemo(() => renderTeX(props.tex), [props.tex]);
  if (html === null) return <code className="tex-source">{props.tex}</code>;
  return <div className="tex" data-tex={props.tex} dangerouslySetInnerHTML={{ __html: html }} />;
}
