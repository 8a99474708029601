// The twin of assembly/regularize.ts: the L1/L2 gradient term (float32 rounding mirrored, exact on a
// float32 heap) and the penalty value (accumulated in a float64 number; agrees to sumTolerance).

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { fr } from './elementwise.js';

export function regularizeKernels(heap: () => FloatHeap): Pick<Kernels, 'l1l2_backward' | 'l1l2_value'> {
  return {
    /** dw += l1·sign(w) + 2·l2·w, sign(0) = 0. */
    l1l2_backward(dw, w, n, l1, l2) {
      const h = heap();
      const f = h instanceof Float32Array;
      l1 = fr(f, l1);
      const twoL2 = fr(f, 2 * fr(f, l2));
      const di = dw >> 2;
      const wi = w >> 2;
      for (let i = 0; i < n; i++) {
        const ws = h[wi + i];
        const sign = ws > 0 ? 1 : ws < 0 ? -1 : 0;
        h[di + i] += fr(f, fr(f, l1 * sign) + fr(f, twoL2 * ws));
      }
    },

    /** l1·Σ|w| + l2·Σw² */
    l1l2_value(w, n, l1, l2) {
      const h = heap();
      const f = h instanceof Float32Array;
      const wi = w >> 2;
      let abs = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const v = h[wi + i];
        abs += Math.abs(v);
        sq += v * v;
      }
      return fr(f, fr(f, l1) * abs + fr(f, l2) * sq);
    },
  };
}
