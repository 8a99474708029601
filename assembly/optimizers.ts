// Optimizer updates and gradient clipping: each is ONE pass over a flat block of n parameters w, their
// gradients g and the optimizer's slots (all the same layout), with Keras 3's formulas
// (keras/src/optimizers/{sgd,adagrad,rmsprop,adam,adamax}.py). Twin: src/backend/js/optimizers.ts.
// Every step is a separate IEEE float32 operation (sqrt and div are correctly rounded, nothing is
// fused, also in the relaxed build), so both builds agree bit for bit with the float32 twin.
// Hyper-parameter schedules, step counting and slot initial values belong to the caller (src/).
// None of the buffers may alias each other.
//
// Flush to zero (src/backend/abi.ts, "Subnormal floats"). Slots and weights are written as 0 when
// their magnitude is below SLOT_FTZ = 2^-86, and a new slot value is flushed before it is used; slots
// are flushed as they are read too (values not written here: an old checkpoint, setWeights), so every
// slot value the arithmetic sees is 0 or ≥ 2^-86. A gradient counts as 0 below 2^-86 where it is
// used linearly and below SQUARE_FTZ = 2^-43 = √SLOT_FTZ where it is squared (g² ≥ 2^-86). Why 2^-86:
// every product here is a value ≥ 2^-86 times a coefficient c (lr, alpha, 1 − β, ρ, 1 − ρ, momentum):
// ≥ 2^-126 for c ≥ 2^-40. Keras's Adam also multiplies differences, (g − m)(1 − β1) and (g² − v)(1 − β2);
// a nonzero difference of floats is at least 2^-25 of the larger one, so ≥ 2^-111, and times
// 1 − β ≥ 2^-15 (β ≤ 0.99997) still ≥ 2^-126. Quotients lr·g/√(·), m·alpha/(√v + eps) are ≥ 2^-126
// while c/denominator ≥ 2^-40; sums and differences with an operand ≥ 2^-86 are 0 or ≥ 2^-111. So no
// instruction reads or writes a subnormal (all flushes are integer masks, flush.ts). Values this small
// move no weight: m < 2^-86 is a step below alpha·2^-86/eps; √v < 2^-43 is 1e-6 of eps = 1e-7.

import { flush4, flush_abs4, flush1, vconst, V_ABS, V_SLOT_FTZ, V_SQUARE_FTZ, SLOT_FTZ_BITS, SQUARE_FTZ_BITS } from './flush';

/** w[i] −= lr·g[i]  (Keras SGD, momentum = 0); g below 2^-86 is 0, a new |w| below 2^-86 is 0. */
export function sgd_update(w: usize, g: usize, n: i32, lr: f32): void {
  const vlr = f32x4.splat(lr);
  const abs = vconst(V_ABS);
  const vt = vconst(V_SLOT_FTZ);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    const pw = w + o;
    const pg = g + o;
    const w0 = f32x4.sub(v128.load(pw), f32x4.mul(vlr, flush4(v128.load(pg), abs, vt)));
    const w1 = f32x4.sub(v128.load(pw, 16), f32x4.mul(vlr, flush4(v128.load(pg, 16), abs, vt)));
    const w2 = f32x4.sub(v128.load(pw, 32), f32x4.mul(vlr, flush4(v128.load(pg, 32), abs, vt)));
    const w3 = f32x4.sub(v128.load(pw, 48), f32x4.mul(vlr, flush4(v128.load(pg, 48), abs, vt)));
    v128.store(pw, flush4(w0, abs, vt));
    v128.store(pw, flush4(w1, abs, vt), 16);
    v128.store(pw, flush4(w2, abs, vt), 32);
    v128.store(pw, flush4(w3, abs, vt), 48);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(w + o, flush4(f32x4.sub(v128.load(w + o), f32x4.mul(vlr, flush4(v128.load(g + o), abs, vt))), abs, vt));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(w + o, flush1(load<f32>(w + o) - lr * flush1(load<f32>(g + o), SLOT_FTZ_BITS), SLOT_FTZ_BITS));
  }
}

/**
 * Keras SGD with momentum, slot v (zeros at the start): v = momentum·v − lr·g; then
 * w += v, or with nesterov ≠ 0: w += momentum·v − lr·g (using the new v).
 */
export function momentum_update(w: usize, v: usize, g: usize, n: i32, lr: f32, momentum: f32, nesterov: i32): void {
  const vlr = f32x4.splat(lr);
  const vmu = f32x4.splat(momentum);
  const abs = vconst(V_ABS);
  const vt = vconst(V_SLOT_FTZ);
  // one loop per form, so the choice is not a branch per vector
  let i = nesterov ? momentum_loop(w, v, g, n, vlr, vmu, true, abs, vt) : momentum_loop(w, v, g, n, vlr, vmu, false, abs, vt);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const lg = lr * flush1(load<f32>(g + o), SLOT_FTZ_BITS);
    const vn = flush1(momentum * flush1(load<f32>(v + o), SLOT_FTZ_BITS) - lg, SLOT_FTZ_BITS);
    store<f32>(v + o, vn);
    const step = nesterov ? momentum * vn - lg : vn;
    store<f32>(w + o, flush1(load<f32>(w + o) + step, SLOT_FTZ_BITS));
  }
}

/** momentum_update's vector part over whole vectors; returns the index of the first tail element. */
// @ts-ignore: decorator
@inline function momentum_loop(w: usize, v: usize, g: usize, n: i32, vlr: v128, vmu: v128, nesterov: bool, abs: v128, vt: v128): i32 {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    momentum4(w + o, v + o, g + o, vlr, vmu, nesterov, abs, vt);
    momentum4(w + o + 16, v + o + 16, g + o + 16, vlr, vmu, nesterov, abs, vt);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    momentum4(w + o, v + o, g + o, vlr, vmu, nesterov, abs, vt);
  }
  return i;
}

// Four lanes of an update at w, slots, g: each loop runs two of these per step (fewer loop and
// broadcast instructions per element); the same holds for adagrad4, rmsprop4 and adam4.
// @ts-ignore: decorator
@inline function momentum4(w: usize, v: usize, g: usize, vlr: v128, vmu: v128, nesterov: bool, abs: v128, vt: v128): void {
  const lg = f32x4.mul(vlr, flush4(v128.load(g), abs, vt));
  const vn = flush4(f32x4.sub(f32x4.mul(vmu, flush4(v128.load(v), abs, vt)), lg), abs, vt);
  v128.store(v, vn);
  const step = nesterov ? f32x4.sub(f32x4.mul(vmu, vn), lg) : vn;
  v128.store(w, flush4(f32x4.add(v128.load(w), step), abs, vt));
}

/**
 * Keras Adagrad, slot acc: acc += g²; w −= lr·g / sqrt(acc + eps). Keras starts acc at
 * initial_accumulator_value (default 0.1), not 0: the caller fills the slot before the first step.
 */
export function adagrad_update(w: usize, acc: usize, g: usize, n: i32, lr: f32, eps: f32): void {
  const vlr = f32x4.splat(lr);
  const veps = f32x4.splat(eps);
  const abs = vconst(V_ABS);
  const vt = vconst(V_SLOT_FTZ);
  const vsq = vconst(V_SQUARE_FTZ);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    adagrad4(w + o, acc + o, g + o, vlr, veps, abs, vt, vsq);
    adagrad4(w + o + 16, acc + o + 16, g + o + 16, vlr, veps, abs, vt, vsq);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    adagrad4(w + o, acc + o, g + o, vlr, veps, abs, vt, vsq);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gv = load<f32>(g + o);
    const gs = flush1(gv, SQUARE_FTZ_BITS);
    const a = flush1(flush1(load<f32>(acc + o), SLOT_FTZ_BITS) + gs * gs, SLOT_FTZ_BITS);
    store<f32>(acc + o, a);
    store<f32>(w + o, flush1(load<f32>(w + o) - (lr * flush1(gv, SLOT_FTZ_BITS)) / sqrt<f32>(a + eps), SLOT_FTZ_BITS));
  }
}

// @ts-ignore: decorator
@inline function adagrad4(w: usize, acc: usize, g: usize, vlr: v128, veps: v128, abs: v128, vt: v128, vsq: v128): void {
  const gv = v128.load(g);
  const ag = v128.and(gv, abs);
  const gs = flush_abs4(gv, ag, vsq);
  const a = flush4(f32x4.add(flush4(v128.load(acc), abs, vt), f32x4.mul(gs, gs)), abs, vt);
  v128.store(acc, a);
  const inc = f32x4.div(f32x4.mul(vlr, flush_abs4(gv, ag, vt)), f32x4.sqrt(f32x4.add(a, veps)));
  v128.store(w, flush4(f32x4.sub(v128.load(w), inc), abs, vt));
}

/**
 * Keras RMSprop, not centered; slots ms (zeros) and mom (zeros, used only when momentum > 0):
 * ms = rho·ms + (1 − rho)·g²; inc = lr·g / sqrt(ms + eps);
 * momentum > 0: mom = momentum·mom + inc, w −= mom.  Otherwise w −= inc and mom is not read or
 * written (it may then be any pointer, ms included).
 * rho is float64 at the boundary, as Keras keeps it: rho·ms uses float32(rho), and 1 − rho is formed
 * in float64 and rounded once (from a float32 rho = 0.999 it would be 1.3e-5 off relative).
 */
export function rmsprop_update(w: usize, ms: usize, mom: usize, g: usize, n: i32, lr: f32, rho: f64, momentum: f32, eps: f32): void {
  const rho32 = <f32>rho;
  const omr = <f32>(1 - rho);
  const useMomentum = momentum > 0;
  const vlr = f32x4.splat(lr);
  const vrho = f32x4.splat(rho32);
  const vomr = f32x4.splat(omr);
  const vmu = f32x4.splat(momentum);
  const veps = f32x4.splat(eps);
  const abs = vconst(V_ABS);
  const vt = vconst(V_SLOT_FTZ);
  const vsq = vconst(V_SQUARE_FTZ);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    rmsprop4(w + o, ms + o, mom + o, g + o, vlr, vrho, vomr, vmu, veps, useMomentum, abs, vt, vsq);
    rmsprop4(w + o + 16, ms + o + 16, mom + o + 16, g + o + 16, vlr, vrho, vomr, vmu, veps, useMomentum, abs, vt, vsq);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    rmsprop4(w + o, ms + o, mom + o, g + o, vlr, vrho, vomr, vmu, veps, useMomentum, abs, vt, vsq);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gv = load<f32>(g + o);
    const gs = flush1(gv, SQUARE_FTZ_BITS);
    const s = flush1(rho32 * flush1(load<f32>(ms + o), SLOT_FTZ_BITS) + omr * (gs * gs), SLOT_FTZ_BITS);
    store<f32>(ms + o, s);
    let inc = (lr * flush1(gv, SLOT_FTZ_BITS)) / sqrt<f32>(s + eps);
    if (useMomentum) {
      inc = flush1(momentum * flush1(load<f32>(mom + o), SLOT_FTZ_BITS) + inc, SLOT_FTZ_BITS);
      store<f32>(mom + o, inc);
    }
    store<f32>(w + o, flush1(load<f32>(w + o) - inc, SLOT_FTZ_BITS));
  }
}

// @ts-ignore: decorator
@inline function rmsprop4(w: usize, ms: usize, mom: usize, g: usize, vlr: v128, vrho: v128, vomr: v128, vmu: v128, veps: v128, useMomentum: bool, abs: v128, vt: v128, vsq: v128): void {
  const gv = v128.load(g);
  const ag = v128.and(gv, abs);
  const gs = flush_abs4(gv, ag, vsq);
  const s = flush4(f32x4.add(f32x4.mul(vrho, flush4(v128.load(ms), abs, vt)), f32x4.mul(vomr, f32x4.mul(gs, gs))), abs, vt);
  v128.store(ms, s);
  let inc = f32x4.div(f32x4.mul(vlr, flush_abs4(gv, ag, vt)), f32x4.sqrt(f32x4.add(s, veps)));
  if (useMomentum) {
    inc = flush4(f32x4.add(f32x4.mul(vmu, flush4(v128.load(mom), abs, vt)), inc), abs, vt);
    v128.store(mom, inc);
  }
  v128.store(w, flush4(f32x4.sub(v128.load(w), inc), abs, vt));
}

/**
 * Keras Adam (amsgrad off), slots m and v (zeros): m += (g − m)(1 − beta1); v += (g² − v)(1 − beta2);
 * w −= (m·alpha) / (sqrt(v) + eps), with alpha = lr·sqrt(1 − beta2^t)/(1 − beta1^t) for step t ≥ 1
 * computed by the caller (in float64). This is Keras's form: the bias correction is folded into
 * alpha and eps is added to the uncorrected sqrt(v). PyTorch/llm.c instead divide by
 * sqrt(v / (1 − beta2^t)) + eps, so their eps weighs differently; the two agree only as eps → 0.
 * beta1 and beta2 are float64 at the boundary: only 1 − beta is used, formed in float64 and rounded
 * once, as Keras does (float32(0.999) is 1.3e-8 off, which is 1.3e-5 relative in 1 − beta2).
 */
export function adam_update(w: usize, m: usize, v: usize, g: usize, n: i32, alpha: f32, beta1: f64, beta2: f64, eps: f32): void {
  const omb1 = <f32>(1 - beta1);
  const omb2 = <f32>(1 - beta2);
  const valpha = f32x4.splat(alpha);
  const vomb1 = f32x4.splat(omb1);
  const vomb2 = f32x4.splat(omb2);
  const veps = f32x4.splat(eps);
  const abs = vconst(V_ABS);
  const vt = vconst(V_SLOT_FTZ);
  const vsq = vconst(V_SQUARE_FTZ);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    adam4(w + o, m + o, v + o, g + o, valpha, vomb1, vomb2, veps, abs, vt, vsq);
    adam4(w + o + 16, m + o + 16, v + o + 16, g + o + 16, valpha, vomb1, vomb2, veps, abs, vt, vsq);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    adam4(w + o, m + o, v + o, g + o, valpha, vomb1, vomb2, veps, abs, vt, vsq);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gv = load<f32>(g + o);
    const gl = flush1(gv, SLOT_FTZ_BITS);
    const gs = flush1(gv, SQUARE_FTZ_BITS);
    const ms = flush1(load<f32>(m + o), SLOT_FTZ_BITS);
    const vs = flush1(load<f32>(v + o), SLOT_FTZ_BITS);
    const mn = flush1(ms + (gl - ms) * omb1, SLOT_FTZ_BITS);
    const vn = flush1(vs + (gs * gs - vs) * omb2, SLOT_FTZ_BITS);
    store<f32>(m + o, mn);
    store<f32>(v + o, vn);
    store<f32>(w + o, flush1(load<f32>(w + o) - (mn * alpha) / (sqrt<f32>(vn) + eps), SLOT_FTZ_BITS));
  }
}

// @ts-ignore: decorator
@inline function adam4(w: usize, m: usize, v: usize, g: usize, valpha: v128, vomb1: v128, vomb2: v128, veps: v128, abs: v128, vt: v128, vsq: v128): void {
  const gv = v128.load(g);
  const ag = v128.and(gv, abs);
  const gl = flush_abs4(gv, ag, vt);
  const gs = flush_abs4(gv, ag, vsq);
  const mv = flush4(v128.load(m), abs, vt);
  const vv = flush4(v128.load(v), abs, vt);
  const mn = flush4(f32x4.add(mv, f32x4.mul(f32x4.sub(gl, mv), vomb1)), abs, vt);
  const vn = flush4(f32x4.add(vv, f32x4.mul(f32x4.sub(f32x4.mul(gs, gs), vv), vomb2)), abs, vt);
  v128.store(m, mn);
  v128.store(v, vn);
  const step = f32x4.div(f32x4.mul(mn, valpha), f32x4.add(f32x4.sqrt(vn), veps));
  v128.store(w, flush4(f32x4.sub(v128.load(w), step), abs, vt));
}

/**
 * Keras Adamax, slots m and u (zeros): m += (g − m)(1 − beta1); u = max(beta2·u, |g|);
 * w −= (m·alpha) / (u + eps), with alpha = lr/(1 − beta1^t) for step t ≥ 1 computed by the caller
 * (in float64). beta1, beta2 are float64 at the boundary as in adam_update: 1 − beta1 is formed in
 * float64 and rounded once, beta2·u uses float32(beta2). The max is the select |g| < beta2·u ? beta2·u : |g|,
 * so a NaN gradient passes through. Flushing as adam_update (|g| and beta2·u are 0 or ≥ 2^-86·beta2).
 */
export function adamax_update(w: usize, m: usize, u: usize, g: usize, n: i32, alpha: f32, beta1: f64, beta2: f64, eps: f32): void {
  const omb1 = <f32>(1 - beta1);
  const b2 = <f32>beta2;
  const valpha = f32x4.splat(alpha);
  const vomb1 = f32x4.splat(omb1);
  const vb2 = f32x4.splat(b2);
  const veps = f32x4.splat(eps);
  const abs = vconst(V_ABS);
  const vt = vconst(V_SLOT_FTZ);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    adamax4(w + o, m + o, u + o, g + o, valpha, vomb1, vb2, veps, abs, vt);
    adamax4(w + o + 16, m + o + 16, u + o + 16, g + o + 16, valpha, vomb1, vb2, veps, abs, vt);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    adamax4(w + o, m + o, u + o, g + o, valpha, vomb1, vb2, veps, abs, vt);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gl = flush1(load<f32>(g + o), SLOT_FTZ_BITS);
    const ag = reinterpret<f32>(reinterpret<i32>(gl) & 0x7fffffff);
    const ms = flush1(load<f32>(m + o), SLOT_FTZ_BITS);
    const us = flush1(b2 * flush1(load<f32>(u + o), SLOT_FTZ_BITS), SLOT_FTZ_BITS);
    const mn = flush1(ms + (gl - ms) * omb1, SLOT_FTZ_BITS);
    const un = ag < us ? us : ag;
    store<f32>(m + o, mn);
    store<f32>(u + o, un);
    store<f32>(w + o, flush1(load<f32>(w + o) - (mn * alpha) / (un + eps), SLOT_FTZ_BITS));
  }
}

// @ts-ignore: decorator
@inline function adamax4(w: usize, m: usize, u: usize, g: usize, valpha: v128, vomb1: v128, vb2: v128, veps: v128, abs: v128, vt: v128): void {
  const gl = flush4(v128.load(g), abs, vt);
  const ag = v128.and(gl, abs);
  const mv = flush4(v128.load(m), abs, vt);
  const us = flush4(f32x4.mul(vb2, flush4(v128.load(u), abs, vt)), abs, vt);
  const mn = flush4(f32x4.add(mv, f32x4.mul(f32x4.sub(gl, mv), vomb1)), abs, vt);
  const un = f32x4.pmax(ag, us);
  v128.store(m, mn);
  v128.store(u, un);
  const step = f32x4.div(f32x4.mul(mn, valpha), f32x4.add(un, veps));
  v128.store(w, flush4(f32x4.sub(v128.load(w), step), abs, vt));
}

/**
 * g[i] = min(max(g[i], −c), c) for c ≥ 0 (Keras clipvalue). Written as the selects
 * x = g < −c ? −c : g; x = c < x ? c : x, which are exactly pmax(g, −c) and pmin(x, c) (pmax(a, b) =
 * a < b ? b : a; half the cost of f32x4.max/min in V8). With g first, NaN passes through.
 */
export function clip_by_value(g: usize, n: i32, c: f32): void {
  const hi = f32x4.splat(c);
  const lo = f32x4.splat(-c);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = g + (<usize>i << 2);
    const g0 = f32x4.pmin(f32x4.pmax(v128.load(p), lo), hi);
    const g1 = f32x4.pmin(f32x4.pmax(v128.load(p, 16), lo), hi);
    const g2 = f32x4.pmin(f32x4.pmax(v128.load(p, 32), lo), hi);
    const g3 = f32x4.pmin(f32x4.pmax(v128.load(p, 48), lo), hi);
    v128.store(p, g0);
    v128.store(p, g1, 16);
    v128.store(p, g2, 32);
    v128.store(p, g3, 48);
  }
  for (; i + 4 <= n; i += 4) {
    const p = g + (<usize>i << 2);
    v128.store(p, f32x4.pmin(f32x4.pmax(v128.load(p), lo), hi));
  }
  const nc = -c;
  for (; i < n; i++) {
    const p = g + (<usize>i << 2);
    let x = load<f32>(p);
    x = x < nc ? nc : x;
    x = c < x ? c : x;
    store<f32>(p, x);
  }
}
