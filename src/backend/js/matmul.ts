// The TypeScript twin of assembly/matmul.ts: the three matrix products (A·B, A·Bᵀ, Aᵀ·B) and the dense
// forward pass with its bias and activation epilogue, over a float32 heap (the fallback backend) or a
// float64 heap (the gradient-check reference). Plain loops in cache-friendly order (i-k-j, so the
// innermost loop runs along rows of B and C; a dot product along rows of A and B for A·Bᵀ); no
// blocking, no allocation per call. Semantics: src/backend/abi.ts.

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { activationKernels } from './activations.js';

export function matmulKernels(heap: () => FloatHeap): Pick<Kernels, 'matmul' | 'matmul_nt' | 'matmul_tn' | 'dense_forward'> {
  // The epilogue of dense_forward is the activation twin itself, as in assembly/matmul.ts.
  const { activation_forward } = activationKernels(heap);

  return {
    /** C[M,N] (+)= A[M,K]·B[K,N]; i-k-j: row i of C gathers A[i,k] times row k of B. */
    matmul(c, a, b, M, K, N, acc) {
      const h = heap();
      const c0 = c >> 2, a0 = a >> 2, b0 = b >> 2;
      for (let i = 0; i < M; i++) {
        const ci = c0 + i * N;
        if (!acc) h.fill(0, ci, ci + N);
        const ai = a0 + i * K;
        for (let k = 0; k < K; k++) {
          const aik = h[ai + k];
          const bk = b0 + k * N;
          for (let j = 0; j < N; j++) h[ci + j] += aik * h[bk + j];
        }
      }
    },

    /** C[M,N] (+)= A[M,K]·B[N,K]ᵀ; a dot product of row i of A and row j of B per element. */
    matmul_nt(c, a, b, M, K, N, acc) {
      const h = heap();
      const c0 = c >> 2, a0 = a >> 2, b0 = b >> 2;
      for (let i = 0; i < M; i++) {
        const ci = c0 + i * N;
        const ai = a0 + i * K;
        for (let j = 0; j < N; j++) {
          const bj = b0 + j * K;
          let s = acc ? h[ci + j] : 0;
          for (let k = 0; k < K; k++) s += h[ai + k] * h[bj + k];
          h[ci + j] = s;
        }
      }
    },

    /** C[M,N] (+)= A[K,M]ᵀ·B[K,N]; i-k-j as matmul, reading column i of A. */
    matmul_tn(c, a, b, M, K, N, acc) {
      const h = heap();
      const c0 = c >> 2, a0 = a >> 2, b0 = b >> 2;
      for (let i = 0; i < M; i++) {
        const ci = c0 + i * N;
        if (!acc) h.fill(0, ci, ci + N);
        for (let k = 0; k < K; k++) {
          const aki = h[a0 + k * M + i];
          const bk = b0 + k * N;
          for (let j = 0; j < N; j++) h[ci + j] += aki * h[bk + j];
        }
      }
    },

    /** y[M,N] = act(x[M,K]·w[K,N] + b[N]); b = 0: no bias. Activation applied to each row once it is complete. */
    dense_forward(y, x, w, b, M, K, N, act, alpha) {
      const h = heap();
      const y0 = y >> 2, x0 = x >> 2, w0 = w >> 2, b0 = b >> 2;
      for (let i = 0; i < M; i++) {
        const yi = y0 + i * N;
        if (b) h.copyWithin(yi, b0, b0 + N);
        else h.fill(0, yi, yi + N);
        const xi = x0 + i * K;
        for (let k = 0; k < K; k++) {
          const xik = h[xi + k];
          const wk = w0 + k * N;
          for (let j = 0; j < N; j++) h[yi + j] += xik * h[wk + j];
        }
        if (act !== 0) activation_forward(y + i * N * 4, y + i * N * 4, N, act, alpha);
      }
    },
  };
}
