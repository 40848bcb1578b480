/**
 * Command-line flags → a config patch. Every flag maps onto one field of the one Config shape; unknown flags,
 * missing values and non-numbers are errors that say which flag and what it takes.
 */
import type { Config, DeepPartial } from '../core/config';
import { parseDecimal } from '../core/data/loaders/common';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Setter = (patch: DeepPartial<Config>, value: string) => void;

interface FlagSpec {
  help: string;
  /** Flags without a value (booleans). */
  boolean?: boolean;
  set: Setter;
}

/** A flag's number: decimal only (no 0x10, 0b11, Infinity), finite, whole when `integer`. */
export function num(flag: string, value: string, integer = false): number {
  const n = parseDecimal(value);
  if (n === null || (integer && !Number.isSafeInteger(n))) {
    throw new UsageError(`--${flag} takes ${integer ? 'a whole number' : 'a decimal number'}, got "${value}"`);
  }
  return n;
}

function group<K extends keyof Config>(patch: DeepPartial<Config>, key: K): NonNullable<DeepPartial<Config>[K]> {
  const p = patch as Record<string, unknown>;
  p[key] ??= {};
  return p[key] as NonNullable<DeepPartial<Config>[K]>;
}

/** The flags `npm run train` understands (names as the configuration's fields, in kebab case). */
export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  dataset: { help: 'built-in dataset name', set: (p, v) => void (group(p, 'data').dataset = v) },
  tower: { help: 'mlp | cnn | lstm | gru', set: (p, v) => void (group(p, 'model').tower = v as never) },
  hidden: {
    help: 'MLP hidden widths, comma-separated (e.g. 128 or 256,128; "" for none)',
    set: (p, v) => {
      const units = v.trim() === '' ? [] : v.split(',').map((u) => num('hidden', u, true));
      group(p, 'model').mlp = { ...(group(p, 'model').mlp ?? {}), hiddenUnits: units };
    },
  },
  'embedding-dim': {
    help: 'embedding size',
    set: (p, v) => void (group(p, 'model').embeddingDim = num('embedding-dim', v, true)),
  },
  'no-l2': {
    help: 'turn off the L2-normalised embedding layer',
    boolean: true,
    set: (p) => void (group(p, 'model').l2Normalize = false),
  },
  l2: {
    help: 'turn on the L2-normalised embedding layer',
    boolean: true,
    set: (p) => void (group(p, 'model').l2Normalize = true),
  },
  loss: {
    help: 'contrastive | triplet | binary | cosine-regression | infonce',
    set: (p, v) => void (group(p, 'objective').loss = v as never),
  },
  distance: {
    help: 'euclidean | squared-euclidean | cosine | manhattan | mahalanobis',
    set: (p, v) => void (group(p, 'objective').distance = v as never),
  },
  margin: {
    help: 'margin of contrastive/triplet losses',
    set: (p, v) => void (group(p, 'objective').margin = num('margin', v)),
  },
  'soft-margin': {
    help: 'soft-margin triplet loss',
    boolean: true,
    set: (p) => void (group(p, 'objective').softMargin = true),
  },
  reduction: { help: 'mean-non-zero | mean', set: (p, v) => void (group(p, 'objective').reduction = v as never) },
  temperature: {
    help: 'InfoNCE temperature',
    set: (p, v) => void (group(p, 'objective').temperature = num('temperature', v)),
  },
  head: {
    help: 'binary head input: abs-diff | concat',
    set: (p, v) => void (group(p, 'objective').headCombine = v as never),
  },
  miner: {
    help: 'all | hard | semi-hard | easy | batch-hard | random',
    set: (p, v) => void (group(p, 'mining').miner = v as never),
  },
  mining: { help: 'online | offline', set: (p, v) => void (group(p, 'mining').mode = v as never) },
  'batch-mode': { help: 'pk | pairs | triplets', set: (p, v) => void (group(p, 'batch').mode = v as never) },
  batch: {
    help: 'samples (pk) or pairs/triplets per batch',
    set: (p, v) => void (group(p, 'batch').size = num('batch', v, true)),
  },
  classes: {
    help: 'P: classes per P×K batch',
    set: (p, v) => void (group(p, 'batch').classesPerBatch = num('classes', v, true)),
  },
  optimizer: { help: 'adam | sgd | rmsprop', set: (p, v) => void (group(p, 'optimizer').name = v as never) },
  lr: { help: 'learning rate', set: (p, v) => void (group(p, 'optimizer').learningRate = num('lr', v)) },
  steps: { help: 'training steps', set: (p, v) => void (group(p, 'training').steps = num('steps', v, true)) },
  'eval-every': {
    help: 'evaluate every N steps (0 = only at the end)',
    set: (p, v) => void (group(p, 'training').evalEvery = num('eval-every', v, true)),
  },
  seed: { help: 'random seed', set: (p, v) => void (p.seed = num('seed', v, true)) },
  'split-input': {
    help: 'split-input mode (halves of one sample form the positive pair)',
    boolean: true,
    set: (p) => void (group(p, 'data').splitInput = true),
  },
  'split-ratio': {
    help: 'split-input cut, fraction in half a',
    set: (p, v) => void (group(p, 'data').splitRatio = num('split-ratio', v)),
  },
  'unseen-classes': {
    help: 'hold out classes: never trained on, every held-out metric is about them (5,6,7,8,9: those ids; 5: a seeded choice of 5)',
    set: (p, v) => {
      const ids = v.split(',').map((c) => num('unseen-classes', c.trim(), true));
      if (ids.length === 1) group(p, 'data').unseenCount = ids[0];
      else group(p, 'data').unseenClasses = ids;
    },
  },
  'eval-samples': {
    help: 'held-out samples per evaluation',
    set: (p, v) => void (group(p, 'data').evalSamples = num('eval-samples', v, true)),
  },
};

export interface ParsedArgs {
  patch: DeepPartial<Config>;
  /** Values of flags that are not config fields (e.g. --config, --backend, --data). */
  extra: Record<string, string | true>;
}

/**
 * Parses `--flag value` / `--flag=value` pairs. `extraFlags` lists the non-config flags the command takes
 * (boolean ones marked true).
 */
export function parseArgs(
  argv: string[],
  flags: Record<string, FlagSpec>,
  extraFlags: Record<string, boolean>,
): ParsedArgs {
  const patch: DeepPartial<Config> = {};
  const extra: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"; flags look like --name value`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const spec = flags[name];
    const isExtra = name in extraFlags;
    if (!spec && !isExtra) {
      const known = [...Object.keys(flags), ...Object.keys(extraFlags)].sort().map((f) => `--${f}`);
      throw new UsageError(`unknown flag --${name}; known flags: ${known.join(' ')}`);
    }
    const isBoolean = spec ? spec.boolean === true : extraFlags[name];
    let value: string | undefined;
    if (!isBoolean) {
      value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--')))
        throw new UsageError(`--${name} needs a value`);
    }
    if (spec) spec.set(patch, value ?? '');
    else extra[name] = value ?? true;
  }
  return { patch, extra };
}

/** A usage text built from the flag table. */
export function usage(command: string, flags: Record<string, FlagSpec>, extras: Record<string, string>): string {
  const lines = [`usage: npm run ${command} -- [flags]`, ''];
  for (const [name, spec] of Object.entries(flags)) lines.push(`  --${name.padEnd(16)} ${spec.help}`);
  for (const [name, help] of Object.entries(extras)) lines.push(`  --${name.padEnd(16)} ${help}`);
  return lines.join('\n');
}
