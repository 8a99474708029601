// The twin of assembly/elementwise.ts (fill, copy, scale, axpy, mul) over a float32 or float64 heap,
// plus `fr`, which the twins of reduce/optimizers/regularize/dropout share: on a float32 heap it is
// Math.fround, applied wherever the WebAssembly kernel rounds an intermediate to float32, so the
// float32 twin reproduces it bit for bit; on the float64 heap it is the identity (full precision).

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';

/**
 * Math.fround(x) when `f32` (the heap is float32: mirror one float32 operation of the kernel), else x
 * (float64 heap). Kernels round their float scalar arguments with it too: the WebAssembly export
 * receives them as f32. A plain function of a flag on purpose: V8 inlines it, whereas calling
 * Math.fround through a function-valued variable made the twin's loops 5-10x slower once the
 * benchmark had warmed up other kernels.
 */
export function fr(f32: boolean, x: number): number {
  return f32 ? Math.fround(x) : x;
}

export function elementwiseKernels(heap: () => FloatHeap): Pick<Kernels, 'fill' | 'copy' | 'scale' | 'axpy' | 'mul'> {
  return {
    /** y[i] = v */
    fill(y, n, v) {
      const h = heap();
      const yi = y >> 2;
      if (n > 0) h.fill(fr(h instanceof Float32Array, v), yi, yi + n);
    },

    /** y[i] = x[i]; copyWithin has memmove semantics, so overlap either way is fine. */
    copy(y, x, n) {
      const h = heap();
      if (n > 0) h.copyWithin(y >> 2, x >> 2, (x >> 2) + n);
    },

    /** y[i] *= s: one product, rounded by the store. */
    scale(y, n, s) {
      const h = heap();
      s = fr(h instanceof Float32Array, s);
      const yi = y >> 2;
      for (let i = 0; i < n; i++) h[yi + i] *= s;
    },

    /** y[i] += a·x[i]: the product is rounded before the add, as the unfused kernel does. */
    axpy(y, x, n, a) {
      const h = heap();
      const f = h instanceof Float32Array;
      a = fr(f, a);
      const yi = y >> 2;
      const xi = x >> 2;
      for (let i = 0; i < n; i++) h[yi + i] += fr(f, a * h[xi + i]);
    },

    /** y[i] = a[i]·b[i]; y may equal a or b. */
    mul(y, a, b, n) {
      const h = heap();
      const yi = y >> 2;
      const ai = a >> 2;
      const bi = b >> 2;
      for (let i = 0; i < n; i++) h[yi + i] = h[ai + i] * h[bi + i];
    },
  };
}
