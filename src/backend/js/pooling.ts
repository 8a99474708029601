// The twin of assembly/pooling.ts: the same loops in the same order, each float32 operation rounded
// with `fr` on a float32 heap (exact in float64 for the reference heap).

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { fr } from './elementwise.js';

type PoolKernels = 'pool_max_forward' | 'pool_max_backward' | 'pool_avg_forward' | 'pool_avg_backward';

export function poolingKernels(heap: () => FloatHeap): Pick<Kernels, PoolKernels> {
  return {
    pool_max_forward(y, argmax, x, M, H, W, C, ph, pw, sh, sw, pt, pl, OH, OW) {
      const hp = heap();
      const inSize = H * W * C;
      let o = 0;
      for (let m = 0; m < M; m++) {
        const xs = (x >> 2) + m * inSize;
        for (let oh = 0; oh < OH; oh++) {
          const h0 = oh * sh - pt;
          for (let ow = 0; ow < OW; ow++) {
            const w0 = ow * sw - pl;
            for (let c = 0; c < C; c++) {
              let best = -Infinity;
              let at = -1;
              for (let i = 0; i < ph; i++) {
                const h = h0 + i;
                if (h < 0 || h >= H) continue;
                for (let j = 0; j < pw; j++) {
                  const w = w0 + j;
                  if (w < 0 || w >= W) continue;
                  const idx = (h * W + w) * C + c;
                  const v = hp[xs + idx];
                  if (at < 0 || v > best) { best = v; at = idx; }
                }
              }
              hp[(y >> 2) + o] = best;
              hp[(argmax >> 2) + o] = at;
              o++;
            }
          }
        }
      }
    },
    pool_max_backward(dx, dy, argmax, M, H, W, C, OH, OW) {
      const hp = heap();
      const f = hp instanceof Float32Array;
      const inSize = H * W * C;
      const outSize = OH * OW * C;
      hp.fill(0, dx >> 2, (dx >> 2) + M * inSize);
      for (let m = 0; m < M; m++) {
        const ds = (dx >> 2) + m * inSize;
        for (let k = 0; k < outSize; k++) {
          const o = m * outSize + k;
          const p = ds + hp[(argmax >> 2) + o];
          hp[p] = fr(f, hp[p] + hp[(dy >> 2) + o]);
        }
      }
    },
    pool_avg_forward(y, x, M, H, W, C, ph, pw, sh, sw, pt, pl, OH, OW) {
      const hp = heap();
      const f = hp instanceof Float32Array;
      const inSize = H * W * C;
      let o = 0;
      for (let m = 0; m < M; m++) {
        const xs = (x >> 2) + m * inSize;
        for (let oh = 0; oh < OH; oh++) {
          const h0 = oh * sh - pt;
          for (let ow = 0; ow < OW; ow++) {
            const w0 = ow * sw - pl;
            for (let c = 0; c < C; c++) {
              let s = 0;
              let n = 0;
              for (let i = 0; i < ph; i++) {
                const h = h0 + i;
                if (h < 0 || h >= H) continue;
                for (let j = 0; j < pw; j++) {
                  const w = w0 + j;
                  if (w < 0 || w >= W) continue;
                  s = fr(f, s + hp[xs + (h * W + w) * C + c]);
                  n++;
                }
              }
              hp[(y >> 2) + o] = fr(f, s / n);
              o++;
            }
          }
        }
      }
    },
    pool_avg_backward(dx, dy, M, H, W, C, ph, pw, sh, sw, pt, pl, OH, OW) {
      const hp = heap();
      const f = hp instanceof Float32Array;
      const inSize = H * W * C;
      hp.fill(0, dx >> 2, (dx >> 2) + M * inSize);
      let o = 0;
      for (let m = 0; m < M; m++) {
        const ds = (dx >> 2) + m * inSize;
        for (let oh = 0; oh < OH; oh++) {
          const h0 = oh * sh - pt;
          const hlo = Math.max(h0, 0), hhi = Math.min(h0 + ph, H);
          for (let ow = 0; ow < OW; ow++) {
            const w0 = ow * sw - pl;
            const wlo = Math.max(w0, 0), whi = Math.min(w0 + pw, W);
            const n = (hhi - hlo) * (whi - wlo);
            for (let c = 0; c < C; c++) {
              const g = fr(f, hp[(dy >> 2) + o] / n);
              for (let h = hlo; h < hhi; h++) {
                for (let w = wlo; w < whi; w++) {
                  const p = ds + (h * W + w) * C + c;
                  hp[p] = fr(f, hp[p] + g);
                }
              }
              o++;
            }
          }
        }
      }
    },
  };
}
