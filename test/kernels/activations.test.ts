import { describe, expect, it } from 'vitest';
import { Buf, Twin } from '../helpers/twin.js';
import { EXACT, TRANSCENDENTAL, expectAllClose, sumTolerance, type Tolerance } from '../helpers/close.js';
import { LONG, SIZES, uniform } from '../helpers/cases.js';
import { expectBuffersAgree, twinAndWasm } from '../helpers/agree.js';
import { ACT } from '../../src/backend/abi.js';

// Activations and softmax: both WASM builds against the float32 twin (src/backend/js/activations.ts),
// which computes transcendental functions in double precision and rounds once. linear, relu and
// leakyRelu (both directions) and the sigmoid/tanh/elu backward are plain float32 operations in the
// kernels and mirrored step by step in the twin: EXACT. The exp-based forwards and the gelu/silu
// backward are polynomial approximations: TRANSCENDENTAL, and a separate test bounds their ULP error.

const backends = await twinAndWasm();
const NAMES = Object.keys(ACT) as (keyof typeof ACT)[];
const ALPHA: Record<string, number> = { leakyRelu: 0.2, elu: 1.3 }; // elu alpha ≠ 1 so a missing scale shows
const alphaOf = (name: string): number => ALPHA[name] ?? 0;
const EXACT_FORWARD = new Set(['linear', 'relu', 'leakyRelu']);
const EXACT_BACKWARD = new Set(['linear', 'relu', 'leakyRelu', 'sigmoid', 'tanh', 'elu']);
const LENGTHS = [...SIZES, LONG];
const EXTREMES = [0, -0, Number.NaN, Infinity, -Infinity, 100, -100, 1e30, -1e30, 88.5, -88.5, 89, -104, 9.2, -9.2, 20, -20, 1e-30, -1e-30, 1e-8, -1e-8, 3.4e38, -3.4e38, 1e13, -1e13];

function forwardTol(name: string): Tolerance {
  return EXACT_FORWARD.has(name) ? EXACT : TRANSCENDENTAL;
}

/** Runs activation_forward on every backend over `values`; returns the twin and the output buffer. */
function forward(name: keyof typeof ACT, values: ArrayLike<number>, misalign = false): { t: Twin; y: Buf } {
  const t = new Twin(backends);
  const x = t.input(values, misalign);
  const y = t.output(values.length, Number.NaN, misalign);
  t.call('activation_forward', y, x, values.length, ACT[name], alphaOf(name));
  return { t, y };
}

/** The float32 twin's forward of `values` (the same y is then given to every backend's backward). */
function twinForward(name: keyof typeof ACT, values: ArrayLike<number>): Float64Array {
  const { t, y } = forward(name, values);
  return t.read(y)[0];
}

/** float32 ULP distance between two float32 values (0 when Object.is-equal). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  const key = (v: number): number => (v < 0 ? -(v & 0x7fffffff) : v);
  return Math.abs(key(i[0]) - key(i[1]));
}

describe('activation_forward', () => {
  for (const name of NAMES) {
    it(`${name}: both builds match the float32 twin for every length, in [-2, 2] and [-30, 30]`, () => {
      for (const n of LENGTHS) {
        for (const [lo, hi] of [[-2, 2], [-30, 30]]) {
          const { t, y } = forward(name, uniform(n, n + 100 * lo, lo, hi));
          expectBuffersAgree(t, y, forwardTol(name), `${name} n=${n} [${lo},${hi}]`);
          t.expectSentinelsIntact();
        }
      }
    });

    it(`${name}: extreme and special inputs (±0, NaN, ±Infinity, ±1e30, overflow/underflow edges) match the twin`, () => {
      const { t, y } = forward(name, EXTREMES);
      expectBuffersAgree(t, y, forwardTol(name), name);
      for (const got of t.read(y)) {
        EXTREMES.forEach((x, i) => {
          // NaN only from NaN; every finite or infinite input gives a non-NaN output
          expect(Number.isNaN(got[i]), `${name}(${x})`).toBe(Number.isNaN(x));
        });
      }
    });

    it(`${name}: works in place (y = x) and on misaligned pointers`, () => {
      for (const n of [17, LONG]) {
        const values = uniform(n, 7 * n);
        const { t: ref, y: out } = forward(name, values);
        const expected = ref.read(out);
        const t = new Twin(backends);
        const x = t.input(values, true);
        t.call('activation_forward', x, x, n, ACT[name], alphaOf(name));
        t.read(x).forEach((got, k) => expectAllClose(got, expected[k], EXACT, `${name} in place on ${backends[k].name}`));
        t.expectSentinelsIntact();
      }
    });
  }

  it('sigmoid, tanh, elu and silu are within 4 float32 ULP of the correctly rounded value over [-30, 30]', () => {
    // Outputs below 2^-100 are left out: there e^−|x| is subnormal and loses bits by construction.
    // gelu is not in this list: its σ(2u) amplifies the float32 rounding of u by |2u| (8 ULP near
    // x = −2, more in the far tail where |y| < 1e-20); TRANSCENDENTAL covers it above.
    const n = 60001;
    const values = new Float32Array(n).map((_, i) => -30 + (60 * i) / (n - 1));
    for (const name of ['sigmoid', 'tanh', 'elu', 'silu'] as const) {
      const { t, y } = forward(name, values);
      const [ref, ...wasm] = t.read(y);
      wasm.forEach((got, k) => {
        let worst = 0;
        let at = 0;
        for (let i = 0; i < n; i++) {
          if (Math.abs(ref[i]) < 2 ** -100) continue;
          const u = ulps(got[i], ref[i]);
          if (u > worst) [worst, at] = [u, i];
        }
        expect(worst, `${name} on ${backends[k + 1].name}: worst at x = ${values[at]}: ${got[at]} vs ${ref[at]}`).toBeLessThanOrEqual(4);
      });
    }
  });

  it('hand-computed values hold on every backend', () => {
    // [activation, x, expected y, tolerance]; EXACT also checks the sign of zero
    const cases: [keyof typeof ACT, number, number, Tolerance][] = [
      ['sigmoid', 0, 0.5, EXACT], // 1/(1 + e^0)
      ['sigmoid', -0, 0.5, EXACT],
      ['sigmoid', 100, 1, EXACT], // saturates, no NaN
      ['sigmoid', 1e30, 1, EXACT],
      ['sigmoid', -1e30, 0, EXACT],
      ['sigmoid', Math.log(3), 0.75, TRANSCENDENTAL], // 1/(1 + 1/3)
      ['tanh', 0, 0, EXACT],
      ['tanh', -0, -0, EXACT], // odd: keeps the sign of zero
      ['tanh', 20, 1, EXACT], // saturates to ±1 exactly
      ['tanh', -20, -1, EXACT],
      ['tanh', 1e30, 1, EXACT],
      ['tanh', Math.log(3) / 2, 0.5, TRANSCENDENTAL], // (3 − 1)/(3 + 1)
      ['relu', -0, -0, EXACT], // x < 0 ? 0 : x, as TensorFlow's Eigen max: −0 passes through
      ['relu', -3, 0, EXACT],
      ['relu', 3, 3, EXACT],
      ['relu', Number.NaN, Number.NaN, EXACT],
      ['leakyRelu', -2, Math.fround(Math.fround(0.2) * -2), EXACT], // alpha·x in float32
      ['elu', 0, 0, EXACT],
      ['elu', -100, -1.3, TRANSCENDENTAL], // alpha·(e^−100 − 1) = −alpha
      ['elu', -Math.log(2), -0.65, TRANSCENDENTAL], // 1.3·(1/2 − 1)
      ['gelu', 0, 0, EXACT],
      ['gelu', 1e13, 1e13, TRANSCENDENTAL], // u overflows float32 to +Infinity: σ = 1
      ['silu', 0, 0, EXACT],
      ['silu', Math.log(3), Math.log(3) * 0.75, TRANSCENDENTAL], // x·σ(x)
    ];
    for (const [name, x, expected, tol] of cases) {
      const { t, y } = forward(name, [x]);
      for (const [k, got] of t.read(y).entries()) expectAllClose(got, [Math.fround(expected)], tol, `${name}(${x}) on ${backends[k].name}`);
    }
    // x·σ(x) at −Infinity and −1e30 is the limit 0 (±0 accepted), not −Infinity·0 = NaN
    for (const name of ['gelu', 'silu'] as const) {
      const { t, y } = forward(name, [-Infinity, -1e30]);
      for (const [k, got] of t.read(y).entries()) for (const v of got) expect(v === 0, `${name} on ${backends[k].name}: ${v}`).toBe(true);
    }
  });

  it('rejects an unknown activation code on every backend', () => {
    const t = new Twin(backends);
    const x = t.input([1, 2, 3]);
    for (const [k, b] of backends.entries()) {
      const ptr = x.ptrs[k];
      expect(() => b.kernels.activation_forward(ptr, ptr, 3, 8, 0), b.name).toThrow(b.name === 'js' ? /unknown activation code 8/ : /unreachable/);
      expect(() => b.kernels.activation_backward(ptr, ptr, ptr, ptr, 3, -1, 0), b.name).toThrow(b.name === 'js' ? /unknown activation code -1/ : /unreachable/);
    }
  });
});

describe('activation_backward', () => {
  for (const name of NAMES) {
    const tol = EXACT_BACKWARD.has(name) ? EXACT : TRANSCENDENTAL;
    it(`${name}: both builds match the float32 twin for every length, misaligned, and with dx = dy`, () => {
      for (const n of LENGTHS) {
        for (const [lo, hi] of [[-2, 2], [-30, 30]]) {
          const xs = uniform(n, 3 * n + lo, lo, hi);
          if (n > 4) xs[3] = 0; // the kink: relu 0, leakyRelu and elu alpha (left derivative)
          const ys = twinForward(name, xs);
          const gs = uniform(n, 5 * n + 1);
          const t = new Twin(backends);
          const x = t.input(xs, n % 2 === 1);
          const y = t.input(ys);
          const dy = t.input(gs, true);
          const dx = t.output(n, Number.NaN, n % 3 === 0);
          t.call('activation_backward', dx, dy, x, y, n, ACT[name], alphaOf(name));
          expectBuffersAgree(t, dx, tol, `${name}' n=${n} [${lo},${hi}]`);
          // in place: dx = dy gives the same numbers
          const expected = t.read(dx);
          t.call('activation_backward', dy, dy, x, y, n, ACT[name], alphaOf(name));
          t.read(dy).forEach((got, k) => expectAllClose(got, expected[k], EXACT, `${name}' in place on ${backends[k].name}`));
          t.expectSentinelsIntact();
        }
      }
    });
  }

  it('special inputs agree with the twin (NaN, ±Infinity, ±1e30 in x and dy)', () => {
    const n = EXTREMES.length;
    for (const name of NAMES) {
      const ys = twinForward(name, EXTREMES);
      const t = new Twin(backends);
      const x = t.input(EXTREMES);
      const y = t.input(ys);
      const dy = t.input(uniform(n, 11));
      const dx = t.output(n);
      t.call('activation_backward', dx, dy, x, y, n, ACT[name], alphaOf(name));
      expectBuffersAgree(t, dx, EXACT_BACKWARD.has(name) ? EXACT : TRANSCENDENTAL, `${name}' specials`);
    }
  });

  it('reads only y for relu/leakyRelu/sigmoid/tanh/elu and only x for gelu/silu, as documented', () => {
    // Same call twice: once with both x and y, once with the buffer it must not read set to NaN.
    const n = 19;
    const xs = uniform(n, 21);
    xs[2] = 0;
    const gs = uniform(n, 22);
    const nans = new Float32Array(n).fill(Number.NaN);
    for (const name of NAMES) {
      const readsX = name === 'gelu' || name === 'silu';
      const ys = twinForward(name, xs);
      const t = new Twin(backends);
      const full = t.output(n);
      const only = t.output(n);
      t.call('activation_backward', full, t.input(gs), t.input(xs), t.input(ys), n, ACT[name], alphaOf(name));
      t.call('activation_backward', only, t.input(gs), t.input(readsX ? xs : nans), t.input(readsX ? nans : ys), n, ACT[name], alphaOf(name));
      const expected = t.read(full);
      t.read(only).forEach((got, k) => expectAllClose(got, expected[k], EXACT, `${name}' without ${readsX ? 'y' : 'x'} on ${backends[k].name}`));
    }
  });
});

describe('softmax_forward', () => {
  const shapes: [number, number][] = [...SIZES.flatMap((N) => [1, 3, 4, 17].map((M): [number, number] => [M, N])), [2, LONG]];

  it('matches the float32 twin for every M×N, in [-2, 2] and [-30, 30], misaligned and in place', () => {
    for (const [M, N] of shapes) {
      for (const [lo, hi] of [[-2, 2], [-30, 30]]) {
        const values = uniform(M * N, M * 1000 + N + lo, lo, hi);
        const t = new Twin(backends);
        const x = t.input(values, (M + N) % 2 === 1);
        const y = t.output(M * N, Number.NaN, N % 2 === 0);
        t.call('softmax_forward', y, x, M, N);
        expectBuffersAgree(t, y, TRANSCENDENTAL, `softmax ${M}x${N} [${lo},${hi}]`);
        const expected = t.read(y);
        t.call('softmax_forward', x, x, M, N);
        t.read(x).forEach((got, k) => expectAllClose(got, expected[k], EXACT, `softmax in place on ${backends[k].name}`));
        t.expectSentinelsIntact();
      }
    }
  });

  it('rows sum to 1 and are invariant to a shift (stable for inputs around ±1e4)', () => {
    const values = uniform(5 * 7, 3, -3, 3);
    const shifted = values.map((v, i) => v + (i < 14 ? 1e4 : -1e4));
    const t = new Twin(backends);
    const y = t.output(35);
    t.call('softmax_forward', y, t.input(shifted), 5, 7);
    for (const got of t.read(y)) {
      for (let i = 0; i < 5; i++) {
        const row = got.subarray(i * 7, i * 7 + 7);
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(4e-7);
        expect(row.every((v) => v > 0 && v < 1)).toBe(true);
      }
    }
  });

  it('hand-computed rows: softmax([0, ln 3]) = [0.25, 0.75], equal logits give 1/N, −Infinity gives 0', () => {
    const t = new Twin(backends);
    const z = t.output(2);
    t.call('softmax_forward', z, t.input([0, Math.log(3)]), 1, 2);
    for (const got of t.read(z)) expectAllClose(got, [0.25, 0.75], TRANSCENDENTAL, 'softmax([0, ln 3])'); // [1, 3]/4
    const u = t.output(5);
    t.call('softmax_forward', u, t.input([2, 2, 2, 2, 2]), 1, 5);
    for (const got of t.read(u)) expectAllClose(got, new Float64Array(5).fill(Math.fround(0.2)), TRANSCENDENTAL, 'equal logits');
    const v = t.output(4);
    t.call('softmax_forward', v, t.input([-Infinity, 0, -Infinity, Math.log(3)]), 1, 4);
    for (const got of t.read(v)) expectAllClose(got, [0, 0.25, 0, 0.75], TRANSCENDENTAL, '−Infinity logits');
  });

  it('a row holding NaN comes out all NaN on every backend, and the other rows are unaffected', () => {
    const values = uniform(3 * 6, 9);
    values[8] = Number.NaN;
    const t = new Twin(backends);
    const y = t.output(18);
    t.call('softmax_forward', y, t.input(values), 3, 6);
    expectBuffersAgree(t, y, TRANSCENDENTAL, 'softmax with NaN');
    for (const got of t.read(y)) {
      expect(Array.from(got.subarray(6, 12)).every(Number.isNaN)).toBe(true);
      expect(Array.from(got.subarray(0, 6)).some(Number.isNaN)).toBe(false);
      expect(Array.from(got.subarray(12, 18)).some(Number.isNaN)).toBe(false);
    }
  });
});

describe('softmax_backward', () => {
  it('matches the float32 twin for every M×N (sum tolerance over N), misaligned and with dx = dy', () => {
    for (const N of [...SIZES, LONG]) {
      for (const M of [1, 3, 5]) {
        const logits = uniform(M * N, N + M, -3, 3);
        const t0 = new Twin([backends[0]]);
        const yb = t0.output(M * N);
        t0.call('softmax_forward', yb, t0.input(logits), M, N);
        const ys = t0.read(yb)[0];
        const t = new Twin(backends);
        const y = t.input(ys, true);
        const dy = t.input(uniform(M * N, 2 * N + M));
        const dx = t.output(M * N, Number.NaN, true);
        t.call('softmax_backward', dx, dy, y, M, N);
        expectBuffersAgree(t, dx, sumTolerance(N), `softmax' ${M}x${N}`);
        const expected = t.read(dx);
        t.call('softmax_backward', dy, dy, y, M, N);
        t.read(dy).forEach((got, k) => expectAllClose(got, expected[k], EXACT, `softmax' in place on ${backends[k].name}`));
        t.expectSentinelsIntact();
      }
    }
  });

  it('maps a constant upstream gradient to zero (softmax is shift-invariant): dy = 1 → dx = y·(1 − Σy) ≈ 0', () => {
    const t = new Twin(backends);
    const y = t.output(8);
    t.call('softmax_forward', y, t.input(uniform(8, 4)), 2, 4);
    const dx = t.output(8);
    t.call('softmax_backward', dx, t.input(new Float32Array(8).fill(1)), y, 2, 4);
    for (const got of t.read(dx)) for (const v of got) expect(Math.abs(v)).toBeLessThan(1e-7);
  });
});
