// Node-side helpers of the runtime tests (which drive the other runtimes as child processes): where
// each runtime's binary is, running a process with a time limit and stopping it by its own pid,
// reading scenario results, resolving `exports` conditions the way a runtime or bundler does, and
// the one-line-per-runtime report that .ci/run prints. No vitest import: vitest.config.ts uses it too.

import { spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioResult } from './scenario.mjs';

export type { ScenarioResult };
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'package.json'));

/** The flag Node 20 needs for the relaxed build; Node ≥ 22 has it on and rejects the flag. */
export function relaxedFlag(nodeMajor: number): string[] {
  return nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
}

const NODE_VERSIONS = join(ROOT, 'test', 'runtimes', 'node-versions', 'node_modules');
const INSTALL_HINT = 'run `node test/runtimes/ensure_node_versions.mjs` (npm test does it first)';

/** A runtime binary by name; throws with the fix when it is not installed. */
export function binary(name: 'node22' | 'node24' | 'deno' | 'bun' | 'workerd'): string {
  let path: string;
  if (name === 'node22' || name === 'node24') path = join(NODE_VERSIONS, name, 'bin', 'node');
  // The packages' own launchers: deno's is a JS shim, so take the binary it wraps; workerd's main
  // module exports the platform binary's path (stopping a JS wrapper would leave the server running).
  else if (name === 'deno') path = join(dirname(require.resolve('deno/package.json')), 'deno');
  else if (name === 'bun') path = join(dirname(require.resolve('bun/package.json')), 'bin', 'bun.exe');
  else path = (require('workerd') as { default: string }).default;
  if (!existsSync(path)) throw new Error(`${name} is not installed at ${path}: ${name.startsWith('node') ? INSTALL_HINT : 'run `npm ci`'}`);
  return path;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion; past `timeoutMs` it is killed (SIGKILL, by its own pid) and reported. */
export function run(command: string, args: string[], options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Math.round(performance.now() - start);
      if (timedOut) reject(new Error(`${command} ${args.join(' ')} timed out after ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
      else resolve({ code, signal, stdout, stderr, ms });
    });
  });
}

/** The scenario results a runtime printed (one JSON line each); throws with its output if it failed. */
export function results(label: string, done: Finished): ScenarioResult[] {
  if (done.code !== 0) throw new Error(`${label} exited with ${done.code ?? done.signal}\n--- stdout\n${done.stdout}\n--- stderr\n${done.stderr}`);
  return done.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ScenarioResult);
}

/** Appends one line to the runtime report that .ci/run prints (SINEW_RUNTIME_REPORT), and logs it. */
export function report(line: string): void {
  console.log(`[runtimes] ${line}`);
  const file = process.env.SINEW_RUNTIME_REPORT;
  if (file) appendFileSync(file, `${line}\n`);
}

type Exports = string | null | { [key: string]: Exports };

/**
 * Resolves `subpath` ('.' or './datasets') in a package.json `exports` map for a set of conditions,
 * as Node and bundlers do: in each conditions object the first key that is active wins.
 */
export function resolveExport(exports: Exports, subpath: string, conditions: string[]): string | undefined {
  const active = new Set([...conditions, 'default']);
  let target: Exports | undefined = typeof exports === 'object' && exports && Object.keys(exports)[0]?.startsWith('.') ? exports[subpath] : subpath === '.' ? exports : undefined;
  while (target && typeof target === 'object') {
    const key: string | undefined = Object.keys(target).find((k) => active.has(k));
    target = key === undefined ? undefined : target[key];
  }
  return typeof target === 'string' ? target : undefined;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers the tests start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
