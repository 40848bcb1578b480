import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { queryFeatures } from '../../../src/core/data/query';
import { encodeText } from '../../../src/core/data/text';

const image = { modality: 'image' as const, featureShape: [8, 8, 1] };

describe('queryFeatures', () => {
  it('averages a drawing down to the dataset size (1 = ink)', () => {
    const values = new Float32Array(16 * 16);
    // Ink in the top-left 4×4 block only: output pixel (0,0) and (1,1) of 8×8 are fully inked, (2,2) not at all.
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) values[y * 16 + x] = 1;
    const f = queryFeatures({ kind: 'pixels', width: 16, height: 16, channels: 1, values }, image);
    expect(f.length).toBe(64);
    expect(f[0]).toBe(1);
    expect(f[1 * 8 + 1]).toBe(1);
    expect(f[2 * 8 + 2]).toBe(0);
    expect(f.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 5);
  });

  it('decodes an uploaded PNG like the image loader (grey, resized) and can invert it', () => {
    // A 2×2 RGB PNG: white, black / black, white → 1×1 grey = 0.5 mean; inverted 0.5 too, so use 2×2 target.
    const data = Uint8Array.of(255, 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255);
    const png = encodePng({ width: 2, height: 2, data, channels: 3, depth: 8 });
    const bytes = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer;
    const target = { modality: 'image' as const, featureShape: [2, 2, 1] };
    expect(Array.from(queryFeatures({ kind: 'image-file', name: 'x.png', bytes }, target))).toEqual([1, 0, 0, 1]);
    expect(Array.from(queryFeatures({ kind: 'image-file', name: 'x.png', bytes, invert: true }, target))).toEqual([
      0, 1, 1, 0,
    ]);
    const rgb = queryFeatures(
      { kind: 'image-file', name: 'x.png', bytes },
      { modality: 'image', featureShape: [1, 1, 3] },
    );
    expect(Array.from(rgb)).toEqual([0.5, 0.5, 0.5]);
    expect(() => queryFeatures({ kind: 'image-file', name: 'notes.txt', bytes: new ArrayBuffer(12) }, target)).toThrow(
      /notes\.txt.*neither PNG nor JPEG/,
    );
  });

  it('tokenises text with the dataset vocabulary and checks rows', () => {
    const vocabulary = ['<pad>', '<unk>', 'a', 'b', 'c'];
    const target = { modality: 'text' as const, featureShape: [6], vocabulary };
    expect(Array.from(queryFeatures({ kind: 'text', text: ' abz ' }, target))).toEqual(
      Array.from(encodeText('abz', vocabulary, 6)),
    );
    expect(() => queryFeatures({ kind: 'text', text: '   ' }, target)).toThrow('type some text to look up');
    const tab = { modality: 'tabular' as const, featureShape: [3], featureNames: ['a', 'b', 'c'] };
    expect(Array.from(queryFeatures({ kind: 'row', values: [1, 2.5, -3] }, tab))).toEqual([1, 2.5, -3]);
    expect(() => queryFeatures({ kind: 'row', values: [1, 2] }, tab)).toThrow('a row needs 3 values (a, b, c), got 2');
    expect(() => queryFeatures({ kind: 'row', values: [1, NaN, 2] }, tab)).toThrow(
      'value 2 of the row is not a number',
    );
    expect(() => queryFeatures({ kind: 'row', values: [1, 2, 3] }, image)).toThrow(
      'this dataset holds images: draw or upload an image instead',
    );
    expect(() =>
      queryFeatures({ kind: 'pixels', width: 2, height: 2, channels: 1, values: new Float32Array(4) }, tab),
    ).toThrow('this dataset holds rows of values, not images: enter a row of values instead');
    expect(() =>
      queryFeatures({ kind: 'pixels', width: 2, height: 2, channels: 1, values: new Float32Array(3) }, image),
    ).toThrow('a 2×2 drawing with 1 channel(s) needs 4 values, got 3');
  });
});
