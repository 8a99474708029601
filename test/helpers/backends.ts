// Backends for tests: both WebAssembly builds (read from build/, made by `npm run build:wasm`), the
// float32 TypeScript twin and the float64 twin. The relaxed build needs Node ≥ 22 or, on Node 20,
// --experimental-wasm-relaxed-simd, which vitest.config.ts passes to its forked workers.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWasmBackend } from '../../src/backend/wasm.js';
import { createJsBackend } from '../../src/backend/js/index.js';
import type { Backend } from '../../src/backend/backend.js';
import { WASM_FILES } from '../../src/runtime/wasm_files.js';

export type WasmBuild = 'wasm-simd' | 'wasm-relaxed';
export const WASM_BUILDS: WasmBuild[] = ['wasm-simd', 'wasm-relaxed'];

export function wasmBytes(build: WasmBuild): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(fileURLToPath(WASM_FILES[build])));
}

/** A fresh instance of one WebAssembly build (its own memory). */
export function wasmBackend(build: WasmBuild): Promise<Backend> {
  return createWasmBackend(wasmBytes(build), build);
}

/** A fresh float32 TypeScript backend. */
export function jsBackend(): Backend {
  return createJsBackend();
}

/** A fresh float64 TypeScript backend (the reference for gradient checks). */
export function f64Backend(): Backend {
  return createJsBackend({ float64: true });
}
