// The matrix product A·B for a few rows of A (predicting one sample, a batch of 2 or 3), with B read
// in place: packing B (matmul_pack.ts) would copy all K×N of it to multiply it by a row or two, which
// costs about as much as the product. Each row of C stays in L1 and takes B four rows at a time,
// C[i,:] += a[k]·B[k,:] + … + a[k+3]·B[k+3,:], so B streams through front to back in four sequential
// streams. Used by matmul.ts for M ≤ FEW_ROWS; the transposed forms always have whole batches.

import { madd } from './simd';

/**
 * Up to this many rows, matmul and dense_forward take this path. Measured at K = 784, N = 128 against
 * the packed path: 23 vs 8 GFLOP/s at M = 1, 23 vs 18 at M = 3, 25 vs 28 at M = 4.
 */
export const FEW_ROWS: i32 = 3;

/**
 * C[m,N] (+)= init + A[m,K]·B[K,N], row-major (row strides K and N floats); init is bias[j] when
 * bias ≠ 0, else 0; addc adds into C (init is then not used: matmul passes bias = 0).
 */
export function matmul_rows(c: usize, a: usize, b: usize, m: i32, K: i32, N: i32, addc: bool, bias: usize): void {
  if (m <= 0 || N <= 0) return;
  if (K < 0) K = 0; // as the twin's loops do
  const ldb = <usize>N << 2;
  const n4 = N & ~3;
  for (let i = 0; i < m; i++) {
    const ci = c + <usize>i * ldb;
    const ai = a + <usize>i * (<usize>K << 2);
    if (!addc) {
      if (bias) memory.copy(ci, bias, ldb);
      else memory.fill(ci, 0, ldb);
    }
    let k = 0;
    for (; k + 4 <= K; k += 4) {
      const ak = ai + (<usize>k << 2);
      const bk = b + <usize>k * ldb;
      rows4(ci, v128.load32_splat(ak), v128.load32_splat(ak, 4), v128.load32_splat(ak, 8), v128.load32_splat(ak, 12), bk, ldb, n4);
      for (let j = n4; j < N; j++) {
        // the last N mod 4 columns, lane by lane in the same order
        const cj = ci + (<usize>j << 2);
        const bj = bk + (<usize>j << 2);
        let s = load<f32>(cj);
        s = madd1(load<f32>(ak), load<f32>(bj), s);
        s = madd1(load<f32>(ak, 4), load<f32>(bj + ldb), s);
        s = madd1(load<f32>(ak, 8), load<f32>(bj + 2 * ldb), s);
        s = madd1(load<f32>(ak, 12), load<f32>(bj + 3 * ldb), s);
        store<f32>(cj, s);
      }
    }
    for (; k < K; k++) {
      // the last K mod 4 rows of B, one at a time
      const ak = ai + (<usize>k << 2);
      const bk = b + <usize>k * ldb;
      const x = v128.load32_splat(ak);
      for (let j = 0; j < n4; j += 4) {
        const o = <usize>j << 2;
        v128.store(ci + o, madd(x, v128.load(bk + o), v128.load(ci + o)));
      }
      for (let j = n4; j < N; j++) {
        const o = <usize>j << 2;
        store<f32>(ci + o, madd1(load<f32>(ak), load<f32>(bk + o), load<f32>(ci + o)));
      }
    }
  }
}

// c[0…n4) += x0·B[0, ·] + x1·B[1, ·] + x2·B[2, ·] + x3·B[3, ·], B rows ldb bytes apart from b.
function rows4(c: usize, x0: v128, x1: v128, x2: v128, x3: v128, b: usize, ldb: usize, n4: i32): void {
  const end = b + (<usize>n4 << 2);
  const ldb2 = ldb << 1;
  const ldb3 = ldb2 + ldb;
  while (b < end) {
    let y = v128.load(c);
    y = madd(x0, v128.load(b), y);
    y = madd(x1, v128.load(b + ldb), y);
    y = madd(x2, v128.load(b + ldb2), y);
    y = madd(x3, v128.load(b + ldb3), y);
    v128.store(c, y);
    b += 16;
    c += 16;
  }
}

// The scalar image of madd, so a column's value does not depend on whether it fell in a vector:
// fused in the relaxed build (one lane of relaxed_madd), multiply then add otherwise.
// @ts-ignore: decorator
@inline function madd1(x: f32, y: f32, z: f32): f32 {
  return f32x4.extract_lane(madd(f32x4.splat(x), f32x4.splat(y), f32x4.splat(z)), 0);
}
