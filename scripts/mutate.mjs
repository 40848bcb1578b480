#!/usr/bin/env node
/**
 * `npm run mutate [-- group ...]`: StrykerJS over the core, one module group at a time (stryker.config.mjs lists
 * the groups), each under `nice` so the mutation run yields to interactive work. Extra Stryker flags after the
 * group names pass through: `npm run mutate -- losses --force` ignores the incremental results, and
 * `npm run mutate -- mining --mutate src/core/mining/masks.ts` narrows a group to one file (its results then go to
 * the group's incremental file, beside what earlier runs of the group found for its other files).
 */
import { spawnSync } from 'node:child_process';

process.env.MUTATE_GROUP = 'rng'; // the config module throws without a group; any valid one lets us read the list
const { groups } = await import('../stryker.config.mjs');

const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('-'));
const names = firstFlag < 0 ? args : args.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : args.slice(firstFlag);
const unknown = names.filter((n) => !(n in groups));
if (unknown.length > 0) {
  console.error(`unknown group(s): ${unknown.join(', ')}; groups: ${Object.keys(groups).join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of names.length > 0 ? names : Object.keys(groups)) {
  console.log(`\n=== mutation testing: ${name} ===`);
  const run = spawnSync('nice', ['-n', '10', 'npx', 'stryker', 'run', 'stryker.config.mjs', ...flags], {
    stdio: 'inherit',
    env: { ...process.env, MUTATE_GROUP: name },
  });
  if (run.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
