/**
 * `npm run evaluate -- --vectors vectors.tsv --metadata metadata.tsv [--distance euclidean]
 *                      [--reference vectors.tsv --reference-metadata metadata.tsv]`
 *
 * Reads embeddings in the Embedding Projector's TSV format and prints the retrieval metrics as one JSON line:
 * {"metrics": {precisionAt1, rPrecision, mapAtR, ...}} — every point queries all the others (leave-one-out); the
 * verification figures (auc, pairAccuracy, bestThreshold) come from a seeded balanced sample of pairs, whose size
 * `metrics.pairSample` gives, and `metrics.evaluationMs` the wall time of the evaluation itself (files and backend start
 * excluded). With a reference set, also {"queryAgainstReference": {...}}: every point of
 * --vectors queries all points of --reference (pytorch-metric-learning's `get_accuracy(query, reference)`).
 */
import { basename } from 'node:path';
import { DISTANCES, type DistanceName } from '../core/config';
import { parseDecimal } from '../core/data/loaders/common';
import { parseMetadataTsv, parseVectorsTsv, labelsToIndices } from '../core/export/projectorTsv';
import { evaluateAgainstReference, evaluateEmbeddings } from '../core/metrics/evaluate';
import { Rng } from '../core/rng';
import { parseArgs, usage, UsageError } from './args';
import { selectNodeBackend } from './backend';
import { readCapped } from './inputs';

const FLAGS = {
  vectors: false,
  metadata: false,
  reference: false,
  'reference-metadata': false,
  distance: false,
  margin: false,
  backend: false,
  help: true,
};
const HELP = {
  vectors: 'vectors.tsv: one tab-separated vector per line (the queries)',
  metadata: 'metadata.tsv: a header line, then one line per vector; the first column is the label',
  reference: 'optional reference vectors.tsv that every query is also ranked against (e.g. the training set)',
  'reference-metadata': "the reference's metadata.tsv (required with --reference)",
  distance: `${DISTANCES.join(' | ')} (default euclidean)`,
  margin: 'margin for the triplet-violation fraction (default 0.2)',
  backend: 'auto | wasm | cpu',
  help: 'this text',
};

/** Embedding files are read up to this size (200,000 vectors of 128 values are about 200 MB of text). */
const MAX_TSV_BYTES = 256 * 1024 * 1024;

async function readText(flag: string, path: string | true | undefined): Promise<{ text: string; name: string }> {
  if (typeof path !== 'string') throw new UsageError(`--${flag} is required (a path to a .tsv file)`);
  return { text: new TextDecoder().decode(await readCapped(path, MAX_TSV_BYTES, flag)), name: basename(path) };
}

/** A vectors.tsv with its metadata.tsv, parsed and checked against each other (errors name the files). */
async function readLabelled(
  vectorsFlag: string,
  vectorsPath: string | true | undefined,
  metadataFlag: string,
  metadataPath: string | true | undefined,
) {
  const vectorsFile = await readText(vectorsFlag, vectorsPath);
  const metadataFile = await readText(metadataFlag, metadataPath);
  const { vectors, n, dim } = parseVectorsTsv(vectorsFile.text, vectorsFile.name);
  const { labels } = parseMetadataTsv(metadataFile.text, metadataFile.name, n);
  if (labels.length !== n) {
    throw new UsageError(
      `${metadataFile.name} has ${labels.length} labelled rows but ${vectorsFile.name} has ${n} vectors; they must match line for line (--${metadataFlag}, --${vectorsFlag})`,
    );
  }
  return { vectors, n, dim, labels, vectorsName: vectorsFile.name };
}

export async function runEvaluate(argv: string[]) {
  const { extra } = parseArgs(argv, {}, FLAGS);
  const distance = (typeof extra.distance === 'string' ? extra.distance : 'euclidean') as DistanceName;
  if (!DISTANCES.includes(distance))
    throw new UsageError(`--distance is "${distance}"; allowed: ${DISTANCES.join(', ')}`);
  const margin = typeof extra.margin === 'string' ? parseDecimal(extra.margin) : 0.2;
  if (margin === null || margin <= 0) throw new UsageError(`--margin takes a positive number, got "${extra.margin}"`);
  const backendFlag = typeof extra.backend === 'string' ? extra.backend : 'auto';
  if (backendFlag !== 'auto' && backendFlag !== 'wasm' && backendFlag !== 'cpu')
    throw new UsageError(`--backend is "${backendFlag}"; allowed: auto, wasm, cpu`);

  if ((extra.reference === undefined) !== (extra['reference-metadata'] === undefined))
    throw new UsageError('--reference and --reference-metadata go together: a reference needs its labels');

  const queries = await readLabelled('vectors', extra.vectors, 'metadata', extra.metadata);
  const { vectors, n, dim } = queries;
  const reference =
    extra.reference === undefined
      ? null
      : await readLabelled('reference', extra.reference, 'reference-metadata', extra['reference-metadata']);
  if (reference && reference.dim !== dim) {
    throw new UsageError(
      `${reference.vectorsName} (--reference) has ${reference.dim} values per vector but ${queries.vectorsName} has ${dim}; both sets must come from the same embedding`,
    );
  }
  // One label numbering for both sets, so that a query and a reference item with the same label text match.
  const { indices } = labelsToIndices([...queries.labels, ...(reference?.labels ?? [])]);
  const queryIndices = indices.subarray(0, n);
  await selectNodeBackend(backendFlag);
  // Wall time of the evaluation alone (reading and parsing the files and starting the backend excluded).
  const started = performance.now();
  const m = evaluateEmbeddings(vectors, n, dim, queryIndices, { distance, margin, threshold: null, rng: new Rng(1) });
  const leaveOneOutMs = performance.now() - started;
  const r = reference
    ? evaluateAgainstReference(vectors, queryIndices, reference.vectors, indices.subarray(n), dim, { distance })
    : null;
  const referenceMs = r ? performance.now() - started - leaveOneOutMs : 0;
  return {
    metrics: {
      precisionAt1: m.precisionAt1,
      rPrecision: m.rPrecision,
      mapAtR: m.mapAtR,
      recallAtK: m.recallAtK,
      auc: m.auc,
      pairAccuracy: m.pairAccuracy,
      bestThreshold: m.bestThreshold,
      queries: m.queries,
      excludedQueries: m.excludedQueries,
      protocol: 'leave-one-out within --vectors',
      pairSample: m.pairSample,
      evaluationMs: Math.round(leaveOneOutMs),
    },
    ...(r && reference
      ? {
          queryAgainstReference: {
            protocol: 'every --vectors point queries all --reference points',
            precisionAt1: r.precisionAt1,
            rPrecision: r.rPrecision,
            mapAtR: r.mapAtR,
            recallAtK: r.recallAtK,
            queries: r.queries,
            excludedQueries: r.excludedQueries,
            referencePoints: reference.n,
            evaluationMs: Math.round(referenceMs),
          },
        }
      : {}),
    points: n,
    dimensions: dim,
    distance,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(`${usage('evaluate', {}, HELP)}\n`);
    return;
  }
  try {
    process.stdout.write(`${JSON.stringify(await runEvaluate(argv))}\n`);
  } catch (error) {
    process.stderr.write(`error: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}\n`);
    process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) void main();
