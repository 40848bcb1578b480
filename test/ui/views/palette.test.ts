import { describe, expect, it } from 'vitest';
import {
  CLASS_PALETTE,
  TRIPLET_COLOURS,
  classColour,
  contrastRatio,
  parseHex,
  relativeLuminance,
} from '../../../src/ui/scatter/palette';

describe('palette', () => {
  it('has at least 20 distinct colours', () => {
    expect(CLASS_PALETTE.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CLASS_PALETTE.map((c) => c.toLowerCase())).size).toBe(CLASS_PALETTE.length);
  });

  it('every pair of colours is visibly different (RGB distance > 45)', () => {
    for (let i = 0; i < CLASS_PALETTE.length; i++) {
      for (let j = i + 1; j < CLASS_PALETTE.length; j++) {
        const a = parseHex(CLASS_PALETTE[i]);
        const b = parseHex(CLASS_PALETTE[j]);
        const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        expect(d, `${CLASS_PALETTE[i]} vs ${CLASS_PALETTE[j]}`).toBeGreaterThan(45);
      }
    }
  });

  it('every class and triplet colour has at least 3:1 contrast on white', () => {
    for (const c of [...CLASS_PALETTE, ...Object.values(TRIPLET_COLOURS)]) {
      expect(contrastRatio(c, '#ffffff'), c).toBeGreaterThanOrEqual(3);
    }
  });

  it('contrast matches the WCAG reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 6);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 9);
    // #767676 is the well-known 4.54:1 grey.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  it('classColour cycles and handles negatives', () => {
    const n = CLASS_PALETTE.length;
    expect(classColour(0)).toBe(CLASS_PALETTE[0]);
    expect(classColour(n + 3)).toBe(CLASS_PALETTE[3]);
    expect(classColour(-1)).toBe(CLASS_PALETTE[n - 1]);
  });
});
