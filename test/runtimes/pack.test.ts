// What `npm publish` would ship: `npm pack --dry-run` lists the ES modules, their .d.ts types, both
// .wasm builds and the LICENSE, nothing else (no sources, tests, maps, .wat text, no module whose
// source is gone); within a size budget; a manifest without install-time scripts, so installing the
// tarball runs and warns about nothing; every `exports` target exists in the pack; and the browser
// entry's module graph has no `node:` import for bundlers to trip on.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { expect, inject, it } from 'vitest';
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

const ALLOWED = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^dist\/.+\.(js|d\.ts)$/, /^build\/sinew-(relaxed|simd)(-threads)?\.wasm$/];

it('npm pack ships the ES modules, their types and both .wasm builds, and nothing stray', () => {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`; // npm's kB
  const byKind = new Map<string, { count: number; size: number }>();
  for (const f of files) {
    const kind = f.path.endsWith('.d.ts') ? '.d.ts' : f.path.includes('.') ? f.path.slice(f.path.lastIndexOf('.')) : f.path;
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
  // Every module ships with its types, and comes from a module of src/ (not left over from an earlier build).
  for (const f of files.filter((f) => f.path.endsWith('.js'))) expect(paths, `types of ${f.path}`).toContain(f.path.replace(/\.js$/, '.d.ts'));
  const orphans = files.filter((f) => f.path.startsWith('dist/') && !existsSync(join(ROOT, 'src', f.path.slice(5).replace(/\.(js|d\.ts)$/, '.ts'))));
  expect(orphans.map((f) => f.path), 'dist/ files no module of src/ produces (npm run build prunes them)').toEqual([]);
});

// Budgets, in npm's kB (1000 bytes). The .wasm target was 64 kB, but both builds were already over it
// when the budget was set (72.6 and 73.0 kB, 80-86 kB with kernel work in progress): this one guards
// against growth from there.
// 450 kB until the shared-memory builds for threads (two more .wasm, ~30 kB each packed) joined.
const PACKED_BUDGET = 520_000;
const WASM_BUDGET = 96_000;

it(`the package stays within its size budget (packed ≤ ${PACKED_BUDGET / 1000} kB, each .wasm ≤ ${WASM_BUDGET / 1000} kB)`, () => {
  expect(packed[0].size).toBeLessThanOrEqual(PACKED_BUDGET);
  const wasm = files.filter((f) => f.path.endsWith('.wasm'));
  expect(wasm).toHaveLength(4); // two builds, each also over shared memory for threads
  for (const f of wasm) expect(f.size, f.path).toBeLessThanOrEqual(WASM_BUDGET);
});

it('ships the MIT LICENSE, and no module points at a source map that is not shipped', () => {
  expect(paths).toContain('LICENSE');
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the sinew authors\n/);
  expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).license).toBe('MIT');
  const dangling: string[] = [];
  for (const f of files.filter((f) => /\.(js|d\.ts)$/.test(f.path))) {
    for (const [, map] of readFileSync(join(ROOT, f.path), 'utf8').matchAll(/\/[/*][#@] sourceMappingURL=(\S+?)(?:\s*\*\/)?\s*$/gm)) {
      if (!map.startsWith('data:') && !paths.has(posix.join(posix.dirname(f.path), map))) dangling.push(`${f.path} → ${map}`);
    }
  }
  expect(dangling).toEqual([]);
});

it('the packed manifest has no install-time script, and installing the tarball runs and warns about none', () => {
  const { tarball } = inject('runtimes');
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as { scripts?: Record<string, string>; engines?: Record<string, string>; type?: string };
  // What npm, pnpm, yarn and bun run when a package is installed (prepare: from git or a directory).
  const installTime = ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare', 'prepublish'];
  expect(Object.keys(manifest.scripts ?? {}).filter((s) => installTime.includes(s))).toEqual([]);
  expect(manifest.engines).toEqual({ node: '>=20.16' });
  expect(manifest.type).toBe('module');

  const dir = mkdtempSync(join(tmpdir(), 'sinew-install-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sinew-install-check', private: true }));
    // No dependencies to fetch: --offline keeps it from the network.
    const done = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], { cwd: dir, encoding: 'utf8' });
    expect(done.status, done.stderr).toBe(0);
    const said = `${done.stdout}\n${done.stderr}`;
    expect(said).not.toMatch(/install-scripts|install script|sinew-nn@\S+ (pre|post)?(install|prepare)/i);
    expect(existsSync(join(dir, 'node_modules/sinew-nn/dist/index.js'))).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
