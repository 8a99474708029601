// Inverted dropout, forward only (backward is mul(dx, dy, mask, n), as abi.ts says). The mask comes
// from the counter-based hash in random.ts, so it depends only on (seed, offset + i): reproducible,
// stateless, and bit-identical to the twin in src/backend/js/dropout.ts.

import { seed_key, hash_at, uniform01, hash_at_x4, uniform01_x4 } from './random';

/**
 * Element i draws u = uniform01(hash(seed, offset + i)) (counters wrap mod 2^32);
 * mask[i] = u < rate ? 0 : 1/(1 − rate) (formed once in float32); y[i] = x[i]·mask[i].
 * Overwrites mask and y. y may alias x; mask must not alias x or y.
 */
export function dropout_forward(y: usize, mask: usize, x: usize, n: i32, rate: f32, seed: i32, offset: i32): void {
  const keep: f32 = <f32>1 / (<f32>1 - rate);
  const key = seed_key(<u32>seed);
  const vkey = i32x4.splat(key);
  const vrate = f32x4.splat(rate);
  const vkeep = f32x4.splat(keep);
  const four = i32x4.splat(4);
  let counter = i32x4.add(i32x4.splat(offset), i32x4(0, 1, 2, 3));
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const u = uniform01_x4(hash_at_x4(vkey, counter));
    const m = v128.andnot(vkeep, f32x4.lt(u, vrate)); // dropped lanes: all bits cleared = +0.0
    const xv = v128.load(x + o);
    v128.store(mask + o, m);
    v128.store(y + o, f32x4.mul(xv, m));
    counter = i32x4.add(counter, four);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const u = uniform01(hash_at(key, <u32>(offset + i)));
    const m: f32 = u < rate ? 0 : keep;
    const xs = load<f32>(x + o);
    store<f32>(mask + o, m);
    store<f32>(y + o, xs * m);
  }
}
