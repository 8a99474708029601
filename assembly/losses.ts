// Losses and their gradients with respect to the prediction: mse, mae, binary cross-entropy (on
// probabilities and on logits), categorical and sparse categorical cross-entropy, and softmax fused
// with both cross-entropies. Twin: src/backend/js/losses.ts; contract: src/backend/abi.ts.
// `_forward` returns the Keras value (mean over the last axis, or sum over classes for the
// cross-entropies, then mean over the M rows) summed in float32 lanes within blocks of SUM_BLOCK
// elements and in float64 across blocks. `_backward` overwrites dp (which may alias pred) with plain
// float32 operations (no fused multiply-add), bit-identical to the float32 twin except bce_logits.
// No subnormals (src/backend/abi.ts, "Subnormal floats"): a gradient is scaled by its constant only
// through flush.ts's product rule (0 where the product could be below 2^-126), softmax's p is 0 below
// 2^-126 (activations.ts), the soft-target products of the fused loss are guarded alike, and a loss
// value below 2^-126 is returned as 0.

import { madd } from './simd';
import { splat, lane0, load_part, store_part, log4, log1p_unit4, exp4, sigmoid4 } from './math';
import { row_max, row_exp_sum, row_scale, hsum_f64 } from './activations';
import { flush4, flush1, ftz_bits_for, ftz_operand4, mul_ftz1, narrow_ftz, vconst, V_ABS, V_PRODUCT_FLOOR, V_NORMAL_MIN } from './flush';

/** Keras backend.epsilon(): probabilities are clipped to [EPS, HI] before any log. */
const EPS: f32 = 1e-7;
const HI: f32 = 1.0 - EPS; // 1 − 2^-23 in float32, as Keras's 1 − epsilon on a float32 tensor

/** Elements summed in float32 lanes before the partial goes into the float64 total (multiple of 4). */
const SUM_BLOCK: i32 = 256;

const KIND_MSE: i32 = 0;
const KIND_MAE: i32 = 1;
const KIND_BCE: i32 = 2;
const KIND_BCE_LOGITS: i32 = 3;
const KIND_CCE: i32 = 4;
const KIND_SOFTMAX_CCE: i32 = 5;

/** clip(p, EPS, HI); NaN propagates (pmin/pmax keep their first operand). */
// @ts-ignore: decorator
@inline function clip4(p: v128): v128 {
  return f32x4.pmax(f32x4.pmin(p, splat(HI)), splat(EPS));
}

/** All-ones lanes where the clip changes p (gradient 0 there); NaN is not clipped. */
// @ts-ignore: decorator
@inline function clipped4(p: v128): v128 {
  return v128.or(f32x4.lt(p, splat(EPS)), f32x4.gt(p, splat(HI)));
}

/** The per-element loss term on four lanes; `kind` is a constant at every call site. */
// @ts-ignore: decorator
@inline function term4(p: v128, t: v128, kind: i32): v128 {
  if (kind == KIND_MSE) {
    const d = f32x4.sub(p, t);
    return f32x4.mul(d, d);
  }
  if (kind == KIND_MAE) return f32x4.abs(f32x4.sub(p, t));
  if (kind == KIND_BCE) {
    // −(t·log p + (1 − t)·log(1 − p)), p clipped
    const pc = clip4(p);
    const lq = f32x4.mul(f32x4.sub(splat(1.0), t), log4(f32x4.sub(splat(1.0), pc)));
    return f32x4.neg(madd(t, log4(pc), lq));
  }
  if (kind == KIND_BCE_LOGITS) {
    // max(z, 0) − z·t + log(1 + e^−|z|): never overflows, exact for large |z|
    const z = p;
    const lp = log1p_unit4(exp4(f32x4.neg(f32x4.abs(z))));
    return f32x4.add(madd(f32x4.neg(z), t, f32x4.pmax(z, splat(0.0))), lp);
  }
  // KIND_CCE: −t·log p, p clipped
  return f32x4.mul(f32x4.neg(t), log4(clip4(p)));
}

/** Σ term(p[i], t[i]) over i < n, float32 lanes per block, float64 across blocks. */
// @ts-ignore: decorator
@inline function sum_terms(p: usize, t: usize, n: i32, kind: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  const n4 = n & ~3;
  while (i < n4) {
    const end = min(i + SUM_BLOCK, n4);
    let acc = splat(0.0);
    for (; i < end; i += 4) {
      const o = <usize>i << 2;
      acc = f32x4.add(acc, term4(v128.load(p + o), v128.load(t + o), kind));
    }
    total += hsum_f64(acc);
  }
  if (i < n) {
    const o = <usize>i << 2;
    const rem = n - i;
    const v = term4(load_part(p + o, rem), load_part(t + o, rem), kind);
    total += <f64>f32x4.extract_lane(v, 0);
    if (rem > 1) total += <f64>f32x4.extract_lane(v, 1);
    if (rem > 2) total += <f64>f32x4.extract_lane(v, 2);
  }
  return total;
}

/**
 * The gradient element on four lanes, c the constant scale (1/(M·N), 2/(M·N) or −1/M) and tc its flush
 * bits (ftz_bits_for(c)): the factor multiplied by c is flushed first, so the product is 0 or normal.
 */
// @ts-ignore: decorator
@inline function grad4(p: v128, t: v128, c: v128, tc: v128, abs: v128, kind: i32): v128 {
  if (kind == KIND_MSE) return f32x4.mul(flush4(f32x4.sub(p, t), abs, tc), c);
  if (kind == KIND_MAE) {
    // sign(p − t)·c with sign(±0) = +0 and NaN propagated
    const d = f32x4.sub(p, t);
    const s = v128.and(v128.or(v128.and(d, splat(-0.0)), c), f32x4.ne(d, splat(0.0)));
    return v128.bitselect(d, s, f32x4.ne(d, d));
  }
  if (kind == KIND_BCE) {
    // (p − t)/(p·(1 − p))·c where the clip is inactive, else 0
    const q = f32x4.mul(p, f32x4.sub(splat(1.0), p));
    const g = f32x4.mul(flush4(f32x4.div(f32x4.sub(p, t), q), abs, tc), c);
    return v128.andnot(g, clipped4(p));
  }
  if (kind == KIND_BCE_LOGITS) return f32x4.mul(flush4(f32x4.sub(sigmoid4(p), t), abs, tc), c);
  if (kind == KIND_CCE) return v128.andnot(f32x4.mul(flush4(f32x4.div(t, p), abs, tc), c), clipped4(p));
  // softmax + cce: (p − t)·c
  return f32x4.mul(flush4(f32x4.sub(p, t), abs, tc), c);
}

// @ts-ignore: decorator
@inline function grad_loop(dp: usize, p: usize, t: usize, n: i32, c: f32, kind: i32): void {
  const vc = splat(c);
  const tc = i32x4.splat(ftz_bits_for(c));
  const abs = vconst(V_ABS);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    const p0 = v128.load(p + o);
    const p1 = v128.load(p + o, 16);
    const p2 = v128.load(p + o, 32);
    const p3 = v128.load(p + o, 48);
    const t0 = v128.load(t + o);
    const t1 = v128.load(t + o, 16);
    const t2 = v128.load(t + o, 32);
    const t3 = v128.load(t + o, 48);
    v128.store(dp + o, grad4(p0, t0, vc, tc, abs, kind));
    v128.store(dp + o, grad4(p1, t1, vc, tc, abs, kind), 16);
    v128.store(dp + o, grad4(p2, t2, vc, tc, abs, kind), 32);
    v128.store(dp + o, grad4(p3, t3, vc, tc, abs, kind), 48);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dp + o, grad4(v128.load(p + o), v128.load(t + o), vc, tc, abs, kind));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const rem = n - i;
    store_part(dp + o, grad4(load_part(p + o, rem), load_part(t + o, rem), vc, tc, abs, kind), rem);
  }
}

/** The class id held in labels[i] as a float, or −1 when it is not an integer in [0, N) (NaN included). */
// @ts-ignore: decorator
@inline function label_at(labels: usize, i: i32, N: i32): i32 {
  const c = load<f32>(labels + (<usize>i << 2));
  if (!(c >= 0 && c < <f32>N)) return -1;
  const k = <i32>c;
  return <f32>k == c ? k : -1;
}

/** The mean of the loss terms over the M·N elements. */
// @ts-ignore: decorator
@inline function mean_terms(p: usize, t: usize, M: i32, N: i32, kind: i32): f32 {
  const n = M * N;
  return narrow_ftz(sum_terms(p, t, n, kind) / <f64>n);
}

/** grad_loop over the M·N elements with c = k/(M·N) in float32. */
// @ts-ignore: decorator
@inline function grad_mean(dp: usize, p: usize, t: usize, M: i32, N: i32, k: f32, kind: i32): void {
  const n = M * N;
  grad_loop(dp, p, t, n, k / <f32>n, kind);
}

// ---- mean squared / absolute error ------------------------------------------------------------

/** Σ (p − t)² / (M·N), pred and target [M,N]. */
export function mse_forward(pred: usize, target: usize, M: i32, N: i32): f32 {
  return mean_terms(pred, target, M, N, KIND_MSE);
}

/** dp = 2·(p − t)/(M·N). */
export function mse_backward(dp: usize, pred: usize, target: usize, M: i32, N: i32): void {
  grad_mean(dp, pred, target, M, N, 2.0, KIND_MSE);
}

/** Σ |p − t| / (M·N). */
export function mae_forward(pred: usize, target: usize, M: i32, N: i32): f32 {
  return mean_terms(pred, target, M, N, KIND_MAE);
}

/** dp = sign(p − t)/(M·N), sign(0) = 0. */
export function mae_backward(dp: usize, pred: usize, target: usize, M: i32, N: i32): void {
  grad_mean(dp, pred, target, M, N, 1.0, KIND_MAE);
}

// ---- binary cross-entropy ----------------------------------------------------------------------

/** Σ −(t·log p + (1 − t)·log(1 − p)) / (M·N), p clipped to [EPS, 1 − EPS]. */
export function bce_forward(pred: usize, target: usize, M: i32, N: i32): f32 {
  return mean_terms(pred, target, M, N, KIND_BCE);
}

/** dp = (p − t)/(p·(1 − p))/(M·N); 0 where p < EPS or p > 1 − EPS. */
export function bce_backward(dp: usize, pred: usize, target: usize, M: i32, N: i32): void {
  grad_mean(dp, pred, target, M, N, 1.0, KIND_BCE);
}

/** Σ max(z, 0) − z·t + log(1 + e^−|z|) / (M·N), z logits [M,N]. */
export function bce_logits_forward(z: usize, target: usize, M: i32, N: i32): f32 {
  return mean_terms(z, target, M, N, KIND_BCE_LOGITS);
}

/** dz = (σ(z) − t)/(M·N); dz may alias z. */
export function bce_logits_backward(dz: usize, z: usize, target: usize, M: i32, N: i32): void {
  grad_mean(dz, z, target, M, N, 1.0, KIND_BCE_LOGITS);
}

// ---- categorical cross-entropy ----------------------------------------------------------------

/** Σ_i Σ_j −t·log p / M, p clipped. */
export function cce_forward(pred: usize, target: usize, M: i32, N: i32): f32 {
  return narrow_ftz(sum_terms(pred, target, M * N, KIND_CCE) / <f64>M);
}

/** dp = −t/p/M, computed as (t/p)·(−1/M); 0 where the clip is active. */
export function cce_backward(dp: usize, pred: usize, target: usize, M: i32, N: i32): void {
  grad_loop(dp, pred, target, M * N, -(<f32>1.0 / <f32>M), KIND_CCE);
}

/** Σ_i −log p[i, labels[i]] / M, p clipped; a label that is not a class id makes the loss NaN. */
export function sparse_cce_forward(pred: usize, labels: usize, M: i32, N: i32): f32 {
  let total: f64 = 0;
  for (let i = 0; i < M; i++) {
    const k = label_at(labels, i, N);
    if (k < 0) return NaN;
    const p = load<f32>(pred + ((<usize>i * <usize>N + <usize>k) << 2));
    total -= <f64>lane0(log4(clip4(splat(p))));
  }
  return narrow_ftz(total / <f64>M);
}

/**
 * dp[i,:] = 0 except dp[i, labels[i]] = (1/p)·(−1/M) (0 where clipped), the one-hot case of
 * cce_backward bit for bit; a row whose label is not a class id is all NaN. dp may alias pred.
 */
export function sparse_cce_backward(dp: usize, pred: usize, labels: usize, M: i32, N: i32): void {
  const c = -(<f32>1.0 / <f32>M);
  const stride = <usize>N << 2;
  for (let i = 0; i < M; i++) {
    const row = dp + <usize>i * stride;
    const k = label_at(labels, i, N);
    if (k < 0) {
      fill_row(row, N, NaN);
      continue;
    }
    const p = load<f32>(pred + <usize>i * stride + (<usize>k << 2)); // before dp (maybe = pred) is zeroed
    const g = lane0(grad4(splat(p), splat(1.0), splat(c), splat(0), vconst(V_ABS), KIND_CCE)); // 1/p ≥ 1: no flush needed
    fill_row(row, N, 0);
    store<f32>(row + (<usize>k << 2), g);
  }
}

// @ts-ignore: decorator
@inline function fill_row(row: usize, N: i32, v: f32): void {
  const vv = splat(v);
  let j = 0;
  for (; j + 4 <= N; j += 4) v128.store(row + (<usize>j << 2), vv);
  for (; j < N; j++) store<f32>(row + (<usize>j << 2), v);
}

// ---- softmax fused with cross-entropy ---------------------------------------------------------

/**
 * p = softmax(z) row-wise (as softmax_forward, bit for bit) and returns Σ_i Σ_j t·(log s − (z − m)) / M,
 * m the row max and s = Σ e^(z − m): −Σ t·log p by the log-sum-exp, every term ≥ 0, no clipping.
 * p may alias z (each z is read before its p is written).
 */
export function softmax_cce_forward(p: usize, z: usize, target: usize, M: i32, N: i32): f32 {
  if (N <= 0) return <f32>(0.0 / <f64>M);
  const stride = <usize>N << 2;
  const N4 = N & ~3;
  const abs = vconst(V_ABS);
  const floor = vconst(V_PRODUCT_FLOOR);
  const nmin = vconst(V_NORMAL_MIN);
  let total: f64 = 0;
  for (let i = 0; i < M; i++) {
    const zr = z + <usize>i * stride;
    const pr = p + <usize>i * stride;
    const tr = target + <usize>i * stride;
    const m = row_max(zr, N);
    // Σ t and Σ t·(z − m), read before row_exp_sum overwrites z when p aliases it
    const vm = splat(m);
    let st = splat(0.0);
    let std = splat(0.0);
    let j = 0;
    for (; j < N4; j += 4) {
      const o = <usize>j << 2;
      const t = v128.load(tr + o);
      const d = f32x4.sub(v128.load(zr + o), vm);
      st = f32x4.add(st, t);
      std = madd(ftz_operand4(t, d, abs, floor, nmin), d, std); // a tiny soft target times z − m: 0, not subnormal
    }
    let T = hsum_f64(st);
    let TD = hsum_f64(std);
    for (; j < N; j++) {
      const o = <usize>j << 2;
      const t = load<f32>(tr + o);
      T += <f64>t;
      TD += <f64>mul_ftz1(t, load<f32>(zr + o) - m);
    }
    const s = row_exp_sum(pr, zr, N, m);
    row_scale(pr, N, <f32>(1.0 / s));
    total += <f64>lane0(log4(splat(<f32>s))) * T - TD;
  }
  return narrow_ftz(total / <f64>M);
}

/** dz = (p − t)/M, computed as (p − t)·(1/M); dz may alias p. */
export function softmax_cce_backward(dz: usize, p: usize, target: usize, M: i32, N: i32): void {
  grad_loop(dz, p, target, M * N, <f32>1.0 / <f32>M, KIND_SOFTMAX_CCE);
}

/**
 * p = softmax(z) row-wise and returns Σ_i (log s − (z[i, labels[i]] − m)) / M; a label that is not a
 * class id makes the loss NaN (p is still written). p may alias z.
 */
export function softmax_sparse_cce_forward(p: usize, z: usize, labels: usize, M: i32, N: i32): f32 {
  if (N <= 0) return <f32>(0.0 / <f64>M);
  const stride = <usize>N << 2;
  let total: f64 = 0;
  for (let i = 0; i < M; i++) {
    const zr = z + <usize>i * stride;
    const pr = p + <usize>i * stride;
    const m = row_max(zr, N);
    const k = label_at(labels, i, N);
    const d: f32 = k < 0 ? NaN : load<f32>(zr + (<usize>k << 2)) - m; // before z may be overwritten
    const s = row_exp_sum(pr, zr, N, m);
    row_scale(pr, N, <f32>(1.0 / s));
    total += <f64>lane0(log4(splat(<f32>s))) - <f64>d;
  }
  return narrow_ftz(total / <f64>M);
}

/** dz = (p − onehot(label))/M, as (p − t)·(1/M); a row whose label is not a class id is all NaN. dz may alias p. */
export function softmax_sparse_cce_backward(dz: usize, p: usize, labels: usize, M: i32, N: i32): void {
  const c = <f32>1.0 / <f32>M;
  const tc = ftz_bits_for(c);
  const vt = i32x4.splat(tc);
  const abs = vconst(V_ABS);
  const stride = <usize>N << 2;
  for (let i = 0; i < M; i++) {
    const pr = p + <usize>i * stride;
    const dr = dz + <usize>i * stride;
    const k = label_at(labels, i, N);
    if (k < 0) {
      fill_row(dr, N, NaN);
      continue;
    }
    const pk = load<f32>(pr + (<usize>k << 2)); // before dz (maybe = p) overwrites it
    const vc = splat(c);
    let j = 0;
    for (; j + 4 <= N; j += 4) v128.store(dr + (<usize>j << 2), f32x4.mul(flush4(v128.load(pr + (<usize>j << 2)), abs, vt), vc));
    for (; j < N; j++) store<f32>(dr + (<usize>j << 2), flush1(load<f32>(pr + (<usize>j << 2)), tc) * c);
    store<f32>(dr + (<usize>k << 2), flush1(pk - <f32>1.0, tc) * c);
  }
}
