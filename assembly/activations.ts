// Element-wise activations (the ACT codes of src/backend/abi.ts) forward and backward, and row-wise
// softmax forward and backward. Twin: src/backend/js/activations.ts. The transcendental pieces
// (exp, expm1, sigmoid, tanh) live in math.ts; losses.ts reuses the softmax row helpers below.
// Every loop: 16 elements per step (four independent vectors, the ggml STEP 16 shape), then 4 per
// step, then a tail of 1–3 elements through the same vector function on a partly filled vector
// (math.ts load_part), so results never depend on where an element falls. linear, relu, leakyRelu
// (both directions) and the sigmoid/tanh/elu backward are plain float32 operations with no fused
// multiply-add, bit-identical to the float32 twin in both builds.
// No subnormal results (src/backend/abi.ts, "Subnormal floats"): the exp-based forwards return ±0 where
// the result would be below 2^-126 (math.ts flushes e^x there); inputs too small to matter are flushed
// before they are squared; every backward product dy·act' and softmax's y·(…) goes through
// flush.ts mul_ftz4, which gives 0 where the float32 product could be subnormal (under 1.13·2^-126).
// Gradients that pass through unchanged (linear, relu, leakyRelu for x > 0) are copied as they are.

import { madd } from './simd';
import { splat, load_part, store_part, expm1_4, exp4, sigmoid4, mul_sigmoid4, tanh4 } from './math';
import {
  flush_abs4, flush4, flush_signed4, ftz_operand4, ftz_bits_for, mul_ftz4, flush1, mul_ftz1, narrow_ftz, vconst,
  V_ABS, V_NORMAL_MIN, V_HALF_NORMAL, V_POLY_SMALL, V_PRODUCT_FLOOR,
} from './flush';

// Mirrors ACT in src/backend/abi.ts: change both or neither.
const ACT_LINEAR: i32 = 0;
const ACT_RELU: i32 = 1;
const ACT_LEAKY_RELU: i32 = 2;
const ACT_SIGMOID: i32 = 3;
const ACT_TANH: i32 = 4;
const ACT_ELU: i32 = 5;
const ACT_GELU: i32 = 6;
const ACT_SILU: i32 = 7;

// gelu, tanh form: 0.5·x·(1 + tanh u), u = √(2/π)·(x + 0.044715·x³); computed as x·σ(2u).
const GELU_2C: f32 = 1.5957691216057308; // 2·√(2/π)
const GELU_K: f32 = 0.044715;
const GELU_3K: f32 = 0.134145; // 3·GELU_K

// ---- forward ---------------------------------------------------------------------------------

/**
 * act(x) on four lanes; `act` is a compile-time constant at every call site, so the chain folds away.
 * relu(x) = x < 0 ? 0 : x (f32x4.pmax, as Eigen's max in TensorFlow): relu(−0) = −0, NaN propagates.
 * leakyRelu(x) = x < 0 ? alpha·x : x. elu(x) = x > 0 ? x : alpha·expm1(x). `ta` holds the bits of the
 * flush threshold for a product with alpha (ftz_bits_for).
 * Subnormals: elu reads |x| < 2^-126 as ±0; gelu and silu, which are about x/2 near 0, read |x| < 2^-125
 * as ±0 (so x/(1 + e) stays normal); gelu squares x only from 2^-60 up (1 + k·x² is 1 below).
 */
// @ts-ignore: decorator
@inline function act_forward4(x: v128, act: i32, a: v128, ta: v128): v128 {
  if (act == ACT_RELU) return f32x4.pmax(x, splat(0.0));
  if (act == ACT_LEAKY_RELU) return v128.bitselect(f32x4.mul(x, a), x, f32x4.lt(x, splat(0.0)));
  if (act == ACT_SIGMOID) return sigmoid4(x);
  if (act == ACT_TANH) return tanh4(x);
  if (act == ACT_ELU) {
    const abs = vconst(V_ABS);
    x = flush_signed4(x, abs, vconst(V_NORMAL_MIN));
    return v128.bitselect(x, f32x4.mul(a, flush4(expm1_4(x), abs, ta)), f32x4.gt(x, splat(0.0)));
  }
  if (act == ACT_GELU) {
    const abs = vconst(V_ABS);
    const ax = v128.and(x, abs);
    x = v128.andnot(x, v128.and(i32x4.lt_s(ax, vconst(V_HALF_NORMAL)), abs)); // ±0, keeping the sign
    const xs = flush_abs4(x, ax, vconst(V_POLY_SMALL));
    const w = madd(f32x4.mul(xs, xs), splat(GELU_K), splat(1.0)); // 1 + k·x²
    return mul_sigmoid4(x, f32x4.mul(f32x4.mul(x, splat(GELU_2C)), w));
  }
  if (act == ACT_SILU) {
    x = flush_signed4(x, vconst(V_ABS), vconst(V_HALF_NORMAL));
    return mul_sigmoid4(x, x);
  }
  return x;
}

// @ts-ignore: decorator
@inline function forward_loop(y: usize, x: usize, n: i32, act: i32, alpha: f32): void {
  const a = splat(alpha);
  const ta = i32x4.splat(ftz_bits_for(alpha));
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    // all four loads before any store, so y == x is safe
    const x0 = v128.load(x + o);
    const x1 = v128.load(x + o, 16);
    const x2 = v128.load(x + o, 32);
    const x3 = v128.load(x + o, 48);
    v128.store(y + o, act_forward4(x0, act, a, ta));
    v128.store(y + o, act_forward4(x1, act, a, ta), 16);
    v128.store(y + o, act_forward4(x2, act, a, ta), 32);
    v128.store(y + o, act_forward4(x3, act, a, ta), 48);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, act_forward4(v128.load(x + o), act, a, ta));
  }
  if (i < n) {
    const o = <usize>i << 2;
    store_part(y + o, act_forward4(load_part(x + o, n - i), act, a, ta), n - i);
  }
}

// One function per activation: inlining forward_loop with a constant act into a single switch let
// Binaryen fold the eight loops into one with the act test inside (3.5× slower for relu). Kept apart,
// each loop is specialised.
function relu_forward(y: usize, x: usize, n: i32, alpha: f32): void { forward_loop(y, x, n, ACT_RELU, alpha); }
function leaky_relu_forward(y: usize, x: usize, n: i32, alpha: f32): void { forward_loop(y, x, n, ACT_LEAKY_RELU, alpha); }
function sigmoid_forward(y: usize, x: usize, n: i32, alpha: f32): void { forward_loop(y, x, n, ACT_SIGMOID, alpha); }
function tanh_forward(y: usize, x: usize, n: i32, alpha: f32): void { forward_loop(y, x, n, ACT_TANH, alpha); }
function elu_forward(y: usize, x: usize, n: i32, alpha: f32): void { forward_loop(y, x, n, ACT_ELU, alpha); }
function gelu_forward(y: usize, x: usize, n: i32, alpha: f32): void { forward_loop(y, x, n, ACT_GELU, alpha); }
function silu_forward(y: usize, x: usize, n: i32, alpha: f32): void { forward_loop(y, x, n, ACT_SILU, alpha); }

/**
 * y[i] = act(x[i]), i < n; act an ACT code, alpha its parameter (leakyRelu slope, elu scale; ≥ 0).
 * y may alias x (the dense_forward epilogue calls it with y = x). An unknown code traps.
 */
export function activation_forward(y: usize, x: usize, n: i32, act: i32, alpha: f32): void {
  switch (act) {
    case ACT_LINEAR: {
      if (n > 0 && y != x) memory.copy(y, x, <usize>n << 2);
      return;
    }
    case ACT_RELU: { relu_forward(y, x, n, alpha); return; }
    case ACT_LEAKY_RELU: { leaky_relu_forward(y, x, n, alpha); return; }
    case ACT_SIGMOID: { sigmoid_forward(y, x, n, alpha); return; }
    case ACT_TANH: { tanh_forward(y, x, n, alpha); return; }
    case ACT_ELU: { elu_forward(y, x, n, alpha); return; }
    case ACT_GELU: { gelu_forward(y, x, n, alpha); return; }
    case ACT_SILU: { silu_forward(y, x, n, alpha); return; }
  }
  unreachable();
}

// ---- backward --------------------------------------------------------------------------------

/**
 * dy·act'(x) on four lanes, from whichever of x (pre-activation) and y = act(x) the activation needs.
 * relu, leakyRelu, sigmoid, tanh and elu read only y (y > 0 ⟺ x > 0 for alpha ≥ 0), so a fused dense
 * epilogue that keeps only y suffices; gelu and silu read only x. At the kink x = 0 the left
 * derivative is taken: relu 0, leakyRelu alpha, elu alpha.
 */
// @ts-ignore: decorator
@inline function act_backward4(dy: v128, x: v128, y: v128, act: i32, a: v128, k: v128, floor: v128, nmin: v128): v128 {
  // k, floor, nmin: vconst(V_ABS), vconst(V_PRODUCT_FLOOR), vconst(V_NORMAL_MIN), loaded once per call
  const one = splat(1.0);
  if (act == ACT_RELU) return v128.and(dy, f32x4.gt(y, splat(0.0)));
  if (act == ACT_LEAKY_RELU) return v128.bitselect(dy, f32x4.mul(dy, a), f32x4.gt(y, splat(0.0)));
  // σ' = y·(1 − y)
  if (act == ACT_SIGMOID) return mul_ftz4(dy, f32x4.mul(y, f32x4.sub(one, y)), k, floor, nmin);
  // tanh' = (1 − y)(1 + y): 1 − y is exact near |y| = 1, where 1 − y² would cancel
  if (act == ACT_TANH) return mul_ftz4(dy, f32x4.mul(f32x4.sub(one, y), f32x4.add(one, y)), k, floor, nmin);
  // x ≤ 0: alpha·e^x = y + alpha
  // (a subnormal dy is read as 0 on both branches)
  if (act == ACT_ELU) {
    dy = flush4(dy, k, nmin);
    return v128.bitselect(dy, mul_ftz4(dy, f32x4.add(y, a), k, floor, nmin), f32x4.gt(y, splat(0.0)));
  }
  if (act == ACT_GELU) {
    // g = x·s, s = σ(v), v = 2u = 2c·x·(1 + k·x²); g' = s + x·s·(1 − s)·v', v' = 2c·(1 + 3k·x²).
    // For |x| ≥ 20, σ(v) is exactly 0 or 1 in float32 and g' is 0 or 1: clamping x there keeps x²
    // finite, so no Infinity·0 = NaN appears for huge or infinite x. Below 2^-60, g' is exactly
    // σ(0) = 0.5 either way: x is taken as 0 there, so x² and x·s·(1 − s) stay normal.
    x = flush4(f32x4.pmax(f32x4.pmin(x, splat(20.0)), splat(-20.0)), k, vconst(V_POLY_SMALL));
    const x2 = f32x4.mul(x, x);
    const v = f32x4.mul(f32x4.mul(x, splat(GELU_2C)), madd(x2, splat(GELU_K), one));
    const dv = f32x4.mul(splat(GELU_2C), madd(x2, splat(GELU_3K), one));
    const s = sigmoid4(v);
    const xs = f32x4.mul(x, s);
    return mul_ftz4(dy, madd(f32x4.mul(xs, f32x4.sub(one, s)), dv, s), k, floor, nmin);
  }
  if (act == ACT_SILU) {
    // (x·s)' = s + x·s·(1 − s); x = ±Infinity taken as ±FLT_MAX (limits 1 and 0, not Infinity·0);
    // below 2^-60 the derivative is exactly 0.5 either way, so x is taken as 0 there
    x = flush4(f32x4.pmax(f32x4.pmin(x, splat(F32.MAX_VALUE)), splat(-F32.MAX_VALUE)), k, vconst(V_POLY_SMALL));
    const s = sigmoid4(x);
    return mul_ftz4(dy, madd(f32x4.mul(x, s), f32x4.sub(one, s), s), k, floor, nmin);
  }
  return dy;
}

// @ts-ignore: decorator
@inline function backward_loop(dx: usize, dy: usize, x: usize, y: usize, n: i32, act: i32, alpha: f32): void {
  const a = splat(alpha);
  const k = vconst(V_ABS);
  const floor = vconst(V_PRODUCT_FLOOR);
  const nmin = vconst(V_NORMAL_MIN);
  // x or y is read only by the activations that need it (its pointer may be anything otherwise)
  const readsX = act == ACT_GELU || act == ACT_SILU;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    const g0 = v128.load(dy + o);
    const g1 = v128.load(dy + o, 16);
    const g2 = v128.load(dy + o, 32);
    const g3 = v128.load(dy + o, 48);
    const s = readsX ? x + o : y + o;
    const s0 = v128.load(s);
    const s1 = v128.load(s, 16);
    const s2 = v128.load(s, 32);
    const s3 = v128.load(s, 48);
    v128.store(dx + o, act_backward4(g0, s0, s0, act, a, k, floor, nmin));
    v128.store(dx + o, act_backward4(g1, s1, s1, act, a, k, floor, nmin), 16);
    v128.store(dx + o, act_backward4(g2, s2, s2, act, a, k, floor, nmin), 32);
    v128.store(dx + o, act_backward4(g3, s3, s3, act, a, k, floor, nmin), 48);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const s = v128.load(readsX ? x + o : y + o);
    v128.store(dx + o, act_backward4(v128.load(dy + o), s, s, act, a, k, floor, nmin));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const s = load_part(readsX ? x + o : y + o, n - i);
    store_part(dx + o, act_backward4(load_part(dy + o, n - i), s, s, act, a, k, floor, nmin), n - i);
  }
}

// One function per activation, for the reason given above activation_forward.
function relu_backward(dx: usize, dy: usize, x: usize, y: usize, n: i32, alpha: f32): void { backward_loop(dx, dy, x, y, n, ACT_RELU, alpha); }
function leaky_relu_backward(dx: usize, dy: usize, x: usize, y: usize, n: i32, alpha: f32): void { backward_loop(dx, dy, x, y, n, ACT_LEAKY_RELU, alpha); }
function sigmoid_backward(dx: usize, dy: usize, x: usize, y: usize, n: i32, alpha: f32): void { backward_loop(dx, dy, x, y, n, ACT_SIGMOID, alpha); }
function tanh_backward(dx: usize, dy: usize, x: usize, y: usize, n: i32, alpha: f32): void { backward_loop(dx, dy, x, y, n, ACT_TANH, alpha); }
function elu_backward(dx: usize, dy: usize, x: usize, y: usize, n: i32, alpha: f32): void { backward_loop(dx, dy, x, y, n, ACT_ELU, alpha); }
function gelu_backward(dx: usize, dy: usize, x: usize, y: usize, n: i32, alpha: f32): void { backward_loop(dx, dy, x, y, n, ACT_GELU, alpha); }
function silu_backward(dx: usize, dy: usize, x: usize, y: usize, n: i32, alpha: f32): void { backward_loop(dx, dy, x, y, n, ACT_SILU, alpha); }

/**
 * dx[i] = dy[i]·act'(x[i]), i < n; overwrites dx, which may alias dy. Reads y only (relu, leakyRelu,
 * sigmoid, tanh, elu), x only (gelu, silu) or neither (linear). An unknown code traps.
 */
export function activation_backward(dx: usize, dy: usize, x: usize, y: usize, n: i32, act: i32, alpha: f32): void {
  switch (act) {
    case ACT_LINEAR: {
      if (n > 0 && dx != dy) memory.copy(dx, dy, <usize>n << 2);
      return;
    }
    case ACT_RELU: { relu_backward(dx, dy, x, y, n, alpha); return; }
    case ACT_LEAKY_RELU: { leaky_relu_backward(dx, dy, x, y, n, alpha); return; }
    case ACT_SIGMOID: { sigmoid_backward(dx, dy, x, y, n, alpha); return; }
    case ACT_TANH: { tanh_backward(dx, dy, x, y, n, alpha); return; }
    case ACT_ELU: { elu_backward(dx, dy, x, y, n, alpha); return; }
    case ACT_GELU: { gelu_backward(dx, dy, x, y, n, alpha); return; }
    case ACT_SILU: { silu_backward(dx, dy, x, y, n, alpha); return; }
  }
  unreachable();
}

// ---- softmax ---------------------------------------------------------------------------------

/** Elements summed in float32 lanes before the partial goes into a float64 total (multiple of 4). */
const SUM_BLOCK: i32 = 256;

/** Sum of the four lanes in float64. */
// @ts-ignore: decorator
@inline export function hsum_f64(v: v128): f64 {
  return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) + (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
}

/**
 * max of row[0..N) for N ≥ 1. NaN elements are skipped (pmax keeps its first operand); a row holding
 * NaN still comes out NaN, because its exponential is NaN and poisons the sum.
 */
export function row_max(row: usize, N: i32): f32 {
  let m = splat(-Infinity);
  let j = 0;
  for (; j + 4 <= N; j += 4) m = f32x4.pmax(m, v128.load(row + (<usize>j << 2)));
  m = f32x4.pmax(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
  m = f32x4.pmax(m, v128.shuffle<f32>(m, m, 1, 0, 3, 2));
  let s = f32x4.extract_lane(m, 0);
  for (; j < N; j++) {
    const v = load<f32>(row + (<usize>j << 2));
    if (v > s) s = v;
  }
  return s;
}

/**
 * out[j] = e^(row[j] − m) for j < N and returns Σ out[j] (float32 lanes, float64 across blocks).
 * out may alias row. Shared by softmax_forward and the fused softmax losses, so their p agree bit
 * for bit.
 */
export function row_exp_sum(out: usize, row: usize, N: i32, m: f32): f64 {
  const vm = splat(m);
  let total: f64 = 0;
  let j = 0;
  const N4 = N & ~3;
  while (j < N4) {
    const end = min(j + SUM_BLOCK, N4);
    let acc = splat(0.0);
    for (; j < end; j += 4) {
      const o = <usize>j << 2;
      const e = exp4(f32x4.sub(v128.load(row + o), vm));
      v128.store(out + o, e);
      acc = f32x4.add(acc, e);
    }
    total += hsum_f64(acc);
  }
  if (j < N) {
    const o = <usize>j << 2;
    const rem = N - j;
    const e = exp4(f32x4.sub(load_part(row + o, rem), vm));
    store_part(out + o, e, rem);
    total += <f64>f32x4.extract_lane(e, 0);
    if (rem > 1) total += <f64>f32x4.extract_lane(e, 1);
    if (rem > 2) total += <f64>f32x4.extract_lane(e, 2);
  }
  return total;
}

/** row[j] *= s for j < N, 0 where the product would be subnormal (row ≥ 0 or any sign). */
export function row_scale(row: usize, N: i32, s: f32): void {
  const vs = splat(s);
  const t = ftz_bits_for(s);
  const vt = i32x4.splat(t);
  const abs = vconst(V_ABS);
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    const o = <usize>j << 2;
    v128.store(row + o, f32x4.mul(flush4(v128.load(row + o), abs, vt), vs));
  }
  for (; j < N; j++) {
    const o = <usize>j << 2;
    store<f32>(row + o, flush1(load<f32>(row + o), t) * s);
  }
}

/** Row-wise stable softmax: y[i,:] = e^(x[i,:] − max) / Σ e^(x[i,:] − max), x and y [M,N]; y may alias x. */
export function softmax_forward(y: usize, x: usize, M: i32, N: i32): void {
  if (N <= 0) return;
  const stride = <usize>N << 2;
  for (let i = 0; i < M; i++) {
    const xr = x + <usize>i * stride;
    const yr = y + <usize>i * stride;
    const s = row_exp_sum(yr, xr, N, row_max(xr, N));
    row_scale(yr, N, <f32>(1.0 / s));
  }
}

/**
 * dx[i,:] = y[i,:] ⊙ (dy[i,:] − Σ_j dy[i,j]·y[i,j]), all [M,N]; overwrites dx, which may alias dy
 * (each row's dot product is complete before its dx is written).
 */
export function softmax_backward(dx: usize, dy: usize, y: usize, M: i32, N: i32): void {
  const stride = <usize>N << 2;
  const k = vconst(V_ABS);
  const floor = vconst(V_PRODUCT_FLOOR);
  const nmin = vconst(V_NORMAL_MIN);
  const N4 = N & ~3;
  for (let i = 0; i < M; i++) {
    const base = <usize>i * stride;
    let total: f64 = 0;
    let j = 0;
    while (j < N4) {
      const end = min(j + SUM_BLOCK, N4);
      let acc = splat(0.0);
      for (; j < end; j += 4) {
        const o = base + (<usize>j << 2);
        const yv = v128.load(y + o);
        acc = madd(ftz_operand4(v128.load(dy + o), yv, k, floor, nmin), yv, acc);
      }
      total += hsum_f64(acc);
    }
    for (; j < N; j++) {
      const o = base + (<usize>j << 2);
      total += <f64>mul_ftz1(load<f32>(dy + o), load<f32>(y + o));
    }
    const dot = narrow_ftz(total);
    const vd = splat(dot);
    j = 0;
    for (; j < N4; j += 4) {
      const o = base + (<usize>j << 2);
      v128.store(dx + o, mul_ftz4(f32x4.sub(v128.load(dy + o), vd), v128.load(y + o), k, floor, nmin));
    }
    for (; j < N; j++) {
      const o = base + (<usize>j << 2);
      store<f32>(dx + o, mul_ftz1(load<f32>(dy + o) - dot, load<f32>(y + o)));
    }
  }
}
