/**
 * The `typo-words` built-in: English base words as classes, each spelt correctly and with keyboard-plausible typos
 * (at most two edits), tokenised per character for the recurrent tower. Seeded like every synthetic set.
 */
import type { Rng } from '../rng';
import type { LabelledDataset } from './dataset';
import { positiveInteger, SYNTHETIC_LICENCE } from './synthetic';
import { buildCharVocabulary, encodeTexts } from './text';

/** Options of the typo'd words. */
export interface TypoWordsOptions {
  /** Variants per base word, the clean word included. (2–60; default 30) */
  variantsPerWord?: number;
  /** Token length every text is cut or padded to. (default 12) */
  maxLength?: number;
}

/** The base words of `typo-words` (one class each): common English words of 5–9 letters. */
export const TYPO_BASE_WORDS: readonly string[] = [
  'apple',
  'banana',
  'garden',
  'window',
  'planet',
  'river',
  'silver',
  'market',
  'orange',
  'pocket',
  'summer',
  'winter',
  'yellow',
  'purple',
  'rocket',
  'castle',
  'forest',
  'island',
  'jacket',
  'kitchen',
  'letter',
  'monkey',
  'number',
  'pencil',
  'school',
  'animal',
  'bridge',
  'candle',
  'doctor',
  'engine',
  'flower',
  'guitar',
  'hammer',
  'mirror',
  'violin',
  'blanket',
  'chocolate',
  'umbrella',
];

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Letters next to each letter on a QWERTY keyboard (same row and the rows above and below). */
const KEYBOARD_NEIGHBOURS: ReadonlyMap<string, string> = (() => {
  const position = new Map<string, [number, number]>();
  KEYBOARD_ROWS.forEach((row, r) => [...row].forEach((ch, c) => position.set(ch, [r, c + r * 0.5])));
  const out = new Map<string, string>();
  for (const [ch, [r, x]] of position) {
    let near = '';
    for (const [other, [r2, x2]] of position) {
      if (other !== ch && Math.abs(r - r2) <= 1 && Math.abs(x - x2) <= 1) near += other;
    }
    out.set(ch, near);
  }
  return out;
})();

function neighbourOf(ch: string, rng: Rng): string {
  const near = KEYBOARD_NEIGHBOURS.get(ch);
  return near ? rng.pick(near) : rng.pick(KEYBOARD_ROWS.join(''));
}

/**
 * One typo'd copy of `word`: one or two edits (insert a keyboard neighbour of a nearby letter, delete a
 * letter, substitute a keyboard neighbour, transpose two adjacent letters). A transposition counts as two
 * edits, so the Levenshtein distance to `word` never exceeds 2.
 */
export function makeTypo(word: string, rng: Rng): string {
  let letters = [...word];
  let budget = rng.next() < 0.6 ? 1 : 2;
  while (budget > 0) {
    const kind = rng.int(budget >= 2 && letters.length >= 2 ? 4 : 3);
    if (kind === 0) {
      const at = rng.int(letters.length + 1);
      const nearby = letters[Math.min(at, letters.length - 1)];
      letters.splice(at, 0, neighbourOf(nearby, rng));
    } else if (kind === 1 && letters.length > 3) {
      letters.splice(rng.int(letters.length), 1);
    } else if (kind === 3) {
      const at = rng.int(letters.length - 1);
      letters = [...letters.slice(0, at), letters[at + 1], letters[at], ...letters.slice(at + 2)];
      budget--;
    } else {
      const at = rng.int(letters.length);
      letters[at] = neighbourOf(letters[at], rng);
    }
    budget--;
  }
  return letters.join('');
}

/**
 * Base words as classes, each with its clean spelling and `variantsPerWord − 1` distinct typo'd variants;
 * texts are tokenised per character (vocabulary index 0 = padding) and padded to `maxLength`.
 */
export function generateTypoWords(options: TypoWordsOptions, rng: Rng): LabelledDataset {
  const variantsPerWord = positiveInteger(options.variantsPerWord ?? 30, 'typo-words variantsPerWord', 60);
  if (variantsPerWord < 2)
    throw new Error('typo-words variantsPerWord is 1; each word needs at least 2 variants to form positive pairs');
  const maxLength = positiveInteger(options.maxLength ?? 12, 'typo-words maxLength', 256);
  const classes = TYPO_BASE_WORDS.length;
  // Strings already given to a class: a typo that spells another word or another word's typo would put one
  // string in two classes.
  const taken = new Set<string>(TYPO_BASE_WORDS);
  const variants: string[][] = TYPO_BASE_WORDS.map((word) => {
    const seen = new Set([word]);
    for (let attempt = 0; seen.size < variantsPerWord && attempt < variantsPerWord * 50; attempt++) {
      const typo = makeTypo(word, rng);
      if (!taken.has(typo)) {
        seen.add(typo);
        taken.add(typo);
      }
    }
    if (seen.size < variantsPerWord)
      throw new Error(`typo-words could not make ${variantsPerWord} distinct variants of "${word}"`);
    return [...seen];
  });
  const n = classes * variantsPerWord;
  const texts = new Array<string>(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    texts[i] = variants[c][Math.floor(i / classes)];
    labels[i] = c;
  }
  const vocabulary = buildCharVocabulary(texts);
  return {
    kind: 'labelled',
    name: 'typo-words',
    description: `${classes} English words, each spelt ${variantsPerWord} ways (the clean word and typo'd variants)`,
    modality: 'text',
    features: encodeTexts(texts, vocabulary, maxLength),
    featureShape: [maxLength],
    labels,
    classNames: [...TYPO_BASE_WORDS],
    numSamples: n,
    vocabulary,
    texts,
    source: {
      type: 'synthetic',
      ref: `typo-words(variantsPerWord=${variantsPerWord},maxLength=${maxLength})`,
      licence: SYNTHETIC_LICENCE,
    },
  };
}
