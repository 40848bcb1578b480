/**
 * CPU time of every thread of this process's descendants (Linux /proc), grouped by process kind and thread name
 * (`renderer:DedicatedWorker`, `gpu-process:VizCompositorTh`, `node:node`, …): what the browser's threads (the
 * training worker, the page's main thread, the compositor, raster threads, other workers) took over a window. Ticks
 * are USER_HZ (100 per second on Linux). Elsewhere it returns an empty map.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function statOf(path: string): { comm: string; ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(path, 'utf8');
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const comm = text.slice(open + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // After comm: state(0) ppid(1) … utime(11) stime(12).
    return { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** The pids below `root` (children, grandchildren, …). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = statOf(`/proc/${name}/stat`);
    if (s) parent.set(Number(name), s.ppid);
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && hops < 64; p = parent.get(p), hops++)
      if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter(below);
}

/** A process's kind: Chromium's `--type=` (browser when absent), else the executable's name. */
function kindOf(pid: number): string {
  try {
    // Chromium rewrites its process title into one space-separated string.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = args.find((a) => a.startsWith('--type='));
    if (type) return type.slice(7);
    const exe = (args[0] ?? '').split('/').pop() ?? '';
    return exe.includes('chrom') ? 'browser' : exe || 'unknown';
  } catch {
    return 'gone';
  }
}

/** CPU seconds per process kind and thread name, summed over the descendants of `root` (default: this process). */
export function threadCpuSeconds(root = process.pid): Map<string, number> {
  const out = new Map<string, number>();
  let pids: number[];
  try {
    pids = descendants(root);
  } catch {
    return out;
  }
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    const kind = kindOf(pid);
    for (const tid of tasks) {
      const s = statOf(`/proc/${pid}/task/${tid}/stat`);
      const name = `${kind}:${s?.comm}`;
      if (s) out.set(name, (out.get(name) ?? 0) + s.ticks / TICKS_PER_SECOND);
    }
  }
  return out;
}

/** b − a per thread name, the largest first, omitting names under `minSeconds`. */
export function cpuDelta(a: Map<string, number>, b: Map<string, number>, minSeconds = 0.05): Record<string, number> {
  const rows = [...b].map(([k, v]) => [k, v - (a.get(k) ?? 0)] as const).filter(([, v]) => v >= minSeconds);
  rows.sort((x, y) => y[1] - x[1]);
  return Object.fromEntries(rows.map(([k, v]) => [k, Math.round(v * 100) / 100]));
}
