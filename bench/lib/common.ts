/** Shared helpers of the benchmark scripts: statistics, the machine description, the load average, logging. */
import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** Median of a non-empty list (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The 1/5/15-minute load averages, rounded, with a timestamp (recorded with every measurement). */
export function load(): { at: string; loadAverage: [number, number, number] } {
  const [a, b, c] = loadavg();
  return { at: new Date().toISOString(), loadAverage: [round(a, 2), round(b, 2), round(c, 2)] };
}

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** What machine and software the numbers come from. */
export function machine(): Record<string, unknown> {
  const list = cpus();
  return {
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The value after `--name` on the command line, or `fallback` when it is not given. */
export function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

/** Progress lines go to stderr so stdout stays the table. */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Milliseconds of one call of `fn`. */
export function timeMs(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/**
 * Runs `fn` `runs` times (after `warmup` untimed runs): median wall-clock milliseconds and median CPU milliseconds of
 * this process (user + system; on a loaded machine wall time also counts waiting for a core), with every sample.
 */
export function medianMs(
  fn: () => unknown,
  runs: number,
  warmup = 1,
): { ms: number; cpuMs: number; samples: number[] } {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    samples.push(round(timeMs(fn), 2));
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: round(median(samples), 2), cpuMs: round(median(cpu), 2), samples };
}

/** A fixed-width text table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
