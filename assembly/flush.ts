// Flush-to-zero without a flush-to-zero mode (WebAssembly has none): branch-free masks on the bit
// patterns, so no floating-point instruction ever reads or writes a subnormal on the paths below.
// Why and where each kernel flushes: src/backend/abi.ts, "Subnormal floats". Twin: src/backend/js/flush.ts.
// Every test is an integer compare of |x|'s bits (no float compare of a subnormal, no assist on any
// CPU); NaN and ±Infinity have the largest bit patterns and are never flushed.

const ABS: i32 = 0x7fffffff;
/** bits(2^-126) + bits(1.0): bits|a| + bits|b| below it means a·b may be below 2^-126 (see ftz_operand4). */
const PRODUCT_FLOOR: u32 = 0x40000000;

/** Bits of 2^-126, the smallest normal float32. */
export const NORMAL_MIN_BITS: i32 = 0x00800000;
/** Bits of 2^-125: the activations' input flush where the result is about x/2 (gelu, silu). */
export const HALF_NORMAL_BITS: i32 = 0x01000000;
/** Bits of 2^-60: arguments below it are flushed before a polynomial squares them. */
export const POLY_SMALL_BITS: i32 = 0x21800000;
/** Bits of 2^-40: the cube in two_atanh stays normal above it. */
export const CUBE_SMALL_BITS: i32 = 0x2b800000;
/** Bits of SLOT_FTZ = 2^-86: optimizer slots, weights and linear gradients below it are 0. */
export const SLOT_FTZ_BITS: i32 = 0x14800000;
/** Bits of SQUARE_FTZ = 2^-43 = √SLOT_FTZ: a gradient is squared only from this magnitude up. */
export const SQUARE_FTZ_BITS: i32 = 0x2a000000;

// The masks and thresholds as vectors in static memory, which a kernel loads once before its loops
// and hands to the helpers below: a v128 constant written inline is rebuilt by V8 with three
// instructions at every use inside a loop, a loaded vector stays in a register (Binaryen does not fold
// the load back into a constant).
const CONSTS: usize = memory.data<i32>([
  ABS, ABS, ABS, ABS,
  SLOT_FTZ_BITS, SLOT_FTZ_BITS, SLOT_FTZ_BITS, SLOT_FTZ_BITS,
  SQUARE_FTZ_BITS, SQUARE_FTZ_BITS, SQUARE_FTZ_BITS, SQUARE_FTZ_BITS,
  NORMAL_MIN_BITS, NORMAL_MIN_BITS, NORMAL_MIN_BITS, NORMAL_MIN_BITS,
  <i32>PRODUCT_FLOOR, <i32>PRODUCT_FLOOR, <i32>PRODUCT_FLOOR, <i32>PRODUCT_FLOOR,
  HALF_NORMAL_BITS, HALF_NORMAL_BITS, HALF_NORMAL_BITS, HALF_NORMAL_BITS,
  POLY_SMALL_BITS, POLY_SMALL_BITS, POLY_SMALL_BITS, POLY_SMALL_BITS,
  CUBE_SMALL_BITS, CUBE_SMALL_BITS, CUBE_SMALL_BITS, CUBE_SMALL_BITS,
], 16);
export const V_ABS: usize = 0;
export const V_SLOT_FTZ: usize = 16;
export const V_SQUARE_FTZ: usize = 32;
export const V_NORMAL_MIN: usize = 48;
export const V_PRODUCT_FLOOR: usize = 64;
export const V_HALF_NORMAL: usize = 80;
export const V_POLY_SMALL: usize = 96;
export const V_CUBE_SMALL: usize = 112;

/** One of the vectors above (V_ABS, V_SLOT_FTZ, …). */
// @ts-ignore: decorator
@inline export function vconst(which: usize): v128 {
  return v128.load(CONSTS + which);
}

/** x with lanes |x| < t set to +0; abs = vconst(V_ABS), t a threshold vector. */
// @ts-ignore: decorator
@inline export function flush4(x: v128, abs: v128, t: v128): v128 {
  return v128.andnot(x, i32x4.lt_s(v128.and(x, abs), t));
}

/** flush4 given ax = |x| as bits (several thresholds on one value). */
// @ts-ignore: decorator
@inline export function flush_abs4(x: v128, ax: v128, t: v128): v128 {
  return v128.andnot(x, i32x4.lt_s(ax, t));
}

/** x with lanes |x| < t set to ±0, keeping x's sign. */
// @ts-ignore: decorator
@inline export function flush_signed4(x: v128, abs: v128, t: v128): v128 {
  return v128.andnot(x, v128.and(i32x4.lt_s(v128.and(x, abs), t), abs));
}

/**
 * a with lanes set to +0 where the float32 product a·b could be below 2^-126, so that a·b (or
 * madd(a, b, c)) computed after it is 0 or normal; a subnormal a is 0 too (as DAZ), b must be normal
 * or 0. With a = 2^ea·(1 + fa), b = 2^eb·(1 + fb), the bits sum to (ea + eb + 254 + fa + fb)·2^23,
 * at least 0x40000000 exactly when ea + eb + fa + fb ≥ −126; then a·b ≥ 2^-126 since
 * (1 + f) ≥ 2^f on [0, 1]. A flushed product is below 2^-126·max((1 + f)/2^f)² ≈ 1.13·2^-126.
 * NaN or Infinity (bits ≥ 0x7f800000) in either operand never flushes.
 * abs, floor, nmin: vconst(V_ABS), vconst(V_PRODUCT_FLOOR), vconst(V_NORMAL_MIN).
 */
// @ts-ignore: decorator
@inline export function ftz_operand4(a: v128, b: v128, abs: v128, floor: v128, nmin: v128): v128 {
  // bits|a| + bits|b| < floor as bits|a| < floor − bits|b| (no overflow, and a signed compare is one
  // x86 instruction where an unsigned one is three), or bits|a| < bits(2^-126)
  const t = i32x4.max_s(i32x4.sub(floor, v128.and(b, abs)), nmin);
  return v128.andnot(a, i32x4.lt_s(v128.and(a, abs), t));
}

/** a·b, 0 where ftz_operand4 says the product could be subnormal. */
// @ts-ignore: decorator
@inline export function mul_ftz4(a: v128, b: v128, abs: v128, floor: v128, nmin: v128): v128 {
  return f32x4.mul(ftz_operand4(a, b, abs, floor, nmin), b);
}

/**
 * The bits threshold t for a fixed normal factor c: flush4(x, abs, splat(t))·c is 0 or normal, the
 * same decisions as ftz_operand4(x, splat(c), …) with one compare per element (|x| below 2^-126 or
 * bits|x| < floor − bits|c|).
 */
// @ts-ignore: decorator
@inline export function ftz_bits_for(c: f32): i32 {
  return max<i32>(<i32>PRODUCT_FLOOR - (reinterpret<i32>(c) & ABS), NORMAL_MIN_BITS);
}

/** Scalar flush4: +0 where |x| < the float with bits t (a tail element, the same decision as a lane). */
// @ts-ignore: decorator
@inline export function flush1(x: f32, t: i32): f32 {
  const bits = reinterpret<i32>(x);
  // (|x| − t) >> 31 is all ones exactly when |x| < t (both in [0, 2^31), so no overflow)
  return reinterpret<f32>(bits & ~(((bits & ABS) - t) >> 31));
}

/** Scalar mul_ftz4 (tails). */
// @ts-ignore: decorator
@inline export function mul_ftz1(a: f32, b: f32): f32 {
  const ba = reinterpret<i32>(a) & ABS;
  const tiny = <u32>ba + <u32>(reinterpret<i32>(b) & ABS) < PRODUCT_FLOOR || ba < NORMAL_MIN_BITS;
  return (tiny ? <f32>0 : a) * b;
}

/** A float64 result narrowed to float32, ±0 when it would be subnormal (scalar: loss values). */
// @ts-ignore: decorator
@inline export function narrow_ftz(v: f64): f32 {
  const r = <f32>v;
  return abs<f32>(r) < reinterpret<f32>(NORMAL_MIN_BITS) ? r * 0 : r;
}
