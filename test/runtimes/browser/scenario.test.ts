// The scenario inside Debian's Chromium (vitest browser mode, playwright driving /usr/bin/chromium):
// the package's browser entry from source, fetching build/*.wasm from the test server like a page
// would. Weights must equal Node's for the same label, bit for bit (Node runs the same source via a
// browser command).
// Also: a browser without WebAssembly SIMD falls back to TypeScript with one warning line, and a
// .wasm that cannot be fetched gives an error saying what was tried and how to fix it.

import { afterEach, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import * as sinew from '../../../src/entry/browser.js';
import * as datasets from '../../../src/datasets/index.js';
import { fetchLoader, WasmLoadError } from '../../../src/runtime/load_bytes.js';
import { expectLossFalls, expectSameWeightsAsLabel, expectSaveLoadExact, reportLine } from '../compare.js';
import { runScenario, type ScenarioResult } from '../scenario.mjs';

declare module 'vitest/browser' {
  interface BrowserCommands {
    nodeReference(build: 'wasm-relaxed' | 'wasm-simd'): Promise<ScenarioResult>;
    /** Appends a line to the runtime report (test/runtimes/tools.ts `report`). */
    report(line: string): Promise<void>;
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

it('Chromium trains the iris model with relaxed SIMD, bit-identical to Node for both builds', async () => {
  const auto = await runScenario({ sinew, datasets }, { build: 'auto' });
  const simd = await runScenario({ sinew, datasets }, { build: 'wasm-simd' });
  expect(auto.runtime).toMatch(/Chrome\/\d+/);
  expect(auto.backend).toBe('wasm-relaxed');
  expectLossFalls(auto);
  expectSaveLoadExact(auto);
  const [nodeRelaxed, nodeSimd] = await Promise.all([commands.nodeReference('wasm-relaxed'), commands.nodeReference('wasm-simd')]);
  const reference = { 'wasm-relaxed': nodeRelaxed, 'wasm-simd': nodeSimd };
  expectSameWeightsAsLabel(auto, reference, `Chromium (auto) vs ${nodeRelaxed.runtime}`);
  expectSameWeightsAsLabel(simd, reference, `Chromium vs ${nodeSimd.runtime}`);
  const chrome = `chromium ${/Chrome\/(\d+)/.exec(auto.runtime)![1]}`;
  await commands.report(reportLine(chrome, auto, simd));
});

it('a browser without WebAssembly SIMD gets the TypeScript backend and one warning line, not a crash', async () => {
  // Such a browser's WebAssembly.validate refuses every SIMD module (Safari before 16.4 did).
  const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const result = await runScenario({ sinew, datasets }, { build: 'auto' });
  expect(validate).toHaveBeenCalled();
  expect(result.backend).toBe('js');
  expect(sinew.backendName()).toBe('js');
  expect(warn).toHaveBeenCalledTimes(1);
  const message = String(warn.mock.calls[0]![0]);
  expect(message).toMatch(/^sinew: .*SIMD.*TypeScript backend/);
  expect(message).not.toContain('\n');
  expectLossFalls(result);
  expectSaveLoadExact(result);
});

it('a .wasm that is not there fails with what was tried and how to fix it', async () => {
  const missing = new URL('/no/such/sinew-relaxed.wasm', location.href);
  const error = await fetchLoader(() => missing)('wasm-relaxed').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WasmLoadError);
  const message = (error as Error).message;
  expect(message).toContain(`fetching ${missing.href}: HTTP 404`);
  expect(message).toContain('init({ bytes })');
  expect(message).toContain("optimizeDeps: { exclude: ['sinew-nn'] }");
});

it('a server that answers with a page instead of the .wasm is named as such', async () => {
  const page = new URL(location.href); // this test's own HTML page, as a dev server's fallback page would answer
  const error = await fetchLoader(() => page)('wasm-simd').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WasmLoadError);
  expect((error as Error).message).toMatch(/is not a WebAssembly file \(\d+ bytes starting "<!DOCTYPE html>/i);
});
