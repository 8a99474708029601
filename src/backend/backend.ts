// A backend = a kernel set + the memory it works on. Everything above this file (layers, model,
// training loop) is written once against `Backend` and runs unchanged on any of them.

import type { Kernels } from './abi.js';
import { Arena } from '../memory/arena.js';

export type BackendName = 'wasm-relaxed' | 'wasm-simd' | 'js' | 'js-f64';

export interface Backend {
  readonly name: BackendName;
  readonly kernels: Kernels;
  /** The arena over this backend's memory; byte offsets from it are what kernels take. */
  readonly arena: Arena;
}
