import { describe, expect, it } from 'vitest';
import { loadNpyDataset, parseNpyHeader } from '../../../../src/core/data/loaders/npy';
import { expectAllClose } from '../../../helpers/tf';
import { expectLoadError, npyBytes, zScores } from './helpers';
import { messageOf } from '../../../helpers/errors';

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

describe('.npy files: every refusal in words, and what is read', () => {
  const f = (name: string, bytes: Uint8Array) => ({ name, bytes });
  const header = (bytes: Uint8Array) => messageOf(() => parseNpyHeader(f('x.npy', bytes)));

  it('checks the magic, the version, the header length and the dict', () => {
    const good = npyBytes('<f4', [2], [1, 2]);
    expect(header(good.subarray(0, 9))).toBe(
      'x.npy: not a NumPy .npy file (it does not start with the \\x93NUMPY magic string)',
    );
    for (const version of [0, 4]) {
      const bytes = good.slice();
      bytes[6] = version;
      expect(header(bytes)).toBe(`x.npy: unsupported .npy format version ${version}.0 (1, 2 and 3 are read)`);
    }
    for (const version of [2, 3] as const)
      expect(parseNpyHeader(f('x.npy', npyBytes('<f4', [2], [1, 2], { version }))).shape).toEqual([2]);
    expect(header(good.subarray(0, 40))).toBe('x.npy: the .npy header is cut short (the file is truncated)');
    expect(
      header(
        npyBytes('<f4', [2], [1, 2], {
          dictOverride: "{'descr' : [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
        }),
      ),
    ).toBe('x.npy: structured arrays (record dtypes) are not supported; save a plain numeric array');
    for (const dict of [
      "{'descr': '<f4', 'fortran_order': False, }",
      "{'descr': '<f4', 'shape': (2,), }",
      "{'fortran_order': False, 'shape': (2,), }",
    ]) {
      expect(header(npyBytes('<f4', [2], [1, 2], { dictOverride: dict }))).toBe(
        `x.npy: unreadable .npy header: ${dict}`,
      );
    }
    // Spaces around the colons are allowed, and Python 2 writes shapes with an L suffix.
    const spaced = npyBytes('<f4', [3, 2], [1, 2, 3, 4, 5, 6], {
      dictOverride: "{'descr' :  '<f4', 'fortran_order' :  False, 'shape' :  (3L, 2L), }",
    });
    expect(parseNpyHeader(f('x.npy', spaced))).toMatchObject({ descr: '<f4', shape: [3, 2], itemSize: 4 });
  });

  it('names an unsupported dtype (with a hint for strings and objects) and a bad shape', () => {
    const supported = 'supported: f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1 (either byte order)';
    expect(
      header(npyBytes('<U4', [2], [], { dictOverride: "{'descr': '<U4', 'fortran_order': False, 'shape': (0,), }" })),
    ).toBe(
      `x.npy: unsupported dtype '<U4' (strings and Python objects cannot be read; store class ids as integers); ${supported}`,
    );
    expect(
      header(npyBytes('|O', [0], [], { dictOverride: "{'descr': '|O', 'fortran_order': False, 'shape': (0,), }" })),
    ).toMatch(/unsupported dtype '\|O' \(strings and Python objects/);
    expect(
      header(npyBytes('<f2', [0], [], { dictOverride: "{'descr': '<f2', 'fortran_order': False, 'shape': (0,), }" })),
    ).toBe(`x.npy: unsupported dtype '<f2'; ${supported}`);
    expect(
      header(npyBytes('xf4', [0], [], { dictOverride: "{'descr': 'xf4', 'fortran_order': False, 'shape': (0,), }" })),
    ).toBe(`x.npy: unsupported dtype 'xf4'; ${supported}`);
    for (const shape of ['(2, -1)', '(2.5,)']) {
      expect(
        header(
          npyBytes('<f4', [0], [], { dictOverride: `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }` }),
        ),
      ).toBe(`x.npy: unreadable shape (${shape.slice(1, -1)}) in the .npy header`);
    }
    const extra = new Uint8Array([...npyBytes('<f4', [2], [1, 2]), 0]);
    expect(header(extra)).toBe(
      "x.npy: the file holds 9 bytes of data but its header's shape (2) accounts for 8; the header does not describe the data (damaged, or another array appended)",
    );
    expect(parseNpyHeader(f('x.npy', npyBytes('>i2', [1], [5])))).toMatchObject({
      littleEndian: false,
      kind: 'i',
      itemSize: 2,
    });
  });

  it('reads each integer width and byte order, and refuses 64-bit values beyond 2^53 by index', () => {
    const labels = (descr: string, values: number[]) => {
      const features = f(
        'f.npy',
        npyBytes(
          '<f4',
          [values.length, 1],
          values.map((_, i) => i % 2),
        ),
      );
      return loadNpyDataset(features, f('l.npy', npyBytes(descr, [values.length], values)), { standardize: false })
        .dataset.classNames;
    };
    expect(labels('<i1', [-3, -3, 4, 4])).toEqual(['-3', '4']);
    expect(labels('>i2', [-300, -300, 300, 300])).toEqual(['-300', '300']);
    expect(labels('<u2', [60000, 60000, 1, 1])).toEqual(['1', '60000']);
    expect(labels('>u4', [4000000000, 4000000000, 1, 1])).toEqual(['1', '4000000000']);
    expect(
      labels('<i8', [
        Number.MAX_SAFE_INTEGER,
        Number.MAX_SAFE_INTEGER,
        -Number.MAX_SAFE_INTEGER,
        -Number.MAX_SAFE_INTEGER,
      ]),
    ).toEqual([String(-Number.MAX_SAFE_INTEGER), String(Number.MAX_SAFE_INTEGER)]);
    const tooBig = 2 ** 53 + 2;
    const features = f('f.npy', npyBytes('<f4', [2, 1], [0, 1]));
    expect(messageOf(() => loadNpyDataset(features, f('l.npy', npyBytes('<i8', [2], [1, tooBig]))))).toBe(
      `l.npy: the value at index 1 is ${tooBig}, beyond 2^53: it cannot be told from its neighbours as a number (use smaller class ids)`,
    );
    expect(messageOf(() => loadNpyDataset(features, f('l.npy', npyBytes('<i8', [2], [-tooBig, 1]))))).toMatch(
      /index 0 is -9007199254740994, beyond 2\^53/,
    );
    expect(
      messageOf(() =>
        loadNpyDataset(f('f.npy', npyBytes('<f8', [2, 1], [1, 1e39])), f('l.npy', npyBytes('<i4', [2], [0, 1]))),
      ),
    ).toBe('f.npy: the value at index 1 is 1e+39, beyond the float32 range (±3.4e38) the network computes in');
  });

  it('checks the shapes of features and labels against each other, naming both files', () => {
    const feats = (shape: number[]) =>
      f('f.npy', npyBytes('<f4', shape, new Array(shape.reduce((p, s) => p * s, 1)).fill(0)));
    const labs = (shape: number[]) =>
      f('l.npy', npyBytes('<i4', shape, new Array(shape.reduce((p, s) => p * s, 1)).fill(0)));
    expect(messageOf(() => loadNpyDataset(feats([0, 2]), labs([0])))).toBe(
      'f.npy: the array holds no samples (shape (0, 2))',
    );
    expect(messageOf(() => loadNpyDataset(feats([4]), labs([4])))).toBe(
      'f.npy: features of shape (4) cannot be read; expected [n, d], [n, h, w] or [n, h, w, c]',
    );
    expect(messageOf(() => loadNpyDataset(feats([4, 1, 1, 1, 1]), labs([4])))).toMatch(
      /features of shape \(4, 1, 1, 1, 1\) cannot be read/,
    );
    expect(messageOf(() => loadNpyDataset(feats([4, 2]), labs([4, 2])))).toBe(
      'l.npy: labels must be a 1-D array [n] (one class id per sample); got shape (4, 2)',
    );
    expect(messageOf(() => loadNpyDataset(feats([4, 2]), labs([3])))).toBe(
      'l.npy: f.npy has 4 samples but l.npy has 3 labels; they must match one to one',
    );
    const column = f('l.npy', npyBytes('<i4', [4, 1], [0, 0, 1, 1]));
    expect(loadNpyDataset(feats([4, 2]), column).dataset.labels).toEqual(Int32Array.from([0, 0, 1, 1]));
    expect(messageOf(() => loadNpyDataset(feats([4, 1]), undefined))).toBe(
      'f.npy: a single .npy must be [n, d + 1] with the labels in its last column; got shape (4, 1); add a labels .npy',
    );
    expect(messageOf(() => loadNpyDataset(feats([4, 2, 2]), undefined))).toMatch(
      /a single \.npy must be \[n, d \+ 1\]/,
    );
    expect(messageOf(() => loadNpyDataset(feats([4, 3, 5, 5]), labs([4])))).toBe(
      'f.npy: shape (4, 3, 5, 5) looks channels-first; images must be [n, h, w, c] (use np.moveaxis(x, 1, -1))',
    );
    expect(messageOf(() => loadNpyDataset(feats([4, 1, 5, 5]), labs([4])))).toMatch(/looks channels-first/);
  });

  it('a single array: labels from the last column, float32 range and finite values checked per sample', () => {
    const { dataset, summary } = loadNpyDataset(
      f('all.npy', npyBytes('<f8', [4, 3], [1, 5, 0, 2, 5, 0, 3, 5, 1, 4, 5, 1])),
      undefined,
    );
    expect(Array.from(dataset.labels)).toEqual([0, 0, 1, 1]);
    expect(dataset.modality).toBe('points2d');
    expect(dataset.description).toBe('Uploaded from all.npy: 4 samples of shape [2], 2 classes');
    expect(summary.notes).toEqual([
      'features: all.npy, dtype <f8, shape (4, 3)',
      'labels: the last column',
      'features standardised (z-score per column); 1 constant column set to 0',
    ]);
    expect(
      messageOf(() => loadNpyDataset(f('all.npy', npyBytes('<f8', [2, 3], [1, 2, 0, 3, 1e39, 1])), undefined)),
    ).toBe('all.npy: sample 1, column 2 is 1e+39, beyond the float32 range (±3.4e38) the network computes in');
    expect(
      messageOf(() => loadNpyDataset(f('all.npy', npyBytes('<f8', [2, 3], [1, 2, 0, 3, Number.NaN, 1])), undefined)),
    ).toBe('all.npy: sample 1 holds NaN; every value must be a finite number');
    expect(messageOf(() => loadNpyDataset(f('all.npy', npyBytes('<f8', [2, 2], [1, 0, 2, 0.5])), undefined))).toBe(
      'all.npy: the label at index 1 is 0.5; labels must be whole numbers (class ids)',
    );
    const twoConstant = loadNpyDataset(
      f('all.npy', npyBytes('<f4', [4, 4], [1, 7, 7, 0, 2, 7, 7, 0, 3, 7, 7, 1, 4, 7, 7, 1])),
      undefined,
    );
    expect(twoConstant.summary.notes).toContain(
      'features standardised (z-score per column); 2 constant columns set to 0',
    );
    expect(twoConstant.dataset.modality).toBe('tabular');
  });

  it('images: kept in [0, 1], divided by 255 or by the largest value, or rescaled when negative', () => {
    const images = (values: number[]) =>
      loadNpyDataset(f('img.npy', npyBytes('<f4', [4, 1, 2], values)), f('l.npy', npyBytes('<i4', [4], [0, 0, 1, 1])));
    const unit = images([0, 1, 0.5, 0.25, 1, 0, 0.75, 0.5]);
    expect(unit.summary.notes).toContain('pixel values kept as they are (already in [0, 1])');
    expect(unit.dataset.featureShape).toEqual([1, 2, 1]);
    expect(unit.dataset.modality).toBe('image');
    const bytes = images([0, 51, 255, 102, 0, 0, 0, 0]);
    expect(bytes.summary.notes).toContain('pixel values divided by 255 to lie in [0, 1]');
    expectAllClose(bytes.dataset.features, [0, 0.2, 1, 0.4, 0, 0, 0, 0]);
    const small = images([0, 2, 0, 0, 0, 0, 0, 0]);
    expect(small.summary.notes).toContain('pixel values divided by 255 to lie in [0, 1]');
    const wide = images([0, 1000, 500, 0, 0, 0, 0, 250]);
    expect(wide.summary.notes).toContain('pixel values divided by 1000 to lie in [0, 1]');
    expectAllClose(wide.dataset.features, [0, 1, 0.5, 0, 0, 0, 0, 0.25]);
    const negative = images([-1, 1, 0, 0, -1, 1, 0.5, 0]);
    expect(negative.summary.notes).toContain(
      'pixel values ranged from -1 to 1 (negative values found); rescaled linearly to [0, 1]',
    );
    expectAllClose(negative.dataset.features, [0, 1, 0.5, 0.5, 0, 1, 0.75, 0.5]);
    expect(images([-2, -2, -2, -2, -2, -2, -2, -2]).dataset.features).toEqual(new Float32Array(8));
    expect(unit.dataset.description).toBe('Uploaded from img.npy + l.npy: 4 samples of shape [1, 2, 1], 2 classes');
    expect(unit.dataset.source).toEqual({ type: 'upload', ref: 'img.npy, l.npy' });
  });
});
