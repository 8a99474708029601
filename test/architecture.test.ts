// The folders' import rule, read from the sources (type imports included): the public API → train,
// io → model → layers, optimizers → runtime → backend → memory, each importing only from below
// (shared one-file concepts at the root sit just above the backend); no import cycle between files;
// no source file over 400 lines.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

/** Rank of each folder: a file may import from its own folder or from a lower rank. */
const RANK: Record<string, number> = {
  base: -1, // errors.ts, random.ts, matrix.ts, version.ts: imported everywhere, import nothing of sinew
  memory: 0,
  backend: 1,
  shared: 2, // errors, random, activations, initializers, regularizers, losses, metrics, matrix, version
  runtime: 3,
  datasets: 7, // the shipped data and their helpers, which read data as fit does (train/data.ts)
  layers: 4,
  optimizers: 4,
  model: 5,
  train: 6,
  io: 6,
  api: 7,
  index: 8,
  entry: 9,
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'data' ? [] : files(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const BASE = ['errors.ts', 'random.ts', 'matrix.ts', 'version.ts'];

function folderOf(file: string): string {
  const rel = relative(SRC, file);
  if (!rel.includes('/')) return rel === 'index.ts' ? 'index' : BASE.includes(rel) ? 'base' : 'shared';
  return rel.split('/')[0];
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
  // Relative imports of sources (not the .wasm files the workerd entry imports).
  return specs.filter((s) => s.startsWith('.') && s.endsWith('.js')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

const ALL = files(SRC);
const GRAPH = new Map(ALL.map((f) => [f, importsOf(f)]));

describe('architecture', () => {
  it('every import goes to the same folder or a lower one', () => {
    const upward: string[] = [];
    for (const [file, deps] of GRAPH) {
      const from = folderOf(file);
      for (const dep of deps) {
        const to = folderOf(dep);
        if (to !== from && !(RANK[to] < RANK[from])) upward.push(`${relative(SRC, file)} → ${relative(SRC, dep)} (${from} → ${to})`);
      }
    }
    expect(upward).toEqual([]);
    expect(new Set(ALL.map(folderOf))).toEqual(new Set(Object.keys(RANK).filter((k) => ALL.some((f) => folderOf(f) === k))));
  });

  it('no import cycle between files', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const d of GRAPH.get(f) ?? []) if (GRAPH.has(d)) visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of ALL) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('no source file is over 400 lines (generated data sets aside)', () => {
    const long = ALL.map((f) => [relative(SRC, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });
});
