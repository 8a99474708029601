// The `workerd` export condition (Cloudflare Workers; wrangler resolves it). workerd forbids
// compiling WebAssembly from bytes at run time, so this entry imports both builds as modules (the
// worker's bundler uploads them as compiled WebAssembly modules) and hands init() the module.
// Everything else is the public API of index.ts.

import type { BackendName } from '../backend/backend.js';
import { initWith, type InitOptions } from '../runtime/init.js';
import relaxed from '../../build/sinew-relaxed.wasm';
import simd from '../../build/sinew-simd.wasm';

export * from '../index.js';

/**
 * Loads the kernels from the .wasm modules bundled with the worker. Call once, before building
 * models (inside a request handler or at the top of the module). Returns the backend's name.
 * @example
 *   await init();   // 'wasm-relaxed' (the relaxed module's own matmul shows V8 fusing; workerd compiles no probe bytes)
 */
export function init(options: InitOptions = {}): Promise<BackendName> {
  return initWith(options, async (build) => (build === 'wasm-relaxed' ? relaxed : simd));
}
