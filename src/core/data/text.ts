/**
 * Character-level tokenisation shared by the built-in text set and text uploads.
 * Index 0 is padding, 1 is an unknown character; the rest are the characters seen, in sorted order,
 * so the same texts always give the same vocabulary.
 */
export const PAD_TOKEN = 0;
export const UNKNOWN_TOKEN = 1;

/** A vocabulary of single characters: ['<pad>', '<unk>', ...sorted characters]. */
export function buildCharVocabulary(texts: readonly string[]): string[] {
  const chars = new Set<string>();
  for (const text of texts) for (const ch of text) chars.add(ch);
  return ['<pad>', '<unk>', ...[...chars].sort()];
}

/** Token ids of `text`, cut or zero-padded to `length` (padding at the end). */
export function encodeText(
  text: string,
  vocabulary: readonly string[],
  length: number,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  const ids = out ?? new Float32Array(length);
  const index = vocabularyIndex(vocabulary);
  let i = 0;
  for (const ch of text) {
    if (i >= length) break;
    ids[offset + i++] = index.get(ch) ?? UNKNOWN_TOKEN;
  }
  for (; i < length; i++) ids[offset + i] = PAD_TOKEN;
  return ids;
}

/** All texts encoded into one row-major matrix (texts.length × length). */
export function encodeTexts(texts: readonly string[], vocabulary: readonly string[], length: number): Float32Array {
  const out = new Float32Array(texts.length * length);
  texts.forEach((t, r) => encodeText(t, vocabulary, length, out, r * length));
  return out;
}

/** The text back from token ids (padding dropped, unknowns shown as '?'). */
export function decodeTokens(ids: ArrayLike<number>, vocabulary: readonly string[]): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === PAD_TOKEN) continue;
    s += id === UNKNOWN_TOKEN ? '?' : (vocabulary[id] ?? '?');
  }
  return s;
}

const indexCache = new WeakMap<readonly string[], Map<string, number>>();
function vocabularyIndex(vocabulary: readonly string[]): Map<string, number> {
  let index = indexCache.get(vocabulary);
  if (!index) {
    index = new Map(vocabulary.map((ch, i) => [ch, i] as [string, number]));
    indexCache.set(vocabulary, index);
  }
  return index;
}
