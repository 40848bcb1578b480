/**
 * Shareable links: the dataset, seed and configuration of a run in the page's query string, e.g.
 *   ?dataset=moons&seed=7&margin=0.3&miner=semi-hard
 * Pure parse / serialise functions, tested without a browser. Only the fields that differ from the dataset's own
 * default configuration are written, under short readable keys (LINK_FIELDS). Reading never trusts the URL: an
 * unknown key, a value of the wrong kind, a name that is not allowed or a number out of range is reported as a
 * problem and that field keeps its default; the configuration that comes out always passes validate().
 *
 * Also understood: `lesson` (a lesson id, passed through), `classroom=1` (a link a teacher hands out),
 * `backend` (webgl, wasm, cpu or auto; the device's choice, so links do not write it) and `debug=1`.
 */
import {
  ACTIVATIONS,
  BACKENDS,
  BATCH_MODES,
  DISTANCES,
  HEAD_COMBINES,
  LOSSES,
  makeConfig,
  MINERS,
  MINING_MODES,
  OPTIMIZERS,
  REDUCTIONS,
  TOWERS,
  validate,
  type BackendName,
  type Config,
  traitsOfDescription,
} from '../config';
import { BUILTIN_DATASETS } from '../data/builtin';
import { parseDecimal } from '../data/loaders/common';

/** How a link value is read. */
type FieldKind =
  | { type: 'enum'; values: readonly string[]; what: string }
  | { type: 'number' }
  | { type: 'boolean' }
  | { type: 'numbers' }
  /** A number, or `best` for null (training.threshold). */
  | { type: 'threshold' };

/** One configuration field in links: its key and its dotted path in Config. */
export interface LinkField {
  key: string;
  path: string;
  kind: FieldKind;
}

const field = (key: string, path: string, kind: FieldKind): LinkField => ({ key, path, kind });
const oneOf = (values: readonly string[], what: string): FieldKind => ({ type: 'enum', values, what });
const NUMBER: FieldKind = { type: 'number' };
const BOOLEAN: FieldKind = { type: 'boolean' };
const NUMBERS: FieldKind = { type: 'numbers' };

/** Every configuration field a link can carry, in the order links write them. */
export const LINK_FIELDS: readonly LinkField[] = Object.freeze([
  field('tower', 'model.tower', oneOf(TOWERS, 'tower')),
  field('hidden', 'model.mlp.hiddenUnits', NUMBERS),
  field('activation', 'model.mlp.activation', oneOf(ACTIVATIONS, 'activation')),
  field('dropout', 'model.mlp.dropout', NUMBER),
  field('batchNorm', 'model.mlp.batchNorm', BOOLEAN),
  field('filters', 'model.cnn.filters', NUMBERS),
  field('kernel', 'model.cnn.kernelSize', NUMBER),
  field('cnnDense', 'model.cnn.denseUnits', NUMBER),
  field('cnnActivation', 'model.cnn.activation', oneOf(ACTIVATIONS, 'activation')),
  field('cnnDropout', 'model.cnn.dropout', NUMBER),
  field('cnnBatchNorm', 'model.cnn.batchNorm', BOOLEAN),
  field('tokenDim', 'model.recurrent.tokenEmbeddingDim', NUMBER),
  field('rnnUnits', 'model.recurrent.units', NUMBER),
  field('dim', 'model.embeddingDim', NUMBER),
  field('l2', 'model.l2Normalize', BOOLEAN),
  field('loss', 'objective.loss', oneOf(LOSSES, 'loss')),
  field('distance', 'objective.distance', oneOf(DISTANCES, 'distance')),
  field('margin', 'objective.margin', NUMBER),
  field('softMargin', 'objective.softMargin', BOOLEAN),
  field('reduction', 'objective.reduction', oneOf(REDUCTIONS, 'reduction')),
  field('temperature', 'objective.temperature', NUMBER),
  field('head', 'objective.headCombine', oneOf(HEAD_COMBINES, 'head combination')),
  field('mahalanobisReg', 'objective.mahalanobisRegularization', NUMBER),
  field('miner', 'mining.miner', oneOf(MINERS, 'miner')),
  field('mining', 'mining.mode', oneOf(MINING_MODES, 'mining mode')),
  field('batch', 'batch.mode', oneOf(BATCH_MODES, 'batch composition')),
  field('batchSize', 'batch.size', NUMBER),
  field('classes', 'batch.classesPerBatch', NUMBER),
  field('positives', 'batch.positiveFraction', NUMBER),
  field('optimizer', 'optimizer.name', oneOf(OPTIMIZERS, 'optimizer')),
  field('lr', 'optimizer.learningRate', NUMBER),
  field('validation', 'data.validationFraction', NUMBER),
  field('evalSamples', 'data.evalSamples', NUMBER),
  field('splitInput', 'data.splitInput', BOOLEAN),
  field('splitRatio', 'data.splitRatio', NUMBER),
  field('unseen', 'data.unseenClasses', NUMBERS),
  field('unseenCount', 'data.unseenCount', NUMBER),
  field('steps', 'training.steps', NUMBER),
  field('evalEvery', 'training.evalEvery', NUMBER),
  field('threshold', 'training.threshold', { type: 'threshold' }),
]);

const SEED_FIELD = field('seed', 'seed', NUMBER);
const BACKEND_FIELD = field('backend', 'training.backend', oneOf(BACKENDS, 'backend'));

/** The built-in the page opens when a link names none (or one that does not exist). */
export const DEFAULT_LINK_DATASET = 'fashion-mnist';

/** What a link sets up. */
export interface LinkSetup {
  /** A built-in dataset's name. */
  dataset: string;
  seed: number;
  /** The full configuration (defaults of the dataset + the link's fields); `config.seed === seed`. */
  config: Config;
  /** A lesson id, passed through unchecked except for length (the lessons registry decides what it means). */
  lesson?: string;
  /** `classroom=1`: a link a teacher hands out. */
  classroom?: boolean;
}

/** What parseLink reads: the setup plus the page's own switches. */
export interface ParsedLink extends LinkSetup {
  classroom: boolean;
  /** `backend=` when valid (also written into config.training.backend). */
  backend?: BackendName;
  debug: boolean;
  /** True when the link names a dataset, a seed or any configuration field (not just backend / debug). */
  hasSetup: boolean;
}

/** The default configuration of a built-in dataset (its suggested settings on top of the global defaults). */
export function defaultConfigFor(dataset: string): Config {
  const builtin = BUILTIN_DATASETS.find((b) => b.name === dataset);
  const config = makeConfig(builtin ? builtin.suggested : {});
  config.data.dataset = dataset;
  return config;
}

function getPath(config: Config, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config);
}

function setPath(config: Config, path: string, value: unknown): void {
  const keys = path.split('.');
  const parent = keys
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config) as Record<string, unknown>;
  parent[keys[keys.length - 1]] = structuredClone(value);
}

/** Text of a value in a link: lists as `128,64`, null threshold as `best`, booleans as 1 / 0. */
function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (value === null) return 'best';
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Keeps `,` readable in values (lists), escapes everything else that needs it. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',');
}

/**
 * The query string (starting with `?`) that sets up `setup`: the dataset, the seed, every configuration field that
 * differs from the dataset's default configuration, then `lesson` and `classroom=1` when given. The backend is the
 * device's business and is not written. Throws for a dataset that is not a built-in (uploads cannot travel in a URL).
 */
export function serialiseLink(setup: LinkSetup): string {
  if (!BUILTIN_DATASETS.some((b) => b.name === setup.dataset)) {
    throw new Error(
      `only built-in datasets can be shared in a link; "${setup.dataset}" is not one (export the experiment instead)`,
    );
  }
  const base = defaultConfigFor(setup.dataset);
  const parts = [`dataset=${encode(setup.dataset)}`, `seed=${encode(String(setup.seed))}`];
  for (const f of LINK_FIELDS) {
    const value = getPath(setup.config, f.path);
    if (!sameValue(value, getPath(base, f.path))) parts.push(`${f.key}=${encode(formatValue(value))}`);
  }
  if (setup.lesson) parts.push(`lesson=${encode(setup.lesson)}`);
  if (setup.classroom) parts.push('classroom=1');
  return `?${parts.join('&')}`;
}

/** Reads one raw value by its field kind; a string is the problem when it cannot be read. */
function readValue(f: LinkField, raw: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const shown = `"${f.key}=${raw}"`;
  switch (f.kind.type) {
    case 'enum':
      return f.kind.values.includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, problem: `${shown} is not a known ${f.kind.what}; allowed: ${f.kind.values.join(', ')}` };
    case 'boolean':
      if (raw === '1' || raw === 'true') return { ok: true, value: true };
      if (raw === '0' || raw === 'false') return { ok: true, value: false };
      return { ok: false, problem: `${shown} must be 1 (on) or 0 (off)` };
    case 'numbers': {
      if (raw.trim() === '') return { ok: true, value: [] };
      const parts = raw.split(',').map((p) => parseDecimal(p));
      if (parts.some((p) => p === null))
        return { ok: false, problem: `${shown} must be whole numbers separated by commas, e.g. 128,64` };
      return { ok: true, value: parts };
    }
    case 'threshold': {
      if (raw === 'best') return { ok: true, value: null };
      const value = parseDecimal(raw);
      return value !== null
        ? { ok: true, value }
        : { ok: false, problem: `${shown} must be a decimal number, or "best"` };
    }
    case 'number': {
      // Decimal only: Number() would also read 0x10, 0b11 and 0o7, which a link never writes.
      const value = parseDecimal(raw);
      return value !== null ? { ok: true, value } : { ok: false, problem: `${shown} is not a decimal number` };
    }
  }
}

/** Does a validate() issue at `issuePath` concern the field at `fieldPath`? */
function concerns(issuePath: string, fieldPath: string): boolean {
  return issuePath === fieldPath || issuePath.startsWith(`${fieldPath}[`) || fieldPath.startsWith(`${issuePath}.`);
}

/** The default the page uses instead of an untrusted value, as the link would write it. */
function shownDefault(config: Config, path: string): string {
  return formatValue(getPath(config, path));
}

/**
 * Reads a query string (`location.search`, with or without `?`). Returns the setup it describes and every problem
 * found; fields with a problem keep the dataset's defaults, so `value.config` always passes validate() for the
 * chosen built-in. `extraKeys` are keys other features own, accepted silently.
 */
export function parseLink(
  search: string,
  extraKeys: readonly string[] = [],
): { value: ParsedLink; problems: string[] } {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const problems: string[] = [];
  const seen = new Set<string>();
  const first = new Map<string, string>();
  for (const [key, value] of params) {
    if (seen.has(key)) {
      problems.push(`"${key}" appears more than once in the link; the first value (${first.get(key)}) is used`);
      continue;
    }
    seen.add(key);
    first.set(key, value);
  }

  const known = new Set([
    'dataset',
    'seed',
    'lesson',
    'classroom',
    'backend',
    'debug',
    ...LINK_FIELDS.map((f) => f.key),
    ...extraKeys,
  ]);
  for (const key of first.keys()) {
    if (!known.has(key)) problems.push(`"${key}" is not a setting links know; it was ignored`);
  }

  let dataset = DEFAULT_LINK_DATASET;
  const named = first.get('dataset');
  if (named !== undefined) {
    if (BUILTIN_DATASETS.some((b) => b.name === named)) dataset = named;
    else {
      problems.push(
        `"dataset=${named}" is not a built-in dataset; allowed: ${BUILTIN_DATASETS.map((b) => b.name).join(', ')}. ${DEFAULT_LINK_DATASET} is used`,
      );
    }
  }
  const base = defaultConfigFor(dataset);
  const config = defaultConfigFor(dataset);

  // Fields the link set, with the text it gave (for messages).
  const applied = new Map<string, { field: LinkField; raw: string }>();
  for (const f of [SEED_FIELD, ...LINK_FIELDS, BACKEND_FIELD]) {
    const raw = first.get(f.key);
    if (raw === undefined) continue;
    const read = readValue(f, raw);
    if (!read.ok) {
      problems.push(`${read.problem}; the default (${shownDefault(base, f.path)}) is used`);
      continue;
    }
    setPath(config, f.path, read.value);
    applied.set(f.path, { field: f, raw });
  }

  // validate() decides what is in range and what combines; a field it blames goes back to its default.
  const info = BUILTIN_DATASETS.find((b) => b.name === dataset);
  // Every built-in is labelled; before it loads, its registry entry is all that is known of it.
  const traits = info
    ? traitsOfDescription({ kind: 'labelled', modality: info.modality, numClasses: info.numClasses })
    : undefined;
  for (let round = 0; round < LINK_FIELDS.length + 2; round++) {
    const issues = validate(config, traits);
    if (issues.length === 0) break;
    const blamed = new Set<string>();
    for (const issue of issues) {
      for (const path of applied.keys()) if (concerns(issue.path, path)) blamed.add(path);
    }
    if (blamed.size === 0) {
      // The link's values clash with defaults it did not set (e.g. classes per batch vs the default batch size):
      // every field the link set in that group goes back, or all of them when none is in the group.
      const group = issues[0].path.split(/[.[]/)[0];
      const inGroup = [...applied.keys()].filter((p) => p.split('.')[0] === group);
      for (const p of inGroup.length > 0 ? inGroup : [...applied.keys()]) blamed.add(p);
    }
    if (blamed.size === 0) break;
    for (const path of blamed) {
      const { field: f, raw } = applied.get(path)!;
      const issue = issues.find((i) => concerns(i.path, path)) ?? issues[0];
      problems.push(
        `"${f.key}=${raw}" cannot be used: ${issue.message}; the default (${shownDefault(base, path)}) is used`,
      );
      setPath(config, path, getPath(base, path));
      applied.delete(path);
    }
  }

  let lesson: string | undefined;
  const lessonRaw = first.get('lesson');
  if (lessonRaw !== undefined) {
    if (lessonRaw.trim() === '' || lessonRaw.length > 100)
      problems.push('"lesson" must name a lesson (1 to 100 characters); it was ignored');
    else lesson = lessonRaw;
  }
  let classroom = false;
  const classroomRaw = first.get('classroom');
  if (classroomRaw !== undefined) {
    if (classroomRaw === '1' || classroomRaw === 'true') classroom = true;
    else if (classroomRaw !== '0' && classroomRaw !== 'false')
      problems.push(`"classroom=${classroomRaw}" must be 1 (on) or 0 (off); it was ignored`);
  }

  const hasSetup = ['dataset', 'seed', ...LINK_FIELDS.map((f) => f.key)].some((k) => first.has(k));
  const backend = applied.has(BACKEND_FIELD.path) ? config.training.backend : undefined;
  const value: ParsedLink = {
    dataset,
    seed: config.seed,
    config,
    classroom,
    debug: first.get('debug') === '1',
    hasSetup,
    ...(lesson !== undefined ? { lesson } : {}),
    ...(backend !== undefined ? { backend } : {}),
  };
  return { value, problems };
}
