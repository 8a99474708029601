// The twin of assembly/normalization.ts: batch normalization (per channel, over R rows) and layer
// normalization (per row, over C channels) on channels-last x[R, C]. Every element operation is the
// kernel's, in the same order, rounded with `fr` on a float32 heap; the sums are plain float64 here
// (the kernel adds float32 lanes in short blocks, then float64), so on a float32 heap the twin agrees
// with both WASM builds to sumTolerance (test/kernels/normalization.test.ts), and on a float64 heap
// it is the double-precision reference of the gradient checks.

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { fr } from './elementwise.js';

type NormalizationKernels = Pick<
  Kernels,
  'batchnorm_forward' | 'batchnorm_backward' | 'batchnorm_inference' | 'batchnorm_inference_backward' | 'layernorm_forward' | 'layernorm_backward'
>;

/** 1/sqrt(variance + eps) with the kernel's roundings (variance and eps already float32 on a float32 heap). */
function rstdOf(f: boolean, variance: number, eps: number): number {
  return fr(f, 1 / fr(f, Math.sqrt(fr(f, variance + eps))));
}

export function normalizationKernels(heap: () => FloatHeap): NormalizationKernels {
  // Per-channel float64 sums and constants, kept between calls and grown when C grows: the twin's
  // counterpart of the kernels' static scratch (rows are walked front to back, all channels at once).
  let scratch = new Float64Array(0);
  const columns = (n: number): Float64Array => {
    if (scratch.length < n) scratch = new Float64Array(n);
    return scratch;
  };

  /** s[c] = gamma·rstd, s[C + c] = beta (or 0), rstd from the variance pointer (the kernel's K1, K2). */
  const affine = (h: FloatHeap, s: Float64Array, gamma: number, beta: number, variance: number, C: number, eps: number): void => {
    const f = h instanceof Float32Array;
    for (let c = 0; c < C; c++) {
      const g = gamma ? h[(gamma >> 2) + c] : 1;
      s[c] = fr(f, g * rstdOf(f, h[(variance >> 2) + c], eps));
      s[C + c] = beta ? h[(beta >> 2) + c] : 0;
    }
  };

  /** y = (x − mean)·s[c] + s[C + c]; y may alias x. */
  const applyAffine = (h: FloatHeap, s: Float64Array, y: number, x: number, mean: number, R: number, C: number): void => {
    const f = h instanceof Float32Array;
    const mi = mean >> 2;
    for (let r = 0; r < R; r++) {
      const xr = (x >> 2) + r * C;
      const yr = (y >> 2) + r * C;
      for (let c = 0; c < C; c++) h[yr + c] = fr(f, fr(f, h[xr + c] - h[mi + c]) * s[c]) + s[C + c];
    }
  };

  return {
    /** mean, variance (two-pass, biased) per channel; y = (x − mean)·(gamma·rstd) + beta. y may alias x. */
    batchnorm_forward(y, mean, variance, x, gamma, beta, R, C, eps) {
      const h = heap();
      const f = h instanceof Float32Array;
      const s = columns(2 * C);
      const mi = mean >> 2;
      s.fill(0, 0, C);
      for (let r = 0; r < R; r++) {
        const xr = (x >> 2) + r * C;
        for (let c = 0; c < C; c++) s[c] += h[xr + c];
      }
      for (let c = 0; c < C; c++) h[mi + c] = s[c] / R; // the store rounds, as the kernel's f32(total / R)
      s.fill(0, 0, C);
      for (let r = 0; r < R; r++) {
        const xr = (x >> 2) + r * C;
        for (let c = 0; c < C; c++) {
          const d = fr(f, h[xr + c] - h[mi + c]);
          s[c] += fr(f, d * d);
        }
      }
      for (let c = 0; c < C; c++) h[(variance >> 2) + c] = s[c] / R;
      affine(h, s, gamma, beta, variance, C, fr(f, eps));
      applyAffine(h, s, y, x, mean, R, C);
    },

    /** dbeta = Σ dy, dgamma = rstd·Σ dy·(x − mean); dx = gamma·rstd·((dy − dbeta/R) − (x − mean)·rstd·dgamma/R). */
    batchnorm_backward(dx, dgamma, dbeta, dy, x, gamma, mean, variance, R, C, eps) {
      const h = heap();
      const f = h instanceof Float32Array;
      const e = fr(f, eps);
      const s = columns(3 * C); // [Σ dy | Σ dy·(x − mean) | gamma·rstd], then the first two become K2, K3
      const mi = mean >> 2;
      s.fill(0, 0, 2 * C);
      for (let r = 0; r < R; r++) {
        const xr = (x >> 2) + r * C;
        const dr = (dy >> 2) + r * C;
        for (let c = 0; c < C; c++) {
          const g = h[dr + c];
          s[c] += g;
          s[C + c] += fr(f, g * fr(f, h[xr + c] - h[mi + c]));
        }
      }
      for (let c = 0; c < C; c++) {
        const rstd = rstdOf(f, h[(variance >> 2) + c], e);
        const sdy = s[c];
        const sdyx = s[C + c] * rstd;
        h[(dbeta >> 2) + c] = sdy;
        h[(dgamma >> 2) + c] = sdyx;
        s[2 * C + c] = fr(f, (gamma ? h[(gamma >> 2) + c] : 1) * rstd);
        s[c] = fr(f, sdy / R);
        s[C + c] = fr(f, (sdyx * rstd) / R);
      }
      if (!dx) return;
      for (let r = 0; r < R; r++) {
        const xr = (x >> 2) + r * C;
        const dr = (dy >> 2) + r * C;
        const or = (dx >> 2) + r * C;
        for (let c = 0; c < C; c++) {
          const t = fr(f, fr(f, h[xr + c] - h[mi + c]) * s[C + c]);
          h[or + c] = s[2 * C + c] * fr(f, fr(f, h[dr + c] - s[c]) - t);
        }
      }
    },

    /** y = (x − mean)·(gamma·rstd) + beta with the given statistics. y may alias x. */
    batchnorm_inference(y, x, gamma, beta, mean, variance, R, C, eps) {
      const h = heap();
      const s = columns(2 * C);
      affine(h, s, gamma, beta, variance, C, fr(h instanceof Float32Array, eps));
      applyAffine(h, s, y, x, mean, R, C);
    },

    /** dx = dy·(gamma·rstd). dx may alias dy. */
    batchnorm_inference_backward(dx, dy, gamma, variance, R, C, eps) {
      const h = heap();
      const s = columns(2 * C);
      affine(h, s, gamma, 0, variance, C, fr(h instanceof Float32Array, eps));
      for (let r = 0; r < R; r++) {
        const dr = (dy >> 2) + r * C;
        const or = (dx >> 2) + r * C;
        for (let c = 0; c < C; c++) h[or + c] = h[dr + c] * s[c];
      }
    },

    /** Per row: mean, rstd (two-pass biased variance); y = ((x − mean)·rstd)·gamma + beta. y may alias x. */
    layernorm_forward(y, mean, rstd, x, gamma, beta, R, C, eps) {
      const h = heap();
      const f = h instanceof Float32Array;
      const e = fr(f, eps);
      const gi = gamma >> 2;
      const bi = beta >> 2;
      for (let r = 0; r < R; r++) {
        const xr = (x >> 2) + r * C;
        const yr = (y >> 2) + r * C;
        let sum = 0;
        for (let c = 0; c < C; c++) sum += h[xr + c];
        const m = fr(f, sum / C);
        let sq = 0;
        for (let c = 0; c < C; c++) {
          const d = fr(f, h[xr + c] - m);
          sq += fr(f, d * d);
        }
        const rs = rstdOf(f, fr(f, sq / C), e);
        h[(mean >> 2) + r] = m;
        h[(rstd >> 2) + r] = rs;
        for (let c = 0; c < C; c++) {
          const xhat = fr(f, fr(f, h[xr + c] - m) * rs);
          h[yr + c] = fr(f, xhat * (gamma ? h[gi + c] : 1)) + (beta ? h[bi + c] : 0);
        }
      }
    },

    /** dbeta = Σ_r dy, dgamma = Σ_r dy·xhat (0 skips); dx = rstd·((g − mean g) − xhat·mean(g·xhat)), g = gamma·dy. */
    layernorm_backward(dx, dgamma, dbeta, dy, x, gamma, mean, rstd, R, C) {
      const h = heap();
      const f = h instanceof Float32Array;
      const gi = gamma >> 2;
      if (dgamma || dbeta) {
        const s = columns(2 * C);
        s.fill(0, 0, 2 * C);
        for (let r = 0; r < R; r++) {
          const m = h[(mean >> 2) + r];
          const rs = h[(rstd >> 2) + r];
          const xr = (x >> 2) + r * C;
          const dr = (dy >> 2) + r * C;
          for (let c = 0; c < C; c++) {
            const g = h[dr + c];
            s[c] += g;
            s[C + c] += fr(f, g * fr(f, fr(f, h[xr + c] - m) * rs));
          }
        }
        for (let c = 0; c < C; c++) {
          if (dbeta) h[(dbeta >> 2) + c] = s[c];
          if (dgamma) h[(dgamma >> 2) + c] = s[C + c];
        }
      }
      if (!dx) return;
      for (let r = 0; r < R; r++) {
        const m = h[(mean >> 2) + r];
        const rs = h[(rstd >> 2) + r];
        const xr = (x >> 2) + r * C;
        const dr = (dy >> 2) + r * C;
        const or = (dx >> 2) + r * C;
        let sg = 0;
        let sgx = 0;
        for (let c = 0; c < C; c++) {
          const g = fr(f, h[dr + c] * (gamma ? h[gi + c] : 1));
          sg += g;
          sgx += fr(f, g * fr(f, fr(f, h[xr + c] - m) * rs));
        }
        const m1 = fr(f, sg / C);
        const m2 = fr(f, sgx / C);
        for (let c = 0; c < C; c++) {
          const g = fr(f, h[dr + c] * (gamma ? h[gi + c] : 1));
          const xhat = fr(f, fr(f, h[xr + c] - m) * rs);
          h[or + c] = rs * fr(f, fr(f, g - m1) - fr(f, xhat * m2));
        }
      }
    },
  };
}
