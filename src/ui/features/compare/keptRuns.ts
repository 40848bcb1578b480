/**
 * Runs kept for comparison: a small, serialisable record per run (configuration, downsampled curves and
 * final metrics: plain objects and numbers, so it can be saved as JSON or in IndexedDB), and the pure helpers the
 * comparison view uses: the configuration differences and the overlaid curve rows.
 */
import type { Config } from '../../../core/config';
import type { MetricsPoint, ProgressPoint } from '../../../worker/protocol';
import { downsampleMinMax } from '../../charts/downsample';

/** Points per stored curve (enough to draw, small to keep). */
export const KEPT_CURVE_POINTS = 300;

/** One kept run. */
export interface KeptRun {
  /** Unique within the list. */
  id: string;
  /** Shown in legends and table headers, e.g. "Run 2". */
  name: string;
  dataset: string;
  config: Config;
  /** ISO time it was kept. */
  keptAt: string;
  /** Training loss by step (downsampled, min/max kept). */
  loss: { step: number; loss: number }[];
  /** Held-out metrics by step. */
  metrics: { step: number; precisionAt1: number | null; mapAtR: number | null; pairAccuracy: number | null }[];
  final: {
    steps: number;
    loss: number | null;
    precisionAt1: number | null;
    mapAtR: number | null;
    pairAccuracy: number | null;
    auc: number | null;
    /** Step of the evaluation the metrics come from. */
    metricsStep: number | null;
  };
}

/** Builds the kept record of a run from its history. */
export function makeKeptRun(args: {
  id: string;
  name: string;
  config: Config;
  steps: number;
  progress: readonly ProgressPoint[];
  metrics: readonly MetricsPoint[];
  keptAt?: Date;
}): KeptRun {
  const finite = args.progress.filter((p) => Number.isFinite(p.loss));
  const loss = downsampleMinMax(finite, (p) => p.loss, KEPT_CURVE_POINTS).map((p) => ({ step: p.step, loss: p.loss }));
  const metrics = thinEvenly(args.metrics, KEPT_CURVE_POINTS).map((m) => ({
    step: m.step,
    precisionAt1: m.precisionAt1,
    mapAtR: m.mapAtR,
    pairAccuracy: m.pairAccuracy,
  }));
  const last = args.metrics.length ? args.metrics[args.metrics.length - 1] : null;
  return {
    id: args.id,
    name: args.name,
    dataset: args.config.data.dataset,
    config: structuredClone(args.config),
    keptAt: (args.keptAt ?? new Date()).toISOString(),
    loss,
    metrics,
    final: {
      steps: args.steps,
      loss: finite.length ? finite[finite.length - 1].loss : null,
      precisionAt1: last?.precisionAt1 ?? null,
      mapAtR: last?.mapAtR ?? null,
      pairAccuracy: last?.pairAccuracy ?? null,
      auc: last?.auc ?? null,
      metricsStep: last?.step ?? null,
    },
  };
}

/** At most `max` entries, evenly spaced, first and last kept. */
function thinEvenly<T>(entries: readonly T[], max: number): T[] {
  if (entries.length <= max) return [...entries];
  return Array.from({ length: max }, (_, i) => entries[Math.round((i * (entries.length - 1)) / (max - 1))]);
}

/** One configuration field that is not the same in every compared run. */
export interface ConfigDifference {
  /** Dotted path, e.g. `objective.margin`. */
  path: string;
  /** The value in each run, in run order, as text (`–` where a run lacks the field). */
  values: string[];
}

/**
 * The fields whose values differ between the configurations (compared by value, arrays as a whole), sorted by
 * path. Empty when they all agree or there are fewer than two.
 */
export function configDifferences(configs: readonly Config[]): ConfigDifference[] {
  if (configs.length < 2) return [];
  const flat = configs.map((c) => flatten(c as unknown as Record<string, unknown>));
  const paths = new Set<string>();
  for (const f of flat) for (const path of f.keys()) paths.add(path);
  const out: ConfigDifference[] = [];
  for (const path of [...paths].sort()) {
    const values = flat.map((f) => (f.has(path) ? f.get(path)! : '–'));
    if (values.some((v) => v !== values[0])) out.push({ path, values });
  }
  return out;
}

/** Leaf values by dotted path, as display text (strings bare, everything else as JSON). */
function flatten(value: Record<string, unknown>, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, path, out);
    else out.set(path, typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));
  }
  return out;
}

/** One row of an overlay chart: the step and one value per run id (absent where that run has no point). */
export type OverlayRow = { step: number } & Record<string, number>;

/** Merges the runs' curves on one step axis; `pick` returns a run's points (null values are left out). */
export function overlayRows(
  runs: readonly KeptRun[],
  pick: (run: KeptRun) => readonly { step: number; value: number | null }[],
): OverlayRow[] {
  const byStep = new Map<number, OverlayRow>();
  for (const run of runs) {
    for (const { step, value } of pick(run)) {
      if (value === null || !Number.isFinite(value)) continue;
      const row = byStep.get(step) ?? ({ step } as OverlayRow);
      row[run.id] = value;
      byStep.set(step, row);
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** The kept-runs list after keeping or removing one. */
export type KeptRunsAction = { type: 'keep-run'; run: KeptRun } | { type: 'remove-kept-run'; id: string };

/** Pure update of the list: keeping a run whose id is already kept replaces it in place. */
export function keptRunsReducer(runs: readonly KeptRun[], action: KeptRunsAction): KeptRun[] {
  if (action.type === 'remove-kept-run') return runs.filter((r) => r.id !== action.id);
  const at = runs.findIndex((r) => r.id === action.run.id);
  if (at < 0) return [...runs, action.run];
  return runs.map((r, i) => (i === at ? action.run : r));
}
