import { describe, expect, it } from 'vitest';
import { Buf, Twin } from '../helpers/twin.js';
import { EXACT } from '../helpers/close.js';
import { LONG, SIZES, uniform } from '../helpers/cases.js';
import { expectBuffersAgree, twinAndWasm } from '../helpers/agree.js';
import { f64Backend } from '../helpers/backends.js';

// Every kernel here performs one or two float32 operations per element with no fusion in either
// build, so both WASM builds must equal the float32 twin exactly (Object.is, so NaN and −0 count).

const backends = await twinAndWasm();
const LENGTHS = [...SIZES, 31, 100, LONG];
// Values where float32 edge cases live: NaN, ±Infinity, ±0, a denormal, the largest float32.
const SPECIALS = [Number.NaN, Infinity, -Infinity, -0, 0, 1e-45, -3.4028234663852886e38, 1, -1];

function data(n: number, seed: number): Float32Array {
  const v = uniform(n, seed);
  for (let i = 0; i < n; i += 7) v[i] = SPECIALS[(i / 7) % SPECIALS.length];
  return v;
}

describe('fill', () => {
  it('writes float32(v) to exactly n elements, for every length and a misaligned pointer', () => {
    for (const n of LENGTHS) {
      for (const misalign of [false, true]) {
        const t = new Twin(backends);
        const y = t.output(n, Number.NaN, misalign);
        t.call('fill', y, n, 0.1);
        for (const got of t.read(y)) expect(Array.from(got)).toEqual(new Array(n).fill(Math.fround(0.1)));
        t.expectSentinelsIntact();
      }
    }
  });

  it('writes −0 as −0', () => {
    const t = new Twin(backends);
    const y = t.output(5);
    t.call('fill', y, 5, -0);
    for (const got of t.read(y)) for (const v of got) expect(Object.is(v, -0)).toBe(true);
  });
});

describe('copy', () => {
  it('copies n elements exactly, for every length and misaligned source and destination', () => {
    for (const n of LENGTHS) {
      const t = new Twin(backends);
      const x = t.input(data(n, n), true);
      const y = t.output(n, Number.NaN, n % 2 === 0);
      t.call('copy', y, x, n);
      for (const got of t.read(y)) expect(Array.from(got)).toEqual(Array.from(data(n, n)));
      t.expectSentinelsIntact();
    }
  });

  it('has memmove semantics: overlapping ranges copy correctly in both directions', () => {
    for (const [n, shift] of [[40, 3], [40, 16], [17, 1], [100, 37]]) {
      const values = uniform(n + shift, 5);
      const t = new Twin(backends);
      const buf = t.input(values);
      const head = new Buf(buf.ptrs, n); // elements [0, n)
      const tail = new Buf(buf.ptrs.map((p) => p + 4 * shift), n); // elements [shift, shift + n)
      // forward overlap: y = x + shift (a naive front-to-back loop would smear x[0..shift) along)
      t.call('copy', tail, head, n);
      const want = Array.from(values);
      want.splice(shift, n, ...Array.from(values.subarray(0, n)));
      for (const got of t.read(buf)) expect(Array.from(got)).toEqual(want.map(Math.fround));
      // backward overlap: y = x − shift
      t.write(buf, values);
      t.call('copy', head, tail, n);
      const back = Array.from(values);
      back.splice(0, n, ...Array.from(values.subarray(shift, shift + n)));
      for (const got of t.read(buf)) expect(Array.from(got)).toEqual(back);
      t.expectSentinelsIntact();
    }
  });
});

describe('scale, axpy and mul', () => {
  it('equal the float32 twin exactly for every length, with special values', () => {
    for (const n of LENGTHS) {
      const t = new Twin(backends);
      const x = t.input(data(n, 1));
      const y = t.input(data(n, 2));
      const z = t.output(n);
      t.call('scale', y, n, 0.3);
      expectBuffersAgree(t, y, EXACT, `scale n=${n}`);
      t.call('axpy', y, x, n, -0.7);
      expectBuffersAgree(t, y, EXACT, `axpy n=${n}`);
      t.call('mul', z, x, y, n);
      expectBuffersAgree(t, z, EXACT, `mul n=${n}`);
      t.expectSentinelsIntact();
    }
  });

  it('accept pointers 4 bytes off the 16-byte alignment', () => {
    for (const n of [5, 17, LONG]) {
      const t = new Twin(backends);
      const x = t.input(uniform(n, 3), true);
      const y = t.input(uniform(n, 4), true);
      const z = t.output(n, Number.NaN, true);
      t.call('axpy', y, x, n, 1.5);
      t.call('mul', z, y, x, n);
      t.call('scale', z, n, -2.5);
      expectBuffersAgree(t, y, EXACT, `axpy n=${n}`);
      expectBuffersAgree(t, z, EXACT, `mul then scale n=${n}`);
      t.expectSentinelsIntact();
    }
  });

  it('give the hand-computed float32 results', () => {
    const t = new Twin(backends);
    const y = t.input([1, 2, 3, -4, 5]);
    const x = t.input([1, 1, 0.5, 2, -1]);
    t.call('axpy', y, x, 5, 2); // y + 2x
    for (const got of t.read(y)) expect(Array.from(got)).toEqual([3, 4, 4, 0, 3]);
    t.call('scale', y, 5, 0.5);
    for (const got of t.read(y)) expect(Array.from(got)).toEqual([1.5, 2, 2, 0, 1.5]);
    t.call('mul', y, y, x, 5);
    for (const got of t.read(y)) expect(Array.from(got)).toEqual([1.5, 2, 1, 0, -1.5]);
  });

  it('round the axpy product before the add, as two float32 operations (no fusion in either build)', () => {
    // a·x = 2^-24·(1 + 2^-36) exactly, which rounds to 2^-24; then 1 + 2^-24 is a tie that rounds to
    // even: y stays 1. A fused multiply-add sees the 2^-60 and rounds up to 1 + 2^-23.
    const a = 1 + 2 ** -12;
    const xv = 2 ** -24 * (1 - 2 ** -12 + 2 ** -24);
    const t = new Twin(backends);
    const y = t.input([1, 1, 1, 1, 1]);
    const x = t.input([xv, xv, xv, xv, xv]);
    t.call('axpy', y, x, 5, a);
    for (const got of t.read(y)) expect(Array.from(got)).toEqual([1, 1, 1, 1, 1]);
  });

  it('work in place: mul with y = a or y = b, axpy with y = x', () => {
    for (const n of [7, 33]) {
      const t = new Twin(backends);
      const a = t.input(uniform(n, 8));
      const b = t.input(uniform(n, 9));
      const ref = t.output(n);
      t.call('mul', ref, a, b, n);
      t.call('mul', a, a, b, n);
      t.call('mul', b, ref, b, n);
      const [twinRef] = t.read(ref);
      for (const got of t.read(a)) expect(Array.from(got)).toEqual(Array.from(twinRef));
      expectBuffersAgree(t, b, EXACT, 'mul y = b');
      t.call('axpy', a, a, n, 3);
      expectBuffersAgree(t, a, EXACT, 'axpy y = x');
      t.expectSentinelsIntact();
    }
  });

  it('touch nothing when n = 0', () => {
    const t = new Twin(backends);
    const y = t.input([1, 2, 3]);
    t.call('fill', y, 0, 9);
    t.call('copy', y, y, 0);
    t.call('scale', y, 0, 9);
    t.call('axpy', y, y, 0, 9);
    t.call('mul', y, y, y, 0);
    for (const got of t.read(y)) expect(Array.from(got)).toEqual([1, 2, 3]);
    t.expectSentinelsIntact();
  });
});

describe('the float64 twin', () => {
  it('does not round to float32 (it is the gradient-check reference)', () => {
    const t = new Twin([f64Backend()]);
    const y = t.input([1, 1]);
    const x = t.input([1e-10, 3]);
    t.call('axpy', y, x, 2, 0.1);
    t.call('scale', y, 2, 0.1);
    const [got] = t.read(y);
    expect(got[0]).toBe((1 + 0.1 * 1e-10) * 0.1);
    expect(got[1]).toBe((1 + 0.1 * 3) * 0.1);
  });
});
