import { zipSync } from 'fflate';
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { DataLoadError, loadUpload } from '../../../../src/core/data/loaders';
import { expectLoadError, npyBytes, textFile } from './helpers';

const png = (v: number) => encodePng({ width: 2, height: 2, data: new Uint8Array(4).fill(v), channels: 1, depth: 8 });

describe('loadUpload dispatch', () => {
  it('reads a numeric CSV as tabular, a text CSV as text, and pair files as pairs', async () => {
    const tabular = await loadUpload([textFile('iris.csv', 'a,b,c,species\n1,2,3,x\n2,3,4,x\n5,6,7,y\n6,7,8,y\n')]);
    expect(tabular.summary.format).toBe('tabular-csv');
    expect(tabular.dataset.kind === 'labelled' && tabular.dataset.modality).toBe('tabular');
    const text = await loadUpload([
      textFile('reviews.csv', 'review,sentiment\ngreat film,pos\nloved it,pos\nawful,neg\nboring plot,neg\n'),
    ]);
    expect(text.summary.format).toBe('text-csv');
    expect(text.summary.labelColumn).toBe('sentiment');
    expect(text.dataset.kind === 'labelled' && text.dataset.texts).toEqual([
      'great film',
      'loved it',
      'awful',
      'boring plot',
    ]);
    const pairs = await loadUpload([textFile('p.csv', 'a_1,a_2,b_1,b_2,label\n1,2,3,4,1\n5,6,7,8,0\n')]);
    expect(pairs.summary.format).toBe('pair-csv');
    const textPairs = await loadUpload([textFile('p.txt', 'text_a,text_b,score\nx,y,0.5\nz,w,0.1\n')]);
    expect(textPairs.summary.format).toBe('text-pair-csv');
    expect(textPairs.dataset.kind).toBe('pairs');
  });

  it('keeps a numeric table with one bad cell tabular, so the bad cell is reported', async () => {
    await expectLoadError(() => loadUpload([textFile('iris.csv', 'a,b,species\n1,2,x\n2,abc,x\n5,6,y\n6,7,y\n')]), {
      file: 'iris.csv',
      row: 3,
      column: 'b',
      reason: /"abc" is not a number/,
    });
  });

  it('reads two .npy files in either order (the 1-D one holds labels) and one [n, d+1] file', async () => {
    const x = { name: 'x_train.npy', bytes: npyBytes('<f4', [4, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) };
    const y = { name: 'y_train.npy', bytes: npyBytes('<i8', [4], [1, 1, 0, 0]) };
    for (const files of [
      [x, y],
      [y, x],
    ]) {
      const { dataset, summary } = await loadUpload(files, { standardize: false });
      expect(summary).toMatchObject({ format: 'npy', samples: 4, classes: 2, shape: [3] });
      expect(dataset.kind === 'labelled' && Array.from(dataset.labels)).toEqual([1, 1, 0, 0]);
    }
    const single = await loadUpload([{ name: 'all.npy', bytes: npyBytes('<f8', [4, 2], [1, 0, 2, 0, 3, 1, 4, 1]) }]);
    expect(single.summary.shape).toEqual([1]);
  });

  it('reads a zip of class folders and loose images with class names', async () => {
    const zip = await loadUpload(
      [
        {
          name: 'img.zip',
          bytes: zipSync({ 'a/1.png': png(0), 'a/2.png': png(9), 'b/1.png': png(99), 'b/2.png': png(255) }),
        },
      ],
      { imageSize: 2 },
    );
    expect(zip.summary).toMatchObject({ format: 'image-zip', samples: 4, classes: 2, shape: [2, 2, 1] });
    const loose = await loadUpload([
      { name: '1.png', bytes: png(1), className: 'a' },
      { name: '2.png', bytes: png(2), className: 'a' },
      { name: '3.png', bytes: png(3), className: 'b' },
      { name: '4.png', bytes: png(4), className: 'b' },
    ]);
    expect(loose.summary).toMatchObject({ format: 'image-files', samples: 4, classes: 2, shape: [28, 28, 1] });
  });

  it('reports progress from 0 to 1', async () => {
    const seen: number[] = [];
    await loadUpload([textFile('iris.csv', 'a,species\n1,x\n2,x\n5,y\n6,y\n')], { progress: (f) => seen.push(f) });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
  });
});

describe('loadUpload errors', () => {
  it('refuses a file above maxBytes, saying its size and the limit', async () => {
    const error = await expectLoadError(
      () => loadUpload([{ name: 'huge.csv', bytes: new Uint8Array(3 * 1024 * 1024) }], { maxBytes: 2 * 1024 * 1024 }),
      {
        file: 'huge.csv',
        reason: /too large: 3\.0 MB; the limit is 2\.0 MB/,
      },
    );
    expect(error).toBeInstanceOf(DataLoadError);
  });

  it('refuses no files, unsupported types and an empty CSV', async () => {
    await expectLoadError(() => loadUpload([]), { file: '', reason: /no files given/ });
    await expectLoadError(() => loadUpload([{ name: 'a.xlsx', bytes: new Uint8Array(4) }]), {
      file: 'a.xlsx',
      reason: /unsupported upload; expected a \.csv/,
    });
    await expectLoadError(() => loadUpload([textFile('e.csv', '')]), { file: 'e.csv', reason: /the file is empty/ });
  });

  it('refuses two .npy files when neither is recognisably the labels', async () => {
    const a = { name: 'a.npy', bytes: npyBytes('<f4', [2, 2], [1, 2, 3, 4]) };
    const b = { name: 'b.npy', bytes: npyBytes('<f4', [2, 2], [1, 2, 3, 4]) };
    await expectLoadError(() => loadUpload([a, b]), {
      file: 'a.npy, b.npy',
      reason: /cannot tell which \.npy holds the labels/,
    });
  });
});
