/**
 * StrykerJS over the pure core: `npm run mutate` (all groups, one after the other) or `npm run mutate -- rng losses`
 * (scripts/mutate.mjs). Each group mutates one part of src/core and runs the test files that exercise it, so a
 * mutant is judged by the tests written for that code and a group finishes in minutes rather than hours.
 *
 * One test runner (`concurrency: 1`): the development machine has two cores shared with everything else, and the
 * script runs Stryker under `nice`. Incremental: each group keeps its results in
 * reports/mutation/<group>.incremental.json, so a rerun only tests mutants whose code or covering tests changed.
 * Those files are not committed: they embed the full source of every mutated and test file, go stale with any
 * change to the core and would conflict on every merge; BENCHMARKS.md records the measured scores instead.
 *
 * Vitest runs with vitest.mutate.config.ts: one worker thread kept across mutants, so tfjs is imported once per
 * Stryker run rather than once per mutant (see that file for why this is sound).
 */

/** Module group -> files to mutate and the test files that cover them. */
export const groups = {
  rng: {
    mutate: ['src/core/rng.ts'],
    tests: ['test/core/config/rng.test.ts'],
  },
  distances: {
    mutate: ['src/core/distances.ts'],
    tests: ['test/core/distances/distances.test.ts'],
  },
  losses: {
    mutate: ['src/core/losses/**/*.ts'],
    tests: ['test/core/losses/*.test.ts'],
  },
  mining: {
    mutate: ['src/core/mining/**/*.ts'],
    tests: ['test/core/mining/*.test.ts'],
  },
  metrics: {
    mutate: ['src/core/metrics/**/*.ts'],
    tests: ['test/core/metrics/*.test.ts'],
  },
  split: {
    mutate: ['src/core/data/split.ts'],
    tests: ['test/core/data/pipeline/split.test.ts'],
  },
  samplers: {
    mutate: ['src/core/data/samplers.ts'],
    tests: ['test/core/data/pipeline/samplers.test.ts'],
  },
  loaders: {
    mutate: ['src/core/data/loaders/**/*.ts'],
    // Left out, because under Stryker's coverage instrumentation they run past the 120 s test timeout in the
    // initial run: tableStream.test.ts (its block-boundary tests stream megabytes through the tokenizer) and the
    // hostile corpus (test/hostile/upload.test.ts: decompression bombs and very long PNG rows).
    tests: [
      'test/core/data/loaders/{common,csv,images,imageDecodeEdges,imagesEdges,index,npy,pairs,tableStreamEdges,tableTokens,textCsv,zip,zipEdges}.test.ts',
    ],
  },
  kernels: {
    // The WASM kernels called directly and the optimizer and gradient built around them; each test compares them
    // with tfjs's own kernels bit for bit.
    mutate: [
      'src/core/model/wasmCalls.ts',
      'src/core/model/directKernels.ts',
      'src/core/model/sumGradient.ts',
      'src/core/model/adam.ts',
    ],
    tests: [
      'test/core/model/wasmCalls.test.ts',
      'test/core/model/binaryKernels.test.ts',
      'test/core/model/sumGradient.test.ts',
      'test/core/model/adam.test.ts',
    ],
  },
  config: {
    mutate: ['src/core/config.ts'],
    // validate()'s dataset rules and unseen-class checks are tested beside the rule table and the protocol.
    tests: [
      'test/core/config/config.test.ts',
      'test/core/config/validateRules.test.ts',
      'test/core/config/unseenClasses.test.ts',
      'test/core/capabilities.test.ts',
    ],
  },
};

const name = process.env.MUTATE_GROUP ?? '';
const group = groups[name];
if (!group) {
  throw new Error(
    `MUTATE_GROUP must name one of ${Object.keys(groups).join(', ')} (got "${name}"); use npm run mutate`,
  );
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  mutate: group.mutate,
  testFiles: group.tests,
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  // The sandbox needs sources, tests and configs; shipped datasets, docs and earlier reports only slow the copy.
  // .stryker-tmp: another group's sandbox, when groups run side by side.
  ignorePatterns: [
    'public',
    'docs',
    'bench',
    'dist',
    'reports',
    'coverage',
    '.ci',
    '.test-results',
    '*.log',
    '.stryker-tmp',
  ],
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  timeoutMS: 10_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 20,
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: true,
  thresholds: { high: 95, low: 90, break: null },
};
