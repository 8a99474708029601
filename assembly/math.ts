// Float32 SIMD approximations of exp, expm1, log, log1p, sigmoid and tanh, four lanes at a time, shared
// by activations.ts and losses.ts (WebAssembly has no transcendental instructions). Not here: kernels.
// Each is written once for v128; kernels run their tails (< 4 elements) through the same function on
// a partly filled vector (load_part/store_part), so a tail element gets the vector loop's value.
// Accuracy against correctly rounded float32, as measured in test/kernels/{activations,losses}.test.ts:
// sigmoid ≤ 3 ULP, tanh ≤ 2, elu (expm1) ≤ 1, silu ≤ 3 over [-30, 30]; −log p ≤ 2 for p in [1e-7, 1];
// log(1 + e^z) ≤ 3 for z in [-30, 0].
// No subnormal in or out (src/backend/abi.ts, "Subnormal floats"): exp4 returns 0 where e^x < 2^-126
// and its scaling never forms a subnormal; arguments too small to change a result are kept from a
// polynomial's products (exp: raised to 2^-60 in magnitude, expm1: flushed below 2^-60, log1p's cube:
// flushed below 2^-40), which leaves every result bit-identical; tanh reads a subnormal x as ±0.

import { madd } from './simd';
import { flush_abs4, flush4, vconst, V_ABS, V_NORMAL_MIN, V_POLY_SMALL, V_CUBE_SMALL } from './flush';

const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in two: LN2_HI has 15 significant bits, so k·LN2_HI is exact for the |k| ≤ 150 we use.
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.42860682030941723e-6;
// 1.5·2^23: adding it to |t| < 2^22 rounds t to the nearest integer (ties to even), which then sits
// in the low mantissa bits; subtracting the bit patterns yields that integer as an i32.
const SHIFTER: f32 = 12582912.0;
const SHIFTER_BITS: i32 = 0x4b400000;
const SQRT_HALF_BITS: i32 = 0x3f3504f3; // √½: log splits x = 2^e·m with m in [√½, √2)
// The smallest float32 x with e^x ≥ 2^-126 (−126·ln 2 rounded up): below it exp4 returns 0.
const EXP_MIN_ARG: f32 = -87.33654022216797;
const EXP_TINY: f32 = 8.673617379884035e-19; // 2^-60

// @ts-ignore: decorator
@inline export function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** Lane 0 of v (with a splat in: a scalar through a vector function). */
// @ts-ignore: decorator
@inline export function lane0(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

/**
 * Lanes 0..rem−1 loaded from p (rem in 1..3), the other lanes copies of lane 0: a tail of fewer than
 * four elements goes through a vector function once, reading nothing past p + rem.
 */
// @ts-ignore: decorator
@inline export function load_part(p: usize, rem: i32): v128 {
  let v = f32x4.splat(load<f32>(p));
  if (rem > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (rem > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores lanes 0..rem−1 of v at p (rem in 1..3). */
// @ts-ignore: decorator
@inline export function store_part(p: usize, v: v128, rem: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (rem > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (rem > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/**
 * expm1(r) for |r| ≤ ln2/2 (a little beyond is fine): the Taylor polynomial of degree 7, whose
 * truncation error r^8/8! is below 2^-26 relative to expm1(r). Written as r + r²·q(r) so that small r keep
 * full relative accuracy. With `guard`, q and r² are formed from r flushed below 2^-60 (then r + r²·q
 * rounds to r anyway), so a tiny r never makes a subnormal r² or r²·q; exp4 keeps its r away from 0 instead.
 */
// @ts-ignore: decorator
@inline function expm1_reduced(r: v128, guard: bool): v128 {
  const rs = guard ? flush4(r, vconst(V_ABS), vconst(V_POLY_SMALL)) : r;
  let q = madd(rs, splat(1.0 / 5040.0), splat(1.0 / 720.0));
  q = madd(q, rs, splat(1.0 / 120.0));
  q = madd(q, rs, splat(1.0 / 24.0));
  q = madd(q, rs, splat(1.0 / 6.0));
  q = madd(q, rs, splat(0.5));
  return madd(f32x4.mul(rs, rs), q, r);
}

/**
 * e^x for x ≤ 0 (every caller's case: −|v|, or z − max z), four lanes. x = k·ln2 + r with
 * k = round(x/ln2); e^x = 2^k·(1 + expm1(r)); the scale 2^k is applied in two halves, 2^(k>>1) then
 * 2^(k − (k>>1)), so that both stay normal down to k = −126. Below EXP_MIN_ARG, where e^x < 2^-126,
 * the result is 0: x is clamped to it (e^x then ≥ 2^-126, since r ≥ 0 there) and those lanes are
 * masked. x above −2^-60 is taken as −2^-60 (e^x rounds to 1 either way), so r is never tiny but
 * nonzero and no product in the polynomial is subnormal. NaN propagates (pmin/pmax keep it, the mask
 * is false for it).
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  const under = f32x4.lt(x, splat(EXP_MIN_ARG));
  x = f32x4.pmax(f32x4.pmin(x, splat(-EXP_TINY)), splat(EXP_MIN_ARG));
  const t = madd(x, splat(LOG2E), splat(SHIFTER));
  const kf = f32x4.sub(t, splat(SHIFTER));
  const k = i32x4.sub(t, i32x4.splat(SHIFTER_BITS));
  let r = madd(kf, splat(-LN2_HI), x); // exact: kf·LN2_HI is exact and close to x
  r = madd(kf, splat(-LN2_LO), r);
  const e = f32x4.add(expm1_reduced(r, false), splat(1.0));
  const k1 = i32x4.shr_s(k, 1);
  const s1 = i32x4.shl(i32x4.add(k1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(k, k1), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(f32x4.mul(e, s1), s2), under);
}

/**
 * e^x − 1, four lanes, accurate relative to the result also for small |x| (where exp(x) − 1 would
 * cancel): 2^k·expm1(r) + (2^k − 1). x is clamped to [−20, 88] (expm1(−20) rounds to −1 in float32),
 * so 2^k is always a normal number; NaN propagates. A subnormal x is the caller's to flush.
 */
// @ts-ignore: decorator
@inline export function expm1_4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, splat(88.0)), splat(-20.0));
  const t = madd(x, splat(LOG2E), splat(SHIFTER));
  const kf = f32x4.sub(t, splat(SHIFTER));
  const k = i32x4.sub(t, i32x4.splat(SHIFTER_BITS));
  let r = madd(kf, splat(-LN2_HI), x);
  r = madd(kf, splat(-LN2_LO), r);
  const p = expm1_reduced(r, true); // k = 0 for tiny x: r = x, guarded
  const s = i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
  return madd(p, s, f32x4.sub(s, splat(1.0)));
}

/**
 * 2·atanh(s) = log((1 + s)/(1 − s)) for |s| ≤ 1/3, given s2 = 2s: s2·(1 + z/3 + z²/5 + … + z⁶/13),
 * z = s² = s2²/4 (exactly: scaling by 4 is exact). The first omitted term, z⁷/15, is below 2^-26
 * relative at |s| = 1/3. With `guard`, z is formed from s2 flushed below 2^-40, so the cube s2·z·q is 0
 * or normal (≥ 2^-124); below 2^-40 the correction is under 2^-80 relative, so the result is s2 either way.
 */
// @ts-ignore: decorator
@inline function two_atanh(s2: v128, guard: bool): v128 {
  const ss = guard ? flush4(s2, vconst(V_ABS), vconst(V_CUBE_SMALL)) : s2;
  const z = f32x4.mul(f32x4.mul(ss, ss), splat(0.25));
  let q = madd(z, splat(1.0 / 13.0), splat(1.0 / 11.0));
  q = madd(q, z, splat(1.0 / 9.0));
  q = madd(q, z, splat(1.0 / 7.0));
  q = madd(q, z, splat(1.0 / 5.0));
  q = madd(q, z, splat(1.0 / 3.0));
  return madd(f32x4.mul(s2, z), q, s2);
}

/**
 * Natural log, four lanes, for positive normal x (within ~2 ULP); +Infinity and NaN pass through,
 * 0 gives −Infinity, negatives NaN. Subnormal x are not supported (callers clip to ≥ 1e-7 or pass
 * sums ≥ 1). x = 2^e·m with m in [√½, √2); log m = 2·atanh((m − 1)/(m + 1)).
 */
// @ts-ignore: decorator
@inline export function log4(x: v128): v128 {
  const e = i32x4.shr_s(i32x4.sub(x, i32x4.splat(SQRT_HALF_BITS)), 23);
  const m = i32x4.sub(x, i32x4.shl(e, 23));
  const f = f32x4.sub(m, splat(1.0));
  const lm = two_atanh(f32x4.div(f32x4.add(f, f), f32x4.add(f, splat(2.0))), false); // |f| ≥ 2^-23 or 0
  const ef = f32x4.convert_i32x4_s(e);
  let r = madd(ef, splat(LN2_HI), madd(ef, splat(LN2_LO), lm));
  r = v128.bitselect(x, r, v128.not(f32x4.lt(x, splat(Infinity)))); // NaN, +Infinity
  r = v128.bitselect(splat(-Infinity), r, f32x4.eq(x, splat(0.0)));
  return v128.bitselect(splat(NaN), r, f32x4.lt(x, splat(0.0)));
}

/**
 * log(1 + u) for u in [0, 1] (the bce-with-logits term, u = e^−|z|, 0 or ≥ 2^-126): 2·atanh(s) with
 * 2s = 2u/(2 + u), formed as one quotient, so it is ≥ 2^-125 where s alone would be subnormal. NaN
 * propagates.
 */
// @ts-ignore: decorator
@inline export function log1p_unit4(u: v128): v128 {
  return two_atanh(f32x4.div(f32x4.add(u, u), f32x4.add(u, splat(2.0))), true);
}

/**
 * σ(x) = 1/(1 + e^−x), four lanes. With e = e^−|x| ≤ 1 nothing overflows: σ = 1/(1 + e) for x ≥ 0 and
 * e/(1 + e) for x < 0 (no cancellation on either side). σ(±Infinity) = 1 / 0; NaN propagates.
 */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(splat(1.0), f32x4.add(e, splat(1.0)));
  return v128.bitselect(r, f32x4.mul(r, e), f32x4.ge(x, splat(0.0)));
}

/**
 * x·σ(v), four lanes, without forming σ: x/(1 + e) for v ≥ 0, x·e/(1 + e) for v < 0, e = e^−|v|.
 * silu is v = x; gelu (tanh form) is v = 2u, since 0.5·(1 + tanh u) = σ(2u). x = −Infinity is taken
 * as −FLT_MAX, so the limit −Infinity·σ(−Infinity) comes out −0 rather than −Infinity·0 = NaN.
 */
// @ts-ignore: decorator
@inline export function mul_sigmoid4(x: v128, v: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(v)));
  const q = f32x4.div(f32x4.pmax(x, splat(-F32.MAX_VALUE)), f32x4.add(e, splat(1.0)));
  return v128.bitselect(q, f32x4.mul(q, e), f32x4.ge(v, splat(0.0)));
}

/**
 * tanh x, four lanes: t = expm1(2|x|), tanh|x| = t/(t + 2), then x's sign. |x| is clamped to 9.1,
 * where tanh already rounds to 1 in float32, so the ratio never sees Infinity. A subnormal x gives ±0
 * (tanh x = x would be subnormal); tanh(−0) = −0; NaN propagates.
 */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const a = v128.and(x, vconst(V_ABS));
  const ax = f32x4.pmin(flush_abs4(a, a, vconst(V_NORMAL_MIN)), splat(9.1));
  const t = expm1_4(f32x4.add(ax, ax));
  const y = f32x4.div(t, f32x4.add(t, splat(2.0)));
  return v128.or(y, v128.and(x, splat(-0.0)));
}
