// The twin of assembly/optimizers.ts: Keras 3 SGD (± momentum, Nesterov), Adagrad, RMSprop, Adam, Adamax and
// clip-by-value, each one pass over a flat block. On a float32 heap every intermediate is rounded with
// Math.fround exactly where the kernel performs a float32 operation (sqrt and division included: a
// float64 sqrt or quotient of float32 inputs, rounded once to float32, is the correctly rounded
// float32 result), so the float32 twin equals both WASM builds bit for bit. Formulas: the kernel file.
// On a float32 heap slots (as read and as written) and weights below SLOT_FTZ = 2^-86 are 0 and gradients count as 0
// below 2^-86 (linear) or 2^-43 (squared), as in the kernels (the threshold's derivation is there);
// the float64 twin flushes nothing (flush.ts).

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { fr } from './elementwise.js';
import { SLOT_FTZ, SQUARE_FTZ, ftz } from './flush.js';

/** The kernels' flush thresholds on a float32 heap; 0 (no flush) on a float64 heap. */
function thresholds(f: boolean): { t: number; sq: number } {
  return f ? { t: SLOT_FTZ, sq: SQUARE_FTZ } : { t: 0, sq: 0 };
}

type OptimizerKernels = Pick<Kernels, 'sgd_update' | 'momentum_update' | 'adagrad_update' | 'rmsprop_update' | 'adam_update' | 'adamax_update' | 'clip_by_value'>;

export function optimizerKernels(heap: () => FloatHeap): OptimizerKernels {
  return {
    /** w −= lr·g */
    sgd_update(w, g, n, lr) {
      const h = heap();
      const f = h instanceof Float32Array;
      lr = fr(f, lr);
      const { t } = thresholds(f);
      const wi = w >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) h[wi + i] = ftz(fr(f, h[wi + i] - fr(f, lr * ftz(h[gi + i], t))), t);
    },

    /** v = momentum·v − lr·g; w += v, or w += momentum·v − lr·g (Nesterov). */
    momentum_update(w, v, g, n, lr, momentum, nesterov) {
      const h = heap();
      const f = h instanceof Float32Array;
      lr = fr(f, lr);
      momentum = fr(f, momentum);
      const nest = (nesterov | 0) !== 0;
      const { t } = thresholds(f);
      const wi = w >> 2;
      const vi = v >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) {
        const lg = fr(f, lr * ftz(h[gi + i], t));
        const vn = ftz(fr(f, fr(f, momentum * ftz(h[vi + i], t)) - lg), t);
        h[vi + i] = vn;
        h[wi + i] = ftz(fr(f, h[wi + i] + (nest ? fr(f, fr(f, momentum * vn) - lg) : vn)), t);
      }
    },

    /** acc += g²; w −= lr·g / sqrt(acc + eps). The caller starts acc at initial_accumulator_value. */
    adagrad_update(w, acc, g, n, lr, eps) {
      const h = heap();
      const f = h instanceof Float32Array;
      lr = fr(f, lr);
      eps = fr(f, eps);
      const { t, sq } = thresholds(f);
      const wi = w >> 2;
      const ai = acc >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) {
        const gv = h[gi + i];
        const gs = ftz(gv, sq);
        const a = ftz(fr(f, ftz(h[ai + i], t) + fr(f, gs * gs)), t);
        h[ai + i] = a;
        h[wi + i] = ftz(fr(f, h[wi + i] - fr(f, fr(f, lr * ftz(gv, t)) / fr(f, Math.sqrt(fr(f, a + eps))))), t);
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
      const { t, sq } = thresholds(f);
      const wi = w >> 2;
      const si = ms >> 2;
      const mi = mom >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) {
        const gv = h[gi + i];
        const gs = ftz(gv, sq);
        const s = ftz(fr(f, fr(f, rho * ftz(h[si + i], t)) + fr(f, omr * fr(f, gs * gs))), t);
        h[si + i] = s;
        let inc = fr(f, fr(f, lr * ftz(gv, t)) / fr(f, Math.sqrt(fr(f, s + eps))));
        if (useMomentum) {
          inc = ftz(fr(f, fr(f, momentum * ftz(h[mi + i], t)) + inc), t);
          h[mi + i] = inc;
        }
        h[wi + i] = ftz(fr(f, h[wi + i] - inc), t);
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
      const { t, sq } = thresholds(f);
      const wi = w >> 2;
      const mi = m >> 2;
      const vi = v >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) {
        const gv = h[gi + i];
        const gl = ftz(gv, t);
        const gs = ftz(gv, sq);
        const ms = ftz(h[mi + i], t);
        const vs = ftz(h[vi + i], t);
        const mn = ftz(fr(f, ms + fr(f, fr(f, gl - ms) * omb1)), t);
        const vn = ftz(fr(f, vs + fr(f, fr(f, fr(f, gs * gs) - vs) * omb2)), t);
        h[mi + i] = mn;
        h[vi + i] = vn;
        h[wi + i] = ftz(fr(f, h[wi + i] - fr(f, fr(f, mn * alpha) / fr(f, fr(f, Math.sqrt(vn)) + eps))), t);
      }
    },

    /** Keras Adamax: m += (g − m)(1 − β1); u = max(β2·u, |g|) as the kernel's select; w −= m·alpha / (u + eps). */
    adamax_update(w, m, u, g, n, alpha, beta1, beta2, eps) {
      const h = heap();
      const f = h instanceof Float32Array;
      alpha = fr(f, alpha);
      eps = fr(f, eps);
      const omb1 = fr(f, 1 - beta1);
      const b2 = fr(f, beta2);
      const { t } = thresholds(f);
      const wi = w >> 2;
      const mi = m >> 2;
      const ui = u >> 2;
      const gi = g >> 2;
      for (let i = 0; i < n; i++) {
        const gl = ftz(h[gi + i], t);
        const ag = Math.abs(gl);
        const ms = ftz(h[mi + i], t);
        const us = ftz(fr(f, b2 * ftz(h[ui + i], t)), t);
        const mn = ftz(fr(f, ms + fr(f, fr(f, gl - ms) * omb1)), t);
        const un = ag < us ? us : ag;
        h[mi + i] = mn;
        h[ui + i] = un;
        h[wi + i] = ftz(fr(f, h[wi + i] - fr(f, fr(f, mn * alpha) / fr(f, un + eps))), t);
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
