// Flush-to-zero in the TypeScript twin: the rules of assembly/flush.ts, bit for bit on a float32 heap
// (src/backend/abi.ts, "Subnormal floats", says what each kernel flushes and why). The float64 twin is
// the exact-arithmetic reference for gradient checks and flushes nothing: kernels call these only when
// their heap is a Float32Array.

/** 2^-126, the smallest normal float32: results below it are returned as ±0. */
export const NORMAL_MIN = 2 ** -126;
/** Optimizer slots, weights after an update and gradients used linearly: |x| below 2^-86 is 0. */
export const SLOT_FTZ = 2 ** -86;
/** A gradient is squared only when |g| ≥ 2^-43 = √SLOT_FTZ, so g² is 0 or ≥ SLOT_FTZ. */
export const SQUARE_FTZ = 2 ** -43;

const f32 = new Float32Array(2);
const u32 = new Uint32Array(f32.buffer);
/** bits(|a|) + bits(|b|) below this: the float32 product a·b may be below 2^-126 (bits(2^-126) + bits(1)). */
const PRODUCT_FLOOR = 0x40000000;

/** x, or +0 where |x| < t (NaN and ±Infinity kept): the kernels' andnot(x, |x| < t). */
export function ftz(x: number, t: number): number {
  return Math.abs(x) < t ? 0 : x;
}

/** x, or ±0 (x's sign) where |x| < t: the activations' sign-keeping input flush. */
export function ftzSigned(x: number, t: number): number {
  return Math.abs(x) < t ? x * 0 : x;
}

/**
 * a, or +0 where the float32 product a·b could fall below 2^-126 or a itself is subnormal
 * (bits|a| + bits|b| < 0x40000000 or |a| < 2^-126, as assembly/flush.ts ftz_operand4; a product with
 * a fixed factor, ftz_bits_for, makes the same decisions): a·b computed after it is 0 or normal.
 */
export function ftzOperand(a: number, b: number): number {
  f32[0] = a;
  f32[1] = b;
  const ba = u32[0] & 0x7fffffff;
  return ba < 0x00800000 || ba + (u32[1] & 0x7fffffff) < PRODUCT_FLOOR ? 0 : a;
}

/** a·b in float32 with ftzOperand first: 0 or a normal product (NaN and Infinity as IEEE). */
export function mulFtz(a: number, b: number): number {
  return Math.fround(ftzOperand(a, b) * b);
}

/** A result of the float32 twin's double-precision arithmetic, ±0 when its magnitude is below 2^-126. */
export function ftzResult(v: number): number {
  return Math.abs(v) < NORMAL_MIN ? v * 0 : v;
}
