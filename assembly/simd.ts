// Small SIMD helpers shared by the kernel files. One source serves both builds: where the relaxed
// build is compiled (ASC_FEATURE_RELAXED_SIMD), multiply-add is fused (one rounding); otherwise it
// is a multiply then an add (two roundings). Tests compare each build with the TypeScript twin
// under the tolerance stated in test/helpers/close.ts for that reason.

/** a·b + c, four lanes. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Sum of the four lanes, in the order ((l0 + l1) + (l2 + l3)). */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
