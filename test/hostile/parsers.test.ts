/**
 * The experiment import (`readExperimentBytes`, what the page's import worker and `--experiment` run), the share-link
 * parser and the embeddings TSV reader against hostile input: every number that enters a run is finite and in range,
 * and parsed JSON never reaches a prototype.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { coordinatesCsv } from '../../src/core/export/coordinates';
import { ExperimentFileError, MAX_EXPERIMENT_BYTES, readExperimentBytes } from '../../src/core/export/experiment';
import { parseVectorsTsv, TsvFormatError } from '../../src/core/export/projectorTsv';
import { defaultConfigFor, LINK_FIELDS, parseLink } from '../../src/core/share/link';
import { EXPERIMENT_CASES, LINK_CASES, TSV_CASES, validExperimentText } from './experimentCorpus';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('hostile experiment files', () => {
  it('reads the valid document the cases are mutated from', () => {
    const experiment = readExperimentBytes(bytes(validExperimentText()), 'run.json');
    expect(experiment.step).toBe(3);
    expect(Array.from(experiment.weights!.tower[0].values)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  for (const c of EXPERIMENT_CASES) {
    it(`refuses ${c.name}`, () => {
      let caught: unknown;
      try {
        readExperimentBytes(bytes(c.text()), `${c.name}.json`);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ExperimentFileError);
      expect((caught as Error).message).toMatch(new RegExp(`^${c.name}\\.json `));
      expect((caught as Error).message).toMatch(c.error);
    });
  }

  it('never lets a parsed key reach a prototype', () => {
    const polluted = validExperimentText().replace('"config":{', '"config":{"__proto__":{"polluted":1},');
    expect(() => readExperimentBytes(bytes(polluted), 'p.json')).toThrow(ExperimentFileError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a file over the size cap from its length, and bytes that are not UTF-8', () => {
    const huge = { length: MAX_EXPERIMENT_BYTES + 1 } as Uint8Array;
    expect(() => readExperimentBytes(huge, 'big.json')).toThrow(
      /big\.json is 200\.0 MB; experiment files up to 200 MB/,
    );
    expect(() => readExperimentBytes(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'bin.json')).toThrow(
      /bin\.json is not UTF-8 text/,
    );
  });
});

describe('hostile share links', () => {
  for (const c of LINK_CASES) {
    it(`reads ${c.search} strictly`, () => {
      const { value, problems } = parseLink(c.search);
      expect(problems.join('\n')).toMatch(c.problem);
      const base = defaultConfigFor('blobs');
      const path = c.field === 'seed' ? 'seed' : LINK_FIELDS.find((f) => f.key === c.field)!.path;
      const get = (config: object) =>
        path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config);
      expect(get(value.config)).toEqual(get(base));
    });
  }
});

describe('hostile embedding TSVs (npm run evaluate)', () => {
  for (const c of TSV_CASES) {
    it(`refuses ${c.name}`, () => {
      expect(() => parseVectorsTsv(c.text, c.name)).toThrow(TsvFormatError);
      expect(() => parseVectorsTsv(c.text, c.name)).toThrow(c.error);
    });
  }
});

describe('exports that spreadsheets open', () => {
  it('writes class names that start a formula as text (OWASP CSV injection)', () => {
    const names = ['=HYPERLINK("http://x","y")', '@SUM(A1)', '+1+2', '-3', '\tTAB', '\rCR', 'plain', 'a=b'];
    const csv = coordinatesCsv(
      new Float32Array(names.length * 2),
      Int32Array.from(names, (_, i) => i),
      names,
    );
    const classes = Papa.parse<string[]>(csv.trim(), { header: false })
      .data.slice(1)
      .map((row) => row[4]);
    expect(classes).toEqual([
      `'=HYPERLINK("http://x","y")`,
      `'@SUM(A1)`,
      `'+1+2`,
      `'-3`,
      `'\tTAB`,
      `'\rCR`,
      'plain',
      'a=b',
    ]);
    for (const cell of classes) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
