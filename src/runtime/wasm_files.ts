// Where the two kernel builds live relative to this module. build/ sits beside src/ (running from
// source) and beside dist/ (the published package) at the same depth, so one relative URL serves both.
// Each URL is spelled out as the literal `new URL('…', import.meta.url)`: that exact pattern is what
// Vite, webpack 5, Parcel and Rollup's URL plugins recognise to copy the .wasm into a bundle.
// The URLs are built on demand, not at import, so a runtime without a usable import.meta.url (a
// bundle that inlines this file, workerd's entry) can still import the package and pass a module.

import type { WasmBuildName } from '../backend/wasm.js';

/** The URL of one build's .wasm file, next to this package's code. */
export function wasmUrl(build: WasmBuildName): URL {
  return build === 'wasm-relaxed'
    ? new URL('../../build/sinew-relaxed.wasm', import.meta.url)
    : new URL('../../build/sinew-simd.wasm', import.meta.url);
}

/** The same URLs keyed by build name (read lazily). */
export const WASM_FILES: { readonly [B in WasmBuildName]: URL } = {
  get 'wasm-relaxed'() {
    return wasmUrl('wasm-relaxed');
  },
  get 'wasm-simd'() {
    return wasmUrl('wasm-simd');
  },
};

/** The URL of one build's shared-memory form (src/backend/threads/), next to the single-thread file. */
export function threadsWasmUrl(build: WasmBuildName): URL {
  return build === 'wasm-relaxed'
    ? new URL('../../build/sinew-relaxed-threads.wasm', import.meta.url)
    : new URL('../../build/sinew-simd-threads.wasm', import.meta.url);
}
