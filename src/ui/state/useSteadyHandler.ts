/**
 * A handler that is the same function on every render and calls the handler of the latest committed render.
 *
 * The page renders on every training event; a handler written inline is a new function each time, which makes a
 * memoised component render again (and React write its inputs' attributes again) though nothing it shows changed.
 * For event handlers only: one called during render would see the previous render's handler.
 */
import { useCallback, useLayoutEffect, useRef } from 'react';

export function useSteadyHandler<A extends unknown[], R>(handler: (...args: A) => R): (...args: A) => R {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  return useCallback((...args: A) => latest.current(...args), []);
}
