// Choosing and loading a backend once per process: `init()` picks the fastest kernel build this
// runtime accepts (relaxed SIMD, else SIMD128, else the TypeScript twin), compiles it once, and
// from then on `createBackend()` gives each model its own instance with its own memory.

import type { Backend, BackendName } from '../backend/backend.js';
import { createJsBackend } from '../backend/js/index.js';
import { hasRelaxedSimd, hasWasmSimd } from '../backend/probe.js';
import { instantiateWasmBackend, type WasmBuildName } from '../backend/wasm.js';
import { compileBytes, fileOrFetchLoader, type ModuleLoader } from './load_bytes.js';

export interface InitOptions {
  /** 'auto' (default): the fastest that validates; 'wasm': fail rather than fall back; 'js': the TypeScript twin. */
  backend?: 'auto' | 'wasm' | 'js';
  /** A compiled kernel module (how workerd must get it: it forbids compiling from bytes); say which build in `build`. */
  module?: WebAssembly.Module;
  /** The bytes of build/sinew-relaxed.wasm or build/sinew-simd.wasm, if you load them yourself. */
  bytes?: BufferSource;
  /** Which build to load, or which one `module`/`bytes` hold; default: 'wasm-relaxed' if relaxed SIMD validates, else 'wasm-simd'. */
  build?: WasmBuildName;
}

interface Loaded {
  name: BackendName;
  create(): Backend;
}

let loaded: Loaded | undefined;

/**
 * Loads the kernels. Call once, before building models; later calls switch the backend for models
 * built afterwards. Returns the backend's name.
 * @example
 *   await init();                    // 'wasm-relaxed' on Node ≥ 22, Chromium, Deno, Bun, workerd; 'wasm-simd' on Node 20
 *   await init({ backend: 'js' });   // the pure-TypeScript twin
 */
export function init(options: InitOptions = {}): Promise<BackendName> {
  return initWith(options, fileOrFetchLoader());
}

/** `init` with the loader of one entry point (file/fetch, fetch only, or workerd's imported modules). */
export async function initWith(options: InitOptions, load: ModuleLoader): Promise<BackendName> {
  const choice = options.backend ?? 'auto';
  if (choice !== 'auto' && choice !== 'wasm' && choice !== 'js') {
    throw new Error(`init: expected backend to be 'auto', 'wasm' or 'js', received ${JSON.stringify(choice)}`);
  }
  if (choice === 'js') {
    loaded = { name: 'js', create: () => createJsBackend() };
    return loaded.name;
  }
  if (!hasWasmSimd()) {
    const why = 'this runtime does not support WebAssembly SIMD';
    if (choice === 'wasm') throw new Error(`init: backend 'wasm' was requested but ${why}; use init({ backend: 'auto' }) to fall back to TypeScript`);
    console.warn(`sinew: ${why}; using the TypeScript backend (about 10-30x slower)`);
    loaded = { name: 'js', create: () => createJsBackend() };
    return loaded.name;
  }
  const build: WasmBuildName = options.build ?? (hasRelaxedSimd() ? 'wasm-relaxed' : 'wasm-simd');
  if (build !== 'wasm-relaxed' && build !== 'wasm-simd') {
    throw new Error(`init: expected build to be 'wasm-relaxed' or 'wasm-simd', received ${JSON.stringify(build)}`);
  }
  if (build === 'wasm-relaxed' && !options.module && !hasRelaxedSimd()) {
    throw new Error(
      "init: build 'wasm-relaxed' needs relaxed SIMD, which this runtime does not accept (Node 20 needs " +
        "`node --experimental-wasm-relaxed-simd`); leave `build` out to get the fastest build that loads, or ask for 'wasm-simd'",
    );
  }
  let module: WebAssembly.Module;
  if (options.module) module = options.module;
  else if (options.bytes) module = await compileBytes(options.bytes);
  else module = await load(build);
  loaded = { name: build, create: () => instantiateWasmBackend(module, build) };
  return loaded.name;
}

/** The name of the backend `init` chose, or undefined before `init`. */
export function backendName(): BackendName | undefined {
  return loaded?.name;
}

/** A fresh backend instance (own memory) for one model. Throws before `init()`. */
export function createBackend(): Backend {
  if (!loaded) throw new Error('sinew: call `await init()` before building a model (it loads the WebAssembly kernels)');
  return loaded.create();
}
