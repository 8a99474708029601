// The counter-based integer hash behind dropout masks, bit-identical to assembly/random.ts (change both
// or neither: test/kernels/dropout.test.ts compares the masks of both WASM builds with this one).
// 32-bit arithmetic is spelled out: Math.imul for the multiply mod 2^32, >>> for unsigned shifts and
// `>>> 0` to read the result as an unsigned integer. Exported so model code may reuse it; it is not
// a cryptographic generator.

// Multipliers of the "lowbias32" finalizer (C. Wellons, hash-prospector).
const MIX_M1 = 0x7feb352d;
const MIX_M2 = 0x846ca68b;
// Xor-ed into the seed so that seed 0 does not give key mix32(0) = 0.
const SEED_SALT = 0x9e3779b9;
const INV_2_24 = 2 ** -24;

/** Bijective 32-bit mixer: x ^= x>>16; x *= M1; x ^= x>>15; x *= M2; x ^= x>>16 (mod 2^32). Returns a uint32. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, MIX_M1);
  x ^= x >>> 15;
  x = Math.imul(x, MIX_M2);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The key of a seed (the seed is read as a 32-bit integer, as the i32 kernel argument is). */
export function seedKey(seed: number): number {
  return mix32(seed ^ SEED_SALT);
}

/** hash = mix32(mix32(counter ^ key) + key), a uint32; the counter is read mod 2^32. */
export function hashAt(key: number, counter: number): number {
  return mix32((mix32(counter ^ key) + key) | 0);
}

/** u in [0, 1) from the top 24 bits of a hash: a multiple of 2^-24, exact in float32. */
export function uniformOf(hash: number): number {
  return (hash >>> 8) * INV_2_24;
}

/** The uniform number dropout_forward draws for counter `counter` (= offset + i) under `seed`. */
export function uniform01(seed: number, counter: number): number {
  return uniformOf(hashAt(seedKey(seed), counter));
}
