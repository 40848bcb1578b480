/** JSON reading shared by the file formats: tells a file that was cut short from text that is not JSON at all. */

/**
 * True when JSON.parse failed because the text ended too early (a truncated download or copy): the engine says
 * "end of input", an unterminated string, or an error position at the very end of the text.
 */
export function endedEarly(text: string, error: unknown): boolean {
  const detail = error instanceof Error ? error.message : String(error);
  if (/end of (JSON )?(input|data)|Unterminated|Unexpected end/i.test(detail)) return true;
  const position = /at position (\d+)/.exec(detail);
  return position !== null && Number(position[1]) >= text.trimEnd().length;
}

/** Keys that would reach an object's prototype when a parsed document is merged into another object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A parsed document holds a key that could reach an object's prototype; the message names the key and its path. */
export class ForbiddenKeyError extends Error {
  constructor(key: string) {
    super(`it holds a "${key}" key, which could change how the app's own objects behave; it is refused`);
    this.name = 'ForbiddenKeyError';
  }
}

/**
 * JSON.parse that refuses `__proto__`, `constructor` and `prototype` keys anywhere in the document (throwing
 * ForbiddenKeyError), so no parsed object can carry them into code that merges it into another object.
 */
export function parseJsonStrict(text: string): unknown {
  return JSON.parse(text, (key, value) => {
    if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKeyError(key);
    return value;
  });
}
