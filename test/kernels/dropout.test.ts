import { describe, expect, it } from 'vitest';
import { Buf, Twin } from '../helpers/twin.js';
import { EXACT } from '../helpers/close.js';
import { LONG, SIZES, uniform } from '../helpers/cases.js';
import { expectBuffersAgree, twinAndWasm } from '../helpers/agree.js';
import { f64Backend } from '../helpers/backends.js';
import { hashAt, mix32, seedKey, uniform01, uniformOf } from '../../src/backend/js/random.js';

// dropout_forward draws from the counter hash written twice (assembly/random.ts and
// src/backend/js/random.ts) and multiplies once: masks and outputs must be bit-identical in both
// WASM builds and the float32 twin. Statistical checks use 5-sigma binomial bounds on fixed seeds.

const backends = await twinAndWasm();
const LENGTHS = [...SIZES, 31, 100, LONG];

/** Number of kept elements (mask ≠ 0) in one backend's copy of the mask. */
const kept = (mask: Float64Array) => mask.reduce((k, m) => k + (m !== 0 ? 1 : 0), 0);
/** 5 standard deviations of a binomial count of n trials with probability p. */
const fiveSigma = (n: number, p: number) => 5 * Math.sqrt(n * p * (1 - p));

describe('dropout_forward', () => {
  it('gives bit-identical masks and outputs in both WASM builds and the twin, for every length, seed, offset and rate', () => {
    const settings = [
      { rate: 0.5, seed: 1, offset: 0 },
      { rate: 0.2, seed: 123456789, offset: 7 },
      { rate: 0.9, seed: -5, offset: 2 ** 31 - 3 }, // counters wrap past 2^31 the same way everywhere
      { rate: 0.1, seed: 2 ** 32 + 9, offset: -10 }, // seeds and offsets are i32: read mod 2^32
    ];
    for (const n of LENGTHS) {
      for (const { rate, seed, offset } of settings) {
        const t = new Twin(backends);
        const x = t.input(uniform(n, n), n % 2 === 1);
        const mask = t.output(n);
        const y = t.output(n, Number.NaN, n % 3 === 0);
        t.call('dropout_forward', y, mask, x, n, rate, seed, offset);
        expectBuffersAgree(t, mask, EXACT, `mask n=${n} rate=${rate} seed=${seed}`);
        expectBuffersAgree(t, y, EXACT, `y n=${n} rate=${rate} seed=${seed}`);
        t.expectSentinelsIntact();
      }
    }
  });

  it('writes mask = 0 or float32(1/(1 − rate)) and y = x·mask, dropping exactly where uniform01(seed, offset + i) < rate', () => {
    const n = 1000;
    const rate = 0.3;
    const seed = 99;
    const offset = 5000;
    const values = uniform(n, 4);
    const t = new Twin(backends);
    const x = t.input(values);
    const mask = t.output(n);
    const y = t.output(n);
    t.call('dropout_forward', y, mask, x, n, rate, seed, offset);
    const scale = Math.fround(1 / Math.fround(1 - Math.fround(rate)));
    const ys = t.read(y);
    const wantMask = Array.from({ length: n }, (_, i) => (uniform01(seed, offset + i) < Math.fround(rate) ? 0 : scale));
    const wantY = wantMask.map((m, i) => Math.fround(values[i] * m));
    t.read(mask).forEach((m, k) => {
      expect(Array.from(m)).toEqual(wantMask);
      expect(Array.from(ys[k])).toEqual(wantY);
    });
  });

  it('keeps a fraction 1 − rate of the elements (within 5 binomial sigmas), for several rates', () => {
    const n = 100_000;
    for (const rate of [0.05, 0.2, 0.5, 0.8]) {
      const t = new Twin(backends);
      const x = t.input(new Float32Array(n).fill(1));
      const mask = t.output(n);
      t.call('dropout_forward', x, mask, x, n, rate, 2024, 0);
      for (const m of t.read(mask)) expect(Math.abs(kept(m) - n * (1 - rate))).toBeLessThan(fiveSigma(n, 1 - rate));
    }
  });

  it('keeps every element when rate = 0: mask 1 and y = x exactly', () => {
    const values = [...uniform(37, 8), Number.NaN, -0, Infinity];
    const t = new Twin(backends);
    const x = t.input(values);
    const mask = t.output(values.length);
    const y = t.output(values.length);
    t.call('dropout_forward', y, mask, x, values.length, 0, 1, 0);
    for (const m of t.read(mask)) expect(Array.from(m)).toEqual(new Array(values.length).fill(1));
    for (const got of t.read(y)) got.forEach((v, i) => expect(Object.is(v, Math.fround(values[i]))).toBe(true));
  });

  it('draws independent-looking masks for neighbouring seeds and for shifted offsets', () => {
    // two independent masks with keep probability q agree on a fraction q² + (1 − q)²
    const n = 50_000;
    const rate = 0.5;
    const t = new Twin(backends.slice(0, 2));
    const x = t.input(new Float32Array(n).fill(1));
    const masks = [
      [1, 0],
      [2, 0],
      [0, 0],
      [-1, 0],
      [1, 1], // the same stream shifted by one element
      [1, 4],
    ].map(([seed, offset]) => {
      const m = t.output(n);
      t.call('dropout_forward', t.output(n), m, x, n, rate, seed, offset);
      return t.read(m)[1]; // the WASM build's mask
    });
    const expected = n * (rate * rate + (1 - rate) * (1 - rate));
    for (let a = 0; a < masks.length; a++) {
      for (let b = a + 1; b < masks.length; b++) {
        let same = 0;
        for (let i = 0; i < n; i++) same += masks[a][i] === masks[b][i] ? 1 : 0;
        expect(Math.abs(same - expected), `masks ${a} and ${b}`).toBeLessThan(fiveSigma(n, 0.5));
      }
    }
  });

  it('depends only on offset + i: one call over n equals two calls split at any point', () => {
    const n = 103;
    for (const split of [1, 13, 50, 64]) {
      const t = new Twin(backends);
      const x = t.input(uniform(n, 6));
      const whole = t.output(n);
      const parts = t.output(n);
      t.call('dropout_forward', t.output(n), whole, x, n, 0.4, 77, 1000);
      const y2 = t.output(n);
      const shift = (b: Buf, k: number) => new Buf(b.ptrs.map((p) => p + 4 * k), n - k);
      t.call('dropout_forward', y2, parts, x, split, 0.4, 77, 1000);
      t.call('dropout_forward', shift(y2, split), shift(parts, split), shift(x, split), n - split, 0.4, 77, 1000 + split);
      const w = t.read(whole);
      t.read(parts).forEach((p, k) => expect(Array.from(p)).toEqual(Array.from(w[k])));
      t.expectSentinelsIntact();
    }
  });

  it('works in place (y = x) and matches the out-of-place result', () => {
    const n = 45;
    const t = new Twin(backends);
    const x = t.input(uniform(n, 12));
    const x2 = t.input(uniform(n, 12));
    const m = t.output(n);
    const m2 = t.output(n);
    const y = t.output(n);
    t.call('dropout_forward', y, m, x, n, 0.25, 3, 0);
    t.call('dropout_forward', x2, m2, x2, n, 0.25, 3, 0);
    const ys = t.read(y);
    t.read(x2).forEach((got, k) => expect(Array.from(got)).toEqual(Array.from(ys[k])));
  });

  it('drops the same elements in the float64 twin (the decision uses the float32 rate there too)', () => {
    const n = 500;
    const t = new Twin([backends[0], f64Backend()]);
    const x = t.input(uniform(n, 13));
    const m = t.output(n);
    t.call('dropout_forward', t.output(n), m, x, n, 0.3, 8, 16);
    const [m32, m64] = t.read(m);
    for (let i = 0; i < n; i++) expect(m64[i] === 0).toBe(m32[i] === 0);
    expect(m64.find((v) => v !== 0)).toBe(1 / (1 - 0.3)); // the float64 twin keeps the scale in float64
  });
});

describe('the counter hash (src/backend/js/random.ts, mirrored in assembly/random.ts)', () => {
  it('is pinned: changing it changes every seeded dropout mask (and both files must change together)', () => {
    expect(mix32(0)).toBe(0);
    expect(mix32(1)).toBe(0x688990c0);
    expect(seedKey(0)).toBe(0x01fce552);
    expect(hashAt(seedKey(0), 0)).toBe(0x25abc15e);
    expect(hashAt(seedKey(0), 1)).toBe(0x411fb7af);
    expect(hashAt(seedKey(42), 7)).toBe(0x874a3ab7);
    expect(hashAt(seedKey(-1), -1)).toBe(hashAt(seedKey(0xffffffff), 0xffffffff));
  });

  it('gives u in [0, 1) as multiples of 2^-24, uniform over 64 bins (chi-square, 5 sigmas)', () => {
    const draws = 64 * 1024;
    const bins = new Array(64).fill(0);
    const key = seedKey(31337);
    let bad = 0;
    for (let i = 0; i < draws; i++) {
      const u = uniformOf(hashAt(key, i));
      if (!(u >= 0 && u < 1 && Number.isInteger(u * 2 ** 24))) bad++;
      bins[Math.floor(u * 64)]++;
    }
    expect(bad).toBe(0);
    const e = draws / 64;
    const chi2 = bins.reduce((s, b) => s + ((b - e) * (b - e)) / e, 0);
    expect(chi2).toBeLessThan(63 + 5 * Math.sqrt(2 * 63)); // mean 63, sd √126 for 63 degrees of freedom
  });

  it('flips about half of the 32 output bits when one counter bit flips (avalanche)', () => {
    const key = seedKey(5);
    let flipped = 0;
    let trials = 0;
    for (let c = 0; c < 500; c++) {
      for (let b = 0; b < 32; b++) {
        let d = (hashAt(key, c) ^ hashAt(key, c ^ (1 << b))) >>> 0;
        while (d) {
          flipped += d & 1;
          d >>>= 1;
        }
        trials++;
      }
    }
    expect(Math.abs(flipped / trials - 16)).toBeLessThan(0.2); // sd of the mean: √8/√16000 ≈ 0.022
  });
});
