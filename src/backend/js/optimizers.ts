// The twin of assembly/optimizers.ts: Keras 3 SGD (± momentum, Nesterov), Adagrad, RMSprop, Adam and
// clip-by-value, each one pass over a flat block. On a float32 heap every intermediate is rounded with
// Math.fround exactly where the kernel performs a float32 operation (sqrt and division included: a
// float64 sqrt or quotient of float32 inputs, rounded once to float32, is the correctly rounded
// float32 result), so the float32 twin equals both WASM builds bit for bit. Formulas: the kernel file.

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { fr } from './elementwise.js';

type OptimizerKernels = Pick<Kernels, 'sgd_update' | 'momentum_update' | 'adagrad_update' | 'rmsprop_update' | 'adam_update' | 'clip_by_value'>;

export function optimizerKernels(heap: () => FloatHeap): OptimizerKernels {
  return {
    /** w −= lr·g */
    sgd_update(w, g, n, lr) {
      const h = heap();
      const f = h instanceof Float32Array;
      lr = fr(f, lr);
      const wi = w >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) h[wi + i] -= fr(f, lr * h[gi + i]);
    },

    /** v = momentum·v − lr·g; w += v, or w += momentum·v − lr·g (Nesterov). */
    momentum_update(w, v, g, n, lr, momentum, nesterov) {
      const h = heap();
      const f = h instanceof Float32Array;
      lr = fr(f, lr);
      momentum = fr(f, momentum);
      const nest = (nesterov | 0) !== 0;
      const wi = w >> 2;
      const vi = v >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) {
        const lg = fr(f, lr * h[gi + i]);
        const vn = fr(f, fr(f, momentum * h[vi + i]) - lg);
        h[vi + i] = vn;
        h[wi + i] += nest ? fr(f, fr(f, momentum * vn) - lg) : vn;
      }
    },

    /** acc += g²; w −= lr·g / sqrt(acc + eps). The caller starts acc at initial_accumulator_value. */
    adagrad_update(w, acc, g, n, lr, eps) {
      const h = heap();
      const f = h instanceof Float32Array;
      lr = fr(f, lr);
      eps = fr(f, eps);
      const wi = w >> 2;
      const ai = acc >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) {
        const gs = h[gi + i];
        const a = fr(f, h[ai + i] + fr(f, gs * gs));
        h[ai + i] = a;
        h[wi + i] -= fr(f, fr(f, lr * gs) / fr(f, Math.sqrt(fr(f, a + eps))));
      }
    },

    /** ms = rho·ms + (1 − rho)·g²; inc = lr·g / sqrt(ms + eps); momentum > 0: mom = momentum·mom + inc; w −= mom or inc. */
    rmsprop_update(w, ms, mom, g, n, lr, rho, momentum, eps) {
      const h = heap();
      const f = h instanceof Float32Array;
      lr = fr(f, lr);
      momentum = fr(f, momentum);
      eps = fr(f, eps);
      // rho arrives as float64 in the kernel too: 1 − rho is formed before rounding
      const omr = fr(f, 1 - rho);
      rho = fr(f, rho);
      const useMomentum = momentum > 0;
      const wi = w >> 2;
      const si = ms >> 2;
      const mi = mom >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) {
        const gs = h[gi + i];
        const s = fr(f, fr(f, rho * h[si + i]) + fr(f, omr * fr(f, gs * gs)));
        h[si + i] = s;
        let inc = fr(f, fr(f, lr * gs) / fr(f, Math.sqrt(fr(f, s + eps))));
        if (useMomentum) {
          inc = fr(f, fr(f, momentum * h[mi + i]) + inc);
          h[mi + i] = inc;
        }
        h[wi + i] -= inc;
      }
    },

    /** Keras Adam: m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= m·alpha / (sqrt(v) + eps). */
    adam_update(w, m, v, g, n, alpha, beta1, beta2, eps) {
      const h = heap();
      const f = h instanceof Float32Array;
      alpha = fr(f, alpha);
      eps = fr(f, eps);
      // beta1, beta2 arrive as float64 in the kernel too: 1 − beta is formed before rounding
      const omb1 = fr(f, 1 - beta1);
      const omb2 = fr(f, 1 - beta2);
      const wi = w >> 2;
      const mi = m >> 2;
      const vi = v >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) {
        const gs = h[gi + i];
        const ms = h[mi + i];
        const vs = h[vi + i];
        const mn = fr(f, ms + fr(f, fr(f, gs - ms) * omb1));
        const vn = fr(f, vs + fr(f, fr(f, fr(f, gs * gs) - vs) * omb2));
        h[mi + i] = mn;
        h[vi + i] = vn;
        h[wi + i] -= fr(f, fr(f, mn * alpha) / fr(f, fr(f, Math.sqrt(vn)) + eps));
      }
    },

    /** g = min(max(g, −c), c) as the kernel's selects, so NaN passes through. */
    clip_by_value(g, n, c) {
      const h = heap();
      c = fr(h instanceof Float32Array, c);
      const lo = -c;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) {
        let x = h[gi + i];
        x = x < lo ? lo : x;
        h[gi + i] = c < x ? c : x;
      }
    },
  };
}
