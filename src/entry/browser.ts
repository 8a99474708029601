// The `browser` export condition (what Vite, webpack and other bundlers pick for a page): the public
// API of index.ts with an init() that only fetches the .wasm from `new URL('…', import.meta.url)`,
// streaming it into the compiler. Unlike the default entry it holds no file-system branch at all
// (Node/Deno/Bun), so nothing in a page bundle refers to `process`, `Deno` or `Bun`.

import type { BackendName } from '../backend/backend.js';
import { initWith, type InitOptions } from '../runtime/init.js';
import { fetchLoader } from '../runtime/load_bytes.js';
import { threadsWasmUrl } from '../runtime/wasm_files.js';
import { webThreadSupport } from '../runtime/threads.js';

export * from '../index.js';

/**
 * Loads the kernels (fetching build/sinew-*.wasm next to the package, or the copy your bundler
 * made). Call once, before building models. Returns the backend's name.
 * @example
 *   await init();                    // 'wasm-relaxed' where relaxed SIMD fuses multiply-add (Chromium), else 'wasm-simd'
 *   await init({ bytes });           // bytes you fetched yourself
 */
export function init(options: InitOptions = {}): Promise<BackendName> {
  return initWith(options, fetchLoader(), { load: fetchLoader(threadsWasmUrl), support: webThreadSupport });
}
