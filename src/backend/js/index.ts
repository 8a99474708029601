// The TypeScript twin of every kernel: same names, arguments and semantics as assembly/, over a
// heap of float32 (the fallback backend) or float64 (the reference that gradient checks run on).
// One file per kernel family, mirroring assembly/; each returns its part of `Kernels`.

import type { Kernels } from '../abi.js';
import type { Backend } from '../backend.js';
import { Arena, type FloatHeap } from '../../memory/arena.js';
import { JsMemory } from '../../memory/linear_memory.js';
import { matmulKernels } from './matmul.js';
import { activationKernels } from './activations.js';
import { lossKernels } from './losses.js';
import { reduceKernels } from './reduce.js';
import { elementwiseKernels } from './elementwise.js';
import { optimizerKernels } from './optimizers.js';
import { regularizeKernels } from './regularize.js';
import { dropoutKernels } from './dropout.js';
import { normalizationKernels } from './normalization.js';
import { noiseKernels } from './noise.js';
import { poolingKernels } from './pooling.js';

/** Byte offset where the TypeScript backend's arena starts; nonzero so that 0 can mean "no pointer". */
export const JS_HEAP_BASE = 1024;

/** Builds the kernel set over whatever heap `heap()` returns at call time (it changes after growth). */
export function createJsKernels(heap: () => FloatHeap): Kernels {
  return {
    ...matmulKernels(heap),
    ...activationKernels(heap),
    ...lossKernels(heap),
    ...reduceKernels(heap),
    ...elementwiseKernels(heap),
    ...optimizerKernels(heap),
    ...regularizeKernels(heap),
    ...dropoutKernels(heap),
    ...normalizationKernels(heap),
    ...noiseKernels(heap),
    ...poolingKernels(heap),
  };
}

/** The pure-TypeScript backend; `float64` gives the double-precision twin used by gradient checks. */
export function createJsBackend(options: { float64?: boolean } = {}): Backend {
  const float64 = options.float64 ?? false;
  const arena = new Arena(new JsMemory(1, float64 ? 8 : 4), JS_HEAP_BASE, float64);
  return { name: float64 ? 'js-f64' : 'js', kernels: createJsKernels(() => arena.heap()), arena };
}
