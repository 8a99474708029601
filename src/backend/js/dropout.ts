// The twin of assembly/dropout.ts: inverted dropout with masks drawn from the shared counter hash
// (./random.ts), so a (seed, offset) gives the same mask here as in both WebAssembly builds.

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { fr } from './elementwise.js';
import { hashAt, seedKey, uniformOf } from './random.js';

export function dropoutKernels(heap: () => FloatHeap): Pick<Kernels, 'dropout_forward'> {
  return {
    /** mask[i] = uniform01(hash(seed, offset + i)) < rate ? 0 : 1/(1 − rate); y[i] = x[i]·mask[i]. y may alias x. */
    dropout_forward(y, mask, x, n, rate, seed, offset) {
      const h = heap();
      const f = h instanceof Float32Array;
      // The keep/drop decision compares with the float32 rate in every heap (the float64 twin too),
      // so a (seed, offset) drops the same elements in every backend; only the scale's precision differs.
      const threshold = Math.fround(rate);
      const scale = fr(f, 1 / fr(f, 1 - fr(f, rate)));
      const key = seedKey(seed | 0);
      const start = offset | 0;
      const yi = y >> 2;
      const mi = mask >> 2;
      const xi = x >> 2;
      for (let i = 0; i < n; i++) {
        const m = uniformOf(hashAt(key, (start + i) | 0)) < threshold ? 0 : scale;
        const xs = h[xi + i];
        h[mi + i] = m;
        h[yi + i] = xs * m;
      }
    },
  };
}
