// The counter-based integer hash behind dropout masks: element i of a call gets bits that depend only
// on (seed, offset + i), so a mask is reproducible, needs no state, and is the same in every backend.
// Written bit-identically in src/backend/js/random.ts (Math.imul, >>> 0): change both or neither.
// Not a cryptographic generator; no kernel is exported from here (assembly/index.ts lists the ABI).

// Multipliers of the "lowbias32" finalizer (C. Wellons, hash-prospector): two odd multiplies with
// xor-shifts between them, so every output bit depends on every input bit.
const MIX_M1: u32 = 0x7feb352d;
const MIX_M2: u32 = 0x846ca68b;
// Golden-ratio constant xor-ed into the seed so that seed 0 does not map to key mix32(0) = 0.
const SEED_SALT: u32 = 0x9e3779b9;
// 2^-24: scales a 24-bit integer into [0, 1) exactly (24 bits fit the float32 significand).
const INV_2_24: f32 = 5.9604644775390625e-8;

/** Bijective 32-bit mixer: x ^= x>>16; x *= M1; x ^= x>>15; x *= M2; x ^= x>>16 (all mod 2^32). */
// @ts-ignore: decorator
@inline export function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= MIX_M1;
  x ^= x >>> 15;
  x *= MIX_M2;
  x ^= x >>> 16;
  return x;
}

/** The per-call key of a seed; computed once per kernel call, outside the loop. */
// @ts-ignore: decorator
@inline export function seed_key(seed: u32): u32 {
  return mix32(seed ^ SEED_SALT);
}

/**
 * hash = mix32(mix32(counter ^ key) + key). Two keyed rounds: with one round, the streams of two
 * seeds would be the same values in a permuted order (counter ^ key1 ↔ counter ^ key2).
 */
// @ts-ignore: decorator
@inline export function hash_at(key: u32, counter: u32): u32 {
  return mix32(mix32(counter ^ key) + key);
}

/** u in [0, 1) from the top 24 bits of a hash; exact in float32. */
// @ts-ignore: decorator
@inline export function uniform01(h: u32): f32 {
  return <f32>(h >>> 8) * INV_2_24;
}

/** mix32 on four lanes (i32x4.mul is the same multiply mod 2^32 as u32 *). */
// @ts-ignore: decorator
@inline export function mix32_x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(MIX_M1));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(MIX_M2));
  x = v128.xor(x, i32x4.shr_u(x, 16));
  return x;
}

/** hash_at on four lanes; `key` is seed_key splatted. */
// @ts-ignore: decorator
@inline export function hash_at_x4(key: v128, counter: v128): v128 {
  return mix32_x4(i32x4.add(mix32_x4(v128.xor(counter, key)), key));
}

/** uniform01 on four lanes: the shifted value is < 2^24, so the signed conversion is exact. */
// @ts-ignore: decorator
@inline export function uniform01_x4(h: v128): v128 {
  return f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(h, 8)), f32x4.splat(INV_2_24));
}
