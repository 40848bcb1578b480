/**
 * Hostile experiment files, share links and embedding TSVs, built from one valid document of each by mutation: every
 * number that could enter a run is made non-finite, absurd or written in a form only Number() reads, and keys that
 * reach prototypes are planted. Each case names the message it must be refused with.
 */
import { serialiseExperiment, type Experiment } from '../../src/core/export/experiment';
import { defaultConfigFor } from '../../src/core/share/link';

/** A valid experiment on blobs with a small set of weights (shapes are checked against the network later). */
export function validExperiment(): Experiment {
  const config = defaultConfigFor('blobs');
  return {
    title: 'blobs',
    savedAt: '2026-01-01T00:00:00.000Z',
    config,
    dataset: { kind: 'builtin', name: 'blobs' },
    step: 3,
    epoch: 0,
    history: {
      progress: [1, 2, 3].map((step) => ({ step, epoch: 0, loss: 1 / step, easy: 1, semiHard: 2, hard: 3 })),
      metrics: [
        {
          step: 3,
          precisionAt1: 0.5,
          rPrecision: 0.4,
          mapAtR: 0.3,
          pairAccuracy: 0.6,
          auc: 0.7,
          validationLoss: 0.9,
        },
      ],
    },
    weights: {
      tower: [{ name: 'dense/kernel', shape: [2, 3], values: new Float32Array([1, 2, 3, 4, 5, 6]) }],
      head: [],
    },
  };
}

export function validExperimentText(): string {
  return serialiseExperiment(validExperiment());
}

/** The valid document with `mutate` applied to its parsed JSON. */
// biome-ignore lint/suspicious/noExplicitAny: mutations reach into any part of the parsed document
function mutated(mutate: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(validExperimentText());
  mutate(doc);
  return JSON.stringify(doc);
}

/** The valid document with its weights replaced by these float32 values (base64 of their bytes). */
function withWeights(values: number[]): string {
  const experiment = validExperiment();
  experiment.weights!.tower[0].values = new Float32Array(values);
  return serialiseExperiment(experiment);
}

export interface TextCase {
  name: string;
  text: () => string;
  error: RegExp;
}

export const EXPERIMENT_CASES: TextCase[] = [
  {
    name: 'weights-nan',
    text: () => withWeights([1, 2, Number.NaN, 4, 5, 6]),
    error: /weight dense\/kernel holding NaN at index 2/,
  },
  {
    name: 'weights-infinity',
    text: () => withWeights([1, 2, 3, 4, 5, -Infinity]),
    error: /holding -Infinity at index 5/,
  },
  {
    name: 'step-1e308',
    text: () => mutated((d) => (d.step = 1e308)),
    error: /step count that is not a whole number in 0–1e9 \(1e\+308\)/,
  },
  {
    name: 'epoch-negative',
    text: () => mutated((d) => (d.epoch = -1)),
    error: /epoch count that is not a whole number/,
  },
  {
    name: 'step-1e999-literal',
    text: () => validExperimentText().replace('"step":3,', '"step":1e999,'),
    error: /step count that is not a whole number in 0–1e9 \(null\)|step count that is not a whole number/,
  },
  {
    name: 'margin-1e999',
    text: () => validExperimentText().replace(/"margin":[0-9.]+/, '"margin":1e999'),
    error: /configuration this app cannot use/,
  },
  {
    name: 'loss-history-huge-count',
    text: () => mutated((d) => (d.history.progress.hard[1] = 1e300)),
    error: /"hard" count is not a whole number/,
  },
  {
    name: 'metric-above-one',
    text: () => mutated((d) => (d.history.metrics[0].auc = 7)),
    error: /auc is 7, outside \[0, 1\]/,
  },
  {
    name: 'proto-in-config',
    text: () => validExperimentText().replace('"config":{', '"config":{"__proto__":{"polluted":1},'),
    error: /holds a "__proto__" key/,
  },
  {
    name: 'constructor-in-model',
    text: () => validExperimentText().replace('"model":{', '"model":{"constructor":{"prototype":{"x":1}},'),
    error: /holds a "(constructor|prototype)" key/,
  },
  {
    name: 'prototype-top-level',
    text: () => validExperimentText().replace('{"format"', '{"prototype":1,"format"'),
    error: /holds a "prototype" key/,
  },
  {
    name: 'shape-overflow',
    text: () => mutated((d) => (d.weights.tower[0].shape = [1e9, 1e9])),
    error: /damaged weights|values for shape/,
  },
  {
    name: 'seed-mismatch',
    text: () => mutated((d) => (d.seed = 12345)),
    error: /says seed 12345 but its configuration says seed/,
  },
  { name: 'truncated', text: () => validExperimentText().slice(0, 200), error: /is cut short/ },
];

/** Share links whose numbers only a loose reader accepts, each with the problem it must report. */
export const LINK_CASES: { search: string; problem: RegExp; field: string; kept: unknown }[] = [
  {
    search: '?dataset=blobs&margin=0b11',
    problem: /"margin=0b11" is not a decimal number/,
    field: 'margin',
    kept: 'default',
  },
  {
    search: '?dataset=blobs&seed=0x10',
    problem: /"seed=0x10" is not a decimal number/,
    field: 'seed',
    kept: 'default',
  },
  { search: '?dataset=blobs&lr=0o7', problem: /"lr=0o7" is not a decimal number/, field: 'lr', kept: 'default' },
  {
    search: '?dataset=blobs&margin=Infinity',
    problem: /"margin=Infinity" is not a decimal number/,
    field: 'margin',
    kept: 'default',
  },
  {
    search: '?dataset=blobs&margin=1e999',
    problem: /"margin=1e999" is not a decimal number/,
    field: 'margin',
    kept: 'default',
  },
  {
    search: '?dataset=blobs&hidden=0x40,8',
    problem: /"hidden=0x40,8" must be whole numbers/,
    field: 'hidden',
    kept: 'default',
  },
  {
    search: '?dataset=blobs&threshold=%20',
    problem: /must be a decimal number, or "best"/,
    field: 'threshold',
    kept: 'default',
  },
  { search: '?dataset=blobs&steps=1e308', problem: /"steps=1e308" cannot be used/, field: 'steps', kept: 'default' },
];

/** vectors.tsv texts with numbers no embedding can hold. */
export const TSV_CASES: { name: string; text: string; error: RegExp }[] = [
  {
    name: 'vectors-1e39.tsv',
    text: '0.1\t0.2\n0.3\t1e39\n',
    error: /vectors-1e39\.tsv, line 2, column 2: 1e39 is beyond the float32 range/,
  },
  {
    name: 'vectors-1e309.tsv',
    text: '0.1\t-1e309\n0.3\t0.4\n',
    error: /vectors-1e309\.tsv, line 1, column 2: -1e309 is beyond the float32 range/,
  },
  { name: 'vectors-nan.tsv', text: '0.1\tNaN\n0.3\t0.4\n', error: /vectors-nan\.tsv, line 1: "NaN" is not a number/ },
  { name: 'vectors-hex.tsv', text: '0x10\t1\n0.3\t0.4\n', error: /vectors-hex\.tsv, line 1: "0x10" is not a number/ },
];
