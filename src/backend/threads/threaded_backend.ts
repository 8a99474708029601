// A kernel backend over a shared memory and a pool of worker threads: every export of the
// shared-memory build as it is, except the four products, which are cut into output tiles across
// the threads when they are large enough. The products give the same bits whatever the thread
// count (threads/abi.ts), so a model trains to identical weights on 1 thread or 4.

import type { Kernels } from '../abi.js';
import type { Backend } from '../backend.js';
import type { WasmBuildName } from '../wasm.js';
import { Arena } from '../../memory/arena.js';
import type { LinearMemory } from '../../memory/linear_memory.js';
import type { ThreadExports } from './abi.js';
import { CONTROL_BYTES, ThreadPool, type SpawnWorker } from './pool.js';

const FEW_ROWS = 3; // assembly/matmul_rows.ts: A·B of so few rows runs unpacked, on one thread

/** Shared memory of wasm32's whole range where the engine grants it, else the largest it does. */
function sharedMemory(): WebAssembly.Memory {
  for (const maximum of [65536, 32768, 16384]) {
    try {
      return new WebAssembly.Memory({ initial: 2, maximum, shared: true });
    } catch {
      // a smaller reservation next
    }
  }
  return new WebAssembly.Memory({ initial: 2, maximum: 4096, shared: true });
}

export function instantiateThreadedBackend(
  module: WebAssembly.Module,
  name: WasmBuildName,
  threads: number,
  spawn: SpawnWorker,
  canBlock: boolean,
): Backend {
  const memory = sharedMemory();
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels & ThreadExports & { heap_base(): number };
  const arena = new Arena(memory as unknown as LinearMemory, ex.heap_base());
  const control = arena.alloc(CONTROL_BYTES / 4);
  const scratch: number[] = [];
  for (let t = 1; t < threads; t++) scratch.push(arena.alloc(ex.scratch_bytes() / 4));
  const pool = new ThreadPool(threads, memory, module, control, scratch, ex, spawn, canBlock);
  const kernels: Kernels = { ...ex };
  kernels.matmul = (c, a, b, M, K, N, acc) => {
    const parts = M > FEW_ROWS ? pool.partsFor(M * K * N) : 1;
    if (parts > 1) pool.run(0, parts, c, a, b, M, K, N, acc);
    else ex.matmul(c, a, b, M, K, N, acc);
  };
  kernels.matmul_nt = (c, a, b, M, K, N, acc) => {
    const parts = pool.partsFor(M * K * N);
    if (parts > 1) pool.run(1, parts, c, a, b, M, K, N, acc);
    else ex.matmul_nt(c, a, b, M, K, N, acc);
  };
  kernels.matmul_tn = (c, a, b, M, K, N, acc) => {
    const parts = pool.partsFor(M * K * N);
    if (parts > 1) pool.run(2, parts, c, a, b, M, K, N, acc);
    else ex.matmul_tn(c, a, b, M, K, N, acc);
  };
  kernels.dense_forward = (y, x, w, b, M, K, N, act, alpha) => {
    const parts = M > FEW_ROWS ? pool.partsFor(M * K * N) : 1;
    if (parts > 1) pool.run(3, parts, y, x, w, b, M, K, N, act, alpha);
    else ex.dense_forward(y, x, w, b, M, K, N, act, alpha);
  };
  return {
    name,
    kernels,
    arena,
    threads: () => pool.running,
    whenReady: () => pool.whenReady(),
    dispose: () => pool.close(),
  };
}
