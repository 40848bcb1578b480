/**
 * Image uploads at the edges of their rules: which paths are junk, how class folders are found (one shared top
 * folder, empty path segments), how class names and files sort, the notes' exact wording at their limits, progress,
 * duplicate members and the unpack limit at exactly its value. Images are 1×1 or 2×1 PNGs, so each test is fast.
 */
import { zipSync } from 'fflate';
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { loadImageFiles, loadImageZip } from '../../../../src/core/data/loaders/images';
import { messageOf } from '../../../helpers/errors';

/** A w×1 grey PNG with every pixel `value`. */
const png = (value: number, width = 1) =>
  encodePng({ width, height: 1, data: new Uint8Array(width).fill(value), channels: 1, depth: 8 });
const garbage = new Uint8Array([1, 2, 3]);

describe('image zips: junk, folders and sorting', () => {
  it('skips __MACOSX folders and hidden files silently, however they are named', () => {
    const zip = zipSync({
      'cats/1.png': png(1),
      'cats/2.png': png(2),
      'dogs/1.png': png(3),
      'dogs/2.png': png(4),
      '__MACOSX/cats/1.png': garbage,
      'cats/.hidden.png': garbage,
      '.git/dogs/x.png': garbage,
    });
    const { dataset, summary } = loadImageZip({ name: 'z.zip', bytes: zip }, { imageSize: 1 });
    expect(dataset.classNames).toEqual(['cats', 'dogs']);
    expect(dataset.numSamples).toBe(4);
    expect(summary.notes.some((n) => n.includes('skipped'))).toBe(false);
  });

  it('drops a top folder only when every path shares it and has a class folder below it', () => {
    const classes = (paths: string[]) =>
      loadImageZip(
        { name: 'z.zip', bytes: zipSync(Object.fromEntries(paths.map((p, i) => [p, png(i)]))) },
        { imageSize: 1 },
      ).dataset.classNames;
    expect(classes(['r/cats/1.png', 'r/cats/2.png', 'r/dogs/1.png', 'r/dogs/2.png'])).toEqual(['cats', 'dogs']);
    // Two different top folders: those are the classes.
    expect(classes(['a/cats/1.png', 'a/cats/2.png', 'b/dogs/1.png', 'b/dogs/2.png'])).toEqual(['a', 'b']);
    // One path directly in the shared top folder: nothing is dropped.
    expect(classes(['r/cats/1.png', 'r/cats/2.png', 'r/3.png', 'dogs/1.png', 'dogs/2.png'])).toEqual(['dogs', 'r']);
  });

  it('ignores directory entries, notes exactly five skipped files without an ellipsis, and sorts files by path', () => {
    const zip = zipSync({
      'cats/': new Uint8Array(0),
      'cats/b.png': png(20),
      'cats/a.png': png(10),
      'dogs/': new Uint8Array(0),
      'dogs/d.png': png(40),
      'dogs/c.png': png(30),
      ...Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`cats/${i}.txt`, garbage])),
    });
    const { dataset, summary } = loadImageZip({ name: 'z.zip', bytes: zip }, { imageSize: 1 });
    expect(Array.from(dataset.features).map((v) => Math.round(v * 255))).toEqual([10, 20, 30, 40]);
    expect(summary.notes[0]).toBe(
      '5 files skipped (not PNG or JPEG): cats/1.txt, cats/2.txt, cats/3.txt, cats/4.txt, cats/5.txt',
    );
    expect(dataset.source).toEqual({ type: 'upload', ref: 'z.zip' });
  });

  it('sorts class names numerically when both are numbers and differ, else as text', () => {
    const names = ['b', '10', 'a', '9', '1', '01'];
    const files = names.flatMap((n, i) => [
      { name: `${n}/x.png`, bytes: png(i), className: n },
      { name: `${n}/y.png`, bytes: png(i), className: n },
    ]);
    const { dataset } = loadImageFiles(files, { imageSize: 1 });
    expect(dataset.classNames).toEqual(['01', '1', '9', '10', 'a', 'b']);
    expect(Array.from(dataset.labels)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('orders classes by name, not by the paths of their files, and files within a class by path', () => {
    // Class "1" lives under a/, class "01" under z/; class "b" under c/, class "a" under d/.
    const files = [
      { name: 'a/p.png', bytes: png(3), className: '1' },
      { name: 'a/q.png', bytes: png(4), className: '1' },
      { name: 'z/p.png', bytes: png(1), className: '01' },
      { name: 'z/q.png', bytes: png(2), className: '01' },
      { name: 'd/4.png', bytes: png(14), className: 'a' },
      { name: 'd/3.png', bytes: png(13), className: 'a' },
      { name: 'd/2.png', bytes: png(12), className: 'a' },
      { name: 'd/1.png', bytes: png(11), className: 'a' },
      { name: 'c/p.png', bytes: png(5), className: 'b' },
      { name: 'c/q.png', bytes: png(6), className: 'b' },
    ];
    const { dataset } = loadImageFiles(files, { imageSize: 1 });
    expect(dataset.classNames).toEqual(['01', '1', 'a', 'b']);
    expect(Array.from(dataset.features).map((v) => Math.round(v * 255))).toEqual([1, 2, 3, 4, 11, 12, 13, 14, 5, 6]);
  });

  it('refuses a member that appears twice in the archive, naming it', () => {
    const zip = zipSync({ 'a/1.png': png(1), 'a/2.png': png(2), 'b/1.png': png(3), 'b/2.png': png(4) });
    // Rename every "b/2.png" (local header and directory) to "b/1.png".
    const patched = zip.slice();
    for (let o = 0; o + 7 <= patched.length; o++) {
      if (String.fromCharCode(...patched.subarray(o, o + 7)) === 'b/2.png') patched[o + 2] = 0x31;
    }
    expect(messageOf(() => loadImageZip({ name: 'z.zip', bytes: patched }))).toBe(
      'z.zip, file "b/1.png": appears twice in the archive',
    );
  });

  it('accepts images that unpack to exactly the limit', () => {
    const files = { 'a/1.png': png(1), 'a/2.png': png(2), 'b/1.png': png(3), 'b/2.png': png(4) };
    const total = Object.values(files).reduce((sum, b) => sum + b.length, 0);
    const zip = zipSync(files);
    expect(
      loadImageZip({ name: 'z.zip', bytes: zip }, { imageSize: 1, maxUnpackedBytes: total }).dataset.numSamples,
    ).toBe(4);
    expect(messageOf(() => loadImageZip({ name: 'z.zip', bytes: zip }, { maxUnpackedBytes: total - 1 }))).toMatch(
      /^z\.zip: the images would unpack to /,
    );
  });

  it('says only what it looked for when an archive holds nothing at all', () => {
    expect(messageOf(() => loadImageZip({ name: 'z.zip', bytes: zipSync({}) }))).toBe(
      'z.zip: no PNG or JPEG images found in class folders (expected e.g. cats/1.png, dogs/7.jpg)',
    );
  });
});

describe('loose image files: paths, blank classes, notes and progress', () => {
  it('ignores empty path segments when finding the class folder', () => {
    const { dataset } = loadImageFiles(
      [
        { name: '/cats/a.png', bytes: png(1) },
        { name: 'cats//b.png', bytes: png(2) },
        { name: 'dogs/c.png', bytes: png(3) },
        { name: 'dogs/d.png', bytes: png(4) },
      ],
      { imageSize: 1 },
    );
    expect(dataset.classNames).toEqual(['cats', 'dogs']);
  });

  it('skips hidden files silently, and notes a blank class name as no class', () => {
    const { summary } = loadImageFiles(
      [
        { name: 'a.png', bytes: png(1), className: 'a' },
        { name: 'b.png', bytes: png(2), className: 'a' },
        { name: 'c.png', bytes: png(3), className: 'b' },
        { name: 'd.png', bytes: png(4), className: 'b' },
        { name: 'e.png', bytes: png(5), className: '  ' },
        { name: '.DS_Store', bytes: garbage },
      ],
      { imageSize: 1 },
    );
    expect(summary.notes.slice(0, 1)).toEqual(['1 file skipped (no class folder): e.png']);
  });

  it('notes source sizes by count, with an ellipsis only past three, and reports progress per image', () => {
    const sized = (widths: number[]) =>
      widths.flatMap((w, i) => [{ name: `${i % 2 ? 'a' : 'b'}/${i}.png`, bytes: png(9, w) }]);
    const progress: number[] = [];
    const three = loadImageFiles(sized([2, 1, 2, 3, 2, 1]), { imageSize: 1, progress: (p) => progress.push(p) });
    expect(three.summary.notes[0]).toBe('source sizes: 2×1 (3), 1×1 (2), 3×1 (1); resized to 1×1 by area averaging');
    expect(progress).toEqual([1, 2, 3, 4, 5, 6].map((i) => i / 6));
    const four = loadImageFiles(sized([2, 2, 2, 1, 1, 3, 4]), { imageSize: 1 });
    expect(four.summary.notes[0]).toBe('source sizes: 2×1 (3), 1×1 (2), 3×1 (1), …; resized to 1×1 by area averaging');
  });

  it('says only what it looked for when no file is an image with a class', () => {
    expect(messageOf(() => loadImageFiles([]))).toBe('0 files: no PNG or JPEG images with a class found');
    expect(
      messageOf(() =>
        loadImageFiles([
          { name: 'x.png', bytes: png(1) },
          { name: 'r.txt', bytes: garbage },
        ]),
      ),
    ).toBe(
      '2 files: no PNG or JPEG images with a class found; 1 file skipped (not PNG or JPEG): r.txt; 1 file skipped (no class folder): x.png',
    );
    expect(messageOf(() => loadImageFiles([{ name: 'x.png', bytes: png(1) }]))).toBe(
      'x.png: no PNG or JPEG images with a class found; 1 file skipped (no class folder): x.png',
    );
  });
});
