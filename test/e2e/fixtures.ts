/**
 * Upload files the e2e tests build on the fly (no binary fixtures in the repository): a CSV of Gaussian classes,
 * a ragged CSV, and a zip of tiny class-folder PNGs. Seeded, so a failure reproduces.
 */
import { encode as encodePng } from 'fast-png';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { Rng } from '../../src/core/rng';

/** A file as playwright's `setInputFiles` takes it. */
export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** `classes` well-separated Gaussian blobs, `rowsPerClass` rows each, with a header and a `label` column. */
export function gaussianCsv(name: string, classes = 3, rowsPerClass = 40, seed = 7): UploadFile {
  const rng = new Rng(seed);
  const lines = ['x,y,z,label'];
  for (let c = 0; c < classes; c++) {
    const angle = (2 * Math.PI * c) / classes;
    const [cx, cy] = [4 * Math.cos(angle), 4 * Math.sin(angle)];
    for (let i = 0; i < rowsPerClass; i++) {
      lines.push(
        `${(cx + rng.normal() * 0.5).toFixed(4)},${(cy + rng.normal() * 0.5).toFixed(4)},${(c + rng.normal() * 0.3).toFixed(4)},class-${c}`,
      );
    }
  }
  return { name, mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`, 'utf8') };
}

/** A CSV whose line `raggedLine` (1-based, header = 1) has one field too few. */
export function raggedCsv(name: string, raggedLine = 5): UploadFile {
  const lines = ['a,b,label'];
  for (let i = 2; i <= 12; i++)
    lines.push(i === raggedLine ? `${i}.5,cat` : `${i}.5,${i}.25,${i % 2 === 0 ? 'cat' : 'dog'}`);
  return { name, mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`, 'utf8') };
}

/**
 * A zip of `classes` folders × `perClass` 8×8 greyscale PNGs; each class has its own pattern (stripes in
 * different directions) plus seeded noise, so the classes are learnable.
 */
export function imageZip(name: string, classes = 3, perClass = 12, seed = 11): UploadFile {
  return {
    name,
    mimeType: 'application/zip',
    buffer: Buffer.from(zipSync(shapeImages(classes, perClass, seed), { level: 0 })),
  };
}

/**
 * The same class-folder PNGs written to a fresh temporary folder (`<tmp>/shapes/class-<c>/<i>.png`), for the
 * folder picker. Returns the `shapes` folder; the caller removes its parent when done.
 */
export function imageFolder(classes = 3, perClass = 12, seed = 11): string {
  const root = mkdtempSync(join(tmpdir(), 'siamese-folder-'));
  for (const [path, bytes] of Object.entries(shapeImages(classes, perClass, seed))) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  return join(root, 'shapes');
}

/** `shapes/class-<c>/<i>.png` → PNG bytes: each class its own stripe pattern plus seeded noise. */
function shapeImages(classes: number, perClass: number, seed: number): Record<string, Uint8Array> {
  const rng = new Rng(seed);
  const size = 8;
  const entries: Record<string, Uint8Array> = {};
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perClass; i++) {
      const pixels = new Uint8Array(size * size);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const on = c === 0 ? x % 2 === 0 : c === 1 ? y % 2 === 0 : (x + y) % 4 < 2;
          const value = (on ? 200 : 40) + rng.normal() * 15;
          pixels[y * size + x] = Math.max(0, Math.min(255, Math.round(value)));
        }
      }
      entries[`shapes/class-${c}/${i}.png`] = encodePng({
        width: size,
        height: size,
        data: pixels,
        channels: 1,
        depth: 8,
      });
    }
  }
  return entries;
}
