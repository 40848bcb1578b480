import { describe, expect, it } from 'vitest';
import { splitInputHalves, splitLayout } from '../../../../src/core/data/splitInput';
import { buildCharVocabulary, encodeTexts, decodeTokens, PAD_TOKEN } from '../../../../src/core/data/text';

const size = (shape: number[]) => shape.reduce((x, y) => x * y, 1);

/** Sample s, value p = s·1000 + p + 1: never 0, so padding is recognisable, and each value names its origin. */
function taggedFeatures(numSamples: number, shape: number[]): Float32Array {
  const d = size(shape);
  return Float32Array.from({ length: numSamples * d }, (_, k) => Math.floor(k / d) * 1000 + (k % d) + 1);
}

describe('splitInputHalves', () => {
  // Expected cut positions follow the documented rule: half a takes round(ratio × positions), positions being the
  // first axis for rank ≤ 2 (tabular, text, sequences) and the flat vector for images.
  const cases: {
    name: string;
    shape: number[];
    ratio: number;
    lengthA: number;
    perPosition: number;
    halfShape: number[];
  }[] = [
    { name: 'tabular 0.5', shape: [10], ratio: 0.5, lengthA: 5, perPosition: 1, halfShape: [5] },
    { name: 'tabular 0.75', shape: [10], ratio: 0.75, lengthA: 8, perPosition: 1, halfShape: [8] },
    { name: 'tabular 0.3', shape: [10], ratio: 0.3, lengthA: 3, perPosition: 1, halfShape: [7] },
    { name: 'odd tabular 0.5', shape: [7], ratio: 0.5, lengthA: 4, perPosition: 1, halfShape: [4] },
    { name: 'image 0.5', shape: [4, 4, 1], ratio: 0.5, lengthA: 8, perPosition: 1, halfShape: [8] },
    { name: 'image 0.75', shape: [3, 5, 2], ratio: 0.75, lengthA: 23, perPosition: 1, halfShape: [23] },
    { name: 'image 0.3', shape: [3, 5, 2], ratio: 0.3, lengthA: 9, perPosition: 1, halfShape: [21] },
    { name: 'sequence 0.5', shape: [8, 3], ratio: 0.5, lengthA: 4, perPosition: 3, halfShape: [4, 3] },
    { name: 'sequence 0.75', shape: [8, 3], ratio: 0.75, lengthA: 6, perPosition: 3, halfShape: [6, 3] },
    { name: 'sequence 0.3', shape: [8, 3], ratio: 0.3, lengthA: 2, perPosition: 3, halfShape: [6, 3] },
    { name: 'token ids 0.3', shape: [12], ratio: 0.3, lengthA: 4, perPosition: 1, halfShape: [8] },
  ];

  for (const c of cases) {
    it(`${c.name}: halves reconstruct each sample, padded with zeros to one shape`, () => {
      const n = 3;
      const d = size(c.shape);
      const features = taggedFeatures(n, c.shape);
      const halves = splitInputHalves(features, n, c.shape, c.ratio);
      expect(halves.sizeA).toBe(c.lengthA * c.perPosition);
      expect(halves.sizeA + halves.sizeB).toBe(d);
      expect(halves.halfShape).toEqual(c.halfShape);
      const h = size(halves.halfShape);
      expect(h).toBe(Math.max(halves.sizeA, halves.sizeB));
      expect(halves.a.length).toBe(n * h);
      expect(halves.b.length).toBe(n * h);
      for (let s = 0; s < n; s++) {
        const rowA = halves.a.subarray(s * h, (s + 1) * h);
        const rowB = halves.b.subarray(s * h, (s + 1) * h);
        // The positive pair is the two halves of the same sample: together they are exactly that sample.
        const rebuilt = [...rowA.subarray(0, halves.sizeA), ...rowB.subarray(0, halves.sizeB)];
        expect(rebuilt).toEqual(Array.from(features.subarray(s * d, (s + 1) * d)));
        expect(Array.from(rowA.subarray(halves.sizeA))).toEqual(new Array(h - halves.sizeA).fill(0));
        expect(Array.from(rowB.subarray(halves.sizeB))).toEqual(new Array(h - halves.sizeB).fill(0));
      }
      // The cut is near the requested ratio: within half a position of it.
      expect(Math.abs(halves.sizeA / c.perPosition - c.ratio * (d / c.perPosition))).toBeLessThanOrEqual(0.5);
    });
  }

  it('cuts a sequence between time steps, never inside one', () => {
    const features = taggedFeatures(1, [5, 4]);
    const halves = splitInputHalves(features, 1, [5, 4], 0.5); // round(2.5) = 3 steps in a
    expect(halves.sizeA).toBe(12);
    expect(halves.b[0]).toBe(features[12]); // b starts at the first value of step 3
    expect(halves.halfShape).toEqual([3, 4]);
  });

  it('text: halves are token ids and padding is the padding token', () => {
    const texts = ['hello world!', 'ab'];
    const vocabulary = buildCharVocabulary(texts);
    const ids = encodeTexts(texts, vocabulary, 12);
    const halves = splitInputHalves(ids, 2, [12], 0.75); // 9 | 3 tokens, padded to 9
    expect(decodeTokens(halves.a.subarray(0, 9), vocabulary)).toBe('hello wor');
    expect(decodeTokens(halves.b.subarray(0, 9), vocabulary)).toBe('ld!');
    expect(Array.from(halves.b.subarray(3, 9))).toEqual(new Array(6).fill(PAD_TOKEN));
    expect(decodeTokens(halves.a.subarray(9, 18), vocabulary)).toBe('ab');
  });

  it('never leaves a half empty and explains what cannot be cut', () => {
    expect(splitLayout([4], 0.1).lengthA).toBe(1); // round(0.4) = 0, kept at 1
    expect(splitLayout([4], 0.9).lengthB).toBe(1); // round(3.6) = 4, kept at 3
    expect(() => splitLayout([4], 0)).toThrow(/strictly between 0 and 1/);
    expect(() => splitLayout([4], 1)).toThrow(/strictly between 0 and 1/);
    expect(() => splitLayout([1], 0.5)).toThrow(/at least 2/);
    expect(() => splitInputHalves(new Float32Array(7), 2, [4], 0.5)).toThrow(
      /expected 2 samples × 4 values = 8, got 7/,
    );
  });
});
