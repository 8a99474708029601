import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { WASM_BUILDS, wasmBytes } from './helpers/backends.js';
import { createJsBackend } from '../src/backend/js/index.js';
import { hasRelaxedSimd, hasWasmSimd } from '../src/backend/probe.js';
import { THREAD_EXPORT_NAMES } from '../src/backend/threads/abi.js';

// The kernel names declared in src/backend/abi.ts, read from the source so the test cannot drift.
const abiNames = [...readFileSync(new URL('../src/backend/abi.ts', import.meta.url), 'utf8').matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]).sort();

describe('the kernel ABI', () => {
  it('declares a non-trivial kernel set', () => {
    expect(abiNames.length).toBeGreaterThan(40);
  });

  for (const build of WASM_BUILDS) {
    it(`${build} exports exactly the ABI kernels, the thread exports, heap_base and memory, and imports nothing`, () => {
      const mod = new WebAssembly.Module(wasmBytes(build));
      const exported = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
      expect(exported).toEqual([...abiNames, ...THREAD_EXPORT_NAMES, 'heap_base', 'memory'].sort());
      expect(WebAssembly.Module.imports(mod)).toEqual([]);
    });
  }

  it('the TypeScript twin implements exactly the ABI kernels', () => {
    expect(Object.keys(createJsBackend().kernels).sort()).toEqual(abiNames);
  });
});

describe('feature probes', () => {
  it('find SIMD in Node, and relaxed SIMD under the test flag or Node ≥ 22', () => {
    expect(hasWasmSimd()).toBe(true);
    expect(hasRelaxedSimd()).toBe(true);
  });

  it('agree with what the engine accepts: the relaxed build compiles exactly when the probe says so', () => {
    expect(WebAssembly.validate(wasmBytes('wasm-relaxed'))).toBe(hasRelaxedSimd());
    expect(WebAssembly.validate(wasmBytes('wasm-simd'))).toBe(hasWasmSimd());
  });
});
