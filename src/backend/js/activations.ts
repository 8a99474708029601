// The TypeScript twin of assembly/activations.ts: element-wise activations (ACT codes) forward and
// backward, row-wise softmax forward and backward, over a float32 or float64 heap. Transcendental
// functions use Math.* in double precision and round once on store, so on a float32 heap this is the
// correctly rounded reference the WebAssembly approximations are measured against. Operations the
// WebAssembly kernels do in plain float32 (relu, leakyRelu, the sigmoid/tanh/elu backward) are
// mirrored step by step with `round` (Math.fround on a float32 heap) so they agree bit for bit.
// On a float32 heap no result is subnormal (flush.ts): the exp-based forwards and softmax store ±0 where
// their double-precision value is below 2^-126, and the float32 backward products use the kernels'
// product rule (mulFtz) bit for bit; the float64 twin flushes nothing.

import { ACT, type Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { NORMAL_MIN, ftz, ftzResult, mulFtz } from './flush.js';

const identity = (v: number): number => v;

/**
 * Math.fround on a float32 heap, the identity on a float64 heap. Applied after each intermediate
 * operation that the WebAssembly kernel rounds to float32 (the store rounds the last one), so the
 * float32 twin reproduces the kernel exactly while the float64 twin keeps double precision.
 */
export function rounder(h: FloatHeap): (v: number) => number {
  return h instanceof Float32Array ? Math.fround : identity;
}

/** On a float32 heap the flush of a double-precision result (ftzResult), else the identity. */
export function flusher(h: FloatHeap): (v: number) => number {
  return h instanceof Float32Array ? ftzResult : identity;
}

/** On a float32 heap the kernels' float32 product a·b with its flush (mulFtz), else a·b. */
export function multiplier(h: FloatHeap): (a: number, b: number) => number {
  return h instanceof Float32Array ? mulFtz : (a, b) => a * b;
}

// gelu, tanh form (Keras gelu(approximate=True)): 0.5·x·(1 + tanh u) = x·σ(2u), u = √(2/π)·(x + 0.044715·x³)
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

/** σ(v) without overflow: 1/(1 + e^−v) for v ≥ 0, e^v/(1 + e^v) for v < 0. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

function unknownAct(kernel: string, act: number): never {
  throw new Error(`${kernel}: unknown activation code ${act} (expected one of ${Object.values(ACT).join(', ')})`);
}

export function activationKernels(heap: () => FloatHeap): Pick<Kernels, 'activation_forward' | 'activation_backward' | 'softmax_forward' | 'softmax_backward'> {
  return {
    /** y[i] = act(x[i]), i < n; y may alias x. relu(−0) = −0 and NaN propagates, as in the kernel. */
    activation_forward(y, x, n, act, alpha) {
      const h = heap();
      const round = rounder(h);
      const z = flusher(h);
      const a = round(alpha); // alpha is an f32 parameter of the WebAssembly export
      const yi = y >> 2;
      const xi = x >> 2;
      switch (act) {
        case ACT.linear:
          if (y !== x && n > 0) h.copyWithin(yi, xi, xi + n);
          return;
        case ACT.relu:
          for (let i = 0; i < n; i++) {
            const v = h[xi + i];
            h[yi + i] = v < 0 ? 0 : v;
          }
          return;
        case ACT.leakyRelu:
          for (let i = 0; i < n; i++) {
            const v = h[xi + i];
            h[yi + i] = v < 0 ? a * v : v;
          }
          return;
        case ACT.sigmoid:
          for (let i = 0; i < n; i++) h[yi + i] = z(sigmoid(h[xi + i]));
          return;
        case ACT.tanh:
          for (let i = 0; i < n; i++) h[yi + i] = z(Math.tanh(h[xi + i]));
          return;
        case ACT.elu:
          for (let i = 0; i < n; i++) {
            const v = h[xi + i];
            h[yi + i] = z(v > 0 ? v : a * Math.expm1(v));
          }
          return;
        // x = −Infinity is taken as −MAX_VALUE so that x·σ → −0 (the limit) instead of −Infinity·0 = NaN
        case ACT.gelu:
          for (let i = 0; i < n; i++) {
            const v = h[xi + i];
            h[yi + i] = z(Math.max(v, -Number.MAX_VALUE) * sigmoid(2 * GELU_C * v * (1 + GELU_K * v * v)));
          }
          return;
        case ACT.silu:
          for (let i = 0; i < n; i++) {
            const v = h[xi + i];
            h[yi + i] = z(Math.max(v, -Number.MAX_VALUE) * sigmoid(v));
          }
          return;
        default:
          unknownAct('activation_forward', act);
      }
    },

    /**
     * dx[i] = dy[i]·act'(x[i]); dx may alias dy. Reads y only (relu, leakyRelu, sigmoid, tanh, elu),
     * x only (gelu, silu) or neither (linear); at x = 0 the left derivative (relu 0, leakyRelu and elu alpha).
     */
    activation_backward(dx, dy, x, y, n, act, alpha) {
      const h = heap();
      const round = rounder(h);
      const z = flusher(h);
      const mul = multiplier(h);
      const daz = h instanceof Float32Array ? (v: number) => ftz(v, NORMAL_MIN) : identity; // elu's pass-through
      const a = round(alpha);
      const di = dx >> 2;
      const gi = dy >> 2;
      const xi = x >> 2;
      const yi = y >> 2;
      switch (act) {
        case ACT.linear:
          if (dx !== dy && n > 0) h.copyWithin(di, gi, gi + n);
          return;
        case ACT.relu:
          for (let i = 0; i < n; i++) h[di + i] = h[yi + i] > 0 ? h[gi + i] : 0;
          return;
        case ACT.leakyRelu:
          for (let i = 0; i < n; i++) {
            const g = h[gi + i];
            h[di + i] = h[yi + i] > 0 ? g : g * a;
          }
          return;
        case ACT.sigmoid:
          for (let i = 0; i < n; i++) {
            const v = h[yi + i];
            h[di + i] = mul(h[gi + i], round(v * round(1 - v))); // σ' = y(1 − y)
          }
          return;
        case ACT.tanh:
          for (let i = 0; i < n; i++) {
            const v = h[yi + i];
            h[di + i] = mul(h[gi + i], round(round(1 - v) * round(1 + v))); // tanh' = (1 − y)(1 + y)
          }
          return;
        case ACT.elu:
          for (let i = 0; i < n; i++) {
            const v = h[yi + i];
            const g = h[gi + i];
            h[di + i] = v > 0 ? daz(g) : mul(g, round(v + a)); // x ≤ 0: alpha·e^x = y + alpha
          }
          return;
        case ACT.gelu:
          for (let i = 0; i < n; i++) {
            // beyond |x| = 1e10 the derivative is exactly 0 or 1 in double precision; the clamp keeps
            // x² finite so that huge or infinite x give that limit, not Infinity·0 = NaN
            const v = Math.min(Math.max(h[xi + i], -1e10), 1e10);
            const v2 = v * v;
            const s = sigmoid(2 * GELU_C * v * (1 + GELU_K * v2));
            const dv = 2 * GELU_C * (1 + 3 * GELU_K * v2);
            h[di + i] = z(h[gi + i] * (s + v * s * (1 - s) * dv));
          }
          return;
        case ACT.silu:
          for (let i = 0; i < n; i++) {
            const v = Math.min(Math.max(h[xi + i], -Number.MAX_VALUE), Number.MAX_VALUE); // limits 0 and 1 at ±Infinity
            const s = sigmoid(v);
            h[di + i] = z(h[gi + i] * (s + v * s * (1 - s)));
          }
          return;
        default:
          unknownAct('activation_backward', act);
      }
    },

    /** y[i,:] = e^(x[i,:] − max) / Σ e^(x[i,:] − max), [M,N]; y may alias x. */
    softmax_forward(y, x, M, N) {
      const h = heap();
      for (let i = 0; i < M; i++) {
        const xr = (x >> 2) + i * N;
        const yr = (y >> 2) + i * N;
        softmaxRow(h, yr, xr, N, rowMax(h, xr, N));
      }
    },

    /** dx[i,:] = y ⊙ (dy − Σ_j dy·y) per row; dx may alias dy. */
    softmax_backward(dx, dy, y, M, N) {
      const h = heap();
      const z = flusher(h);
      for (let i = 0; i < M; i++) {
        const d = (dx >> 2) + i * N;
        const g = (dy >> 2) + i * N;
        const yr = (y >> 2) + i * N;
        let dot = 0;
        for (let j = 0; j < N; j++) dot += h[g + j] * h[yr + j];
        for (let j = 0; j < N; j++) h[d + j] = z(h[yr + j] * (h[g + j] - dot));
      }
    },
  };
}

/** max of h[at..at+N); NaN elements are skipped (a row holding NaN still ends up NaN through its exponential). */
export function rowMax(h: FloatHeap, at: number, N: number): number {
  let m = -Infinity;
  for (let j = 0; j < N; j++) {
    const v = h[at + j];
    if (v > m) m = v;
  }
  return m;
}

/**
 * Softmax of one row of N given its max m (out may equal row): writes e^(row − m), then scales by 1/s,
 * and returns s = Σ e^(row − m) (the fused losses need it). The sum is taken over the unrounded e in
 * double precision; on a float32 heap the stored e is rounded once before the scaling rounds again,
 * and a probability below 2^-126 is stored as 0.
 */
export function softmaxRow(h: FloatHeap, out: number, row: number, N: number, m: number): number {
  let s = 0;
  for (let j = 0; j < N; j++) {
    const e = Math.exp(h[row + j] - m);
    h[out + j] = e;
    s += e;
  }
  const inv = 1 / s;
  const z = flusher(h);
  for (let j = 0; j < N; j++) h[out + j] = z(h[out + j] * inv);
  return s;
}
