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
