// examples/browser as a user gets it: the page and the packed package installed in its node_modules
// (a real copy, so Vite pre-bundles it as it would a registry package), built by `vite build` and
// served by `vite preview`, and also served by the `vite` dev server, each opened in Debian's
// Chromium. The page's weights fingerprint must equal Node's for the same build and seed. Chromium
// with its JIT off (no WebAssembly at all) must fall back to TypeScript with one warning line.

import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, report, ROOT, run } from './tools.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

interface PageResult {
  backend: string;
  losses: number[];
  correct: number;
  weights: string;
}

let example: string;
let built: Awaited<ReturnType<typeof run>>;

/** Starts `vite <args>` on 127.0.0.1:<port> and waits until it answers; stop it with `stop`. */
async function startVite(args: string[]): Promise<{ url: string; server: ChildProcess; log: () => string }> {
  const port = await freePort();
  const server = spawn(process.execPath, [VITE, ...args, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: example, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout!.setEncoding('utf8').on('data', (s: string) => (log += s));
  server.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`vite ${args.join(' ')} exited with ${server.exitCode}:\n${log}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(server);
      throw new Error(`vite ${args.join(' ')} did not answer on ${url} within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, server, log: () => log };
}

/** Stops a server by its own pid: SIGTERM, then SIGKILL after 5 s. */
async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  process.kill(server.pid!, 'SIGTERM');
  const timer = setTimeout(() => server.exitCode === null && process.kill(server.pid!, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Opens the page, waits for it to finish training, returns what it shows plus its console warnings. */
async function openPage(browser: Browser, url: string, screenshot?: string) {
  const page = await browser.newPage();
  const warnings: string[] = [];
  const failedRequests: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && failedRequests.push(`${r.status()} ${r.url()}`));
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 90_000 });
    const state = await page.getAttribute('body', 'data-state');
    const status = await page.textContent('#status');
    expect(state, `page status: ${status}; failed requests: ${failedRequests.join(', ')}`).toBe('done');
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    const result = JSON.parse((await page.getAttribute('body', 'data-result'))!) as PageResult;
    const epochRows = await page.locator('#epochs tbody tr').count();
    return { result, status: status!, epochRows, warnings, failedRequests };
  } finally {
    await page.close();
  }
}

beforeAll(async () => {
  const { consumer } = inject('runtimes');
  example = join(consumer, '..', 'example');
  mkdirSync(example, { recursive: true });
  for (const f of ['index.html', 'main.js']) cpSync(join(ROOT, 'examples/browser', f), join(example, f));
  writeFileSync(join(example, 'package.json'), JSON.stringify({ name: 'example', private: true, type: 'module', dependencies: { 'sinew-nn': '*' } }));
  cpSync(join(consumer, 'node_modules', 'sinew-nn'), join(example, 'node_modules', 'sinew-nn'), { recursive: true });
  built = await run(process.execPath, [VITE, 'build'], { cwd: example, timeoutMs: 120_000 });
});

describe('examples/browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('vite build copies the .wasm files (both builds, each also for threads), and the built page trains with the fingerprint Node gets', async () => {
    expect(built.code, built.stdout + built.stderr).toBe(0);
    const assets = readdirSync(join(example, 'dist', 'assets'));
    expect(assets.filter((f) => f.endsWith('.wasm')).map((f) => f.replace(/-[\w-]{8}\.wasm$/, '.wasm')).sort()).toEqual(['sinew-relaxed-threads.wasm', 'sinew-relaxed.wasm', 'sinew-simd-threads.wasm', 'sinew-simd.wasm']);

    const { url, server } = await startVite(['preview']);
    try {
      const screenshot = process.env.SINEW_SCREENSHOT ?? join(example, 'preview.png');
      const shown = await openPage(browser, url, screenshot);
      const { reference } = inject('runtimes');
      expect(shown.result.backend).toBe('wasm-relaxed');
      expect(shown.epochRows).toBe(20);
      expect(shown.result.weights, 'fingerprint of the page = Node wasm-relaxed').toBe(reference['wasm-relaxed'].hash);
      expect(shown.result.losses.at(-1)).toBeLessThan(0.8 * shown.result.losses[0]);
      expect(shown.failedRequests).toEqual([]);
      report(`vite build + preview, Chromium: ${shown.status} ${shown.result.correct}/150 correct, fingerprint ${shown.result.weights} (= node); screenshot ${screenshot}; vite build ${built.ms} ms`);
    } finally {
      await stop(server);
    }
  });

  it('the vite dev server (with its dependency pre-bundling) serves a page that trains identically', async () => {
    const { url, server, log } = await startVite([]);
    try {
      const shown = await openPage(browser, url);
      expect(shown.result.backend).toBe('wasm-relaxed');
      expect(shown.result.weights).toBe(inject('runtimes').reference['wasm-relaxed'].hash);
      expect(shown.failedRequests).toEqual([]);
      // Vite did pre-bundle the package (so the .wasm URL survived the move into node_modules/.vite/deps).
      expect(readdirSync(join(example, 'node_modules', '.vite', 'deps'))).toContain('sinew-nn.js');
      report(`vite dev (pre-bundled), Chromium: ${shown.status} fingerprint ${shown.result.weights} (= node)`);
    } catch (error) {
      console.log(log());
      throw error;
    } finally {
      await stop(server);
    }
  });
});

it('Chromium with WebAssembly turned off (--js-flags=--jitless) trains on the TypeScript backend after one warning line', async () => {
  expect(built.code, 'vite build').toBe(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--js-flags=--jitless'] });
  const { url, server } = await startVite(['preview']);
  try {
    const shown = await openPage(browser, url);
    expect(shown.result.backend).toBe('js');
    const ours = shown.warnings.filter((w) => w.startsWith('sinew:'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/SIMD.*TypeScript backend/);
    expect(ours[0]).not.toContain('\n');
    expect(shown.result.losses.at(-1)).toBeLessThan(0.8 * shown.result.losses[0]);
    report(`Chromium --jitless (no WebAssembly): ${shown.status} warning: "${ours[0]}"`);
  } finally {
    await stop(server);
    await browser.close();
  }
});
