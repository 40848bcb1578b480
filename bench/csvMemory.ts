/**
 * `npx tsx bench/csvMemory.ts [MB]` (`npm run bench:csv-memory`): the memory a big CSV costs to read. Writes a
 * numeric CSV of about MB megabytes (default 100: 8 feature columns and a label of 10 classes) to the temp folder,
 * then loads it through `loadUpload` in a fresh process per round, so each peak is that load's own. Prints the
 * process's resident memory before the file is read, its peak during the load, and the peak's growth over that
 * baseline as a multiple of the file size. Median of 3 rounds.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryUsage, resourceUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { loadUpload } from '../src/core/data/loaders/index';

async function child(path: string): Promise<void> {
  const baseline = memoryUsage().rss;
  const buffer = readFileSync(path);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  const t0 = performance.now();
  const { summary } = await loadUpload([{ name: 'big.csv', bytes }], { maxBytes: 1 << 30 });
  const ms = performance.now() - t0;
  const peak = resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ baseline, peak, bytes: bytes.length, ms, samples: summary.samples }));
}

function write(path: string, megabytes: number): number {
  const fd = openSync(path, 'w');
  let written = 0;
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  written += writeSync(fd, 'f1,f2,f3,f4,f5,f6,f7,f8,label\n');
  while (written < megabytes * 1024 * 1024) {
    const lines: string[] = [];
    for (let i = 0; i < 10000; i++) {
      const label = Math.floor(random() * 10);
      const cells = Array.from({ length: 8 }, () => (random() * 10 - 5 + label).toFixed(5));
      lines.push(`${cells.join(',')},class${label}`);
    }
    written += writeSync(fd, `${lines.join('\n')}\n`);
  }
  closeSync(fd);
  return written;
}

if (process.argv[2] === 'child') await child(process.argv[3]);
else {
  const megabytes = Number(process.argv[2] ?? 100);
  const path = join(tmpdir(), `bench-csv-memory-${process.pid}.csv`);
  const size = write(path, megabytes);
  const self = fileURLToPath(import.meta.url);
  const rounds: { baseline: number; peak: number; ms: number; samples: number }[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      const run = spawnSync(process.execPath, [...process.execArgv, self, 'child', path], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(run.stderr);
      rounds.push(JSON.parse(run.stdout.trim().split('\n').pop()!));
    }
  } finally {
    rmSync(path, { force: true });
  }
  const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
  for (const r of rounds)
    console.log(
      `file ${mb(size)} MB (${r.samples} rows): RSS before ${mb(r.baseline)} MB, peak ${mb(r.peak)} MB, growth ${((r.peak - r.baseline) / size).toFixed(2)}× the file, ${(r.ms / 1000).toFixed(1)} s`,
    );
  const growth = rounds.map((r) => (r.peak - r.baseline) / size).sort((a, b) => a - b)[1];
  const peaks = rounds.map((r) => r.peak / size).sort((a, b) => a - b)[1];
  console.log(`median: peak growth ${growth.toFixed(2)}× the file size; whole-process peak ${peaks.toFixed(2)}×`);
}
