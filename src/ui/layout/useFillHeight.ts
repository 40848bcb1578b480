/**
 * The height a fixed-height child must take so that its box fills a grid cell: the scatter and the charts take
 * their canvas height as a number, while the layout gives their cell a height from the viewport (CSS grid in vh).
 */
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/**
 * Watches `cell` and returns `cell height - (content height - sized part height)`, i.e. what the part measured by
 * `sizedPart` (inside the cell) must be for the cell's content to fit exactly; at least `min`, `fallback` before
 * the first measurement (server rendering, tests).
 */
export function useFillHeight(
  sizedPart: (cell: HTMLElement) => HTMLElement | null,
  min: number,
  fallback: number,
): { ref: RefObject<HTMLDivElement | null>; height: number } {
  const ref = useRef<HTMLDivElement | null>(null);
  const [height, setHeight] = useState(fallback);
  const partOf = useRef(sizedPart);
  partOf.current = sizedPart;
  useLayoutEffect(() => {
    const cell = ref.current;
    if (!cell || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      const part = partOf.current(cell);
      const content = cell.firstElementChild as HTMLElement | null;
      if (!part || !content || cell.clientHeight === 0) return;
      const style = getComputedStyle(cell);
      const inner = cell.clientHeight - Number.parseFloat(style.paddingTop) - Number.parseFloat(style.paddingBottom);
      const rest = content.getBoundingClientRect().height - part.getBoundingClientRect().height;
      const next = Math.max(min, Math.floor(inner - rest));
      setHeight((previous) => (Math.abs(previous - next) < 1 ? previous : next));
    };
    const observer = new ResizeObserver(measure);
    observer.observe(cell);
    const content = cell.firstElementChild;
    if (content) observer.observe(content);
    measure();
    return () => observer.disconnect();
  }, [min]);
  return { ref, height };
}

/** The window's inner height, updated on resize (768 where there is no window). */
export function useViewportHeight(): number {
  const [height, setHeight] = useState(() => (typeof window === 'undefined' ? 768 : window.innerHeight));
  useEffect(() => {
    const onResize = () => setHeight(window.innerHeight);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return height;
}
