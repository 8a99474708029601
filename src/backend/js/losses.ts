// The TypeScript twin of assembly/losses.ts: mse, mae, binary cross-entropy (probabilities and
// logits), categorical and sparse categorical cross-entropy, and softmax fused with both. Values are
// summed in double precision (returned rounded to float32 on a float32 heap, as the kernel returns an
// f32). Gradients mirror the kernel's float32 steps with `round` (see activations.ts), so on a float32
// heap they agree bit for bit, bce_logits excepted (its σ is transcendental). On a float32 heap a
// gradient is scaled with the kernels' product rule (flush.ts mulFtz: 0 where the product could be
// subnormal) and a loss value below 2^-126 is returned as 0; the float64 twin flushes nothing.

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { flusher, multiplier, rounder, rowMax, sigmoid, softmaxRow } from './activations.js';

/** The returned loss: rounded to float32 and flushed below 2^-126 on a float32 heap, as the kernels return an f32. */
function lossValue(h: FloatHeap, v: number): number {
  return flusher(h)(rounder(h)(v));
}

/** Keras backend.epsilon() and 1 − epsilon as float32 (1 − 2^-23): the kernel's clip bounds, on both heaps. */
const EPS = Math.fround(1e-7);
const HI = Math.fround(1 - EPS);

function clip(p: number): number {
  return p < EPS ? EPS : p > HI ? HI : p; // NaN passes through
}

/** The class id a float label holds, or −1 if it is not an integer in [0, N). */
function labelAt(h: FloatHeap, at: number, N: number): number {
  const c = h[at];
  return Number.isInteger(c) && c >= 0 && c < N ? c : -1;
}

/** labelAt for row i; when it is −1 the N-float output row at `row` is filled with NaN first. */
function rowLabel(h: FloatHeap, labels: number, i: number, N: number, row: number): number {
  const k = labelAt(h, (labels >> 2) + i, N);
  if (k < 0) h.fill(Number.NaN, row, row + N);
  return k;
}

/** h[d + i] = (h[a + i] − h[b + i])·c for i < n, the difference rounded as the kernel's f32 sub; d may alias a. */
function scaledDiff(h: FloatHeap, round: (v: number) => number, d: number, a: number, b: number, n: number, c: number): void {
  const mul = multiplier(h);
  for (let i = 0; i < n; i++) h[d + i] = mul(round(h[a + i] - h[b + i]), c);
}

type LossKernelName =
  | 'mse_forward' | 'mse_backward' | 'mae_forward' | 'mae_backward'
  | 'bce_forward' | 'bce_backward' | 'bce_logits_forward' | 'bce_logits_backward'
  | 'cce_forward' | 'cce_backward' | 'sparse_cce_forward' | 'sparse_cce_backward'
  | 'softmax_cce_forward' | 'softmax_cce_backward' | 'softmax_sparse_cce_forward' | 'softmax_sparse_cce_backward';

export function lossKernels(heap: () => FloatHeap): Pick<Kernels, LossKernelName> {
  return {
    /** Σ (p − t)² / (M·N) */
    mse_forward(pred, target, M, N) {
      const h = heap();
      const n = M * N;
      const p = pred >> 2;
      const t = target >> 2;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const d = h[p + i] - h[t + i];
        s += d * d;
      }
      return lossValue(h, s / n);
    },
    /** dp = (p − t)·c, c = 2/(M·N) */
    mse_backward(dp, pred, target, M, N) {
      const h = heap();
      const round = rounder(h);
      const n = M * N;
      scaledDiff(h, round, dp >> 2, pred >> 2, target >> 2, n, round(2 / round(n)));
    },

    /** Σ |p − t| / (M·N) */
    mae_forward(pred, target, M, N) {
      const h = heap();
      const n = M * N;
      const p = pred >> 2;
      const t = target >> 2;
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(h[p + i] - h[t + i]);
      return lossValue(h, s / n);
    },
    /** dp = sign(p − t)·c, c = 1/(M·N), sign(±0) = +0, NaN propagates */
    mae_backward(dp, pred, target, M, N) {
      const h = heap();
      const round = rounder(h);
      const n = M * N;
      const c = round(1 / round(n));
      const d = dp >> 2;
      const p = pred >> 2;
      const t = target >> 2;
      for (let i = 0; i < n; i++) {
        const e = h[p + i] - h[t + i];
        h[d + i] = e > 0 ? c : e < 0 ? -c : e === 0 ? 0 : e;
      }
    },

    /** Σ −(t·log p + (1 − t)·log(1 − p)) / (M·N), p clipped to [EPS, HI] */
    bce_forward(pred, target, M, N) {
      const h = heap();
      const n = M * N;
      const p = pred >> 2;
      const t = target >> 2;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const pc = clip(h[p + i]);
        const ti = h[t + i];
        s -= ti * Math.log(pc) + (1 - ti) * Math.log(1 - pc);
      }
      return lossValue(h, s / n);
    },
    /** dp = (p − t)/(p·(1 − p))·c, c = 1/(M·N); 0 where the clip is active */
    bce_backward(dp, pred, target, M, N) {
      const h = heap();
      const round = rounder(h);
      const mul = multiplier(h);
      const n = M * N;
      const c = round(1 / round(n));
      const d = dp >> 2;
      const p = pred >> 2;
      const t = target >> 2;
      for (let i = 0; i < n; i++) {
        const pi = h[p + i];
        h[d + i] = pi < EPS || pi > HI ? 0 : mul(round(round(pi - h[t + i]) / round(pi * round(1 - pi))), c);
      }
    },

    /** Σ max(z, 0) − z·t + log(1 + e^−|z|) / (M·N) */
    bce_logits_forward(z, target, M, N) {
      const h = heap();
      const n = M * N;
      const zi = z >> 2;
      const t = target >> 2;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const v = h[zi + i];
        s += Math.max(v, 0) - v * h[t + i] + Math.log1p(Math.exp(-Math.abs(v)));
      }
      return lossValue(h, s / n);
    },
    /** dz = (σ(z) − t)·c, c = 1/(M·N) */
    bce_logits_backward(dz, z, target, M, N) {
      const h = heap();
      const round = rounder(h);
      const n = M * N;
      const c = round(1 / round(n));
      const d = dz >> 2;
      const zi = z >> 2;
      const t = target >> 2;
      const flush = flusher(h);
      for (let i = 0; i < n; i++) h[d + i] = flush((sigmoid(h[zi + i]) - h[t + i]) * c);
    },

    /** Σ_i Σ_j −t·log p / M, p clipped */
    cce_forward(pred, target, M, N) {
      const h = heap();
      const n = M * N;
      const p = pred >> 2;
      const t = target >> 2;
      let s = 0;
      for (let i = 0; i < n; i++) s -= h[t + i] * Math.log(clip(h[p + i]));
      return lossValue(h, s / M);
    },
    /** dp = (t/p)·(−1/M); 0 where the clip is active */
    cce_backward(dp, pred, target, M, N) {
      const h = heap();
      const round = rounder(h);
      const mul = multiplier(h);
      const n = M * N;
      const c = -round(1 / round(M));
      const d = dp >> 2;
      const p = pred >> 2;
      const t = target >> 2;
      for (let i = 0; i < n; i++) {
        const pi = h[p + i];
        h[d + i] = pi < EPS || pi > HI ? 0 : mul(round(h[t + i] / pi), c);
      }
    },

    /** Σ_i −log p[i, labels[i]] / M, p clipped; NaN if a label is not a class id */
    sparse_cce_forward(pred, labels, M, N) {
      const h = heap();
      const p = pred >> 2;
      let s = 0;
      for (let i = 0; i < M; i++) {
        const k = labelAt(h, (labels >> 2) + i, N);
        if (k < 0) return Number.NaN;
        s -= Math.log(clip(h[p + i * N + k]));
      }
      return lossValue(h, s / M);
    },
    /** one-hot case of cce_backward; a row with an invalid label is all NaN; dp may alias pred */
    sparse_cce_backward(dp, pred, labels, M, N) {
      const h = heap();
      const round = rounder(h);
      const c = -round(1 / round(M));
      for (let i = 0; i < M; i++) {
        const row = (dp >> 2) + i * N;
        const k = rowLabel(h, labels, i, N, row);
        if (k < 0) continue;
        const pk = h[(pred >> 2) + i * N + k]; // before dp (maybe = pred) is zeroed
        h.fill(0, row, row + N);
        h[row + k] = pk < EPS || pk > HI ? 0 : round(1 / pk) * c; // ≥ 1/M: never subnormal
      }
    },

    /** p = softmax(z); returns Σ_i Σ_j t·(log s − (z − m)) / M (log-sum-exp); p may alias z */
    softmax_cce_forward(p, z, target, M, N) {
      const h = heap();
      let total = 0;
      for (let i = 0; i < M; i++) {
        const zr = (z >> 2) + i * N;
        const tr = (target >> 2) + i * N;
        const m = rowMax(h, zr, N);
        let T = 0;
        let TD = 0;
        for (let j = 0; j < N; j++) {
          const t = h[tr + j];
          T += t;
          TD += t * (h[zr + j] - m);
        }
        const s = softmaxRow(h, (p >> 2) + i * N, zr, N, m);
        total += Math.log(s) * T - TD;
      }
      return lossValue(h, total / M);
    },
    /** dz = (p − t)·(1/M); dz may alias p */
    softmax_cce_backward(dz, p, target, M, N) {
      const h = heap();
      const round = rounder(h);
      const n = M * N;
      scaledDiff(h, round, dz >> 2, p >> 2, target >> 2, n, round(1 / round(M)));
    },

    /** p = softmax(z); returns Σ_i (log s − (z[i, label] − m)) / M; NaN if a label is not a class id */
    softmax_sparse_cce_forward(p, z, labels, M, N) {
      const h = heap();
      let total = 0;
      for (let i = 0; i < M; i++) {
        const zr = (z >> 2) + i * N;
        const m = rowMax(h, zr, N);
        const k = labelAt(h, (labels >> 2) + i, N);
        const d = k < 0 ? Number.NaN : h[zr + k] - m; // before p (maybe = z) is written
        const s = softmaxRow(h, (p >> 2) + i * N, zr, N, m);
        total += Math.log(s) - d;
      }
      return lossValue(h, total / M);
    },
    /** dz = (p − onehot)·(1/M); a row with an invalid label is all NaN; dz may alias p */
    softmax_sparse_cce_backward(dz, p, labels, M, N) {
      const h = heap();
      const round = rounder(h);
      const mul = multiplier(h);
      const c = round(1 / round(M));
      for (let i = 0; i < M; i++) {
        const pr = (p >> 2) + i * N;
        const dr = (dz >> 2) + i * N;
        const k = rowLabel(h, labels, i, N, dr);
        if (k < 0) continue;
        const pk = h[pr + k]; // before dz (maybe = p) overwrites it
        for (let j = 0; j < N; j++) h[dr + j] = mul(h[pr + j], c);
        h[dr + k] = mul(round(pk - 1), c);
      }
    },
  };
}
