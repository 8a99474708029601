// The WebAssembly backend: one instance of one build of assembly/, whose exports are the kernel
// set. Each model gets its own instance (and so its own memory), made synchronously from a module
// compiled once by init(); edge runtimes such as workerd forbid compiling from bytes at run time,
// so they pass a WebAssembly.Module they imported instead.

import type { Kernels } from './abi.js';
import type { Backend, BackendName } from './backend.js';
import { Arena } from '../memory/arena.js';

interface KernelExports extends Kernels {
  memory: WebAssembly.Memory;
  heap_base(): number;
}

export type WasmBuildName = Extract<BackendName, 'wasm-relaxed' | 'wasm-simd'>;

/** A fresh instance of a compiled kernel module. The module has no imports (asc --runtime stub --use abort=). */
export function instantiateWasmBackend(module: WebAssembly.Module, name: WasmBuildName): Backend {
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  return { name, kernels: exports, arena: new Arena(exports.memory, exports.heap_base()) };
}

/** Compiles bytes (or takes a compiled module) and instantiates it once. */
export async function createWasmBackend(source: BufferSource | WebAssembly.Module, name: WasmBuildName): Promise<Backend> {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  return instantiateWasmBackend(module, name);
}
