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
  /** Threads its products run on now (absent: 1). */
  readonly threads?: () => number;
  /** Resolves once its worker threads have started (absent: none to wait for). */
  readonly whenReady?: () => Promise<void>;
  /** Ends its worker threads; the model that owned it is being disposed. */
  readonly dispose?: () => void;
}
