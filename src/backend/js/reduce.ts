// The twin of assembly/reduce.ts: column sums, sum of squares, row arg-max. col_sum adds rows in the
// same order as the kernel, so on a float32 heap it matches bit for bit; sum_squares accumulates in a
// float64 number (more accurate than the kernel's blocked float32 lanes; they agree to sumTolerance).

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { fr } from './elementwise.js';

export function reduceKernels(heap: () => FloatHeap): Pick<Kernels, 'col_sum' | 'sum_squares' | 'row_argmax'> {
  return {
    /** y[N] (+)= Σ_i x[i,:]; rows outer (contiguous reads), y accumulating in the heap. */
    col_sum(y, x, M, N, acc) {
      const h = heap();
      const yi = y >> 2;
      if (!(acc | 0)) h.fill(0, yi, yi + Math.max(N, 0));
      for (let i = 0; i < M; i++) {
        const row = (x >> 2) + i * N;
        for (let j = 0; j < N; j++) h[yi + j] += h[row + j];
      }
    },

    /** Σ x[i]², returned rounded as the kernel's f32 result is (float32 heap only). */
    sum_squares(x, n) {
      const h = heap();
      const xi = x >> 2;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const v = h[xi + i];
        s += v * v;
      }
      return fr(h instanceof Float32Array, s);
    },

    /** idx[i] = first arg max of row i as a float; NaN never wins; no number in the row → 0. */
    row_argmax(idx, x, M, N) {
      const h = heap();
      for (let i = 0; i < M; i++) {
        const row = (x >> 2) + i * N;
        let best = -1;
        let bestValue = 0;
        for (let j = 0; j < N; j++) {
          const v = h[row + j];
          if (v > bestValue || (best < 0 && v === v)) {
            best = j;
            bestValue = v;
          }
        }
        h[(idx >> 2) + i] = Math.max(best, 0);
      }
    },
  };
}
