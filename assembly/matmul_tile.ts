// The register tile of the matrix products in assembly/matmul.ts: T[mr, w] (+)= init + A[mr, kc]·P[kc, w]
// for mr ≤ MR rows and w ≤ 8 columns, where A is one packed row tile (mr floats per k) and P one
// packed panel of B (assembly/matmul_pack.ts). T is stored as rows of C or, transposed, as columns
// of C (when matmul.ts computes Cᵀ = Bᵀ·Aᵀ for a narrow C). Not here: blocking, packing, epilogue.
//
// Registers: V8 gives a function 15 SIMD registers. The tile keeps MR·2 accumulators, the two B
// vectors of the current k and one A vector live, plus one temporary when multiply and add are
// separate instructions: 6×8 fits with fused multiply-add (relaxed build, 15), 5×8 without (14).
// Bigger tiles and an unrolled k-loop spill: unrolling k by 2 took the 6×8 tile from 41 to 25 GFLOP/s
// and the 5×8 one from 35 to 22.

import { madd } from './simd';

/** Rows of the register tile: 6 where multiply-add is one instruction, else 5 (see above). */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;

/** flags bit: add into C instead of overwriting it. */
export const ADD: i32 = 1;
/** flags bit: store the tile transposed, T[r, t] to c + t·ldc + 4r (a column of C per tile row). */
export const TRANS: i32 = 2;

/**
 * T[r, t] = init_r[t] + Σ_k a[4(mr·k + r)]·p[32k + 4t] for r < mr, t < w, then stored to C (rows:
 * c + r·ldc + 4t; TRANS: c + t·ldc + 4r), added to what is there when flags has ADD. init = 0
 * starts at 0; otherwise row r starts at the 8 floats at init + r·istride (istride 0: one bias row
 * for all rows; 32: one pre-broadcast value per row). ldc is in bytes.
 */
export function tile_rows(mr: i32, c: usize, ldc: usize, a: usize, p: usize, kc: i32, w: i32, flags: i32, init: usize, istride: usize): void {
  switch (mr) {
    case 6: { if (MR >= 6) tile6(c, ldc, a, p, kc, w, flags, init, istride); break; }
    case 5: { tile5(c, ldc, a, p, kc, w, flags, init, istride); break; }
    case 4: { tile4(c, ldc, a, p, kc, w, flags, init, istride); break; }
    case 3: { tile3(c, ldc, a, p, kc, w, flags, init, istride); break; }
    case 2: { tile2(c, ldc, a, p, kc, w, flags, init, istride); break; }
    default: tile1(c, ldc, a, p, kc, w, flags, init, istride);
  }
}

// One compiled function per row count: `tile` is inlined with a constant MR and Binaryen removes
// the branches and registers of the rows that are not there.
function tile6(c: usize, ldc: usize, a: usize, p: usize, kc: i32, w: i32, flags: i32, init: usize, istride: usize): void { tile(6, c, ldc, a, p, kc, w, flags, init, istride); }
function tile5(c: usize, ldc: usize, a: usize, p: usize, kc: i32, w: i32, flags: i32, init: usize, istride: usize): void { tile(5, c, ldc, a, p, kc, w, flags, init, istride); }
function tile4(c: usize, ldc: usize, a: usize, p: usize, kc: i32, w: i32, flags: i32, init: usize, istride: usize): void { tile(4, c, ldc, a, p, kc, w, flags, init, istride); }
function tile3(c: usize, ldc: usize, a: usize, p: usize, kc: i32, w: i32, flags: i32, init: usize, istride: usize): void { tile(3, c, ldc, a, p, kc, w, flags, init, istride); }
function tile2(c: usize, ldc: usize, a: usize, p: usize, kc: i32, w: i32, flags: i32, init: usize, istride: usize): void { tile(2, c, ldc, a, p, kc, w, flags, init, istride); }
function tile1(c: usize, ldc: usize, a: usize, p: usize, kc: i32, w: i32, flags: i32, init: usize, istride: usize): void { tile(1, c, ldc, a, p, kc, w, flags, init, istride); }

// @ts-ignore: decorator
@inline function tile(MR: i32, c: usize, ldc: usize, a: usize, p: usize, kc: i32, w: i32, flags: i32, init: usize, istride: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  if (init) {
    c00 = v128.load(init); c01 = v128.load(init, 16);
    if (MR > 1) { init += istride; c10 = v128.load(init); c11 = v128.load(init, 16); }
    if (MR > 2) { init += istride; c20 = v128.load(init); c21 = v128.load(init, 16); }
    if (MR > 3) { init += istride; c30 = v128.load(init); c31 = v128.load(init, 16); }
    if (MR > 4) { init += istride; c40 = v128.load(init); c41 = v128.load(init, 16); }
    if (MR > 5) { init += istride; c50 = v128.load(init); c51 = v128.load(init, 16); }
  }
  // B is packed in panels and A as mr floats per k, so every load below is from a pointer plus an
  // immediate offset; the loop carries two pointer increments. A's load32_splat becomes a
  // vbroadcastss from memory on x64 (V8), a load-port operation with no FP-pipe shuffle beside the
  // FMAs, so A need not be packed pre-broadcast (4 times the bytes).
  const end = p + (<usize>kc << 5);
  while (p < end) {
    const b0 = v128.load(p);
    const b1 = v128.load(p, 16);
    let x = v128.load32_splat(a);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    if (MR > 1) { x = v128.load32_splat(a, 4); c10 = madd(x, b0, c10); c11 = madd(x, b1, c11); }
    if (MR > 2) { x = v128.load32_splat(a, 8); c20 = madd(x, b0, c20); c21 = madd(x, b1, c21); }
    if (MR > 3) { x = v128.load32_splat(a, 12); c30 = madd(x, b0, c30); c31 = madd(x, b1, c31); }
    if (MR > 4) { x = v128.load32_splat(a, 16); c40 = madd(x, b0, c40); c41 = madd(x, b1, c41); }
    if (MR > 5) { x = v128.load32_splat(a, 20); c50 = madd(x, b0, c50); c51 = madd(x, b1, c51); }
    a += MR << 2;
    p += 32;
  }
  const addc = (flags & ADD) != 0;
  if (flags & TRANS) {
    // Columns of C: rows 0…3 of the tile go through 4×4 transposes (one 4-float store per C row),
    // rows 4 and 5 (and every row of a tile under 4 rows) lane by lane.
    if (MR >= 4) {
      store_t4(c, ldc, c00, c10, c20, c30, min(w, 4), addc);
      if (w > 4) store_t4(c + (ldc << 2), ldc, c01, c11, c21, c31, w - 4, addc);
    } else {
      store_col(c, ldc, c00, c01, w, addc);
      if (MR > 1) store_col(c + 4, ldc, c10, c11, w, addc);
      if (MR > 2) store_col(c + 8, ldc, c20, c21, w, addc);
    }
    if (MR > 4) store_col(c + 16, ldc, c40, c41, w, addc);
    if (MR > 5) store_col(c + 20, ldc, c50, c51, w, addc);
  } else {
    store_row(c, c00, c01, w, addc);
    if (MR > 1) store_row(c + ldc, c10, c11, w, addc);
    if (MR > 2) store_row(c + 2 * ldc, c20, c21, w, addc);
    if (MR > 3) store_row(c + 3 * ldc, c30, c31, w, addc);
    if (MR > 4) store_row(c + 4 * ldc, c40, c41, w, addc);
    if (MR > 5) store_row(c + 5 * ldc, c50, c51, w, addc);
  }
}

// Stores (or adds) the row v0|v1 to C[0…w) at c.
// @ts-ignore: decorator
@inline function store_row(c: usize, v0: v128, v1: v128, w: i32, addc: bool): void {
  if (w == 8) {
    if (addc) {
      v0 = f32x4.add(v128.load(c), v0);
      v1 = f32x4.add(v128.load(c, 16), v1);
    }
    v128.store(c, v0);
    v128.store(c, v1, 16);
  } else {
    store_part(c, v0, v1, w, addc);
  }
}

// The right edge (w < 8 columns): only the first w lanes are written, so C's neighbours survive.
function store_part(c: usize, v0: v128, v1: v128, w: i32, addc: bool): void {
  if (w >= 4) {
    v128.store(c, addc ? f32x4.add(v128.load(c), v0) : v0);
    c += 16;
    w -= 4;
    v0 = v1;
  }
  if (w > 0) store_lane(c, f32x4.extract_lane(v0, 0), addc);
  if (w > 1) store_lane(c + 4, f32x4.extract_lane(v0, 1), addc);
  if (w > 2) store_lane(c + 8, f32x4.extract_lane(v0, 2), addc);
}

// Transposes rows x0…x3 (4 tile rows × 4 tile columns) and stores tile column t < n as the four
// floats at c + t·ldc.
// @ts-ignore: decorator
@inline function store_t4(c: usize, ldc: usize, x0: v128, x1: v128, x2: v128, x3: v128, n: i32, addc: bool): void {
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  store_vec(c, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), addc);
  if (n > 1) store_vec(c + ldc, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), addc);
  if (n > 2) store_vec(c + 2 * ldc, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), addc);
  if (n > 3) store_vec(c + 3 * ldc, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), addc);
}

// One tile row v0|v1 down a column of C: lane t to c + t·ldc, t < w.
function store_col(c: usize, ldc: usize, v0: v128, v1: v128, w: i32, addc: bool): void {
  store_lane(c, f32x4.extract_lane(v0, 0), addc);
  if (w > 1) store_lane(c + ldc, f32x4.extract_lane(v0, 1), addc);
  if (w > 2) store_lane(c + 2 * ldc, f32x4.extract_lane(v0, 2), addc);
  if (w > 3) store_lane(c + 3 * ldc, f32x4.extract_lane(v0, 3), addc);
  c += ldc << 2;
  if (w > 4) store_lane(c, f32x4.extract_lane(v1, 0), addc);
  if (w > 5) store_lane(c + ldc, f32x4.extract_lane(v1, 1), addc);
  if (w > 6) store_lane(c + 2 * ldc, f32x4.extract_lane(v1, 2), addc);
  if (w > 7) store_lane(c + 3 * ldc, f32x4.extract_lane(v1, 3), addc);
}

// @ts-ignore: decorator
@inline function store_vec(c: usize, x: v128, addc: bool): void {
  v128.store(c, addc ? f32x4.add(v128.load(c), x) : x);
}

// @ts-ignore: decorator
@inline function store_lane(c: usize, x: f32, addc: bool): void {
  store<f32>(c, addc ? load<f32>(c) + x : x);
}
