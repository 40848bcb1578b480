import { zipSync } from 'fflate';
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { DataLoadError, type FileBytes, loadUpload, type UploadOptions } from '../../../../src/core/data/loaders';
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

describe('loadUpload: which loader, and each refusal in words', () => {
  const errorOf = async (files: FileBytes[], options: UploadOptions = {}): Promise<DataLoadError | string> => {
    try {
      await loadUpload(files, options);
    } catch (error) {
      return error as DataLoadError;
    }
    return 'no error';
  };
  const SUPPORTED =
    'a .csv/.tsv/.txt table, one or two .npy arrays, a .zip of image folders, or PNG/JPEG images in class folders';
  const numeric = 'x,y,label\n1,2,a\n3,4,a\n5,6,b\n7,8,b\n';

  it('refuses no files, a file over the size limit and a cancelled read', async () => {
    expect(((await errorOf([])) as DataLoadError).message).toBe(`upload: no files given; upload ${SUPPORTED}`);
    const big = textFile('big.csv', 'x'.repeat(2048));
    expect(((await errorOf([big], { maxBytes: 1024 })) as DataLoadError).message).toBe(
      'big.csv: the file is too large: 2.0 KB; the limit is 1.0 KB (maxBytes)',
    );
    const exact = textFile('t.csv', numeric);
    expect((await loadUpload([exact], { maxBytes: exact.bytes.length })).summary.samples).toBe(4);
    const controller = new AbortController();
    controller.abort();
    expect(((await errorOf([exact], { signal: controller.signal })) as DataLoadError).message).toBe(
      't.csv: reading was cancelled; nothing was loaded',
    );
  });

  it('reads .txt and .tsv as tables and refuses mixed or unknown uploads, listing up to five names', async () => {
    expect((await loadUpload([textFile('t.txt', numeric)])).dataset.kind).toBe('labelled');
    expect((await loadUpload([textFile('t.TSV', numeric.replaceAll(',', '\t'))])).summary.samples).toBe(4);
    const npy = { name: 'a.npy', bytes: npyBytes('<f4', [4, 2], [0, 0, 0, 0, 1, 1, 1, 1]) };
    for (const files of [
      [textFile('a.csv', numeric), npy],
      [textFile('x.png', 'x'), textFile('y.csv', numeric)],
      [textFile('a.doc', 'x')],
      [npy, npy, npy],
    ]) {
      expect(((await errorOf(files)) as DataLoadError).reason).toBe(`unsupported upload; expected ${SUPPORTED}`);
    }
    const six = Array.from({ length: 6 }, (_, i) => textFile(`f${i}.doc`, 'x'));
    expect(((await errorOf(six)) as DataLoadError).file).toBe('f0.doc, f1.doc, f2.doc, f3.doc, f4.doc, …');
    expect(((await errorOf(six.slice(0, 5))) as DataLoadError).file).toBe('f0.doc, f1.doc, f2.doc, f3.doc, f4.doc');
  });

  it('refuses a pair file with one side missing and offers the plain readings', async () => {
    const cases: [string, string, string][] = [
      ['text_a,x,label\nhi,1,a\nyo,2,a\n', 'text_a', 'text_b'],
      ['text_b,x,label\nhi,1,a\nyo,2,a\n', 'text_b', 'text_a'],
      ['a_x,x,label\n1,1,a\n2,2,a\n', 'a_… columns', 'b_… columns'],
      ['b_x,x,label\n1,1,a\n2,2,a\n', 'b_… columns', 'a_… columns'],
    ];
    for (const [text, present, missing] of cases) {
      const error = (await errorOf([textFile('p.csv', text)])) as DataLoadError;
      expect(error.message).toBe(
        `p.csv: the header has ${present} but no ${missing}: as a pair file one side is missing; read it as a plain table instead? ("tabular" or "text")`,
      );
      expect(error.choices).toEqual({ option: 'tableKind', values: ['tabular', 'text'] });
    }
    // Forced, the same file reads as asked.
    const forced = await loadUpload([textFile('p.csv', 'a_x,x,label\n1,1,a\n2,2,a\n3,3,b\n4,4,b\n')], {
      tableKind: 'tabular',
    });
    expect(forced.dataset.kind).toBe('labelled');
  });

  it('text and numbers side by side: the user chooses, and the message names up to three columns of each', async () => {
    const error = (await errorOf([
      textFile('m.csv', 'note,x,label\nhello there,1,a\nhi you,2,a\nyo yo,3,b\nbye now,4,b\n'),
    ])) as DataLoadError;
    expect(error.reason).toBe(
      '"note" holds text but "x" holds numbers: it could be a text dataset (the numbers ignored) or a numeric table (the text refused); choose how to read it',
    );
    expect(error.choices).toEqual({ option: 'tableKind', values: ['text', 'tabular'] });
    const many = (await errorOf([
      textFile('m.csv', 'n1,n2,n3,n4,x,y,label\na b,c d,e f,g h,1,2,a\ni j,k l,m n,o p,3,4,a\nq r,s t,u v,w x,5,6,b\n'),
    ])) as DataLoadError;
    expect(many.reason).toMatch(/^"n1", "n2", "n3", … hold text but "x", "y" hold numbers/);
    // A text column named as such, or all-text features, make a text file without asking.
    expect(
      (await loadUpload([textFile('t.csv', 'text,label\nhello there,a\nhi you,a\nyo yo,b\nbye now,b\n')])).summary
        .format,
    ).toMatch(/text/);
  });

  it('of two .npy files, the labels are the 1-D one, else the one named like labels', async () => {
    const feats = (name: string) => ({ name, bytes: npyBytes('<f4', [4, 2], [0, 1, 1, 0, 2, 2, 3, 3]) });
    const labs = (name: string, shape = [4]) => ({ name, bytes: npyBytes('<i4', shape, [0, 0, 1, 1]) });
    for (const files of [
      [feats('x.npy'), labs('b.npy')],
      [labs('b.npy'), feats('x.npy')],
      [labs('b.npy', [4, 1]), feats('x.npy')],
    ]) {
      const { dataset } = await loadUpload(files);
      expect(dataset.kind === 'labelled' && Array.from(dataset.labels)).toEqual([0, 0, 1, 1]);
    }
    // Both [n, 1]: the name decides.
    const col = (name: string, values: number[]) => ({ name, bytes: npyBytes('<f4', [4, 1], values) });
    for (const files of [
      [col('X.npy', [5, 6, 7, 8]), col('labels.npy', [0, 0, 1, 1])],
      [col('y.npy', [0, 0, 1, 1]), col('data.npy', [5, 6, 7, 8])],
    ]) {
      const { dataset } = await loadUpload(files, { standardize: false });
      expect(dataset.kind === 'labelled' && Array.from(dataset.features)).toEqual([5, 6, 7, 8]);
    }
    const error = (await errorOf([col('a.npy', [0, 0, 1, 1]), col('b.npy', [0, 0, 1, 1])])) as DataLoadError;
    expect(error.message).toBe(
      'a.npy, b.npy: cannot tell which .npy holds the labels: make it 1-D [n] or name it e.g. labels.npy',
    );
    expect(
      ((await errorOf([col('ya.npy', [0, 0, 1, 1]), col('yb.npy', [0, 0, 1, 1])])) as DataLoadError).reason,
    ).toMatch(/cannot tell/);
  });
});
