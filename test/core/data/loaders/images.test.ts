import { zipSync } from 'fflate';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { convertChannels, decodeImage, resizeArea } from '../../../../src/core/data/loaders/imageDecode';
import { loadImageFiles, loadImageZip } from '../../../../src/core/data/loaders/images';
import { expectAllClose } from '../../../helpers/tf';
import { expectLoadError } from './helpers';
import { messageOf } from '../../../helpers/errors';

/** A w×h 8-bit grey PNG whose pixel (x, y) is `value(x, y)`. */
function greyPng(width: number, height: number, value: (x: number, y: number) => number): Uint8Array {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = value(x, y);
  return encodePng({ width, height, data, channels: 1, depth: 8 });
}

function solidJpeg(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return new Uint8Array(jpeg.encode({ width, height, data }, 100).data);
}

/**
 * Independent reference for area averaging: split each axis into src·dst equal sub-cells; sub-cell k
 * lies in source pixel ⌊k / dst⌋ and output pixel ⌊k / src⌋; each output is the mean over its sub-cells.
 */
function referenceArea(src: number[], h: number, w: number, th: number, tw: number): number[] {
  const out = new Array(th * tw).fill(0);
  for (let ky = 0; ky < h * th; ky++) {
    for (let kx = 0; kx < w * tw; kx++) {
      out[Math.floor(ky / h) * tw + Math.floor(kx / w)] += src[Math.floor(ky / th) * w + Math.floor(kx / tw)];
    }
  }
  return out.map((v) => v / (h * w));
}

describe('decodeImage', () => {
  it('decodes 8-bit grey, 16-bit grey and 1-bit grey PNGs to [0, 1]', () => {
    const grey = decodeImage(
      greyPng(2, 1, (x) => (x ? 255 : 51)),
      'g.png',
    );
    expect(grey).toMatchObject({ width: 2, height: 1, channels: 1 });
    expectAllClose(grey.pixels, [0.2, 1], 1e-6);
    const deep = decodeImage(
      encodePng({ width: 2, height: 1, data: new Uint16Array([0, 32768]), channels: 1, depth: 16 }),
      'd.png',
    );
    expectAllClose(deep.pixels, [0, 32768 / 65535], 1e-6);
    // 1-bit rows are packed MSB first and padded to a byte: 101 / 010.
    const bits = decodeImage(
      encodePng({ width: 3, height: 2, data: new Uint8Array([0b10100000, 0b01000000]), channels: 1, depth: 1 }),
      'b.png',
    );
    expect(Array.from(bits.pixels)).toEqual([1, 0, 1, 0, 1, 0]);
  });

  it('decodes RGB, RGBA and grey+alpha PNGs, compositing alpha over white', () => {
    const rgb = decodeImage(
      encodePng({ width: 1, height: 1, data: new Uint8Array([255, 0, 51]), channels: 3, depth: 8 }),
      'c.png',
    );
    expect(rgb.channels).toBe(3);
    expectAllClose(rgb.pixels, [1, 0, 0.2], 1e-6);
    const rgba = decodeImage(
      encodePng({ width: 1, height: 1, data: new Uint8Array([0, 0, 255, 51]), channels: 4, depth: 8 }),
      'a.png',
    );
    const a = 51 / 255;
    expectAllClose(rgba.pixels, [1 - a, 1 - a, 1], 1e-6);
    const ga = decodeImage(
      encodePng({ width: 1, height: 1, data: new Uint8Array([0, 0]), channels: 2, depth: 8 }),
      'ga.png',
    );
    expect(ga.channels).toBe(1);
    expectAllClose(ga.pixels, [1], 1e-6);
  });

  it('decodes palette PNGs (8-bit and packed 2-bit, with palette alpha)', () => {
    const p8 = decodeImage(
      encodePng({
        width: 2,
        height: 1,
        data: new Uint8Array([1, 0]),
        channels: 1,
        depth: 8,
        palette: [
          [255, 0, 0],
          [0, 0, 255],
        ],
      }),
      'p.png',
    );
    expect(p8.channels).toBe(3);
    expectAllClose(p8.pixels, [0, 0, 1, 1, 0, 0], 1e-6);
    const p2 = decodeImage(
      encodePng({
        width: 2,
        height: 1,
        data: new Uint8Array([0b00010000]),
        channels: 1,
        depth: 2,
        palette: [
          [255, 0, 0, 0],
          [0, 0, 255, 255],
        ],
      }),
      'p2.png',
    );
    expectAllClose(p2.pixels, [1, 1, 1, 0, 0, 1], 1e-6);
  });

  it('decodes JPEG (near-exact for a flat colour) and converts to luma', () => {
    const image = decodeImage(solidJpeg(8, 8, [200, 100, 50]), 'j.jpg');
    expect(image).toMatchObject({ width: 8, height: 8, channels: 3 });
    expectAllClose(image.pixels.slice(0, 3), [200 / 255, 100 / 255, 50 / 255], 3 / 255);
    const grey = convertChannels(image, 1);
    expectAllClose(
      [grey.pixels[0]],
      [0.299 * image.pixels[0] + 0.587 * image.pixels[1] + 0.114 * image.pixels[2]],
      1e-6,
    );
  });

  it('names the file when the bytes are not an image or are corrupt', async () => {
    await expectLoadError(() => decodeImage(new Uint8Array([1, 2, 3, 4, 5]), 'z.zip', 'cats/x.png'), {
      file: 'z.zip',
      entry: 'cats/x.png',
      reason: /neither PNG nor JPEG/,
    });
    const broken = greyPng(4, 4, () => 7).slice(0, 40);
    await expectLoadError(() => decodeImage(broken, 'z.zip', 'cats/y.png'), {
      file: 'z.zip',
      entry: 'cats/y.png',
      reason: /cannot be decoded as PNG/,
    });
  });
});

describe('resizeArea', () => {
  it('averages 2×2 to 1×1 and 4×4 blocks to 2×2', () => {
    expectAllClose(
      resizeArea(new Float32Array([0.1, 0.2, 0.3, 0.6]), 2, 2, 1, 1, 1),
      [(0.1 + 0.2 + 0.3 + 0.6) / 4],
      1e-6,
    );
    const src = Array.from({ length: 16 }, (_, i) => i / 16);
    const blocks = [0, 2, 8, 10].map((i) => (src[i] + src[i + 1] + src[i + 4] + src[i + 5]) / 4);
    expectAllClose(resizeArea(new Float32Array(src), 4, 4, 1, 2, 2), blocks, 1e-6);
  });

  it('matches a sub-cell reference for fractional scales (3×5 → 2×3 and 2×2 → 3×3), per channel', () => {
    const src = Array.from({ length: 15 }, (_, i) => ((i * 7) % 11) / 10);
    expectAllClose(resizeArea(new Float32Array(src), 3, 5, 1, 2, 3), referenceArea(src, 3, 5, 2, 3), 1e-5);
    const small = [0, 1, 0.5, 0.25];
    expectAllClose(resizeArea(new Float32Array(small), 2, 2, 1, 3, 3), referenceArea(small, 2, 2, 3, 3), 1e-5);
    const rgb = new Float32Array([1, 0, 0, 0, 1, 0]);
    expectAllClose(resizeArea(rgb, 1, 2, 3, 1, 1), [0.5, 0.5, 0], 1e-6);
  });
});

describe('loadImageZip', () => {
  const square = (v: number) => greyPng(4, 4, (x, y) => (x < 2 ? (y < 2 ? v : 0) : 255));

  function sampleZip(): Uint8Array {
    return zipSync({
      'root/cats/1.png': square(100),
      'root/cats/2.png': square(20),
      'root/dogs/1.jpg': solidJpeg(8, 8, [128, 128, 128]),
      'root/dogs/2.jpeg': solidJpeg(8, 8, [64, 64, 64]),
      'root/dogs/notes.txt': new TextEncoder().encode('hi'),
      'root/.DS_Store': new Uint8Array([0]),
      '__MACOSX/root/cats/._1.png': new Uint8Array([0, 1]),
    });
  }

  it('reads class folders under one top folder, resizes, and notes skipped files', () => {
    const { dataset, summary } = loadImageZip({ name: 'pets.zip', bytes: sampleZip() }, { imageSize: 2 });
    expect(dataset.classNames).toEqual(['cats', 'dogs']);
    expect(Array.from(dataset.labels)).toEqual([0, 0, 1, 1]);
    expect(dataset.featureShape).toEqual([2, 2, 1]);
    expect(dataset.modality).toBe('image');
    expectAllClose(dataset.features.slice(0, 8), [100 / 255, 1, 0, 1, 20 / 255, 1, 0, 1], 1e-6);
    expectAllClose(dataset.features.slice(8, 12), [128 / 255, 128 / 255, 128 / 255, 128 / 255], 3 / 255);
    expect(summary).toMatchObject({ format: 'image-zip', samples: 4, classes: 2, shape: [2, 2, 1] });
    expect(summary.notes.join('\n')).toMatch(/1 file skipped \(not PNG or JPEG\): root\/dogs\/notes\.txt/);
  });

  it('defaults to 28×28 grey and gives 3 channels in rgb mode', () => {
    const { dataset } = loadImageZip({ name: 'pets.zip', bytes: sampleZip() });
    expect(dataset.featureShape).toEqual([28, 28, 1]);
    expect(dataset.features.length).toBe(4 * 28 * 28);
    const rgb = loadImageZip({ name: 'pets.zip', bytes: sampleZip() }, { imageSize: [3, 5], colorMode: 'rgb' }).dataset;
    expect(rgb.featureShape).toEqual([3, 5, 3]);
    expect(rgb.features.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('refuses a zip that would unpack beyond the limit, saying how big it would be', async () => {
    const big = zipSync({
      'a/1.png': new Uint8Array(300_000),
      'a/2.png': new Uint8Array(300_000),
      'b/1.png': new Uint8Array(300_000),
    });
    expect(big.length).toBeLessThan(10_000);
    await expectLoadError(() => loadImageZip({ name: 'bomb.zip', bytes: big }, { maxUnpackedBytes: 500_000 }), {
      file: 'bomb.zip',
      reason: /would unpack to 878\.9 KB; the limit is 488\.3 KB/,
    });
  });

  it('refuses too many images, a zip without images, and a file that is not a zip', async () => {
    await expectLoadError(() => loadImageZip({ name: 'pets.zip', bytes: sampleZip() }, { maxImages: 3 }), {
      file: 'pets.zip',
      reason: /4 images found; at most 3/,
    });
    const noImages = zipSync({ 'docs/readme.txt': new Uint8Array([65]), 'loose.png': square(1) });
    await expectLoadError(() => loadImageZip({ name: 'docs.zip', bytes: noImages }), {
      file: 'docs.zip',
      reason: /no PNG or JPEG images found in class folders.*readme\.txt.*not inside a class folder\): loose\.png/,
    });
    await expectLoadError(() => loadImageZip({ name: 'fake.zip', bytes: new Uint8Array(100) }), {
      file: 'fake.zip',
      reason: /not a readable zip/,
    });
  });

  it('names an undecodable image inside the zip', async () => {
    const zip = zipSync({
      'a/1.png': square(1),
      'a/2.png': square(2),
      'b/1.png': square(3),
      'b/2.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9, 9, 9, 9, 9]),
    });
    await expectLoadError(() => loadImageZip({ name: 'x.zip', bytes: zip }), {
      file: 'x.zip',
      entry: 'b/2.png',
      reason: /cannot be decoded as PNG/,
    });
  });

  it('refuses one class, and names a class with a single image', async () => {
    await expectLoadError(
      () => loadImageZip({ name: 'one.zip', bytes: zipSync({ 'a/1.png': square(1), 'a/2.png': square(2) }) }),
      { file: 'one.zip', reason: /same label "a"/ },
    );
    const zip = zipSync({ 'a/1.png': square(1), 'a/2.png': square(2), 'b/only.png': square(3) });
    await expectLoadError(() => loadImageZip({ name: 's.zip', bytes: zip }), {
      file: 's.zip',
      entry: 'b/only.png',
      reason: /class "b" has only 1 sample/,
    });
  });
});

describe('loadImageFiles', () => {
  it('uses the given class names, else the folder in the file path, numeric folders sorted numerically', () => {
    const png = (v: number) => greyPng(2, 2, () => v);
    const { dataset, summary } = loadImageFiles(
      [
        { name: 'x.png', bytes: png(10), className: '10' },
        { name: 'y.png', bytes: png(20), className: '10' },
        { name: 'digits/2/a.png', bytes: png(30) },
        { name: 'digits/2/b.png', bytes: png(40) },
      ],
      { imageSize: 1 },
    );
    expect(dataset.classNames).toEqual(['2', '10']);
    expect(Array.from(dataset.labels)).toEqual([0, 0, 1, 1]);
    expectAllClose(dataset.features, [30 / 255, 40 / 255, 10 / 255, 20 / 255], 1e-6);
    expect(summary.format).toBe('image-files');
  });
});

describe('image uploads: classes from folders, skipped files, limits and notes', () => {
  const png = (v: number, w = 2, h = 2) => greyPng(w, h, () => v);

  it('takes the first folder as the class after one shared top folder, sorting numeric names numerically', () => {
    const zip = zipSync({
      'root/10/a.png': png(10),
      'root/10/b.png': png(20),
      'root/2/a.png': png(30),
      'root/2/b.png': png(40),
      'root/.hidden/c.png': png(1),
      '__MACOSX/root/2/._a.png': png(1),
    });
    const { dataset, summary } = loadImageZip({ name: 'd.zip', bytes: zip }, { imageSize: 2 });
    expect(dataset.classNames).toEqual(['2', '10']);
    expect(Array.from(dataset.labels)).toEqual([0, 0, 1, 1]);
    expect(dataset.description).toBe('Uploaded images from d.zip: 4 images in 2 classes, 2×2×1');
    expect(summary.notes).toEqual([
      'source sizes: 2×2 (4); resized to 2×2 by area averaging',
      'converted to grey (luma)',
    ]);
    // Without a shared top folder the first folder is the class; a file at the top has none and is skipped.
    const flat = zipSync({
      'cats/1.png': png(1),
      'cats/2.png': png(2),
      'dogs/1.png': png(3),
      'dogs/2.png': png(4),
      'x.png': png(5),
      'notes.txt': new Uint8Array(1),
    });
    const loaded = loadImageZip({ name: 'f.zip', bytes: flat }, { imageSize: 2, colorMode: 'rgb' });
    expect(loaded.dataset.classNames).toEqual(['cats', 'dogs']);
    expect(loaded.dataset.featureShape).toEqual([2, 2, 3]);
    expect(loaded.summary.notes).toEqual([
      '1 file skipped (not PNG or JPEG): notes.txt',
      '1 file skipped (not inside a class folder): x.png',
      'source sizes: 2×2 (4); resized to 2×2 by area averaging',
      'kept in colour (RGB)',
    ]);
  });

  it('lists up to five skipped files and up to three source sizes', () => {
    const files: Record<string, Uint8Array> = {
      'a/1.png': png(1, 1, 1),
      'a/2.png': png(1, 2, 1),
      'b/1.png': png(1, 3, 1),
      'b/2.png': png(1, 4, 1),
    };
    for (let i = 0; i < 6; i++) files[`t${i}.txt`] = new Uint8Array(1);
    const { summary } = loadImageZip({ name: 'z.zip', bytes: zipSync(files) }, { imageSize: 2 });
    expect(summary.notes[0]).toBe('6 files skipped (not PNG or JPEG): t0.txt, t1.txt, t2.txt, t3.txt, t4.txt, …');
    expect(summary.notes[1]).toMatch(
      /^source sizes: (\d×1 \(1\), ){2}\d×1 \(1\), …; resized to 2×2 by area averaging$/,
    );
  });

  it('refuses an upload without classed images, too many images, too many pixels and bad sizes', () => {
    expect(
      messageOf(() => loadImageZip({ name: 'z.zip', bytes: zipSync({ 'x.png': png(1), 'y.txt': new Uint8Array(1) }) })),
    ).toBe(
      'z.zip: no PNG or JPEG images found in class folders (expected e.g. cats/1.png, dogs/7.jpg); 1 file skipped (not PNG or JPEG): y.txt; 1 file skipped (not inside a class folder): x.png',
    );
    expect(messageOf(() => loadImageZip({ name: 'z.zip', bytes: zipSync({ 'y.txt': new Uint8Array(1) }) }))).toBe(
      'z.zip: no PNG or JPEG images found in class folders (expected e.g. cats/1.png, dogs/7.jpg); 1 file skipped (not PNG or JPEG): y.txt',
    );
    const four = zipSync({ 'a/1.png': png(1), 'a/2.png': png(2), 'b/1.png': png(3), 'b/2.png': png(4) });
    expect(messageOf(() => loadImageZip({ name: 'z.zip', bytes: four }, { maxImages: 3 }))).toBe(
      'z.zip: 4 images found; at most 3 are accepted (maxImages)',
    );
    expect(loadImageZip({ name: 'z.zip', bytes: four }, { maxImages: 4, imageSize: 2 }).dataset.numSamples).toBe(4);
    expect(messageOf(() => loadImageZip({ name: 'z.zip', bytes: four }, { maxUploadPixels: 15 }))).toBe(
      'z.zip: the 4 images hold 0.0 megapixels; at most 0 are decoded per upload (maxUploadPixels): shrink the images or upload fewer',
    );
    expect(loadImageZip({ name: 'z.zip', bytes: four }, { maxUploadPixels: 16, imageSize: 2 }).dataset.numSamples).toBe(
      4,
    );
    const unpacked = four.length; // the four PNGs together are smaller than the archive
    expect(messageOf(() => loadImageZip({ name: 'z.zip', bytes: four }, { maxUnpackedBytes: 10 }))).toMatch(
      /^z\.zip: the images would unpack to \d+ bytes; the limit is 10 bytes \(maxUnpackedBytes\)$/,
    );
    expect(
      loadImageZip({ name: 'z.zip', bytes: four }, { maxUnpackedBytes: unpacked, imageSize: 2 }).dataset.numSamples,
    ).toBe(4);
    for (const imageSize of [0, 513, 2.5, [2, 0] as [number, number]]) {
      expect(messageOf(() => loadImageZip({ name: 'z.zip', bytes: four }, { imageSize }))).toBe(
        `imageSize must be whole numbers in 1–512, got ${JSON.stringify(imageSize)}`,
      );
    }
    expect(loadImageZip({ name: 'z.zip', bytes: four }, { imageSize: [1, 512] }).dataset.featureShape).toEqual([
      1, 512, 1,
    ]);
  });

  it('loose files: a given class name wins over the folder; a blank one leaves the file unclassed', () => {
    const { dataset, summary } = loadImageFiles(
      [
        { name: 'x/1.png', bytes: png(1), className: 'cat' },
        { name: 'x/2.png', bytes: png(2), className: 'cat' },
        { name: 'dog/3.png', bytes: png(3) },
        { name: 'dog/4.png', bytes: png(4) },
        { name: 'dog/5.png', bytes: png(5), className: ' ' },
        { name: 'readme.md', bytes: new Uint8Array(1) },
      ],
      { imageSize: 2 },
    );
    expect(dataset.classNames).toEqual(['cat', 'dog']);
    expect(dataset.description).toBe('Uploaded images from 6 files: 4 images in 2 classes, 2×2×1');
    expect(summary.notes.slice(0, 2)).toEqual([
      '1 file skipped (not PNG or JPEG): readme.md',
      '1 file skipped (no class folder): dog/5.png',
    ]);
    expect(messageOf(() => loadImageFiles([{ name: 'a.png', bytes: png(1) }]))).toBe(
      'a.png: no PNG or JPEG images with a class found; 1 file skipped (no class folder): a.png',
    );
    expect(
      messageOf(() =>
        loadImageFiles([
          { name: 'a.gif', bytes: png(1) },
          { name: 'b.gif', bytes: png(1) },
        ]),
      ),
    ).toBe('2 files: no PNG or JPEG images with a class found; 2 files skipped (not PNG or JPEG): a.gif, b.gif');
  });
});
