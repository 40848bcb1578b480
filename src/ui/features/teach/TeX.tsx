/**
 * A formula typeset with KaTeX (no network: KaTeX's CSS and fonts are bundled by Vite from node_modules). KaTeX
 * also emits MathML, which screen readers read; a bad formula shows its source as code.
 *
 * KaTeX is loaded on demand (katexRender.ts, a chunk of its own) and a formula is typeset only once it is near the
 * viewport, then cached: in the first bundle, KaTeX would be loaded and parsed before the user can act, and the
 * threshold view's formula would be typeset (≈ 25 ms) in the very task that renders the first evaluation after
 * Train, although the view sits below the fold. Until typeset, the formula's box keeps a fixed height, so nothing moves when it appears.
 */
import { useEffect, useMemo, useRef, useState, type JSX } from 'react';

type KaTeXModule = typeof import('./katexRender');

let katexModule: KaTeXModule | null = null;
let katexLoading: Promise<KaTeXModule> | null = null;
/** Typeset formulas by display mode and source (a formula is typeset once per page). */
const typeset = new Map<string, string | null>();

/** Loads KaTeX once (later calls share the same promise). */
export function loadKaTeX(): Promise<KaTeXModule> {
  katexLoading ??= import('./katexRender').then((module) => {
    katexModule = module;
    return module;
  });
  return katexLoading;
}

/**
 * The HTML KaTeX makes of `tex`, or null when it cannot parse it; undefined while KaTeX is not loaded yet (see
 * loadKaTeX).
 */
export function renderTeX(tex: string, displayMode = true): string | null | undefined {
  if (!katexModule) return undefined;
  const key = `${displayMode ? 'D' : 'I'}${tex}`;
  if (!typeset.has(key)) typeset.set(key, katexModule.renderTeXToString(tex, displayMode));
  return typeset.get(key);
}

/** How far outside the viewport a formula starts loading and typesetting. */
const NEAR_VIEWPORT = '300px';

/** `<div class="tex">` holding the rendered formula (`data-tex` = its source; empty until typeset). */
export function TeX(props: { tex: string }): JSX.Element {
  const box = useRef<HTMLDivElement | null>(null);
  /** Whether the formula has been near the viewport (then it stays typeset). */
  const [near, setNear] = useState(false);
  const [loaded, setLoaded] = useState(katexModule !== null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (near) return;
    const element = box.current;
    if (!element || typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setNear(true);
          observer.disconnect();
        }
      },
      { rootMargin: NEAR_VIEWPORT },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [near]);

  useEffect(() => {
    if (!near || loaded) return;
    let current = true;
    loadKaTeX().then(
      () => current && setLoaded(true),
      () => current && setFailed(true), // the chunk could not be loaded: show the formula's source instead
    );
    return () => {
      current = false;
    };
  }, [near, loaded]);

  const html = useMemo(() => (near && loaded ? renderTeX(props.tex) : undefined), [props.tex, near, loaded]);
  if (html === null || (failed && html === undefined)) return <code className="tex-source">{props.tex}</code>;
  if (html === undefined) return <div ref={box} className="tex tex-pending" data-tex={props.tex} aria-hidden="true" />;
  // biome-ignore lint/security/noDangerouslySetInnerHtml: KaTeX's own markup of the app's lesson formulas (trust off)
  return <div ref={box} className="tex" data-tex={props.tex} dangerouslySetInnerHTML={{ __html: html }} />;
}
