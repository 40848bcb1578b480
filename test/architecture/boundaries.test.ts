/**
 * The layer boundaries of docs/ARCHITECTURE.md, checked on the sources: the core never imports the UI, the worker,
 * React or Node built-ins and never uses Math.random; the UI never imports tfjs.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, sources } from './sources';

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2],
  );
}

describe('module boundaries', () => {
  it('src/core imports no UI, worker, React, DOM-only or Node built-in module', () => {
    const offenders: string[] = [];
    for (const file of sources('src/core')) {
      for (const spec of imports(file)) {
        if (
          /\/(ui|worker|cli)\//.test(spec) ||
          /^(react|react-dom|recharts)/.test(spec) ||
          /^node:|^(fs|path|os|child_process)$/.test(spec)
        ) {
          offenders.push(`${relative(root, file)} → ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('src/core never calls Math.random (one seeded generator is passed in)', () => {
    const offenders = sources('src/core').filter((f) =>
      /Math\.random\s*\(/.test(readFileSync(f, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('src/ui never reaches tfjs, directly or through the core modules it imports (type-only imports aside)', () => {
    const offenders: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string, via: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
        const [, typeOnly, spec] = m;
        if (typeOnly) continue;
        if (spec.startsWith('@tensorflow/')) offenders.push(`${via} → ${relative(root, file)} → ${spec}`);
        if (spec.startsWith('.') && !spec.includes('/worker/') && !spec.endsWith('?worker') && !spec.endsWith('.css')) {
          const base = join(file, '..', spec);
          const target = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((p) => {
            try {
              return statSync(p).isFile();
            } catch {
              return false;
            }
          });
          if (target) visit(target, via);
        }
      }
    };
    for (const file of sources('src/ui')) visit(file, relative(root, file));
    expect(offenders).toEqual([]);
  });
});
