/**
 * Property-based fuzzing (fast-check) of every loader through the upload dispatcher, and of the experiment and link
 * parsers: random bytes and mutated valid files never throw anything but the parsers' own error types, never hang
 * (each run is bounded by the test timeout) and never load a non-finite value. A fixed seed in CI; a longer run on
 * demand: `FUZZ_RUNS=2000 FUZZ_SEED=7 npx vitest run test/hostile/fuzz.test.ts`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataLoadError, type FileBytes, loadUpload } from '../../src/core/data/loaders/index';
import { ExperimentFileError, readExperimentBytes } from '../../src/core/export/experiment';
import { parseLink } from '../../src/core/share/link';
import { npyBytes } from '../core/data/loaders/helpers';
import { CORPUS, greyPng } from './corpus';
import { validExperimentText } from './experimentCorpus';
import { zipSync } from 'fflate';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const params = { numRuns: RUNS, seed: SEED };

/** Valid files of every kind the dispatcher reads, to mutate. */
const SEEDS: FileBytes[] = [
  { name: 'points.csv', bytes: new TextEncoder().encode('x,y,label\n1,2,a\n3,4,a\n5,6,b\n7,8,b\n') },
  { name: 'words.csv', bytes: new TextEncoder().encode('text,label\ncat,a\ncar,a\ndog,b\ndot,b\n') },
  { name: 'pairs.csv', bytes: new TextEncoder().encode('text_a,text_b,score\ncat,cap,0.5\ndog,fog,-0.2\n') },
  { name: 'x.npy', bytes: npyBytes('<f4', [4, 3], [1, 2, 0, 3, 4, 0, 5, 6, 1, 7, 8, 1]) },
  {
    name: 'pets.zip',
    bytes: zipSync({
      'a/1.png': greyPng(3, 3, 9),
      'a/2.png': greyPng(3, 3, 90),
      'b/1.png': greyPng(2, 3, 200),
      'b/2.png': greyPng(3, 2, 20),
    }),
  },
  ...CORPUS.filter((c) => c.defect !== 'inflation' && c.name !== 'control-long-row.png').flatMap((c) =>
    c.files().length === 1 ? c.files() : [],
  ),
];

/** A file with some bytes overwritten, some cut off or some inserted. */
const mutatedFile = fc
  .record({
    seed: fc.integer({ min: 0, max: SEEDS.length - 1 }),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 16 })), { nil: undefined }),
  })
  .map(({ seed, edits, cut, insert }) => {
    const base = SEEDS[seed];
    let bytes = base.bytes.slice();
    for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
    if (insert && bytes.length > 0) {
      const at = insert[0] % bytes.length;
      bytes = Uint8Array.from([...bytes.subarray(0, at), ...insert[1], ...bytes.subarray(at)]);
    }
    if (cut !== undefined && bytes.length > 0) bytes = bytes.slice(0, cut % bytes.length);
    return { name: base.name, bytes };
  });

const randomFile = fc
  .record({
    ext: fc.constantFrom('csv', 'tsv', 'txt', 'npy', 'zip', 'png', 'jpg'),
    bytes: fc.uint8Array({ maxLength: 512 }),
  })
  .map(({ ext, bytes }) => ({ name: `random.${ext}`, bytes }));

/** Loads and checks the outcome: a DataLoadError, or a dataset whose every number is finite. */
async function loadsCleanly(file: FileBytes): Promise<void> {
  try {
    const { dataset } = await loadUpload([file], { maxUploadPixels: 1e6 });
    const arrays = dataset.kind === 'labelled' ? [dataset.features] : [dataset.a, dataset.b, dataset.targets];
    for (const values of arrays) expect(values.every((v) => Number.isFinite(v))).toBe(true);
  } catch (error) {
    if (!(error instanceof DataLoadError)) throw error;
  }
}

describe('fuzzing the upload dispatcher', () => {
  it('random bytes under every extension end in a load or a DataLoadError', { timeout: 300_000 }, async () => {
    await fc.assert(fc.asyncProperty(randomFile, loadsCleanly), params);
  });

  it('mutated valid files end in a load or a DataLoadError', { timeout: 300_000 }, async () => {
    await fc.assert(fc.asyncProperty(mutatedFile, loadsCleanly), params);
  });
});

describe('fuzzing the experiment and link parsers', () => {
  const valid = new TextEncoder().encode(validExperimentText());

  it('mutated experiment files are read or refused with ExperimentFileError, never half-read', {
    timeout: 300_000,
  }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 32, max: 126 })), { minLength: 1, maxLength: 6 }),
        (edits) => {
          const bytes = valid.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          try {
            const experiment = readExperimentBytes(bytes, 'fuzz.json');
            for (const w of experiment.weights?.tower ?? [])
              expect(w.values.every((v) => Number.isFinite(v))).toBe(true);
            expect(Number.isSafeInteger(experiment.step)).toBe(true);
          } catch (error) {
            if (!(error instanceof ExperimentFileError)) throw error;
          }
        },
      ),
      params,
    );
  });

  it('any query string gives a configuration with finite numbers and a list of problems', () => {
    const keys = fc.constantFrom(
      'dataset',
      'seed',
      'margin',
      'lr',
      'hidden',
      'steps',
      'threshold',
      'batchSize',
      'dim',
      'x',
    );
    const values = fc.oneof(
      fc.string(),
      fc.constantFrom('0x10', '0b11', '1e999', 'NaN', '-0', '1e-400', ' 3', 'best', ''),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(keys, values), { maxLength: 6 }), (pairs) => {
        const search = `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
        const { value } = parseLink(search);
        const numbers: number[] = [];
        const walk = (node: unknown) => {
          if (typeof node === 'number') numbers.push(node);
          else if (node && typeof node === 'object') for (const v of Object.values(node)) walk(v);
        };
        walk(value.config);
        expect(numbers.every((n) => Number.isFinite(n))).toBe(true);
      }),
      params,
    );
  });
});
