// The twin of assembly/noise.ts: Gaussian noise and Gaussian dropout from standard normals that are
// bit-identical to both WebAssembly builds. The normal z(seed, counter) is the kernel's Box–Muller,
// step by step: integer and bit operations as in the kernel, and Math.fround after every float
// operation (each is an IEEE float32 add, sub, mul, div or sqrt there, and one such operation done in
// float64 and rounded once gives the same float32). No Math.log or Math.cos: the kernel's
// polynomials are mirrored instead (change both files or neither; test/kernels/noise.test.ts
// compares them bit for bit). On a float64 heap z is the same float32 value; only the final
// x + stddev·z (or x·(1 + stddev·z)) is formed in float64.

import type { Kernels } from '../abi.js';
import type { FloatHeap } from '../../memory/arena.js';
import { fr } from './elementwise.js';
import { hashAt, seedKey } from './random.js';

const f32 = Math.fround;
const INV_2_24 = 2 ** -24;
const SQRT_HALF_BITS = 0x3f3504f3;
const LN2_HI = 0.693145751953125; // exact in float32, as in the kernel
const LN2_LO = f32(1.42860682030941723e-6);
const TURN_STEP = f32(2 * Math.PI) * INV_2_24; // float32 2π over 2^24 (exact scaling)
// The kernel's float32 polynomial coefficients.
const L3 = f32(1 / 3);
const L5 = f32(1 / 5);
const L7 = f32(1 / 7);
const L9 = f32(1 / 9);
const S3 = f32(-1 / 6);
const S5 = f32(1 / 120);
const S7 = f32(-1 / 5040);
const S9 = f32(1 / 362880);
const C4 = f32(1 / 24);
const C6 = f32(-1 / 720);
const C8 = f32(1 / 40320);
const C10 = f32(-1 / 3628800);

// One float32 slot seen as its bits, for the kernel's integer view of u (i32x4 on float lanes).
const bits = new Int32Array(1);
const float = new Float32Array(bits.buffer);

/** log u for u in [2^-24, 1] (a float32): u = 2^e·m, m in [√½, √2), log m = 2·atanh((m − 1)/(m + 1)). */
function logUnit(u: number): number {
  float[0] = u;
  const b = bits[0];
  const e = (b - SQRT_HALF_BITS) >> 23;
  bits[0] = b - (e << 23);
  const f = f32(float[0] - 1);
  const s = f32(f / f32(f + 2));
  const z = f32(s * s);
  let q = f32(f32(z * L9) + L7);
  q = f32(f32(q * z) + L5);
  q = f32(f32(q * z) + L3);
  const s2 = f32(s + s);
  const lm = f32(f32(f32(s2 * z) * q) + s2);
  return f32(f32(e * LN2_HI) + f32(f32(e * LN2_LO) + lm));
}

/** cos(2π·k/2^24) for an integer k in [0, 2^24): nearest quarter turn q, |t| ≤ π/4, then ±cos t or ±sin t. */
function cosTurn(k: number): number {
  const q = (k + (1 << 21)) >>> 22;
  const t = f32((k - (q << 22)) * TURN_STEP);
  const t2 = f32(t * t);
  let v: number;
  if (q & 1) {
    let p = f32(f32(t2 * S9) + S7);
    p = f32(f32(p * t2) + S5);
    p = f32(f32(p * t2) + S3);
    v = f32(f32(f32(p * t2) * t) + t);
  } else {
    let p = f32(f32(t2 * C10) + C8);
    p = f32(f32(p * t2) + C6);
    p = f32(f32(p * t2) + C4);
    p = f32(f32(p * t2) - 0.5);
    v = f32(f32(p * t2) + 1);
  }
  return (q + 1) & 2 ? -v : v; // quarters 1 and 2 are negative
}

/** The standard normal of `counter` under `key` = seedKey(seed): Box–Muller on counters 2c and 2c + 1. */
export function normalOf(key: number, counter: number): number {
  const c2 = counter << 1;
  const k1 = hashAt(key, c2) >>> 8;
  const k2 = hashAt(key, c2 | 1) >>> 8;
  const rho = f32(Math.sqrt(f32(logUnit((k1 + 1) * INV_2_24) * -2)));
  return f32(rho * cosTurn(k2));
}

/** The z that gaussian_noise_forward and gaussian_dropout_forward draw for counter (= offset + i) under seed. */
export function normalAt(seed: number, counter: number): number {
  return normalOf(seedKey(seed | 0), counter | 0);
}

export function noiseKernels(heap: () => FloatHeap): Pick<Kernels, 'gaussian_noise_forward' | 'gaussian_dropout_forward'> {
  return {
    /** y[i] = x[i] + stddev·z(seed, offset + i). y may alias x. */
    gaussian_noise_forward(y, x, n, stddev, seed, offset) {
      const h = heap();
      const f = h instanceof Float32Array;
      const sd = fr(f, stddev);
      const key = seedKey(seed | 0);
      const start = offset | 0;
      const yi = y >> 2;
      const xi = x >> 2;
      for (let i = 0; i < n; i++) h[yi + i] = h[xi + i] + fr(f, sd * normalOf(key, (start + i) | 0));
    },

    /** mask[i] = 1 + stddev·z(seed, offset + i), y[i] = x[i]·mask[i]. y may alias x. */
    gaussian_dropout_forward(y, mask, x, n, stddev, seed, offset) {
      const h = heap();
      const f = h instanceof Float32Array;
      const sd = fr(f, stddev);
      const key = seedKey(seed | 0);
      const start = offset | 0;
      const yi = y >> 2;
      const mi = mask >> 2;
      const xi = x >> 2;
      for (let i = 0; i < n; i++) {
        const m = fr(f, 1 + fr(f, sd * normalOf(key, (start + i) | 0)));
        const xs = h[xi + i];
        h[mi + i] = m;
        h[yi + i] = xs * m;
      }
    },
  };
}
