// Reading and writing a backend's heap by pointer, for tests that call kernels directly.

import type { Backend } from '../../src/backend/backend.js';

export interface HeapIO {
  /** Allocates room for `values`, writes them, returns the pointer. */
  put(values: ArrayLike<number>): number;
  /** A float64 copy of n floats at ptr. */
  get(ptr: number, n: number): Float64Array;
  /** Overwrites the floats at ptr with `values`. */
  set(ptr: number, values: ArrayLike<number>): void;
}

export function heapIO(b: Backend): HeapIO {
  return {
    put(values) {
      const ptr = b.arena.alloc(values.length);
      b.arena.heap().set(values, ptr >> 2);
      return ptr;
    },
    get(ptr, n) {
      const at = ptr >> 2;
      return Float64Array.from(b.arena.heap().subarray(at, at + n));
    },
    set(ptr, values) {
      b.arena.heap().set(values, ptr >> 2);
    },
  };
}
