// The WebAssembly backend: instantiates one build of assembly/ and hands its exports out as the
// kernel set. Accepts bytes or an already compiled WebAssembly.Module (edge runtimes such as
// workerd forbid compiling from bytes at run time, so their entry passes the imported Module).

import type { Kernels } from './abi.js';
import type { Backend, BackendName } from './backend.js';
import { Arena } from '../memory/arena.js';

interface KernelExports extends Kernels {
  memory: WebAssembly.Memory;
  heap_base(): number;
}

export type WasmSource = BufferSource | WebAssembly.Module;

export async function createWasmBackend(source: WasmSource, name: Extract<BackendName, 'wasm-relaxed' | 'wasm-simd'>): Promise<Backend> {
  // The module has no imports (asc --runtime stub --use abort=), so the import object is empty.
  const instance =
    source instanceof WebAssembly.Module
      ? await WebAssembly.instantiate(source, {})
      : (await WebAssembly.instantiate(source, {})).instance;
  const exports = instance.exports as unknown as KernelExports;
  return { name, kernels: exports, arena: new Arena(exports.memory, exports.heap_base()) };
}
