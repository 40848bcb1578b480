/**
 * Class colours for the scatter and legend: a categorical palette where every colour keeps at least 3:1 contrast
 * against the white background (WCAG non-text contrast), so small dots stay visible.
 */

/** 24 colours at least 48 RGB units apart, all dark enough for ≥ 3:1 contrast on white. */
export const CLASS_PALETTE: readonly string[] = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#c45a00',
  '#8c564b',
  '#d6277d',
  '#5f6b00',
  '#3b3bcc',
  '#b8008a',
  '#4d6a91',
  '#6a3d9a',
  '#000075',
  '#800000',
  '#555555',
  '#008080',
  '#f032e6',
  '#4b0082',
  '#006400',
  '#8000bf',
  '#0000bf',
  '#87992e',
  '#99004c',
  '#bf7c39',
];

/** Triplet link colours by mining category (also used by the little triplet legend). */
export const TRIPLET_COLOURS = {
  easy: '#2e7d32',
  'semi-hard': '#c45a00',
  hard: '#c62828',
} as const;

/** The colour of class `index` (cycles when there are more classes than colours). */
export function classColour(index: number): string {
  const n = CLASS_PALETTE.length;
  return CLASS_PALETTE[((index % n) + n) % n];
}

/** Parses `#rrggbb` into 0–255 channels. */
export function parseHex(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`Not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** WCAG relative luminance of a `#rrggbb` colour. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two colours (≥ 1). */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}
