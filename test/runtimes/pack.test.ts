// What `npm publish` would ship: `npm pack --dry-run` lists the ES modules, their .d.ts types and
// both .wasm builds, nothing else (no sources, tests, maps, .wat text); every `exports` target exists
// in the pack; and the browser entry's module graph has no `node:` import for bundlers to trip on.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { expect, it } from 'vitest';
import { report, resolveExport, ROOT } from './tools.js';

interface PackFile {
  path: string;
  size: number;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Parameters<typeof resolveExport>[0] };
const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as [
  { files: PackFile[]; size: number; unpackedSize: number; filename: string },
];
const files = packed[0].files;
const paths = new Set(files.map((f) => f.path));

const ALLOWED = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^dist\/.+\.(js|d\.ts)$/, /^build\/sinew-(relaxed|simd)\.wasm$/];

it('npm pack ships the ES modules, their types and both .wasm builds, and nothing stray', () => {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  const byKind = new Map<string, { count: number; size: number }>();
  for (const f of files) {
    const kind = f.path.endsWith('.d.ts') ? '.d.ts' : f.path.slice(f.path.lastIndexOf('.'));
    const k = byKind.get(kind) ?? { count: 0, size: 0 };
    byKind.set(kind, { count: k.count + 1, size: k.size + f.size });
  }
  for (const f of files.filter((f) => f.path.endsWith('.wasm') || f.path.startsWith('dist/entry/') || f.path === 'dist/index.js')) {
    console.log(`  ${f.path.padEnd(32)} ${kb(f.size).padStart(9)}`);
  }
  const kinds = [...byKind].map(([kind, k]) => `${k.count} ${kind} ${kb(k.size)}`).join(', ');
  report(`npm pack: ${packed[0].filename} ${kb(packed[0].size)} packed, ${kb(packed[0].unpackedSize)} unpacked, ${files.length} files (${kinds})`);

  expect(files.filter((f) => !ALLOWED.some((re) => re.test(f.path))).map((f) => f.path)).toEqual([]);
  for (const f of ['package.json', 'build/sinew-relaxed.wasm', 'build/sinew-simd.wasm', 'dist/index.js', 'dist/index.d.ts']) expect(paths).toContain(f);
  // Every module ships with its types.
  for (const f of files.filter((f) => f.path.endsWith('.js'))) expect(paths, `types of ${f.path}`).toContain(f.path.replace(/\.js$/, '.d.ts'));
});

it('the package is sinew-nn, and every import in the README, the examples and the consumers names it', () => {
  // `sinew` on the registry is another author's command-line tool: a user following the docs must get this package.
  expect(packed[0].filename).toMatch(/^sinew-nn-\d+\.\d+\.\d+\.tgz$/);
  expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).name).toBe('sinew-nn');
  const docs = ['README.md', 'examples/browser/main.js', 'examples/browser/README.md', 'test/runtimes/consumer/run.mjs', 'test/runtimes/consumer/worker.mjs'];
  for (const file of docs) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:from\s+|import\(\s*|resolve\(\s*|npm install\s+)['"]?((?:npm:)?sinew[\w/.-]*)/g)].map((m) => m[1]);
    for (const s of specifiers) expect(s, `${file}: ${s}`).toMatch(/^(npm:)?sinew-nn(\/|$)/);
  }
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('npm install sinew-nn');
  expect(JSON.parse(readFileSync(join(ROOT, 'examples/browser/package.json'), 'utf8')).dependencies).toHaveProperty('sinew-nn');
});

it.each([
  ['types', ['types']],
  ['workerd', ['workerd', 'worker', 'browser', 'import']],
  ['browser', ['browser', 'import']],
  ['node', ['node', 'import']],
  ['default', ['import']],
])('exports resolves under the %s condition to a shipped file', (_, conditions) => {
  for (const subpath of ['.', './datasets']) {
    const target = resolveExport(pkg.exports, subpath, conditions);
    expect(target, `exports["${subpath}"] for ${conditions.join('+')}`).toMatch(/^\.\/dist\//);
    expect(paths).toContain(target!.slice(2));
  }
});

it('each condition gets its own entry: workerd imports the .wasm modules, browser has no node: imports', () => {
  const entry = (conditions: string[]) => resolveExport(pkg.exports, '.', conditions)!.slice(2);
  expect(entry(['workerd', 'worker', 'browser'])).toBe('dist/entry/workerd.js');
  expect(entry(['browser'])).toBe('dist/entry/browser.js');
  expect(readFileSync(join(ROOT, 'dist/entry/workerd.js'), 'utf8')).toMatch(/from ['"]\.\.\/\.\.\/build\/sinew-relaxed\.wasm['"]/);

  // Walk the browser entry's static and dynamic imports through dist/.
  const seen = new Set<string>();
  const nodeImports: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // Comments dropped (a comment may quote an import); strings and template text are left as they are.
    const code = readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const [, spec] of code.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      if (spec.startsWith('.')) visit(posix.join(posix.dirname(file), spec));
      else nodeImports.push(`${file}: ${spec}`);
    }
  };
  visit(entry(['browser']));
  expect(seen.size).toBeGreaterThan(5);
  expect(nodeImports, 'bare or node: imports reachable from the browser entry').toEqual([]);
});
