// Once per `vitest --project runtimes` run: pack the package as npm would publish it, install the
// tarball into a throwaway consumer project (a real copy in node_modules/sinew-nn, as `npm install`
// leaves it, so every runtime resolves 'sinew-nn' through the package's own `exports`), and compute
// Node's reference results for both WASM builds, which every other runtime must match bit for bit.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT, relaxedFlag, results, run, type ScenarioResult } from './tools.js';

export interface RuntimesContext {
  /** The throwaway consumer project: package.json, node_modules/sinew-nn, run.mjs, worker.mjs, scenario.mjs. */
  consumer: string;
  tarball: string;
  /** Node's results (this Node, with relaxed SIMD enabled) per build. */
  reference: Record<'wasm-relaxed' | 'wasm-simd', ScenarioResult>;
  referenceRuntime: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    runtimes: RuntimesContext;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The package is packed from dist/ and build/ as they are: refuse to test a build older than its sources. */
function expectFreshBuild(): void {
  const built = Math.min(...['dist/index.js', 'build/sinew-relaxed.wasm', 'build/sinew-simd.wasm'].map((f) => {
    try {
      return statSync(join(ROOT, f)).mtimeMs;
    } catch {
      throw new Error(`${f} is missing: run \`npm run build\` before the runtime tests`);
    }
  }));
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'assembly')));
  if (sources > built) throw new Error('dist/ or build/ is older than src/ or assembly/: run `npm run build` before the runtime tests');
}

export default async function setup(project: TestProject): Promise<() => void> {
  expectFreshBuild();
  const dir = mkdtempSync(join(tmpdir(), 'sinew-runtimes-'));
  // --ignore-scripts: the build was checked above; `prepack` would rebuild everything again.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as [{ filename: string; version: string }];
  const tarball = join(dir, packed[0].filename);

  const consumer = join(dir, 'consumer');
  const installed = join(consumer, 'node_modules', 'sinew-nn');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'sinew-consumer', private: true, type: 'module', dependencies: { 'sinew-nn': packed[0].version } }, null, 2));
  copyFileSync(join(ROOT, 'test/runtimes/scenario.mjs'), join(consumer, 'scenario.mjs'));
  copyFileSync(join(ROOT, 'test/runtimes/consumer/run.mjs'), join(consumer, 'run.mjs'));
  copyFileSync(join(ROOT, 'test/runtimes/consumer/worker.mjs'), join(consumer, 'worker.mjs'));

  const major = Number(process.versions.node.split('.')[0]);
  const done = await run(process.execPath, [...relaxedFlag(major), 'run.mjs', 'wasm-relaxed', 'wasm-simd'], { cwd: consumer, timeoutMs: 120_000 });
  const [relaxed, simd] = results(`node ${process.versions.node} (reference)`, done);
  project.provide('runtimes', { consumer, tarball, reference: { 'wasm-relaxed': relaxed, 'wasm-simd': simd }, referenceRuntime: relaxed.runtime });
  return () => rmSync(dir, { recursive: true, force: true });
}
