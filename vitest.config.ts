import { playwright } from '@vitest/browser-playwright';
import type { BrowserCommand } from 'vitest/node';
import { configDefaults, defineConfig } from 'vitest/config';
import { relaxedFlag, report, results, ROOT, run, type ScenarioResult } from './test/runtimes/tools.js';

// Three projects, all run by `npm test` (`vitest run`), each also alone:
//   unit      the unit tests in Node (`npm run test:unit`)
//   runtimes  test/runtimes/*.test.ts: packs the package and runs one training scenario in Node
//             20/22/24, Deno, Bun, workerd and a Vite-built page (`npm run test:runtimes`)
//   browser   test/runtimes/browser/: the same scenario inside Debian's Chromium (`npm run test:browser`)
// The relaxed-SIMD build is refused by Node 20 unless --experimental-wasm-relaxed-simd is given
// (Node ≥ 22 enables it by default and rejects the flag). The flag works only in forked workers.
const nodeMajor = Number(process.versions.node.split('.')[0]);
const execArgv = relaxedFlag(nodeMajor);

// Debian's Chromium (apt-get install chromium); playwright downloads no browser of its own.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Browser command: Node's scenario results for the given builds, from the source tree (computed once per build). */
const references = new Map<string, Promise<ScenarioResult>>();
const nodeReference: BrowserCommand<[build: 'wasm-relaxed' | 'wasm-simd']> = (_context, build) => {
  if (!references.has(build)) {
    references.set(build, run(process.execPath, [...execArgv, '--import', 'tsx', 'test/runtimes/node_reference.ts', build], { cwd: ROOT, timeoutMs: 120_000 })
      .then((done) => results(`node ${process.versions.node} (reference)`, done)[0]));
  }
  return references.get(build)!;
};

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/runtimes/**'],
          pool: 'forks',
          // --expose-gc: the dispose test checks that a disposed model's memory can be collected.
          execArgv: [...execArgv, '--expose-gc'],
        },
      },
      {
        extends: true,
        test: {
          name: 'runtimes',
          include: ['test/runtimes/*.test.ts'],
          pool: 'forks',
          execArgv,
          // One runtime at a time: 2 cores, and each test's timing is reported.
          fileParallelism: false,
          globalSetup: ['test/runtimes/global_setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        // Cross-origin isolation (SharedArrayBuffer, threads) needs these on the page's own server.
        server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
        test: {
          name: 'browser',
          include: ['test/runtimes/browser/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
            commands: { nodeReference, report: (_context, line: string) => report(line) },
            screenshotFailures: false,
          },
        },
      },
    ],
  },
});

