// Batch and layer normalization over channels-last x[R, C] (R rows = batch × spatial positions, C
// channels). Twin: src/backend/js/normalization.ts; contract: src/backend/abi.ts. gamma = 0 means 1,
// beta = 0 means 0; statistics are biased (÷R or ÷C) and two-pass, as Keras/TF `moments`.
//
// Sums (means, variances, dgamma, dbeta, the layernorm dx row terms) add float32 lanes over short
// blocks (ROW_BLOCK rows, or SUM_BLOCK elements of a row) and the block partials in float64, so the
// error is that of a 16-term float32 sum, independent of R or C. Everything else is plain float32
// (no fused multiply-add), so the two WASM builds are bit-identical and the float32 twin, which sums
// in float64, differs only through the sums.
//
// Per-channel sums over rows are column sums (as reduce.ts col_sum) done rows-outer on chunks of up
// to CHUNK columns, with the chunk's accumulators and per-channel constants in static scratch: each
// row is read front to back and any C takes the same path (a tail of 1–3 columns goes through
// math.ts load_part/store_part). One set of scratch regions per instance: single-threaded, like
// matmul_pack.ts. Outputs of a chunk are written after its sums, so y = x and dx = dy are safe.

import { splat, load_part, store_part } from './math';
import { lanes_f64 } from './reduce';

/** Columns per chunk; the scratch below holds one chunk's accumulators and constants (10 KiB). */
const CHUNK: i32 = 256;
/** Rows per float32 block before the partial sums go into the float64 totals. */
const ROW_BLOCK: i32 = 16;
/** Row elements per float32 block (16 per lane) in the layernorm row sums; a multiple of 4. */
const SUM_BLOCK: i32 = 64;

const ACC_A: usize = memory.data(CHUNK * 4, 16); // float32 block sums, first quantity
const ACC_B: usize = memory.data(CHUNK * 4, 16); // float32 block sums, second quantity
const TOT_A: usize = memory.data(CHUNK * 8, 16); // float64 totals
const TOT_B: usize = memory.data(CHUNK * 8, 16);
const K0: usize = memory.data(CHUNK * 4, 16); // per-channel constants of the chunk (see apply4)
const K1: usize = memory.data(CHUNK * 4, 16);
const K2: usize = memory.data(CHUNK * 4, 16);
const K3: usize = memory.data(CHUNK * 4, 16);

// col_sums kinds: the summed terms (p and q are the two [R, C] inputs).
const CS_SUM: i32 = 0; // A = p
const CS_SQDEV: i32 = 1; // A = (p − K0)²
const CS_BN: i32 = 2; // A = p, B = p·(q − K0)
const CS_LN: i32 = 3; // A = p, B = p·(q − mean[r])·rstd[r]
// apply_rows kinds.
const AP_AFFINE: i32 = 0; // out = (p − K0)·K1 + K2
const AP_SCALE: i32 = 1; // out = p·K1
const AP_BN_DX: i32 = 2; // out = K1·((p − K2) − (q − K0)·K3)

// @ts-ignore: decorator
@inline function f32_at(p: usize, c: i32): f32 {
  return load<f32>(p + (<usize>c << 2));
}
// @ts-ignore: decorator
@inline function set_f32(p: usize, c: i32, v: f32): void {
  store<f32>(p + (<usize>c << 2), v);
}
// @ts-ignore: decorator
@inline function f64_at(p: usize, c: i32): f64 {
  return load<f64>(p + (<usize>c << 3));
}

/** 1/sqrt(variance + eps) in float32, the same expression in every kernel (so forward and backward agree). */
// @ts-ignore: decorator
@inline function rstd_of(variance: f32, eps: f32): f32 {
  return <f32>1 / sqrt<f32>(variance + eps);
}

/** gamma[c], or 1 when the pointer is 0. */
// @ts-ignore: decorator
@inline function gamma_at(gamma: usize, c: i32): f32 {
  return gamma ? f32_at(gamma, c) : <f32>1;
}

/** tot[c] += acc[c] in float64 for c < w4 (a multiple of 4). */
// @ts-ignore: decorator
@inline function flush(acc: usize, tot: usize, w4: i32): void {
  for (let c = 0; c < w4; c += 4) {
    const v = v128.load(acc + (<usize>c << 2));
    const t = tot + (<usize>c << 3);
    v128.store(t, f64x2.add(v128.load(t), f64x2.promote_low_f32x4(v)));
    v128.store(t, f64x2.add(v128.load(t, 16), f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
  }
}

/** Adds one row's terms for chunk columns at byte offset o into ACC_A (and ACC_B). */
// @ts-ignore: decorator
@inline function accumulate4(kind: i32, o: usize, p: v128, q: v128, rm: v128, rs: v128): void {
  let a = p;
  if (kind == CS_SQDEV) {
    const d = f32x4.sub(p, v128.load(K0 + o));
    a = f32x4.mul(d, d);
  } else if (kind >= CS_BN) {
    const d = kind == CS_BN ? f32x4.sub(q, v128.load(K0 + o)) : f32x4.mul(f32x4.sub(q, rm), rs);
    v128.store(ACC_B + o, f32x4.add(v128.load(ACC_B + o), f32x4.mul(p, d)));
  }
  v128.store(ACC_A + o, f32x4.add(v128.load(ACC_A + o), a));
}

/**
 * TOT_A[c] (and TOT_B[c] for CS_BN, CS_LN) = Σ_r term(r, c) for the w ≤ CHUNK columns of a chunk;
 * p and q point at the chunk's first column in row 0 of [R, C] arrays; rowMean/rowRstd are CS_LN's
 * per-row statistics. The scratch lanes past w (up to a multiple of 4) hold garbage, never read out.
 */
// @ts-ignore: decorator
@inline function col_sums(kind: i32, p: usize, q: usize, rowMean: usize, rowRstd: usize, R: i32, C: i32, w: i32): void {
  const stride = <usize>C << 2;
  const w4 = (w + 3) & ~3;
  const two = kind >= CS_BN;
  memory.fill(TOT_A, 0, <usize>w4 << 3);
  if (two) memory.fill(TOT_B, 0, <usize>w4 << 3);
  const zero = splat(0);
  for (let r0 = 0; r0 < R; r0 += ROW_BLOCK) {
    const r1 = min(r0 + ROW_BLOCK, R);
    memory.fill(ACC_A, 0, <usize>w4 << 2);
    if (two) memory.fill(ACC_B, 0, <usize>w4 << 2);
    for (let r = r0; r < r1; r++) {
      const pr = p + <usize>r * stride;
      const qr = q + <usize>r * stride;
      let rm = zero;
      let rs = zero;
      if (kind == CS_LN) {
        rm = v128.load32_splat(rowMean + (<usize>r << 2));
        rs = v128.load32_splat(rowRstd + (<usize>r << 2));
      }
      let c = 0;
      for (; c + 4 <= w; c += 4) {
        const o = <usize>c << 2;
        accumulate4(kind, o, v128.load(pr + o), two ? v128.load(qr + o) : zero, rm, rs);
      }
      if (c < w) {
        const o = <usize>c << 2;
        accumulate4(kind, o, load_part(pr + o, w - c), two ? load_part(qr + o, w - c) : zero, rm, rs);
      }
    }
    flush(ACC_A, TOT_A, w4);
    if (two) flush(ACC_B, TOT_B, w4);
  }
}

// @ts-ignore: decorator
@inline function apply4(kind: i32, o: usize, p: v128, q: v128): v128 {
  const k1 = v128.load(K1 + o);
  if (kind == AP_SCALE) return f32x4.mul(p, k1);
  if (kind == AP_AFFINE) return f32x4.add(f32x4.mul(f32x4.sub(p, v128.load(K0 + o)), k1), v128.load(K2 + o));
  const t = f32x4.mul(f32x4.sub(q, v128.load(K0 + o)), v128.load(K3 + o));
  return f32x4.mul(k1, f32x4.sub(f32x4.sub(p, v128.load(K2 + o)), t));
}

/** out[r, c] = apply(p[r, c], q[r, c]) over the chunk's w columns, for every row (pointers as col_sums). */
// @ts-ignore: decorator
@inline function apply_rows(kind: i32, out: usize, p: usize, q: usize, R: i32, C: i32, w: i32): void {
  const stride = <usize>C << 2;
  const zero = splat(0);
  for (let r = 0; r < R; r++) {
    const row = <usize>r * stride;
    let c = 0;
    for (; c + 4 <= w; c += 4) {
      const o = <usize>c << 2;
      const qv = kind == AP_BN_DX ? v128.load(q + row + o) : zero;
      v128.store(out + row + o, apply4(kind, o, v128.load(p + row + o), qv));
    }
    if (c < w) {
      const o = <usize>c << 2;
      const qv = kind == AP_BN_DX ? load_part(q + row + o, w - c) : zero;
      store_part(out + row + o, apply4(kind, o, load_part(p + row + o, w - c), qv), w - c);
    }
  }
}

/** K0 = mean, K1 = gamma·rstd, K2 = beta (or 0) for the chunk's columns c0 + c, c < w. */
// @ts-ignore: decorator
@inline function set_affine(gamma: usize, beta: usize, mean: usize, variance: usize, c0: i32, w: i32, eps: f32): void {
  for (let c = 0; c < w; c++) {
    set_f32(K0, c, f32_at(mean, c0 + c));
    set_f32(K1, c, gamma_at(gamma, c0 + c) * rstd_of(f32_at(variance, c0 + c), eps));
    set_f32(K2, c, beta ? f32_at(beta, c0 + c) : <f32>0);
  }
}

/**
 * Training-mode batch normalization: mean[c] = Σ_r x/R, variance[c] = Σ_r (x − mean)²/R (two-pass,
 * with mean rounded to float32 first), y = (x − mean)·(gamma·rstd) + beta. y may alias x.
 */
export function batchnorm_forward(y: usize, mean: usize, variance: usize, x: usize, gamma: usize, beta: usize, R: i32, C: i32, eps: f32): void {
  for (let c0 = 0; c0 < C; c0 += CHUNK) {
    const w = min(CHUNK, C - c0);
    const o = <usize>c0 << 2;
    col_sums(CS_SUM, x + o, 0, 0, 0, R, C, w);
    for (let c = 0; c < w; c++) {
      const m = <f32>(f64_at(TOT_A, c) / <f64>R);
      set_f32(K0, c, m);
      set_f32(mean, c0 + c, m);
    }
    col_sums(CS_SQDEV, x + o, 0, 0, 0, R, C, w);
    for (let c = 0; c < w; c++) set_f32(variance, c0 + c, <f32>(f64_at(TOT_A, c) / <f64>R));
    set_affine(gamma, beta, mean, variance, c0, w, eps);
    apply_rows(AP_AFFINE, y + o, x + o, 0, R, C, w);
  }
}

/**
 * dbeta = Σ_r dy, dgamma = rstd·Σ_r dy·(x − mean) (both overwritten, both required); if dx ≠ 0,
 * dx = gamma·rstd·((dy − dbeta/R) − (x − mean)·rstd·dgamma/R), the two per-channel terms formed in
 * float64 from the float64 sums. dx may alias dy.
 */
export function batchnorm_backward(dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, gamma: usize, mean: usize, variance: usize, R: i32, C: i32, eps: f32): void {
  for (let c0 = 0; c0 < C; c0 += CHUNK) {
    const w = min(CHUNK, C - c0);
    const o = <usize>c0 << 2;
    for (let c = 0; c < w; c++) set_f32(K0, c, f32_at(mean, c0 + c));
    col_sums(CS_BN, dy + o, x + o, 0, 0, R, C, w);
    for (let c = 0; c < w; c++) {
      const rstd = rstd_of(f32_at(variance, c0 + c), eps);
      const sdy = f64_at(TOT_A, c);
      const sdyx = f64_at(TOT_B, c) * <f64>rstd; // Σ dy·xhat
      set_f32(dbeta, c0 + c, <f32>sdy);
      set_f32(dgamma, c0 + c, <f32>sdyx);
      set_f32(K1, c, gamma_at(gamma, c0 + c) * rstd);
      set_f32(K2, c, <f32>(sdy / <f64>R));
      set_f32(K3, c, <f32>((sdyx * <f64>rstd) / <f64>R));
    }
    if (dx) apply_rows(AP_BN_DX, dx + o, dy + o, x + o, R, C, w);
  }
}

/** y = (x − mean)·(gamma·rstd) + beta with the given (moving) statistics. y may alias x. */
export function batchnorm_inference(y: usize, x: usize, gamma: usize, beta: usize, mean: usize, variance: usize, R: i32, C: i32, eps: f32): void {
  for (let c0 = 0; c0 < C; c0 += CHUNK) {
    const w = min(CHUNK, C - c0);
    const o = <usize>c0 << 2;
    set_affine(gamma, beta, mean, variance, c0, w, eps);
    apply_rows(AP_AFFINE, y + o, x + o, 0, R, C, w);
  }
}

/** dx = dy·(gamma·rstd): the backward of batchnorm_inference. dx may alias dy. */
export function batchnorm_inference_backward(dx: usize, dy: usize, gamma: usize, variance: usize, R: i32, C: i32, eps: f32): void {
  for (let c0 = 0; c0 < C; c0 += CHUNK) {
    const w = min(CHUNK, C - c0);
    const o = <usize>c0 << 2;
    for (let c = 0; c < w; c++) set_f32(K1, c, gamma_at(gamma, c0 + c) * rstd_of(f32_at(variance, c0 + c), eps));
    apply_rows(AP_SCALE, dx + o, dy + o, 0, R, C, w);
  }
}

// ---- layer normalization: statistics per row ----------------------------------------------

// row_sums kinds (terms over one row of C).
const RS_SUM: i32 = 0; // A = p
const RS_SQDEV: i32 = 1; // A = (p − m)²
const RS_LN: i32 = 2; // g = p·gamma, A = g, B = g·(q − m)·rs
let rowA: f64 = 0; // row_sums' results (AssemblyScript functions return one value)
let rowB: f64 = 0;

/** The A term of row_sums on four lanes (for RS_LN: g = p·gamma). */
// @ts-ignore: decorator
@inline function row_a4(kind: i32, p: v128, g: v128, m: v128): v128 {
  if (kind == RS_SUM) return p;
  if (kind == RS_SQDEV) {
    const d = f32x4.sub(p, m);
    return f32x4.mul(d, d);
  }
  return f32x4.mul(p, g);
}

/** RS_LN's B term: g·xhat with xhat = (q − m)·rs. */
// @ts-ignore: decorator
@inline function row_b4(g: v128, q: v128, m: v128, rs: v128): v128 {
  return f32x4.mul(g, f32x4.mul(f32x4.sub(q, m), rs));
}

/**
 * rowA (and rowB for RS_LN) = Σ_c term over one row p[0..C) (q: the second input row; gamma per
 * column or 0), float32 lanes per SUM_BLOCK elements, float64 across blocks and for the 1–3 tail terms.
 */
// @ts-ignore: decorator
@inline function row_sums(kind: i32, p: usize, q: usize, gamma: usize, C: i32, mean: f32, rstd: f32): void {
  const m = splat(mean);
  const rs = splat(rstd);
  const one = splat(1);
  let ta: f64 = 0;
  let tb: f64 = 0;
  let c = 0;
  const c4 = C & ~3;
  while (c < c4) {
    const end = min(c + SUM_BLOCK, c4);
    let a = splat(0);
    let b = a;
    for (; c < end; c += 4) {
      const o = <usize>c << 2;
      const g = kind == RS_LN && gamma != 0 ? v128.load(gamma + o) : one;
      const t = row_a4(kind, v128.load(p + o), g, m);
      a = f32x4.add(a, t);
      if (kind == RS_LN) b = f32x4.add(b, row_b4(t, v128.load(q + o), m, rs));
    }
    ta += lanes_f64(a);
    if (kind == RS_LN) tb += lanes_f64(b);
  }
  for (; c < C; c++) {
    const o = <usize>c << 2;
    const g = kind == RS_LN && gamma != 0 ? v128.load32_splat(gamma + o) : one;
    const t = row_a4(kind, v128.load32_splat(p + o), g, m);
    ta += <f64>f32x4.extract_lane(t, 0);
    if (kind == RS_LN) tb += <f64>f32x4.extract_lane(row_b4(t, v128.load32_splat(q + o), m, rs), 0);
  }
  rowA = ta;
  rowB = tb;
}

// @ts-ignore: decorator
@inline function ln_y4(x: v128, m: v128, rs: v128, gamma: usize, beta: usize, o: usize, rem: i32): v128 {
  const xhat = f32x4.mul(f32x4.sub(x, m), rs);
  const g = gamma ? (rem == 4 ? v128.load(gamma + o) : load_part(gamma + o, rem)) : splat(1);
  const b = beta ? (rem == 4 ? v128.load(beta + o) : load_part(beta + o, rem)) : splat(0);
  return f32x4.add(f32x4.mul(xhat, g), b);
}

/**
 * Per row r: mean[r], rstd[r] = 1/sqrt(var[r] + eps) (two-pass biased variance over the C values),
 * y = ((x − mean)·rstd)·gamma + beta. y may alias x (a row's statistics are done before it is written).
 */
export function layernorm_forward(y: usize, mean: usize, rstd: usize, x: usize, gamma: usize, beta: usize, R: i32, C: i32, eps: f32): void {
  for (let r = 0; r < R; r++) {
    const row = <usize>r * <usize>C << 2;
    row_sums(RS_SUM, x + row, 0, 0, C, 0, 0);
    const mr = <f32>(rowA / <f64>C);
    row_sums(RS_SQDEV, x + row, 0, 0, C, mr, 0);
    const rs = rstd_of(<f32>(rowA / <f64>C), eps);
    set_f32(mean, r, mr);
    set_f32(rstd, r, rs);
    const m = splat(mr);
    const s = splat(rs);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      v128.store(y + row + o, ln_y4(v128.load(x + row + o), m, s, gamma, beta, o, 4));
    }
    if (c < C) {
      const o = <usize>c << 2;
      store_part(y + row + o, ln_y4(load_part(x + row + o, C - c), m, s, gamma, beta, o, C - c), C - c);
    }
  }
}

// @ts-ignore: decorator
@inline function ln_dx4(dy: v128, x: v128, g: v128, m: v128, rs: v128, m1: v128, m2: v128): v128 {
  const gd = f32x4.mul(dy, g);
  const xhat = f32x4.mul(f32x4.sub(x, m), rs);
  return f32x4.mul(rs, f32x4.sub(f32x4.sub(gd, m1), f32x4.mul(xhat, m2)));
}

/**
 * dbeta = Σ_r dy, dgamma = Σ_r dy·xhat (overwritten; a pointer of 0 skips that output); if dx ≠ 0,
 * with g = gamma·dy: dx = rstd·((g − mean_c g) − xhat·mean_c(g·xhat)). dx may alias dy: the column
 * sums read dy before any row of dx is written, and each row's sums before that row is written.
 */
export function layernorm_backward(dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, gamma: usize, mean: usize, rstd: usize, R: i32, C: i32): void {
  if (dgamma || dbeta) {
    for (let c0 = 0; c0 < C; c0 += CHUNK) {
      const w = min(CHUNK, C - c0);
      const o = <usize>c0 << 2;
      col_sums(CS_LN, dy + o, x + o, mean, rstd, R, C, w);
      for (let c = 0; c < w; c++) {
        if (dbeta) set_f32(dbeta, c0 + c, <f32>f64_at(TOT_A, c));
        if (dgamma) set_f32(dgamma, c0 + c, <f32>f64_at(TOT_B, c));
      }
    }
  }
  if (!dx) return;
  for (let r = 0; r < R; r++) {
    const row = <usize>r * <usize>C << 2;
    const mr = f32_at(mean, r);
    const rr = f32_at(rstd, r);
    row_sums(RS_LN, dy + row, x + row, gamma, C, mr, rr);
    const m1 = splat(<f32>(rowA / <f64>C));
    const m2 = splat(<f32>(rowB / <f64>C));
    const m = splat(mr);
    const rs = splat(rr);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      const g = gamma ? v128.load(gamma + o) : splat(1);
      v128.store(dx + row + o, ln_dx4(v128.load(dy + row + o), v128.load(x + row + o), g, m, rs, m1, m2));
    }
    if (c < C) {
      const o = <usize>c << 2;
      const rem = C - c;
      const g = gamma ? load_part(gamma + o, rem) : splat(1);
      store_part(dx + row + o, ln_dx4(load_part(dy + row + o, rem), load_part(x + row + o, rem), g, m, rs, m1, m2), rem);
    }
  }
}
