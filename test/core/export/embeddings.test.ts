import { decode as decodePng } from 'fast-png';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { coordinatesCsv } from '../../../src/core/export/coordinates';
import { bundleFiles, projectorFiles, spriteSheet } from '../../../src/core/export/embeddings';
import { parseProjectorPair } from '../../../src/core/export/projectorTsv';
import { Rng } from '../../../src/core/rng';

function randomVectors(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * dim }, () => rng.normal());
}

describe('Embedding Projector export', () => {
  it('writes vectors.tsv + metadata.tsv that read back as the same vectors and labels', () => {
    const n = 30;
    const dim = 5;
    const vectors = randomVectors(n, dim, 1);
    const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
    const files = projectorFiles({ vectors, n, dim, labels, classNames: ['cat', 'dog', 'fox'], tensorName: 'blobs' });
    expect(files.map((f) => f.name)).toEqual(['vectors.tsv', 'metadata.tsv']);
    const data = parseProjectorPair(strFromU8(files[0].bytes), strFromU8(files[1].bytes));
    expect(Array.from(data.vectors)).toEqual(Array.from(vectors));
    expect(data.header).toEqual(['label', 'index']);
    expect(data.labels.slice(0, 4)).toEqual(['cat', 'dog', 'fox', 'cat']);
  });

  it('adds a sprite sheet and projector_config.json for images, tile k showing sample k', () => {
    const n = 10;
    const [h, w] = [3, 4];
    const images = Float32Array.from({ length: n * h * w }, (_, t) => ((t * 7) % 11) / 10);
    const files = projectorFiles({
      vectors: randomVectors(n, 2, 2),
      n,
      dim: 2,
      labels: new Int32Array(n),
      classNames: ['x'],
      images: { values: images, shape: [h, w, 1] },
      tensorName: 'fashion-mnist',
    });
    expect(files.map((f) => f.name)).toEqual(['vectors.tsv', 'metadata.tsv', 'sprite.png', 'projector_config.json']);
    const png = decodePng(files[2].bytes);
    // ceil(√10) = 4 tiles per row, 3 rows.
    expect([png.width, png.height, png.channels]).toEqual([4 * w, 3 * h, 1]);
    const k = 6; // row 1, column 2
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const pixel = png.data[(1 * h + y) * png.width + 2 * w + x];
        expect(pixel).toBe(Math.round(images[k * h * w + y * w + x] * 255));
      }
    }
    const config = JSON.parse(strFromU8(files[3].bytes));
    expect(config).toEqual({
      embeddings: [
        {
          tensorName: 'fashion-mnist',
          tensorShape: [10, 2],
          tensorPath: 'vectors.tsv',
          metadataPath: 'metadata.tsv',
          sprite: { imagePath: 'sprite.png', singleImageDim: [w, h] },
        },
      ],
    });
  });

  it("leaves the sprite out when it would exceed the Projector's 8192-pixel limit", () => {
    // 5 tiles of 3000 px need a 3 × 3000 = 9000-pixel sheet (the size is checked before any pixel is read).
    expect(spriteSheet(new Float32Array(0), 5, [3000, 3000, 1])).toBeNull();
    expect(spriteSheet(new Float32Array(4 * 2 * 2 * 3), 4, [2, 2, 3])!.tile).toEqual([2, 2]);
  });

  it('adds texts as a metadata column, with tabs and line breaks made spaces', () => {
    const files = projectorFiles({
      vectors: randomVectors(2, 3, 3),
      n: 2,
      dim: 3,
      labels: Int32Array.of(0, 1),
      classNames: ['a', 'b'],
      texts: ['hello\tworld', 'two\nlines'],
      tensorName: 't',
    });
    expect(strFromU8(files[1].bytes)).toBe('label\tindex\ttext\na\t0\thello world\nb\t1\ttwo lines\n');
  });

  it('zips several files and passes a single one through', () => {
    const files = projectorFiles({
      vectors: randomVectors(4, 2, 4),
      n: 4,
      dim: 2,
      labels: new Int32Array(4),
      classNames: ['only'],
      tensorName: 't',
    });
    const zip = bundleFiles(files, 'embeddings.zip');
    expect(zip.name).toBe('embeddings.zip');
    const entries = unzipSync(zip.bytes);
    expect(Object.keys(entries).sort()).toEqual(['metadata.tsv', 'vectors.tsv']);
    expect(strFromU8(entries['vectors.tsv'])).toBe(strFromU8(files[0].bytes));
    expect(bundleFiles([files[0]], 'x.zip')).toBe(files[0]);
  });
});

describe('2-D coordinates CSV', () => {
  it('writes one row per point with its class, quoting names that need it', () => {
    const csv = coordinatesCsv(Float32Array.of(0.5, -1, 2, Number.NaN), Int32Array.of(1, 0), [
      'T-shirt, top',
      'say "hi"',
    ]);
    expect(csv).toBe('index,x,y,label,class\n0,0.5,-1,1,"say ""hi"""\n1,2,,0,"T-shirt, top"\n');
  });
});
