// Matrix products, the three forms backprop needs (A·B, A·Bᵀ, Aᵀ·B) and the dense layer's forward
// pass with its bias and activation epilogue. All row-major f32; the TypeScript twin is
// src/backend/js/matmul.ts, the contract src/backend/abi.ts. Not here: the register tile
// (matmul_tile.ts), the packing (matmul_pack.ts), the activations (activations.ts).
//
// Scheme (GotoBLAS-like, single thread): B is packed block by block (at most KC rows of the inner
// dimension × NC output columns) into 8-wide panels, and A one row tile at a time (MR rows, the MR
// values of each k side by side), so all three forms run the same register tile; only the packing
// routines know which operand is transposed. Each row tile sweeps every panel of the block while it sits in L1.
// A narrow C (N small, e.g. the 10 classes of an output layer) is computed as Cᵀ = Bᵀ·Aᵀ instead:
// its N rows become the row tiles and M fills whole 8-wide panels, instead of N padded to 16. A·B
// for a few rows (M ≤ FEW_ROWS: predicting one sample) skips packing (matmul_rows.ts).

import { activation_forward } from './activations';
import { KC, NC, NR, PANELS, APACK, BIAS, panel_bytes, pack_a, pack_at, pack_b, pack_bt, pack_bias, pack_bias_rows } from './matmul_pack';
import { MR, ADD, TRANS, tile_rows } from './matmul_tile';
import { FEW_ROWS, matmul_rows } from './matmul_rows';

/** C[M,N] (+)= A[M,K]·B[K,N]; acc = 0 overwrites C, 1 adds into it. C must not alias A or B. */
export function matmul(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  matmul_part(c, a, b, M, K, N, acc, 0, 1);
}

/** C[M,N] (+)= A[M,K]·B[N,K]ᵀ (dX = dZ·Wᵀ); acc as in matmul. C must not alias A or B. */
export function matmul_nt(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  matmul_nt_part(c, a, b, M, K, N, acc, 0, 1);
}

/** C[M,N] (+)= A[K,M]ᵀ·B[K,N] (dW = Xᵀ·dZ); acc as in matmul. C must not alias A or B. */
export function matmul_tn(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  matmul_tn_part(c, a, b, M, K, N, acc, 0, 1);
}

/**
 * y[M,N] = act(x[M,K]·w[K,N] + b[N]); b = 0 means no bias; act is an ACT code (abi.ts), alpha its
 * parameter. Overwrites y, which must not alias x or w. The activation runs on rows of y right after
 * their last k-block is stored, while they are still in cache.
 */
export function dense_forward(y: usize, x: usize, w: usize, b: usize, M: i32, K: i32, N: i32, act: i32, alpha: f32): void {
  dense_forward_part(y, x, w, b, M, K, N, act, alpha, 0, 1);
}

// The *_part forms compute part `part` of `parts` of the same product: one tile of the output
// (split_range below), never a split of the summation, so each element of C is summed in the same
// order whatever the number of parts. src/backend/threads/ runs the parts on several threads.

export function matmul_part(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32, part: i32, parts: i32): void {
  if (M <= FEW_ROWS) { if (part == 0) matmul_rows(c, a, b, M, K, N, acc != 0, 0); }
  else if (swapped(M, N)) gemm(c, N, true, b, false, N, a, false, K, N, K, M, acc, 0, 0, 0, part, parts);
  else gemm(c, N, false, a, true, K, b, true, N, M, K, N, acc, 0, 0, 0, part, parts);
}

export function matmul_nt_part(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32, part: i32, parts: i32): void {
  if (swapped(M, N)) gemm(c, N, true, b, true, K, a, false, K, N, K, M, acc, 0, 0, 0, part, parts);
  else gemm(c, N, false, a, true, K, b, false, K, M, K, N, acc, 0, 0, 0, part, parts);
}

export function matmul_tn_part(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32, part: i32, parts: i32): void {
  if (swapped(M, N)) gemm(c, N, true, b, false, N, a, true, M, N, K, M, acc, 0, 0, 0, part, parts);
  else gemm(c, N, false, a, false, M, b, true, N, M, K, N, acc, 0, 0, 0, part, parts);
}

export function dense_forward_part(y: usize, x: usize, w: usize, b: usize, M: i32, K: i32, N: i32, act: i32, alpha: f32, part: i32, parts: i32): void {
  if (M <= FEW_ROWS) {
    if (part != 0) return;
    matmul_rows(y, x, w, M, K, N, false, b);
    if (act != 0 && M > 0 && N > 0) activation_forward(y, y, M * N, act, alpha);
  } else if (swapped(M, N)) gemm(y, N, true, w, false, N, x, false, K, N, K, M, 0, b, act, alpha, part, parts);
  else gemm(y, N, false, x, true, K, w, true, N, M, K, N, 0, b, act, alpha, part, parts);
}

// Part `part` of the m × n output T: the longer side is cut into `parts` near-equal runs of whole
// register tiles (MR rows or NR columns), the other side kept whole. Sets SPLIT_LO/SPLIT_HI and
// returns true when the cut is along rows.
let SPLIT_LO: i32 = 0;
let SPLIT_HI: i32 = 0;
function split_range(m: i32, n: i32, part: i32, parts: i32): bool {
  const rows = m >= n;
  const unit = rows ? MR : NR;
  const len = rows ? m : n;
  const units = (len + unit - 1) / unit;
  SPLIT_LO = min(len, <i32>(<i64>units * part / parts) * unit);
  SPLIT_HI = min(len, <i32>(<i64>units * (part + 1) / parts) * unit);
  return rows;
}

// Computing Cᵀ pays off when C is narrow: with N ≤ 3 panels, a tile wastes up to half its lanes on
// zero padding and each A row tile is packed for only one to three panels. Measured:
// N = 10 and 16 run 20–40 % faster swapped, N = 24 about 10 %, N = 32 the same either way.
// @ts-ignore: decorator
@inline function swapped(M: i32, N: i32): bool {
  return N <= 3 * NR && N < M;
}

// The product T[m,n] (+)= A'[m,K]·B'[K,n] of two operands described by layout:
//   A'[i,k] = a[i·lda + k] (aRows) or a[k·lda + i];  B'[k,j] = b[k·ldb + j] (bRows) or b[j·ldb + k]
// (lda, ldb, ldc in floats). T is C (row stride ldc) or, when trans, Cᵀ: T[i,j] = C[j,i].
// bias ≠ 0 adds bias[i'] for C's column i' (acc must be 0); act ≠ 0 applies activation_forward to
// each finished row of C.
function gemm(c: usize, ldc: i32, trans: bool, a: usize, aRows: bool, lda: i32, b: usize, bRows: bool, ldb: i32, m: i32, K: i32, n: i32, acc: i32, bias: usize, act: i32, alpha: f32, part: i32, parts: i32): void {
  if (m <= 0 || n <= 0) return;
  if (K < 0) K = 0; // as the twin's loops do; a negative count must not turn into a huge usize
  let i0 = 0, i1 = m, j0 = 0, j1 = n;
  if (parts > 1) {
    if (split_range(m, n, part, parts)) { i0 = SPLIT_LO; i1 = SPLIT_HI; }
    else { j0 = SPLIT_LO; j1 = SPLIT_HI; }
    if (i0 >= i1 || j0 >= j1) return;
  }
  const wholeRows = i0 == 0 && i1 == m; // every row of T: the transposed epilogue may run over whole C rows
  // Equal blocks rather than full blocks plus a sliver: K = 784 is 7 blocks of 112, not 6·128 + 16.
  const nBlocks = (j1 - j0 + NC - 1) / NC;
  const ncStep = ((j1 - j0 + nBlocks - 1) / nBlocks + NR - 1) & ~(NR - 1);
  const kBlocks = K > 0 ? (K + KC - 1) / KC : 1; // K = 0 still writes C = bias (or 0), act applied
  const kcStep = K > 0 ? (K + kBlocks - 1) / kBlocks : 0;
  const ldcB = <usize>ldc << 2;
  const ldaB = <usize>lda << 2;
  const ldbB = <usize>ldb << 2;
  // Moving one row of T moves ldc floats in C, one column moves 1 (or the other way round if trans).
  const rowStep: usize = trans ? 4 : ldcB;
  const colStep: usize = trans ? ldcB : 4;
  for (let jc = j0; jc < j1; jc += ncStep) {
    const nc = min(ncStep, j1 - jc);
    if (bias && !trans) pack_bias(bias + (<usize>jc << 2), nc);
    for (let kb = 0; kb < kBlocks; kb++) {
      const pc = kb * kcStep;
      const kc = min(kcStep, K - pc);
      if (bRows) pack_b(b + (<usize>pc * ldbB) + (<usize>jc << 2), ldbB, kc, nc);
      else pack_bt(b + (<usize>jc * ldbB) + (<usize>pc << 2), ldbB, kc, nc);
      // The first k-block overwrites (or accumulates, as asked) and starts from the bias; the
      // later ones add their partial sums to it.
      const flags = (kb > 0 || acc != 0 ? ADD : 0) | (trans ? TRANS : 0);
      const first = kb == 0 && bias != 0;
      const last = kb == kBlocks - 1;
      const panelBytes = panel_bytes(kc);
      for (let i = i0; i < i1; i += MR) {
        const mr = min(MR, i1 - i);
        if (aRows) pack_a(a + <usize>i * ldaB + (<usize>pc << 2), ldaB, mr, kc);
        else pack_at(a + <usize>pc * ldaB + (<usize>i << 2), ldaB, mr, kc);
        if (first && trans) pack_bias_rows(bias + (<usize>i << 2), mr);
        const ct = c + <usize>i * rowStep + <usize>jc * colStep;
        let p = PANELS;
        for (let jr = 0; jr < nc; jr += NR) {
          const init = first ? (trans ? BIAS : BIAS + (<usize>jr << 2)) : 0;
          tile_rows(mr, ct + <usize>jr * colStep, ldcB, APACK, p, kc, min(NR, nc - jr), flags, init, trans ? 32 : 0);
          p += panelBytes;
        }
        if (last && act != 0 && !trans) {
          // Epilogue on the rows just finished (cache-hot), in place.
          if (nc == n) activation_forward(ct, ct, mr * n, act, alpha);
          else for (let r = 0; r < mr; r++) activation_forward(ct + <usize>r * ldcB, ct + <usize>r * ldcB, nc, act, alpha);
        }
      }
      // Transposed: C rows jc…jc + nc − 1 are finished once every row tile (C column) is done.
      if (last && act != 0 && trans) {
        if (wholeRows) activation_forward(c + <usize>jc * ldcB, c + <usize>jc * ldcB, nc * ldc, act, alpha);
        else for (let r = jc; r < jc + nc; r++) {
          const row = c + <usize>r * ldcB + (<usize>i0 << 2);
          activation_forward(row, row, i1 - i0, act, alpha);
        }
      }
    }
  }
}
