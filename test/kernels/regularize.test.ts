import { describe, expect, it } from 'vitest';
import { Twin } from '../helpers/twin.js';
import { EXACT, expectAllClose, sumTolerance } from '../helpers/close.js';
import { LONG, SIZES, uniform } from '../helpers/cases.js';
import { expectBuffersAgree, expectReturnsAgree, twinAndWasm } from '../helpers/agree.js';
import { f64Backend } from '../helpers/backends.js';
import { expectGradientsMatch } from '../helpers/gradcheck.js';

// l1l2_backward is a fixed chain of float32 operations (no fusion): exact against the float32 twin.
// l1l2_value is two sums of n terms: sumTolerance(n).

const backends = await twinAndWasm();
const LENGTHS = [...SIZES, 31, 100, LONG];

function weights(n: number, seed: number): Float32Array {
  const w = uniform(n, seed);
  for (let i = 0; i < n; i += 5) w[i] = i % 10 === 0 ? 0 : -0; // sign(0) = 0 on both zeros
  return w;
}

describe('l1l2_backward', () => {
  it('equals the float32 twin exactly for every length, misaligned too, and accumulates', () => {
    for (const n of LENGTHS) {
      const t = new Twin(backends);
      const w = t.input(weights(n, n), n % 2 === 1);
      const dw = t.input(uniform(n, n + 1));
      t.call('l1l2_backward', dw, w, n, 0.01, 0.001);
      expectBuffersAgree(t, dw, EXACT, `l1l2_backward n=${n}`);
      t.call('l1l2_backward', dw, w, n, 0, 0.3);
      expectBuffersAgree(t, dw, EXACT, `l1l2_backward n=${n} again`);
      t.expectSentinelsIntact();
    }
  });

  it('adds l1·sign(w) + 2·l2·w with sign(0) = 0 (hand-computed)', () => {
    const t = new Twin(backends);
    const w = t.input([2, -1, 0, -0, 0.5, -4, 3]);
    const dw = t.input([1, 1, 1, 1, 1, 1, 1]);
    t.call('l1l2_backward', dw, w, 7, 0.125, 0.25); // 1 + 0.125·sign(w) + 0.5·w
    for (const got of t.read(dw)) expect(Array.from(got)).toEqual([2.125, 0.375, 1, 1, 1.375, -1.125, 2.625]);
  });

  it('makes the gradient of a NaN weight NaN, even with l2 = 0', () => {
    const t = new Twin(backends);
    const w = t.input([Number.NaN, 1, 1, 1, Number.NaN]);
    const dw = t.input([0, 0, 0, 0, 0]);
    t.call('l1l2_backward', dw, w, 5, 0.1, 0);
    for (const got of t.read(dw)) {
      expect(got[0]).toBeNaN();
      expect(got[4]).toBeNaN();
    }
  });

  it('is the gradient of l1l2_value (float64 twin, central differences, weights away from 0)', () => {
    const n = 12;
    const b = f64Backend();
    const w = b.arena.alloc(n);
    const dw = b.arena.alloc(n);
    const x = Float64Array.from(uniform(n, 5), (v) => v + Math.sign(v) * 0.1); // |w| ≥ 0.1: no kink within h
    const heap = b.arena.heap();
    const f = (v: Float64Array) => {
      heap.set(v, w >> 2);
      return b.kernels.l1l2_value(w, n, 0.03, 0.2);
    };
    heap.set(x, w >> 2);
    heap.fill(0, dw >> 2, (dw >> 2) + n);
    b.kernels.l1l2_backward(dw, w, n, 0.03, 0.2);
    expectGradientsMatch(f, x, heap.slice(dw >> 2, (dw >> 2) + n), 'l1l2');
  });
});

describe('l1l2_value', () => {
  it('agrees with the twin within sumTolerance(n) for every length, misaligned too', () => {
    for (const n of [...LENGTHS, 255, 256, 257, 4099]) {
      const t = new Twin(backends);
      const w = t.input(uniform(n, n), n % 2 === 0);
      expectReturnsAgree(t, t.call('l1l2_value', w, n, 0.01, 0.001), sumTolerance(n), `l1l2_value n=${n}`);
      expectReturnsAgree(t, t.call('l1l2_value', w, n, 0, 1), sumTolerance(n), `l2 only n=${n}`);
      expectReturnsAgree(t, t.call('l1l2_value', w, n, 1, 0), sumTolerance(n), `l1 only n=${n}`);
      t.expectSentinelsIntact();
    }
  });

  it('gives l1·Σ|w| + l2·Σw² (hand-computed: 0.5·6 + 0.25·14 = 6.5), and 0 for n = 0', () => {
    const t = new Twin(backends);
    const w = t.input([1, -2, 3]);
    expect(t.call('l1l2_value', w, 3, 0.5, 0.25)).toEqual([6.5, 6.5, 6.5]);
    expect(t.call('l1l2_value', w, 0, 0.5, 0.25)).toEqual([0, 0, 0]);
  });

  it('stays accurate for a 100k-parameter block (within 2^-23 of the float64 value)', () => {
    const n = 101_770; // a 784-128-10 model's parameter count
    const values = uniform(n, 11, -0.1, 0.1);
    let abs = 0;
    let sq = 0;
    for (const v of values) {
      abs += Math.abs(v);
      sq += v * v;
    }
    const l1 = Math.fround(1e-4);
    const l2 = Math.fround(1e-3);
    const exact = l1 * abs + l2 * sq;
    const t = new Twin(backends);
    const w = t.input(values);
    for (const got of t.call('l1l2_value', w, n, l1, l2)) expectAllClose([got], [exact], { rtol: 2 ** -23, atol: 0 }, 'l1l2_value 100k');
  });
});
