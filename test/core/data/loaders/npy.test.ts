import { describe, expect, it } from 'vitest';
import { loadNpyDataset, parseNpyHeader } from '../../../../src/core/data/loaders/npy';
import { expectAllClose } from '../../../helpers/tf';
import { expectLoadError, npyBytes, zScores } from './helpers';

const file = (name: string, bytes: Uint8Array) => ({ name, bytes });

describe('parseNpyHeader', () => {
  it('reads versions 1, 2 and 3 and the dtype, shape and byte order', () => {
    for (const version of [1, 2, 3] as const) {
      const h = parseNpyHeader(file('x.npy', npyBytes('<f4', [2, 3], [1, 2, 3, 4, 5, 6], { version })));
      expect(h.shape).toEqual([2, 3]);
      expect(h.descr).toBe('<f4');
      expect(h.littleEndian).toBe(true);
      expect(h.dataOffset % 64).toBe(0);
    }
    expect(parseNpyHeader(file('b.npy', npyBytes('>i2', [4], [1, 2, 3, 4]))).littleEndian).toBe(false);
  });
});

describe('loadNpyDataset', () => {
  it('reads [n, d] features of every dtype (both byte orders) with integer labels', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8];
    for (const descr of [
      '<f4',
      '<f8',
      '<i1',
      '<i2',
      '<i4',
      '<i8',
      '<u1',
      '<u2',
      '<u4',
      '|u1',
      '|i1',
      '>f4',
      '>i4',
      '>f8',
    ]) {
      const { dataset } = loadNpyDataset(
        file('x.npy', npyBytes(descr, [4, 2], values)),
        file('y.npy', npyBytes('<i8', [4], [3, 3, 7, 7])),
        { standardize: false },
      );
      expect(Array.from(dataset.features), descr).toEqual(values);
      expect(dataset.classNames).toEqual(['3', '7']);
      expect(Array.from(dataset.labels)).toEqual([0, 0, 1, 1]);
      expect(dataset.modality).toBe('points2d');
    }
    const bool = loadNpyDataset(
      file('x.npy', npyBytes('|b1', [4, 3], [1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0])),
      file('y.npy', npyBytes('|u1', [4], [0, 1, 0, 1])),
      { standardize: false },
    );
    expect(Array.from(bool.dataset.features)).toEqual([1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0]);
    expect(bool.dataset.modality).toBe('tabular');
  });

  it('standardises tabular features per column against plain-JS z-scores', () => {
    const values = [1, 10, 5, 2, 20, 5, 4, 30, 5, 9, 40, 5];
    const { dataset, summary } = loadNpyDataset(
      file('x.npy', npyBytes('<f8', [4, 3], values)),
      file('y.npy', npyBytes('<i4', [4], [0, 0, 1, 1])),
    );
    const cols = [0, 1, 2].map((j) => zScores([0, 1, 2, 3].map((r) => values[r * 3 + j])));
    const expected = [0, 1, 2, 3].flatMap((r) => cols.map((c) => c[r]));
    expectAllClose(dataset.features, expected, 1e-5);
    expect(summary).toMatchObject({ format: 'npy', samples: 4, classes: 2, shape: [3] });
  });

  it('reads [n, h, w] as grey images and [n, h, w, c] as images, scaling bytes to [0, 1]', () => {
    const grey = Array.from({ length: 4 * 2 * 3 }, (_, i) => (i * 10) % 256);
    const g = loadNpyDataset(
      file('x.npy', npyBytes('|u1', [4, 2, 3], grey)),
      file('y.npy', npyBytes('<i8', [4], [0, 1, 0, 1])),
    );
    expect(g.dataset.featureShape).toEqual([2, 3, 1]);
    expect(g.dataset.modality).toBe('image');
    expectAllClose(
      g.dataset.features,
      grey.map((v) => v / 255),
      1e-6,
    );
    const rgb = Array.from({ length: 4 * 2 * 2 * 3 }, (_, i) => (i % 7) / 7);
    const c = loadNpyDataset(
      file('x.npy', npyBytes('<f4', [4, 2, 2, 3], rgb)),
      file('y.npy', npyBytes('<i8', [4, 1], [5, 5, 6, 6])),
    );
    expect(c.dataset.featureShape).toEqual([2, 2, 3]);
    expectAllClose(c.dataset.features, rgb, 1e-6);
    expect(c.summary.notes.join('\n')).toMatch(/kept as they are/);
  });

  it('accepts a single [n, d + 1] array with the labels in the last column', () => {
    const { dataset } = loadNpyDataset(
      file('all.npy', npyBytes('<f8', [4, 3], [1, 2, 0, 3, 4, 0, 5, 6, 2, 7, 8, 2])),
      undefined,
      { standardize: false },
    );
    expect(Array.from(dataset.features)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(dataset.classNames).toEqual(['0', '2']);
    expect(Array.from(dataset.labels)).toEqual([0, 0, 1, 1]);
  });
});

describe('loadNpyDataset errors', () => {
  const labels = file('y.npy', npyBytes('<i8', [4], [0, 0, 1, 1]));

  it('refuses a file without the NUMPY magic string', async () => {
    const bytes = npyBytes('<f4', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    bytes[1] = 0x58;
    await expectLoadError(() => loadNpyDataset(file('x.npy', bytes), labels), {
      file: 'x.npy',
      reason: /not a NumPy \.npy file/,
    });
    await expectLoadError(() => loadNpyDataset(file('x.npy', new Uint8Array(0)), labels), {
      file: 'x.npy',
      reason: /empty/,
    });
  });

  it('refuses unsupported dtypes and names them', async () => {
    const dict = "{'descr': '<c16', 'fortran_order': False, 'shape': (4, 2), }";
    await expectLoadError(
      () =>
        loadNpyDataset(file('x.npy', npyBytes('<f8', [4, 2], new Array(16).fill(0), { dictOverride: dict })), labels),
      {
        file: 'x.npy',
        reason: /unsupported dtype '<c16'; supported: f4, f8/,
      },
    );
    const strings = "{'descr': '<U5', 'fortran_order': False, 'shape': (4,), }";
    await expectLoadError(
      () =>
        loadNpyDataset(
          file('x.npy', npyBytes('<f4', [4, 2], new Array(8).fill(0))),
          file('y.npy', npyBytes('<f8', [4], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], { dictOverride: strings })),
        ),
      {
        file: 'y.npy',
        reason: /unsupported dtype '<U5' \(strings .* store class ids as integers\)/,
      },
    );
  });

  it('refuses Fortran order and truncated data', async () => {
    await expectLoadError(
      () => loadNpyDataset(file('f.npy', npyBytes('<f4', [4, 2], new Array(8).fill(0), { fortran: true })), labels),
      { file: 'f.npy', reason: /Fortran/ },
    );
    const cut = npyBytes('<f4', [4, 2], new Array(8).fill(0)).slice(0, -4);
    await expectLoadError(() => loadNpyDataset(file('t.npy', cut), labels), {
      file: 't.npy',
      reason: /promises shape \(4, 2\) = 32 bytes of data but the file holds 28/,
    });
  });

  it('refuses a count mismatch between features and labels', async () => {
    await expectLoadError(
      () =>
        loadNpyDataset(
          file('x.npy', npyBytes('<f4', [4, 2], new Array(8).fill(0))),
          file('y.npy', npyBytes('<i8', [3], [0, 0, 1])),
        ),
      {
        file: 'y.npy',
        reason: /x\.npy has 4 samples but y\.npy has 3 labels/,
      },
    );
  });

  it('refuses fractional labels, one class, and a single-sample class', async () => {
    const x = file('x.npy', npyBytes('<f4', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    await expectLoadError(() => loadNpyDataset(x, file('y.npy', npyBytes('<f8', [4], [0, 0.5, 1, 1]))), {
      file: 'y.npy',
      reason: /label at index 1 is 0\.5; labels must be whole numbers/,
    });
    await expectLoadError(() => loadNpyDataset(x, file('y.npy', npyBytes('<i4', [4], [2, 2, 2, 2]))), {
      file: 'y.npy',
      reason: /same label "2"/,
    });
    await expectLoadError(() => loadNpyDataset(x, file('y.npy', npyBytes('<i4', [4], [2, 2, 2, 9]))), {
      file: 'y.npy',
      reason: /class "9" has only 1 sample/,
    });
  });

  it('refuses wrong shapes: 1-D features, 2-D labels, channels-first images', async () => {
    await expectLoadError(() => loadNpyDataset(file('x.npy', npyBytes('<f4', [4], [1, 2, 3, 4])), labels), {
      file: 'x.npy',
      reason: /expected \[n, d\], \[n, h, w\] or \[n, h, w, c\]/,
    });
    await expectLoadError(
      () =>
        loadNpyDataset(
          file('x.npy', npyBytes('<f4', [4, 2], new Array(8).fill(0))),
          file('y.npy', npyBytes('<i4', [4, 2], new Array(8).fill(0))),
        ),
      {
        file: 'y.npy',
        reason: /labels must be a 1-D array/,
      },
    );
    await expectLoadError(
      () => loadNpyDataset(file('x.npy', npyBytes('|u1', [4, 3, 8, 8], new Array(768).fill(0))), labels),
      { file: 'x.npy', reason: /channels-first/ },
    );
  });
});
