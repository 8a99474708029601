// The library's seeded randomness on the TypeScript side: a small counter-based generator
// (SplitMix32-style mixing) for initial weights, shuffles and seed derivation. Dropout masks are
// drawn inside the kernels (dropout_forward) from a seed and an offset this code hands them.
// Same seed → same sequence on every runtime; nothing here depends on Math.random except randomSeed().

/** Mixes a 32-bit integer into a well-spread 32-bit integer (the SplitMix32 / murmur3 finaliser). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A seed derived from a parent seed and a stream number; results stay in [0, 2^31) so they pass as i32. */
export function deriveSeed(seed: number, stream: number): number {
  return mix32((seed >>> 0) ^ mix32((stream + 0x9e3779b9) >>> 0)) >>> 1;
}

/** A fresh seed from Math.random, for models built without one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x80000000);
}

/** A seeded generator: uniform floats, normals, integers and in-place shuffles. */
export class Rng {
  private state: number;
  private spareNormal = NaN;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(this.state);
  }

  /** Uniform in [0, 1), 53 bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by Box–Muller (the second value of each pair is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return z;
    }
    const u = 1 - this.uniform(); // (0, 1]: log(u) is finite
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Normal resampled until within two standard deviations (as tf.random.truncated_normal). */
  truncatedNormal(): number {
    for (;;) {
      const z = this.normal();
      if (z >= -2 && z <= 2) return z;
    }
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fisher–Yates shuffle of `a` in place (no allocation). */
  shuffle(a: Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
