// Shared test inputs: the size sweep that hits every remainder around the SIMD width (4), the
// 16-wide step and the register tiles, and seeded inputs in [-2, 2].

/** Element counts and matrix dims: 1…5, 7, 8, 15, 16, 17, 33 (remainders around 4, 8 and 16). */
export const SIZES = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 33];

/** A longer flat length for element-wise kernels (crosses many 16-wide steps plus a tail). */
export const LONG = 1031;

/** The first layer of a 784-128-10 model at batch 128: M×K×N. */
export const MODEL_SHAPE = { M: 128, K: 784, N: 128 };

/** mulberry32: a tiny seeded generator for test data (not the library's dropout hash). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n floats uniform in [lo, hi), rounded to float32. */
export function uniform(n: number, seed: number, lo = -2, hi = 2): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}
