// The scenario in Cloudflare's workerd (npm `workerd`), served on 127.0.0.1. The config is generated
// the way wrangler would bundle the worker: 'sinew-nn' is the package's `workerd` export condition, its
// ES modules are listed as modules and its .wasm files as compiled WebAssembly modules (workerd
// refuses to compile from bytes, so init() asks the relaxed build's own matmul whether V8 fuses
// multiply-add here). workerd is started inside the test and stopped by its own pid.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { createRequire } from 'node:module';
import { expect, inject, it } from 'vitest';
import { spawn } from 'node:child_process';
import { expectLossFalls, expectSameWeightsAsLabel, expectSaveLoadExact, reportLine } from './compare.js';
import { freePort, binary, report, resolveExport, ROOT, type ScenarioResult } from './tools.js';

/** The conditions wrangler's bundler resolves with. */
const WORKERD_CONDITIONS = ['workerd', 'worker', 'browser', 'import'];

/** workerd's config: the worker, the scenario, 'sinew-nn' and 'sinew-nn/datasets' as re-exports of the resolved entries, every packaged module. */
function writeConfig(consumer: string): string {
  const pkgDir = join(consumer, 'node_modules', 'sinew-nn');
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports: Parameters<typeof resolveExport>[0] };
  const modules: string[] = [];
  const text = (s: string) => JSON.stringify(s);
  modules.push(`(name = "worker.mjs", esModule = embed "worker.mjs")`, `(name = "scenario.mjs", esModule = embed "scenario.mjs")`);
  for (const [name, subpath] of [['sinew-nn', '.'], ['sinew-nn/datasets', './datasets']] as const) {
    const target = resolveExport(pkg.exports, subpath, WORKERD_CONDITIONS);
    expect(target, `exports["${subpath}"] resolves for workerd`).toBeDefined();
    // A module's relative imports resolve against its own name, so step back out of 'sinew-nn/…'.
    const up = '../'.repeat(name.split('/').length - 1) || './';
    modules.push(`(name = ${text(name)}, esModule = ${text(`export * from ${text(posix.join(up, 'node_modules/sinew-nn', target!))};`)})`);
  }
  for (const entry of readdirSync(pkgDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(consumer, join(entry.parentPath, entry.name)).split('\\').join('/');
    if (path.endsWith('.js')) modules.push(`(name = ${text(path)}, esModule = embed ${text(path)})`);
    else if (path.endsWith('.wasm')) modules.push(`(name = ${text(path)}, wasm = embed ${text(path)})`);
  }
  const { compatibilityDate } = createRequire(join(ROOT, 'package.json'))('workerd') as { compatibilityDate: string };
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .sinewWorker) ],
  sockets = [ (name = "http", http = (), service = "main") ],
);
const sinewWorker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  compatibilityDate = ${text(compatibilityDate)},
);
`;
  const file = join(consumer, 'config.capnp');
  writeFileSync(file, config);
  return file;
}

async function waitForServer(url: string, deadline: number, exited: () => string | undefined): Promise<void> {
  for (;;) {
    const why = exited();
    if (why) throw new Error(why);
    try {
      await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`workerd did not answer on ${url} in time`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

it('workerd trains the iris model through the `workerd` export condition, bit-identical to Node for the same label', async () => {
  const { consumer, reference, referenceRuntime } = inject('runtimes');
  const config = writeConfig(consumer);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const start = performance.now();
  const server = spawn(binary('workerd'), ['serve', config, '--socket-addr', `http=127.0.0.1:${port}`], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.setEncoding('utf8').on('data', (s: string) => (log += s));
  server.stderr.setEncoding('utf8').on('data', (s: string) => (log += s));
  let exit: string | undefined;
  server.on('exit', (code, signal) => (exit = `workerd exited (${code ?? signal}) before the test ended:\n${log}`));
  try {
    await waitForServer(origin, Date.now() + 30_000, () => exit);
    const get = async (build: string): Promise<ScenarioResult> => {
      const response = await fetch(`${origin}/?build=${build}`, { signal: AbortSignal.timeout(60_000) });
      const body = await response.text();
      expect(response.status, body).toBe(200);
      return JSON.parse(body) as ScenarioResult;
    };
    const auto = await get('auto');
    const simd = await get('wasm-simd');
    expect(auto.runtime).toBe('workerd');
    expect(auto.backend, "V8 fuses relaxed_madd, found by the relaxed build's own kernels").toBe('wasm-relaxed');
    expect(simd.backend).toBe('wasm-simd');
    expectLossFalls(auto);
    expectSaveLoadExact(auto);
    expectSameWeightsAsLabel(auto, reference, `workerd (auto) vs ${referenceRuntime}`);
    expectSameWeightsAsLabel(simd, reference, `workerd vs ${referenceRuntime}`);
    report(reportLine('workerd', auto, simd, `server up to answers ${Math.round(performance.now() - start)} ms`));
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      const stopped = new Promise((r) => server.once('exit', r));
      process.kill(server.pid!, 'SIGTERM');
      const timer = setTimeout(() => server.exitCode === null && process.kill(server.pid!, 'SIGKILL'), 5000);
      await stopped;
      clearTimeout(timer);
    }
  }
});
