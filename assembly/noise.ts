// Gaussian noise and Gaussian dropout, forward only (dropout's backward is mul(dx, dy, mask, n)). The
// standard normal z of element i depends only on (seed, offset + i), through the counter hash of
// random.ts; twin: src/backend/js/noise.ts. z must be the same bits in both WASM builds and the
// float32 twin, so it is built from IEEE-exact operations only: integer and bit operations and
// float32 add, sub, mul, div and sqrt, never fused multiply-add (the twin rounds after each one).
//
// Box–Muller from two uniforms per element, counter c = offset + i (mod 2^32):
//   k1 = hash(seed, 2c) >>> 8, u1 = (k1 + 1)·2^-24 in (0, 1], so log u1 is finite;
//   k2 = hash(seed, 2c + 1) >>> 8, the angle 2π·k2/2^24;
//   z = sqrt(−2·log u1)·cos(2π·k2/2^24), |z| ≤ sqrt(48·ln 2) ≈ 5.77.
// log and cos are float32 polynomials after exact range reduction (below); both are within a few
// float32 ULP of the true functions, which test/kernels/noise.test.ts measures.

import { seed_key, hash_at_x4 } from './random';
import { splat, load_part, store_part } from './math';

const INV_2_24: f32 = 5.9604644775390625e-8;
// √½: log splits u = 2^e·m with m in [√½, √2) (as math.ts log4).
const SQRT_HALF_BITS: i32 = 0x3f3504f3;
// ln 2 in two parts: e·LN2_HI is exact for the |e| ≤ 24 that occur.
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.42860682030941723e-6;
// 2π/2^24 (float32 2π scaled by a power of two): the angle of one step of k2.
const TURN_STEP: f32 = 6.2831854820251465 * INV_2_24;

/**
 * log u for u in [2^-24, 1], four lanes: u = 2^e·m, s = (m − 1)/(m + 1) with |s| ≤ 0.1716, and
 * log m = 2·atanh(s) = 2s·(1 + z/3 + z²/5 + z³/7 + z⁴/9), z = s² (the next term, z⁵/11, is below
 * 2^-28 relative).
 */
// @ts-ignore: decorator
@inline function log_unit4(u: v128): v128 {
  const e = i32x4.shr_s(i32x4.sub(u, i32x4.splat(SQRT_HALF_BITS)), 23);
  const m = i32x4.sub(u, i32x4.shl(e, 23));
  const f = f32x4.sub(m, splat(1.0)); // exact (Sterbenz)
  const s = f32x4.div(f, f32x4.add(f, splat(2.0)));
  const z = f32x4.mul(s, s);
  let q = f32x4.add(f32x4.mul(z, splat(1.0 / 9.0)), splat(1.0 / 7.0));
  q = f32x4.add(f32x4.mul(q, z), splat(1.0 / 5.0));
  q = f32x4.add(f32x4.mul(q, z), splat(1.0 / 3.0));
  const s2 = f32x4.add(s, s);
  const lm = f32x4.add(f32x4.mul(f32x4.mul(s2, z), q), s2);
  const ef = f32x4.convert_i32x4_s(e);
  return f32x4.add(f32x4.mul(ef, splat(LN2_HI)), f32x4.add(f32x4.mul(ef, splat(LN2_LO)), lm));
}

/**
 * cos(2π·k/2^24) for integer k in [0, 2^24), four lanes. Exact reduction on the integer: q = the
 * nearest quarter turn (0..4), r = k − q·2^22 in [−2^21, 2^21), t = r·TURN_STEP with |t| ≤ π/4; then
 * cos t (Taylor to t¹⁰) or sin t (to t⁹), both truncated below 2^-25, chosen and signed by q:
 * cos, −sin, −cos, sin.
 */
// @ts-ignore: decorator
@inline function cos_turn4(k: v128): v128 {
  const q = i32x4.shr_u(i32x4.add(k, i32x4.splat(1 << 21)), 22);
  const r = i32x4.sub(k, i32x4.shl(q, 22));
  const t = f32x4.mul(f32x4.convert_i32x4_s(r), splat(TURN_STEP));
  const t2 = f32x4.mul(t, t);
  let ps = f32x4.add(f32x4.mul(t2, splat(1.0 / 362880.0)), splat(-1.0 / 5040.0));
  ps = f32x4.add(f32x4.mul(ps, t2), splat(1.0 / 120.0));
  ps = f32x4.add(f32x4.mul(ps, t2), splat(-1.0 / 6.0));
  const sin = f32x4.add(f32x4.mul(f32x4.mul(ps, t2), t), t);
  let pc = f32x4.add(f32x4.mul(t2, splat(-1.0 / 3628800.0)), splat(1.0 / 40320.0));
  pc = f32x4.add(f32x4.mul(pc, t2), splat(-1.0 / 720.0));
  pc = f32x4.add(f32x4.mul(pc, t2), splat(1.0 / 24.0));
  pc = f32x4.add(f32x4.mul(pc, t2), splat(-0.5));
  const cos = f32x4.add(f32x4.mul(pc, t2), splat(1.0));
  const odd = i32x4.eq(v128.and(q, i32x4.splat(1)), i32x4.splat(1));
  const sign = i32x4.shl(v128.and(i32x4.add(q, i32x4.splat(1)), i32x4.splat(2)), 30); // quarters 1, 2
  return v128.xor(v128.bitselect(sin, cos, odd), sign);
}

/** Standard normals for the four counters in `counter` (lanes of offset + i) under `key` = seed_key(seed). */
// @ts-ignore: decorator
@inline function normal4(key: v128, counter: v128): v128 {
  const c2 = i32x4.shl(counter, 1);
  const k1 = i32x4.shr_u(hash_at_x4(key, c2), 8);
  const k2 = i32x4.shr_u(hash_at_x4(key, v128.or(c2, i32x4.splat(1))), 8);
  const u1 = f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(k1, i32x4.splat(1))), splat(INV_2_24));
  const rho = f32x4.sqrt(f32x4.mul(log_unit4(u1), splat(-2.0)));
  return f32x4.mul(rho, cos_turn4(k2));
}

const KIND_NOISE: i32 = 0; // y = x + stddev·z
const KIND_DROPOUT: i32 = 1; // mask = 1 + stddev·z, y = x·mask

// @ts-ignore: decorator
@inline function noise_loop(kind: i32, y: usize, mask: usize, x: usize, n: i32, stddev: f32, seed: i32, offset: i32): void {
  const key = i32x4.splat(seed_key(<u32>seed));
  const sd = splat(stddev);
  let counter = i32x4.add(i32x4.splat(offset), i32x4(0, 1, 2, 3));
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const rem = min(n - i, 4);
    const xv = rem == 4 ? v128.load(x + o) : load_part(x + o, rem);
    const s = f32x4.mul(sd, normal4(key, counter));
    let yv: v128;
    if (kind == KIND_NOISE) {
      yv = f32x4.add(xv, s);
    } else {
      const m = f32x4.add(splat(1.0), s);
      yv = f32x4.mul(xv, m);
      if (rem == 4) v128.store(mask + o, m);
      else store_part(mask + o, m, rem);
    }
    if (rem == 4) v128.store(y + o, yv);
    else store_part(y + o, yv, rem);
    counter = i32x4.add(counter, i32x4.splat(4));
  }
}

/** y[i] = x[i] + stddev·z(seed, offset + i). y may alias x. */
export function gaussian_noise_forward(y: usize, x: usize, n: i32, stddev: f32, seed: i32, offset: i32): void {
  noise_loop(KIND_NOISE, y, 0, x, n, stddev, seed, offset);
}

/** mask[i] = 1 + stddev·z(seed, offset + i), y[i] = x[i]·mask[i]. y may alias x; mask must not alias x or y. */
export function gaussian_dropout_forward(y: usize, mask: usize, x: usize, n: i32, stddev: f32, seed: i32, offset: i32): void {
  noise_loop(KIND_DROPOUT, y, mask, x, n, stddev, seed, offset);
}
