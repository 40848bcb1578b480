/**
 * Split-input transform: each sample is cut into two halves a | b, and "the two halves of one sample" is the
 * positive pair (self-supervised: no labels needed). Both halves go through the ONE shared tower, so unequal
 * halves are zero-padded at the end to the longer length and share one input shape.
 *
 * Where the cut falls:
 * - rank-1 samples ([d] tabular / points, [length] token ids or a univariate sequence): along that axis;
 * - rank-2 samples ([length, channels] sequences): along the time axis, keeping each step's channels together;
 * - rank ≥ 3 samples (images [h, w, c]): over the flat feature vector, so the halves are flat vectors
 *   (a CNN cannot take them; the config forbids that combination).
 * Half a takes round(ratio × length) positions (rounding avoids float noise such as 0.3 × 10 = 3.0000000000000004),
 * clamped to [1, length − 1] so neither half is empty. Padding is 0, which for text is the padding token.
 */

/** The two halves of every sample, each numSamples × prod(halfShape), row-major. */
export interface SplitHalves {
  a: Float32Array;
  b: Float32Array;
  /** Shape of one (padded) half: what the tower takes. */
  halfShape: number[];
  /** Values of a sample that went to half a / half b (before padding); sizeA + sizeB = the sample's size. */
  sizeA: number;
  sizeB: number;
}

/** Where a sample of `featureShape` is cut at `ratio`: lets the UI preview the halves without the data. */
export interface SplitLayout {
  /** Positions along the cut axis in half a / half b. */
  lengthA: number;
  lengthB: number;
  /** Values per position (channels of a sequence step; 1 for a flat cut). */
  valuesPerPosition: number;
  sizeA: number;
  sizeB: number;
  halfShape: number[];
}

/** The cut of one sample shape (see the module comment); throws when a sample is too small to cut in two. */
export function splitLayout(featureShape: readonly number[], ratio: number): SplitLayout {
  if (!(ratio > 0 && ratio < 1)) throw new Error(`the split ratio must be strictly between 0 and 1, got ${ratio}`);
  const size = featureShape.reduce((x, y) => x * y, 1);
  const alongFirstAxis = featureShape.length >= 1 && featureShape.length <= 2;
  const length = alongFirstAxis ? featureShape[0] : size;
  const valuesPerPosition = alongFirstAxis ? size / Math.max(length, 1) : 1;
  if (!(length >= 2)) {
    throw new Error(
      `a sample of shape [${featureShape.join(', ')}] has ${length} position(s) to cut; split-input needs at least 2`,
    );
  }
  const lengthA = Math.min(Math.max(Math.round(ratio * length), 1), length - 1);
  const lengthB = length - lengthA;
  const longer = Math.max(lengthA, lengthB);
  const halfShape = alongFirstAxis ? [longer, ...featureShape.slice(1)] : [longer];
  return {
    lengthA,
    lengthB,
    valuesPerPosition,
    sizeA: lengthA * valuesPerPosition,
    sizeB: lengthB * valuesPerPosition,
    halfShape,
  };
}

/** Cuts every sample of a row-major feature matrix into halves a and b (see the module comment for where). */
export function splitInputHalves(
  features: Float32Array,
  numSamples: number,
  featureShape: number[],
  ratio: number,
): SplitHalves {
  const layout = splitLayout(featureShape, ratio);
  const sampleSize = layout.sizeA + layout.sizeB;
  if (features.length !== numSamples * sampleSize) {
    throw new Error(
      `expected ${numSamples} samples × ${sampleSize} values = ${numSamples * sampleSize}, got ${features.length}`,
    );
  }
  const halfSize = Math.max(layout.sizeA, layout.sizeB);
  const a = new Float32Array(numSamples * halfSize);
  const b = new Float32Array(numSamples * halfSize);
  for (let s = 0; s < numSamples; s++) {
    const start = s * sampleSize;
    a.set(features.subarray(start, start + layout.sizeA), s * halfSize);
    b.set(features.subarray(start + layout.sizeA, start + sampleSize), s * halfSize);
  }
  return { a, b, halfShape: layout.halfShape, sizeA: layout.sizeA, sizeB: layout.sizeB };
}
